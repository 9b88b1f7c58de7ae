// A whole Iceberg table made of this module's files (Parquet data with field ids, manifests,
// manifest lists, metadata JSON) over three commits, read back version by version by icebird
// (npm), an Iceberg reader independent of ours: two appends, then an overwrite that marks the
// old files deleted and adds a new one. Each version must return exactly its rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "format/format.h"
#include "format/parquet_test_util.h"
#include "iceberg/iceberg.h"
#include "json/json.h"

namespace datalake::iceberg {
namespace {

using schema::DataType;
using schema::Field;
using schema::TypeKind;

constexpr char kTable[] = "s3://lake/db/events";

schema::TableSchema EventsSchema() {
  DataType tags = DataType::Of(TypeKind::kList);
  tags.element = std::make_shared<const DataType>(DataType::Of(TypeKind::kString));
  DataType address = DataType::Of(TypeKind::kStruct);
  address.fields = {Field{"city", "city", DataType::Of(TypeKind::kString)}};
  schema::TableSchema schema{{Field{"id", "id", DataType::Of(TypeKind::kInt64)},
                              Field{"name", "name", DataType::Of(TypeKind::kString)},
                              Field{"ts", "ts", DataType::Of(TypeKind::kTimestamp)},
                              Field{"score", "score", DataType::Of(TypeKind::kDouble)},
                              Field{"tags", "tags", std::move(tags)},
                              Field{"address", "address", std::move(address)}}};
  int32_t last = 0;
  EXPECT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
  return schema;
}

class TableBuilder {
 public:
  explicit TableBuilder(std::string root) : root_(std::move(root)) {
    metadata_ = NewTableMetadata("3f6a2c58-2f0e-4b8e-9d0b-6c1b2f4e7a10", kTable, EventsSchema(),
                                 PartitionSpec{}, {{"write.format.default", "parquet"}}, 1000);
  }

  std::string Local(const std::string& uri) const { return root_ + "/" + uri.substr(5); }

  void Put(const std::string& uri, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(Local(uri)).parent_path());
    std::ofstream(Local(uri), std::ios::binary) << bytes;
  }

  // A data file of rows with ids [first, last].
  DataFileInfo DataFile(const std::string& name, int64_t first, int64_t last) {
    const std::string uri = std::string(kTable) + "/data/" + name + ".parquet";
    std::filesystem::create_directories(std::filesystem::path(Local(uri)).parent_path());
    format::testing::FileSink sink(Local(uri));
    format::ParquetOptions options;
    options.compression = format::Compression::kSnappy;
    const schema::TableSchema& schema = *metadata_.current_schema();
    auto encoder = format::NewParquetEncoder(schema, options, &sink);
    EXPECT_TRUE(encoder.ok());
    format::Row row;
    for (int64_t id = first; id <= last; ++id) {
      row.Clear();
      row.AppendInt64(id);
      row.AppendString("name-" + std::to_string(id));
      row.AppendTimestamp(1'700'000'000'000'000 + id * 1'000'000);
      if (id % 3 == 0) {
        row.AppendNull();
      } else {
        row.AppendDouble(static_cast<double>(id) / 2);
      }
      const size_t list = row.BeginList();
      row.AppendString("t" + std::to_string(id));
      row.EndList(list, 1);
      row.AppendStruct();
      row.AppendString("city-" + std::to_string(id % 2));
      (*encoder)->Append(row);
    }
    EXPECT_TRUE((*encoder)->Finish().ok());
    return DataFileFrom((*encoder)->summary(), schema, uri, {});
  }

  // Commit a snapshot: new manifests for `added`, the previous snapshot's manifests kept, or
  // with `overwrite` every file of them as a DELETED entry in one rewritten manifest.
  std::string Commit(const std::vector<DataFileInfo>& added, bool overwrite) {
    const int64_t snapshot_id = 5000 + static_cast<int64_t>(metadata_.snapshots.size());
    const int64_t sequence = metadata_.last_sequence_number + 1;
    std::vector<ManifestFile> manifests;
    std::vector<ManifestEntry> entries;
    for (const DataFileInfo& f : added)
      entries.push_back({EntryStatus::kAdded, snapshot_id, {}, {}, f});
    manifests.push_back(Manifest(entries, snapshot_id, sequence, sequence));
    if (overwrite) {
      std::vector<ManifestEntry> deleted;
      for (const auto& [file, seq] : live_) {
        deleted.push_back({EntryStatus::kDeleted, snapshot_id, seq, seq, file});
      }
      manifests.push_back(Manifest(deleted, snapshot_id, sequence, 1));
      live_.clear();
    } else {
      for (const ManifestFile& m : current_manifests_) manifests.push_back(m);
    }
    for (const DataFileInfo& f : added) live_.emplace_back(f, sequence);
    current_manifests_ = {manifests.front()};
    if (!overwrite) {
      current_manifests_ = manifests;
    }
    const std::string list_uri =
        std::string(kTable) + "/metadata/snap-" + std::to_string(snapshot_id) + "-1-c0ffee.avro";
    auto list =
        WriteManifestList(snapshot_id, metadata_.current_snapshot_id, sequence, manifests, Sync());
    EXPECT_TRUE(list.ok());
    Put(list_uri, *list);
    Snapshot snapshot;
    snapshot.snapshot_id = snapshot_id;
    snapshot.parent_snapshot_id = metadata_.current_snapshot_id;
    snapshot.sequence_number = sequence;
    snapshot.timestamp_ms = 2000 + sequence;
    snapshot.manifest_list = list_uri;
    snapshot.summary = {{"operation", overwrite ? "overwrite" : "append"},
                        {"added-data-files", std::to_string(added.size())}};
    snapshot.schema_id = metadata_.current_schema_id;
    metadata_.metadata_log.push_back({metadata_.last_updated_ms, last_metadata_});
    metadata_.snapshots.push_back(snapshot);
    metadata_.snapshot_log.push_back({snapshot.timestamp_ms, snapshot_id});
    metadata_.last_sequence_number = sequence;
    metadata_.last_updated_ms = snapshot.timestamp_ms;
    metadata_.current_snapshot_id = snapshot_id;
    metadata_.refs = {{"main", snapshot_id, "branch"}};
    return WriteMetadata();
  }

  std::string WriteMetadata() {
    char name[64];
    std::snprintf(name, sizeof(name), "%05d-4a1b.metadata.json", version_++);
    last_metadata_ = std::string(kTable) + "/metadata/" + name;
    Put(last_metadata_, json::Serialize(MetadataToJson(metadata_)));
    return name;
  }

 private:
  static std::array<uint8_t, 16> Sync() {
    std::array<uint8_t, 16> s{};
    s[0] = 42;
    return s;
  }

  ManifestFile Manifest(const std::vector<ManifestEntry>& entries, int64_t snapshot_id,
                        int64_t sequence, int64_t min_sequence) {
    ManifestFile m;
    auto bytes = WriteManifest(*metadata_.current_schema(), metadata_.current_schema_id,
                               *metadata_.default_spec(), entries, Sync(), &m);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    m.manifest_path = std::string(kTable) + "/metadata/m" + std::to_string(manifests_++) + ".avro";
    m.manifest_length = static_cast<int64_t>(bytes->size());
    m.sequence_number = sequence;
    m.min_sequence_number = min_sequence;
    m.added_snapshot_id = snapshot_id;
    m.content = 0;
    Put(m.manifest_path, *bytes);
    return m;
  }

  std::string root_;
  TableMetadata metadata_;
  std::vector<std::pair<DataFileInfo, int64_t>> live_;  // file, its sequence number
  std::vector<ManifestFile> current_manifests_;
  std::string last_metadata_;
  int version_ = 0;
  int manifests_ = 0;
};

std::vector<std::string> IdsOf(const json::Value& rows) {
  std::vector<std::string> ids;
  for (const json::Value& row : rows.items()) ids.push_back(row.Find("id")->text());
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return std::stoll(a) < std::stoll(b);
  });
  return ids;
}

