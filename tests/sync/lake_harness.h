// Test support for the pipeline over an in-memory local lake (storage::testing::FaultInjectionEnv):
// run one `write` (Pipeline::Open + Run) on given input, collect the STATEs it echoed, and read
// back what a reader of each committed table sees, through the local catalog and store, as an
// engine would: the table's Location, only the registered partitions, no '_' or '.' files.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "json/json.h"
#include "protocol/protocol.h"
#include "storage/fault_injection_env.h"
#include "storage/storage.h"
#include "sync/lake_layout.h"
#include "sync/pipeline.h"

namespace datalake::sync::testing {

using storage::testing::FaultInjectionEnv;

constexpr char kLakeRoot[] = "/lake";
constexpr char kBucket[] = "bucket";
constexpr char kDatabase[] = "db";

// A file descriptor over memory (memfd): the pipeline reads input from, and writes output to,
// file descriptors.
class MemFd {
 public:
  explicit MemFd(const std::string& content = "") : fd_(::memfd_create("lake_harness", 0)) {
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::write(fd_, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    EXPECT_EQ(::lseek(fd_, 0, SEEK_SET), 0);
  }
  ~MemFd() { ::close(fd_); }
  MemFd(const MemFd&) = delete;
  MemFd& operator=(const MemFd&) = delete;
  int fd() const { return fd_; }
  std::string Contents() const {
    std::string out;
    char buf[4096];
    ssize_t n;
    for (off_t at = 0; (n = ::pread(fd_, buf, sizeof(buf), at)) > 0; at += n) out.append(buf, n);
    return out;
  }

 private:
  int fd_;
};

// An append stream of sync 5, generation 1, partitioned by its cursor `updated_at`: a configured
// catalog entry (for tests' catalogs, after their other streams).
inline constexpr char kEventsStream[] = R"(
  {"stream":{"name":"events","json_schema":{"type":"object","properties":{
   "id":{"type":"integer"},"updated_at":{"type":"string","format":"date-time"}}},
   "supported_sync_modes":["incremental"]},"sync_mode":"incremental",
   "cursor_field":["updated_at"],"destination_sync_mode":"append","generation_id":1,
   "minimum_generation_id":0,"sync_id":5})";

// The config of every harness sync: the local lake, JSON Lines, a commit at every STATE.
inline config::Config LakeConfig() {
  config::Config config;
  config.bucket_name = kBucket;
  config.database = kDatabase;
  config.local_lake_path = kLakeRoot;
  config.format = config::OutputFormat::kJsonl;
  config.compression = config::Compression::kUncompressed;
  config.partitioning = config::Partitioning::kDay;
  config.commit_interval_seconds = 0;
  return config;
}

// Sets DATALAKE_ENCODE_THREADS while it lives ("0": everything on the pipeline thread, no commit
// pool), then puts back what was there.
class ScopedEncodeThreads {
 public:
  explicit ScopedEncodeThreads(const char* threads) {
    if (const char* old = getenv(kVariable)) saved_ = old;
    setenv(kVariable, threads, 1);
  }
  ~ScopedEncodeThreads() {
    if (saved_.has_value()) {
      setenv(kVariable, saved_->c_str(), 1);
    } else {
      unsetenv(kVariable);
    }
  }
  ScopedEncodeThreads(const ScopedEncodeThreads&) = delete;
  ScopedEncodeThreads& operator=(const ScopedEncodeThreads&) = delete;

 private:
  static constexpr char kVariable[] = "DATALAKE_ENCODE_THREADS";
  std::optional<std::string> saved_;
};

// Create the lake's root directory durably.
inline void MakeLakeRoot(FaultInjectionEnv* env) {
  ASSERT_TRUE(env->CreateDir(kLakeRoot).ok());
  ASSERT_TRUE(env->SyncDir("/").ok());
}

inline Destination LakeDestination(FaultInjectionEnv* env) {
  Destination d;
  d.env = env;
  d.store = storage::NewLocalStore(kLakeRoot, kBucket, env);
  d.catalog = catalog::NewLocalCatalog(std::string(kLakeRoot) + "/_catalog", env);
  return d;
}

struct SyncResult {
  Status status;
  std::vector<int64_t> states;  // the "n" of each echoed GLOBAL STATE, in order
  std::string output;
};

// Return the "n" of every STATE line of `output` (global.shared_state.n).
inline std::vector<int64_t> EchoedStates(const std::string& output) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    auto line = json::Parse(output.substr(start, end - start));
    start = end + 1;
    if (!line.ok() || line->Find("type") == nullptr || line->Find("type")->text() != "STATE") {
      continue;
    }
    const json::Value* n = line->Find("state")->Find("global")->Find("shared_state")->Find("n");
    out.push_back(std::stoll(n->text()));
  }
  return out;
}

