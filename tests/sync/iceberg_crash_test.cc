// The acknowledgement contract on Iceberg tables at every step, without real I/O: syncs into an
// in-memory local lake (FaultInjectionEnv) are killed after each of their file operations in
// turn (a commit's data file, manifests, manifest list, metadata file, catalog swap, deletions).
// The tables are read as an Iceberg reader reads them: the catalog's metadata_location, the
// metadata file, the ref's snapshot, its manifest list and manifests, the live data files (each
// must exist whole: its size as the manifest says, Parquet magic at both ends). A file's rows
// are known from its manifest entry: every data file holds consecutive ids of one stream (the
// input is laid out so, and a commit at every STATE cuts the files there), so the id bounds and
// the record count name them, and the generation bounds name the generation. After each crash:
// (a) every row acknowledged by an echoed STATE is committed (a truncate's on its staging
//     branch until it switches); readers of main see the old generation of the truncated stream
//     or only the new one, never both;
// (b) a sync resumed after the last echoed STATE ends with every row, only the new generation
//     in the truncated table, and duplicates only among rows sent again.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "iceberg/iceberg.h"
#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using testing::FaultInjectionEnv;
using testing::IdsOf;
using testing::Row;
using testing::RunSync;

config::Config IcebergConfig() {
  config::Config config = testing::LakeConfig();
  config.format = config::OutputFormat::kParquet;
  config.partitioning = config::Partitioning::kNone;
  config.table_format = config::TableFormat::kIceberg;
  return config;
}

// `users` appends; `orders` is refreshed (generation 2 by the set-up sync, 3 by the main one).
std::string Catalog(int64_t sync_id, int64_t orders_generation) {
  const std::string g = std::to_string(orders_generation);
  const std::string s = std::to_string(sync_id);
  const std::string schema = R"({"type":"object","properties":{"id":{"type":"integer"}}})";
  return R"({"streams":[
    {"stream":{"name":"users","json_schema":)" +
         schema + R"(,"supported_sync_modes":["incremental"]},"sync_mode":"incremental",
     "destination_sync_mode":"append","generation_id":1,"minimum_generation_id":0,"sync_id":)" +
         s + R"(},
    {"stream":{"name":"orders","json_schema":)" +
         schema + R"(,"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh",
     "destination_sync_mode":"overwrite","generation_id":)" +
         g + R"(,"minimum_generation_id":)" + g + R"(,"sync_id":)" + s + "}]}";
}

std::string Record(const std::string& stream, int64_t id) {
  return R"({"type":"RECORD","record":{"stream":")" + stream +
         R"(","emitted_at":1700000000000,"data":{"id":)" + std::to_string(id) + "}}}\n";
}
std::string State(int64_t n) {
  return R"({"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"n":)" +
         std::to_string(n) + R"(},"stream_states":[]}}})" + "\n";
}

const std::string kSetup = Record("users", 1) + Record("users", 2) + Record("orders", 101) +
                           Record("orders", 102) + State(0);
// Between two STATEs each stream's ids are consecutive.
const std::vector<std::string> kMain = {
    Record("users", 3) + Record("users", 4) + Record("orders", 103) + State(1),
    Record("orders", 104) + State(2), Record("users", 5) + State(3),
    Record("orders", 105) + State(4)};
const std::multiset<int64_t> kUsers = {1, 2, 3, 4, 5};
const std::multiset<int64_t> kNewOrders = {103, 104, 105};

// The input after STATE `n` (all of it for n < 1): what a resumed source sends.
std::string After(int64_t n) {
  std::string out;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(n, 0)); i < kMain.size(); ++i) {
    out += kMain[i];
  }
  return out;
}
// The ids of `stream` sent after STATE `n`.
std::set<int64_t> SentAfter(const std::string& stream, int64_t n) {
  std::set<int64_t> out;
  const std::string text = After(n);
  const std::string head =
      R"("stream":")" + stream + R"(","emitted_at":1700000000000,"data":{"id":)";
  for (size_t at = text.find(head); at != std::string::npos; at = text.find(head, at + 1)) {
    out.insert(std::stoll(text.substr(at + head.size())));
  }
  return out;
}

