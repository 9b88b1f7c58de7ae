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

// Without ids: the table assigns them.
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
  return schema;
}

// A table in a local directory that stands for S3, committed to with PlanCommit and
// PlanFastForward as the sync will: objects first, then the metadata file.
class Table {
 public:
  explicit Table(std::string root) : root_(std::move(root)) {}

  std::string Local(const std::string& uri) const { return root_ + "/" + uri.substr(5); }

  void Put(const std::string& uri, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(Local(uri)).parent_path());
    std::ofstream(Local(uri), std::ios::binary) << bytes;
  }

  Result<std::string> Read(const std::string& uri) const {
    std::ifstream in(Local(uri), std::ios::binary);
    if (!in) return Status::NotFound(uri);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  std::string Create(schema::TableSchema schema) {
    int32_t last = 0;
    EXPECT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
    metadata_ = NewTableMetadata("3f6a2c58-2f0e-4b8e-9d0b-6c1b2f4e7a10", kTable, std::move(schema),
                                 PartitionSpec{}, {{"write.format.default", "parquet"}}, 1000);
    uri_ = MetadataUri(kTable, 0, "c0");
    Put(uri_, json::Serialize(MetadataToJson(metadata_)));
    return Name();
  }

  // A data file of rows with ids [first, last] in the writer's schema (its ids taken from the
  // table's schema after the commit that will add it: `schema`, evolved).
  DataFileInfo DataFile(const std::string& name, const schema::TableSchema& writer, int64_t first,
                        int64_t last) {
    schema::TableSchema file_schema = writer;
    schema::TableSchema evolved = MergeSchemas(*metadata_.current_schema(), WithIds(writer));
    int32_t unused = metadata_.last_column_id + 1000;
    EXPECT_TRUE(AssignFieldIds(&evolved, &unused, &file_schema).ok());
    const std::string uri = std::string(kTable) + "/data/" + name + ".parquet";
    std::filesystem::create_directories(std::filesystem::path(Local(uri)).parent_path());
    format::testing::FileSink sink(Local(uri));
    format::ParquetOptions options;
    options.compression = format::Compression::kSnappy;
    auto encoder = format::NewParquetEncoder(file_schema, options, &sink);
    EXPECT_TRUE(encoder.ok());
    format::Row row;
    const bool note = file_schema.columns.size() > 6;
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
      if (note) row.AppendString("note-" + std::to_string(id));
      (*encoder)->Append(row);
    }
    EXPECT_TRUE((*encoder)->Finish().ok());
    return DataFileFrom((*encoder)->summary(), file_schema, uri, {});
  }

  std::string Commit(CommitRequest request) {
    CommitIds ids;
    ids.snapshot_id = 5000 + static_cast<int64_t>(metadata_.snapshots.size());
    ids.commit_uuid = "c" + std::to_string(++commits_);
    ids.now_ms = 2000 + commits_;
    ids.sync[0] = 42;
    auto planned = PlanCommit(metadata_, uri_, request, ids,
                              [this](const std::string& uri) { return Read(uri); });
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    return Apply(std::move(*planned));
  }

  std::string FastForward(const std::string& from) {
    CommitIds ids;
    ids.commit_uuid = "c" + std::to_string(++commits_);
    ids.now_ms = 2000 + commits_;
    auto planned = PlanFastForward(metadata_, uri_, from, "main", ids,
                                   [this](const std::string& uri) { return Read(uri); });
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    return Apply(std::move(*planned));
  }

  const TableMetadata& metadata() const { return metadata_; }

 private:
  schema::TableSchema WithIds(schema::TableSchema writer) {
    int32_t last = metadata_.last_column_id;
    EXPECT_TRUE(AssignFieldIds(metadata_.current_schema(), &last, &writer).ok());
    return writer;
  }

  std::string Apply(PlannedCommit planned) {
    for (const auto& [uri, bytes] : planned.objects) Put(uri, bytes);
    Put(planned.metadata_uri, json::Serialize(MetadataToJson(planned.metadata)));
    metadata_ = std::move(planned.metadata);
    uri_ = planned.metadata_uri;
    return Name();
  }

  std::string Name() const { return uri_.substr(uri_.rfind('/') + 1); }

  std::string root_;
  TableMetadata metadata_;
  std::string uri_;
  int commits_ = 0;
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
  Table table(root);
  schema::TableSchema writer = EventsSchema();
  const std::string created = table.Create(writer);
  CommitRequest append;
  append.schema = &writer;
  append.added = {table.DataFile("d1", writer, 1, 3), table.DataFile("d2", writer, 4, 5)};
  const std::string first = table.Commit(append);
  // A column added: a new schema; files written before read the column as null.
  schema::TableSchema with_note = writer;
  with_note.columns.push_back(Field{"note", "note", DataType::Of(TypeKind::kString)});
  append.schema = &with_note;
  append.added = {table.DataFile("d3", with_note, 6, 6)};
  const std::string second = table.Commit(append);
  EXPECT_EQ(table.metadata().schemas.size(), 2u);
  EXPECT_EQ(table.metadata().current_schema()->columns.back().field_id, 9);
  // A truncate commits to a staging branch: main, which readers see, is unchanged until the
  // switch, which shows the new generation only.
  CommitRequest truncate;
  truncate.branch = "staging";
  truncate.remove_all = true;
  truncate.schema = &with_note;
  truncate.added = {table.DataFile("d4", with_note, 100, 102)};
  const std::string staged = table.Commit(truncate);
  EXPECT_EQ(table.metadata().FindRef("staging")->snapshot_id, 5002);
  EXPECT_EQ(table.metadata().current_snapshot_id, 5001);
  const std::string switched = table.FastForward("staging");
  EXPECT_EQ(table.metadata().current_snapshot_id, 5002);
  EXPECT_EQ(table.metadata().FindRef("staging"), nullptr);
  // Forty files in one commit: a manifest big enough to be deflated.
  append.schema = &with_note;
  append.added.clear();
  for (int64_t i = 0; i < 40; ++i) {
    append.added.push_back(table.DataFile("e" + std::to_string(i), with_note, 200 + i, 200 + i));
  }
  const std::string fourth = table.Commit(append);
  EXPECT_EQ(table.metadata().metadata_log.size(), 5u);

  const std::vector<std::string> versions_read = {created, first, second, staged, switched, fourth};
  std::string command =
      "node " +
      format::testing::ShellQuote(format::testing::SourceDir() + "/tests/tools/iceberg_read.mjs") +
      " " + format::testing::ShellQuote(root) + " " + kTable;
  for (const std::string& v : versions_read) command += " " + v;
  std::map<std::string, json::Value> versions;
  for (json::Value& line : format::testing::RunJsonLines(command)) {
    const json::Value* name = line.Find("metadata");
    ASSERT_NE(name, nullptr) << json::Serialize(line);
    versions[name->text()] = line;
  }
  // A table without a snapshot has no rows; icebird 0.3.1 says so with an error.
  EXPECT_NE(versions[created].Find("error"), nullptr);
  for (size_t k = 1; k < versions_read.size(); ++k) {
    const std::string& v = versions_read[k];
    ASSERT_EQ(versions[v].Find("error"), nullptr) << v << ": " << versions[v].Find("error")->text();
    ASSERT_NE(versions[v].Find("rows"), nullptr) << v << " was not read";
  }
  EXPECT_EQ(IdsOf(*versions[first].Find("rows")),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  const std::vector<std::string> six = {"1", "2", "3", "4", "5", "6"};
  EXPECT_EQ(IdsOf(*versions[second].Find("rows")), six);
  EXPECT_EQ(IdsOf(*versions[staged].Find("rows")), six);  // mid-truncate: the old rows
  EXPECT_EQ(IdsOf(*versions[switched].Find("rows")),
            (std::vector<std::string>{"100", "101", "102"}));
  std::vector<std::string> all = {"100", "101", "102"};
  for (int i = 0; i < 40; ++i) all.push_back(std::to_string(200 + i));
  EXPECT_EQ(IdsOf(*versions[fourth].Find("rows")), all);
  // The forty files' manifest was deflated (the others are too small), and read as well.
  std::ifstream manifest(root + "/lake/db/events/metadata/c5-m0.avro", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(manifest)), {});
  EXPECT_NE(bytes.find("avro.codec\x0e"
                       "deflate"),
            std::string::npos);
  // Every column comes back as written, nested ones included; the added column is null in the
  // files written before it and set after.
  for (const json::Value& row : versions[second].Find("rows")->items()) {
    if (row.Find("id")->text() == "6") {
      EXPECT_EQ(row.Find("note")->text(), "note-6");
    } else {
      EXPECT_TRUE(row.Find("note") == nullptr || row.Find("note")->is_null())
          << json::Serialize(row);
    }
  }
  const json::Value& row = versions[switched].Find("rows")->items()[0];
  EXPECT_EQ(row.Find("name")->text(), "name-100");
  EXPECT_EQ(row.Find("score")->AsDouble(), 50.0);
  EXPECT_EQ(row.Find("tags")->items()[0].text(), "t100");
  EXPECT_EQ(row.Find("address")->Find("city")->text(), "city-0");
  EXPECT_EQ(row.Find("ts")->text(), "2023-11-14T22:15:00.000Z");
  EXPECT_EQ(row.Find("note")->text(), "note-100");
}

}  // namespace
}  // namespace datalake::iceberg