// Run one `write` of `input` with `catalog_json` over the lake in `env`. The pipeline and the
// destination are gone when this returns (their clean-up ran, or failed if the env is dead).
// `adjust`, if given, changes the destination before the sync.
inline SyncResult RunSync(FaultInjectionEnv* env, const std::string& catalog_json,
                          const std::string& input, const config::Config& config = LakeConfig(),
                          const std::function<void(Destination*)>& adjust = nullptr) {
  auto parsed = protocol::ParseConfiguredCatalog(json::Parse(catalog_json).value());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  MemFd in(input);
  MemFd out;
  SyncResult result;
  {
    protocol::MessageWriter writer(out.fd());
    Destination destination = LakeDestination(env);
    if (adjust) adjust(&destination);
    Pipeline pipeline(config, &destination, &writer);
    result.status = pipeline.Open(*parsed);
    if (result.status.ok()) result.status = pipeline.Run(in.fd());
  }
  result.output = out.Contents();
  result.states = EchoedStates(result.output);
  return result;
}

// One row as a reader of the table sees it.
struct Row {
  int64_t id = 0;
  int64_t generation = 0;
  bool operator<(const Row& o) const { return id != o.id ? id < o.id : generation < o.generation; }
  bool operator==(const Row& o) const = default;
};

// The ids of `rows`, as many times as they occur.
inline std::multiset<int64_t> IdsOf(const std::vector<Row>& rows) {
  std::multiset<int64_t> out;
  for (const Row& r : rows) out.insert(r.id);
  return out;
}

// Append the rows of the JSON Lines file `key` holding `text`. A file that is not complete JSON
// Lines fails the test.
inline void AppendRows(const std::string& key, const std::string& text, std::vector<Row>* rows) {
  EXPECT_TRUE(text.empty() || text.back() == '\n') << key << " is cut short";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    auto row = json::Parse(text.substr(start, end - start));
    start = end + 1;
    EXPECT_TRUE(row.ok()) << key << ": " << row.status().ToString();
    if (!row.ok()) continue;
    rows->push_back({std::stoll(row->Find("id")->text()),
                     std::stoll(row->Find("_airbyte_generation_id")->text())});
  }
}

// Return the rows a reader of table `table` sees: the files directly in its Location (or in
// its registered partitions), skipping names that start with '_' or '.'. A file that is not
// complete JSON Lines fails the test.
inline std::vector<Row> ReadTable(FaultInjectionEnv* env, const std::string& table) {
  Destination lake = LakeDestination(env);
  auto definition = lake.catalog->GetTable(kDatabase, table);
  EXPECT_TRUE(definition.ok()) << definition.status().ToString();
  std::vector<Row> rows;
  if (!definition.ok() || !definition->has_value()) return rows;
  const json::Value& input = **definition;
  auto prefix =
      PrefixOfLocation(kBucket, input.Find("StorageDescriptor")->Find("Location")->text());
  EXPECT_TRUE(prefix.has_value());
  std::vector<std::string> subdirectories;
  const std::vector<catalog::Column> keys = catalog::PartitionKeysOf(input);
  if (keys.empty()) {
    subdirectories.push_back("");
  } else {
    auto partitions = lake.catalog->ListPartitions(kDatabase, table);
    EXPECT_TRUE(partitions.ok());
    for (const std::vector<std::string>& values : *partitions) {
      std::string subdirectory;
      for (size_t i = 0; i < keys.size(); ++i) subdirectory += keys[i].name + "=" + values[i] + "/";
      subdirectories.push_back(subdirectory);
    }
  }
  auto files = lake.store->List(*prefix);
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  for (const storage::ObjectInfo& file : *files) {
    const std::string name = file.key.substr(file.key.find_last_of('/') + 1);
    if (name[0] == '_' || name[0] == '.') continue;
    const std::string subdirectory = SubdirectoryBelow(*prefix, file.key);
    if (std::find(subdirectories.begin(), subdirectories.end(), subdirectory) ==
        subdirectories.end()) {
      continue;
    }
    auto text = lake.store->Get(file.key);
    EXPECT_TRUE(text.ok());
    AppendRows(file.key, *text, &rows);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Return the rows of every committed data file below `prefix`, wherever a reader would look or
// not (generations written apart included), skipping names that start with '_' or '.'.
inline std::vector<Row> ReadAllFiles(FaultInjectionEnv* env, const std::string& prefix) {
  Destination lake = LakeDestination(env);
  auto files = lake.store->List(prefix);
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  std::vector<Row> rows;
  for (const storage::ObjectInfo& file : *files) {
    const std::string name = file.key.substr(file.key.find_last_of('/') + 1);
    if (name[0] == '_' || name[0] == '.') continue;
    auto text = lake.store->Get(file.key);
    EXPECT_TRUE(text.ok());
    AppendRows(file.key, *text, &rows);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace datalake::sync::testing