int64_t LittleEndian(const std::string& bytes) {
  EXPECT_EQ(bytes.size(), 8u);
  uint64_t v = 0;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  }
  return static_cast<int64_t>(v);
}

const std::string* BoundOf(const std::vector<std::pair<int32_t, std::string>>& bounds, int32_t id) {
  for (const auto& [field, bytes] : bounds) {
    if (field == id) return &bytes;
  }
  return nullptr;
}

// The rows of `table` at `ref` as an Iceberg reader sees them; nullopt when the table or the
// ref does not exist.
std::optional<std::vector<Row>> ReadIceberg(FaultInjectionEnv* env, const std::string& table,
                                            const std::string& ref = "main") {
  Destination lake = testing::LakeDestination(env);
  auto definition = lake.catalog->GetTable(testing::kDatabase, table);
  EXPECT_TRUE(definition.ok()) << definition.status().ToString();
  if (!definition.ok() || !definition->has_value()) return std::nullopt;
  const json::Value* location = (**definition).Find("Parameters")->Find("metadata_location");
  EXPECT_NE(location, nullptr);
  if (location == nullptr) return std::nullopt;
  const std::string bucket = std::string("s3://") + testing::kBucket + "/";
  auto key = [&](const std::string& uri) { return uri.substr(bucket.size()); };
  auto text = lake.store->Get(key(location->text()));
  EXPECT_TRUE(text.ok()) << location->text() << ": " << text.status().ToString();
  if (!text.ok()) return std::nullopt;
  auto parsed = json::Parse(*text);
  EXPECT_TRUE(parsed.ok()) << location->text() << ": " << parsed.status().ToString();
  if (!parsed.ok()) return std::nullopt;
  auto metadata = iceberg::MetadataFromJson(*parsed);
  EXPECT_TRUE(metadata.ok()) << metadata.status().ToString();
  if (!metadata.ok()) return std::nullopt;
  const iceberg::SnapshotRef* at = metadata->FindRef(ref);
  if (at == nullptr) return std::nullopt;
  const iceberg::Snapshot* snapshot = metadata->FindSnapshot(at->snapshot_id);
  EXPECT_NE(snapshot, nullptr);
  if (snapshot == nullptr) return std::nullopt;
  int32_t id_field = 0;
  int32_t generation_field = 0;
  for (const auto& entry : metadata->schemas) {
    for (const schema::Field& f : entry.schema.columns) {
      if (f.name == "id") id_field = f.field_id;
      if (f.name == "_airbyte_generation_id") generation_field = f.field_id;
    }
  }
  std::vector<Row> rows;
  auto list = lake.store->Get(key(snapshot->manifest_list));
  EXPECT_TRUE(list.ok()) << snapshot->manifest_list << " is missing";
  if (!list.ok()) return std::nullopt;
  auto manifests = iceberg::ReadManifestList(*list);
  EXPECT_TRUE(manifests.ok()) << manifests.status().ToString();
  if (!manifests.ok()) return std::nullopt;
  for (const iceberg::ManifestFile& listed : *manifests) {
    auto bytes = lake.store->Get(key(listed.manifest_path));
    EXPECT_TRUE(bytes.ok()) << listed.manifest_path << " is missing";
    if (!bytes.ok()) continue;
    auto manifest = iceberg::ReadManifest(*bytes, listed);
    EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
    if (!manifest.ok()) continue;
    for (const iceberg::ManifestEntry& e : manifest->entries) {
      if (e.status == iceberg::EntryStatus::kDeleted) continue;
      const iceberg::DataFileInfo& f = e.file;
      auto data = lake.store->Get(key(f.file_path));
      EXPECT_TRUE(data.ok()) << f.file_path << " is named by the table but missing";
      if (!data.ok()) continue;
      EXPECT_EQ(static_cast<int64_t>(data->size()), f.file_size_in_bytes) << f.file_path;
      EXPECT_TRUE(data->starts_with("PAR1") && data->ends_with("PAR1")) << f.file_path;
      const std::string* low = BoundOf(f.lower_bounds, id_field);
      const std::string* high = BoundOf(f.upper_bounds, id_field);
      const std::string* generation = BoundOf(f.lower_bounds, generation_field);
      EXPECT_TRUE(low != nullptr && high != nullptr && generation != nullptr) << f.file_path;
      if (low == nullptr || high == nullptr || generation == nullptr) continue;
      const int64_t first = LittleEndian(*low);
      EXPECT_EQ(LittleEndian(*high) - first + 1, f.record_count) << "ids not consecutive";
      for (int64_t id = first; id <= LittleEndian(*high); ++id) {
        rows.push_back({id, LittleEndian(*generation)});
      }
    }
  }
  return rows;
}