TEST(IcebirdTest, EveryVersionOfATableReadsAsItsRows) {
  if (std::system("command -v node >/dev/null 2>&1") != 0 ||
      !std::filesystem::exists(format::testing::SourceDir() + "/node_modules/icebird")) {
    GTEST_SKIP() << "node or node_modules/icebird is missing (npm ci)";
  }
  const std::string root = format::testing::MakeTempDir("icebird");
  TableBuilder table(root);
  const std::string created = table.WriteMetadata();
  const std::string first =
      table.Commit({table.DataFile("d1", 1, 3), table.DataFile("d2", 4, 5)}, false);
  const std::string second = table.Commit({table.DataFile("d3", 6, 6)}, false);
  const std::string third = table.Commit({table.DataFile("d4", 100, 102)}, true);
  // Forty files in one commit: a manifest big enough to be deflated.
  std::vector<DataFileInfo> many;
  for (int64_t i = 0; i < 40; ++i)
    many.push_back(table.DataFile("e" + std::to_string(i), 200 + i, 200 + i));
  const std::string fourth = table.Commit(many, false);

  std::string command =
      "node " +
      format::testing::ShellQuote(format::testing::SourceDir() + "/tests/tools/iceberg_read.mjs") +
      " " + format::testing::ShellQuote(root) + " " + kTable + " " + created + " " + first + " " +
      second + " " + third + " " + fourth;
  std::FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) text.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0) << text;
  std::map<std::string, json::Value> versions;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = json::Parse(std::string_view(text).substr(start, end - start));
    start = end + 1;
    ASSERT_TRUE(line.ok()) << text;
    versions[line->Find("metadata")->text()] = *line;
  }
  // A table without a snapshot has no rows; icebird 0.3.1 says so with an error.
  EXPECT_NE(versions[created].Find("error"), nullptr);
  for (const std::string& v : {first, second, third, fourth}) {
    ASSERT_EQ(versions[v].Find("error"), nullptr) << v << ": " << versions[v].Find("error")->text();
    ASSERT_NE(versions[v].Find("rows"), nullptr) << v << " was not read";
  }
  EXPECT_EQ(IdsOf(*versions[first].Find("rows")),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(IdsOf(*versions[second].Find("rows")),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(IdsOf(*versions[third].Find("rows")), (std::vector<std::string>{"100", "101", "102"}));
  // The forty files' manifest was deflated (the others are too small), and read as well.
  std::ifstream manifest(root + "/lake/db/events/metadata/m4.avro", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(manifest)), {});
  EXPECT_NE(bytes.find("avro.codec\x0e"
                       "deflate"),
            std::string::npos);
  std::vector<std::string> all = {"100", "101", "102"};
  for (int i = 0; i < 40; ++i) all.push_back(std::to_string(200 + i));
  EXPECT_EQ(IdsOf(*versions[fourth].Find("rows")), all);
  // Every column comes back as written, nested ones included.
  const json::Value& row = versions[third].Find("rows")->items()[0];
  EXPECT_EQ(row.Find("name")->text(), "name-100");
  EXPECT_EQ(row.Find("score")->AsDouble(), 50.0);
  EXPECT_EQ(row.Find("tags")->items()[0].text(), "t100");
  EXPECT_EQ(row.Find("address")->Find("city")->text(), "city-0");
  EXPECT_EQ(row.Find("ts")->text(), "2023-11-14T22:15:00.000Z");
}

}  // namespace
}  // namespace datalake::iceberg