class IcebergCrashTest : public ::testing::Test {
 protected:
  void SetUpLake(FaultInjectionEnv* env) {
    testing::MakeLakeRoot(env);
    auto setup = RunSync(env, Catalog(6, 2), kSetup, IcebergConfig());
    ASSERT_TRUE(setup.status.ok()) << setup.status.ToString();
    ASSERT_EQ(setup.states, std::vector<int64_t>{0});
  }

  // (a) after a crash of a sync that read the input after STATE `resumed_after`.
  void ExpectAcknowledgedRowsCommitted(FaultInjectionEnv* env, const std::vector<int64_t>& echoed,
                                       int64_t resumed_after) {
    const int64_t upto = echoed.empty() ? resumed_after : echoed.back();
    auto users = ReadIceberg(env, "users");
    ASSERT_TRUE(users.has_value());
    auto orders_main = ReadIceberg(env, "orders");
    ASSERT_TRUE(orders_main.has_value());
    // Readers of main: the old generation whole, or only the new one.
    const std::multiset<int64_t> main_ids = IdsOf(*orders_main);
    std::set<int64_t> generations;
    for (const Row& r : *orders_main) generations.insert(r.generation);
    if (generations.count(2) > 0) {
      EXPECT_EQ(main_ids, (std::multiset<int64_t>{101, 102})) << "generations mixed in main";
    }
    std::vector<Row> orders = *orders_main;
    if (auto branch = ReadIceberg(env, "orders", "airbyte-truncate-generation-3")) {
      orders.insert(orders.end(), branch->begin(), branch->end());
    }
    const std::multiset<int64_t> user_ids = IdsOf(*users);
    const std::multiset<int64_t> order_ids = IdsOf(orders);
    for (int64_t id : kUsers) {
      if (upto >= 0 && SentAfter("users", upto).count(id) == 0) {
        EXPECT_GT(user_ids.count(id), 0u) << "users row " << id << " acknowledged, not committed";
      }
    }
    for (int64_t id : kNewOrders) {
      if (upto >= 1 && SentAfter("orders", upto).count(id) == 0) {
        EXPECT_GT(order_ids.count(id), 0u) << "orders row " << id << " acknowledged, not committed";
      }
    }
  }

  // (b) a resumed sync completes: every row, only generation 3 in orders; rows sent after STATE
  // `repeat_from` may be there up to `runs` times, others once.
  void ExpectResumedSyncCompletes(FaultInjectionEnv* env, int64_t last, int64_t repeat_from,
                                  size_t runs) {
    auto restart = RunSync(env, Catalog(7, 3), After(last), IcebergConfig());
    ASSERT_TRUE(restart.status.ok()) << restart.status.ToString();
    auto users = ReadIceberg(env, "users");
    auto orders = ReadIceberg(env, "orders");
    ASSERT_TRUE(users.has_value() && orders.has_value());
    for (const auto& [name, rows, wanted] :
         {std::tuple{"users", *users, kUsers}, std::tuple{"orders", *orders, kNewOrders}}) {
      const std::multiset<int64_t> got = IdsOf(rows);
      const std::set<int64_t> may_repeat = SentAfter(name, repeat_from);
      for (int64_t id : wanted) {
        EXPECT_GE(got.count(id), 1u) << name << " row " << id << " is lost";
        EXPECT_LE(got.count(id), may_repeat.count(id) > 0 ? runs : 1u) << name << " row " << id;
      }
      for (int64_t id : got) EXPECT_EQ(wanted.count(id), 1u) << name << " unexpected row " << id;
    }
    for (const Row& r : *orders) EXPECT_EQ(r.generation, 3) << "orders row " << r.id;
    EXPECT_FALSE(ReadIceberg(env, "orders", "airbyte-truncate-generation-3").has_value())
        << "the staging branch outlives its switch";
  }
};

TEST_F(IcebergCrashTest, WithoutFaultsEveryStateIsEchoedAndTheTruncateSwitches) {
  FaultInjectionEnv env;
  SetUpLake(&env);
  EXPECT_EQ(IdsOf(*ReadIceberg(&env, "orders")), (std::multiset<int64_t>{101, 102}));
  auto sync = RunSync(&env, Catalog(7, 3), After(0), IcebergConfig());
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1, 2, 3, 4}));
  env.Crash();  // everything acknowledged is durable
  EXPECT_EQ(IdsOf(ReadIceberg(&env, "users").value_or(std::vector<Row>{})), kUsers);
  EXPECT_EQ(IdsOf(ReadIceberg(&env, "orders").value_or(std::vector<Row>{})), kNewOrders);
}

// Crash after each file operation of the main sync, then resume after its last echoed STATE;
// crash the resumed sync after a spread of its own steps too, then resume again.
TEST_F(IcebergCrashTest, CrashAfterEveryFileOperationThenOfTheResumedSyncLosesNothingAcknowledged) {
  int mutations = 0;
  {
    FaultInjectionEnv env;
    SetUpLake(&env);
    const int before = env.mutations();
    ASSERT_TRUE(RunSync(&env, Catalog(7, 3), After(0), IcebergConfig()).status.ok());
    mutations = env.mutations() - before;
  }
  ASSERT_GT(mutations, 40) << "the sync's steps are counted";
  // Under the sanitizers (scripts/sanitize.sh sets DATALAKE_TEST_CRASH_STRIDE=N) every 2Nth
  // first crash point: each point here costs about twice the Hive test's (pipeline_crash_test.cc)
  // and the release run takes them all.
  const char* stride_knob = std::getenv("DATALAKE_TEST_CRASH_STRIDE");
  const int stride = stride_knob != nullptr ? 2 * std::max(1, std::atoi(stride_knob)) : 1;
  int pairs = 0;
  for (int k = 1; k <= mutations && !HasFailure(); k += stride) {
    for (int j = 1; !HasFailure(); j += 2 + 2 * j) {  // 1, 5, 17, 53, ...: a spread
      SCOPED_TRACE("crash after step " + std::to_string(k) + ", then after step " +
                   std::to_string(j) + " of the resumed sync");
      FaultInjectionEnv env;
      SetUpLake(&env);
      env.CrashAfterMutation(k);
      auto first = RunSync(&env, Catalog(7, 3), After(0), IcebergConfig());
      ASSERT_TRUE(env.dead());
      env.Crash();
      ExpectAcknowledgedRowsCommitted(&env, first.states, 0);
      const int64_t first_last = first.states.empty() ? 0 : first.states.back();
      env.CrashAfterMutation(j);
      auto second = RunSync(&env, Catalog(7, 3), After(first_last), IcebergConfig());
      if (!env.dead()) {  // the resumed sync had fewer than j steps: it completed
        ASSERT_TRUE(second.status.ok()) << second.status.ToString();
        env.Crash();  // disarms the crash point; what it acknowledged is durable
        ExpectResumedSyncCompletes(&env, 4, first_last, 2);
        break;
      }
      ++pairs;
      env.Crash();
      ExpectAcknowledgedRowsCommitted(&env, second.states, first_last);
      const int64_t last = second.states.empty() ? first_last : second.states.back();
      ExpectResumedSyncCompletes(&env, last, first_last, 3);
    }
  }
  EXPECT_GT(pairs, mutations / stride);
  RecordProperty("crash_points", mutations);
  RecordProperty("crash_pairs", pairs);
}

}  // namespace
}  // namespace datalake::sync
