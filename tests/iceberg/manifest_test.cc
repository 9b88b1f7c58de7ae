// Manifests and manifest lists, decoded by Debian's python3-avro: the header metadata Iceberg
// readers need, field ids on every field of the writer's schema, entries and counts as written,
// partition values and their summaries; bounds and partition result types by rule.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "format/avro_test_util.h"
#include "format/parquet_test_util.h"
#include "iceberg/iceberg.h"
#include "json/json.h"

namespace datalake::iceberg {
namespace {

using schema::DataType;
using schema::TypeKind;

schema::TableSchema Events() {
  schema::TableSchema schema{{schema::Field{"id", "id", DataType::Of(TypeKind::kInt64)},
                              schema::Field{"ts", "ts", DataType::Of(TypeKind::kTimestamp)},
                              schema::Field{"name", "name", DataType::Of(TypeKind::kString)}}};
  int32_t last = 0;
  EXPECT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
  return schema;
}

std::array<uint8_t, 16> Sync() {
  std::array<uint8_t, 16> sync{};
  for (size_t i = 0; i < sync.size(); ++i) sync[i] = static_cast<uint8_t>(200 - i);
  return sync;
}

DataFileInfo File(const std::string& name, PartitionValue day, int64_t rows) {
  DataFileInfo f;
  f.file_path = "s3://b/db/events/data/" + name + ".parquet";
  f.partition = {std::move(day)};
  f.record_count = rows;
  f.file_size_in_bytes = 1000 + rows;
  f.column_sizes = {{1, 10}, {2, 20}, {3, 30}};
  f.value_counts = {{1, rows}, {2, rows}, {3, rows}};
  f.null_value_counts = {{1, 0}, {2, 1}, {3, 0}};
  f.lower_bounds = {{1, std::string("\x01\0\0\0\0\0\0\0", 8)}, {3, "a"}};
  f.upper_bounds = {{1, std::string("\x09\0\0\0\0\0\0\0", 8)}, {3, "z"}};
  f.split_offsets = {4};
  return f;
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const std::string path = format::testing::MakeTempDir("iceberg_manifest") + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Every field of every record in an Avro schema carries a field-id; arrays an element-id unless
// they are Iceberg's int-keyed maps (logicalType map).
void ExpectIdsEverywhere(const json::Value& type, const std::string& where) {
  if (type.is_array()) {
    for (const json::Value& branch : type.items()) ExpectIdsEverywhere(branch, where);
    return;
  }
  if (!type.is_object()) return;
  const json::Value* kind = type.Find("type");
  if (kind != nullptr && kind->is_string() && kind->text() == "record") {
    for (const json::Value& field : type.Find("fields")->items()) {
      const std::string name = where + "." + field.Find("name")->text();
      EXPECT_NE(field.Find("field-id"), nullptr) << name;
      ExpectIdsEverywhere(*field.Find("type"), name);
    }
  } else if (kind != nullptr && kind->is_string() && kind->text() == "array") {
    const json::Value* logical = type.Find("logicalType");
    if (logical == nullptr) {
      EXPECT_NE(type.Find("element-id"), nullptr) << where;
    }
    ExpectIdsEverywhere(*type.Find("items"), where);
  }
}

int64_t AsInt(const json::Value* v) { return v == nullptr ? -999 : v->AsInt64().value_or(-998); }

TEST(ManifestTest, AManifestCarriesWhatReadersNeedAndReadsBackAsWritten) {
  const std::string reason = format::testing::AvroReaderUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  const schema::TableSchema schema = Events();
  PartitionSpec spec{0, {PartitionField{2, 1000, "ts_day", "day"}}};
  std::vector<ManifestEntry> entries(4);
  entries[0].status = EntryStatus::kAdded;
  entries[0].snapshot_id = 77;
  entries[0].file = File("a", int32_t{19700}, 5);
  entries[1].status = EntryStatus::kAdded;
  entries[1].snapshot_id = 77;
  entries[1].file = File("b", std::monostate{}, 2);
  entries[2].status = EntryStatus::kExisting;
  entries[2].snapshot_id = 70;
  entries[2].sequence_number = 3;
  entries[2].file_sequence_number = 3;
  entries[2].file = File("c", int32_t{19650}, 7);
  entries[3].status = EntryStatus::kDeleted;  // not in the partition summary
  entries[3].snapshot_id = 77;
  entries[3].sequence_number = 1;
  entries[3].file_sequence_number = 1;
  entries[3].file = File("d", int32_t{10000}, 11);
  ManifestFile summary;
  auto bytes = WriteManifest(schema, 4, spec, entries, Sync(), &summary);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(summary.added_files_count, 2);
  EXPECT_EQ(summary.added_rows_count, 7);
  EXPECT_EQ(summary.existing_files_count, 1);
  EXPECT_EQ(summary.existing_rows_count, 7);
  EXPECT_EQ(summary.deleted_files_count, 1);
  EXPECT_EQ(summary.deleted_rows_count, 11);
  ASSERT_TRUE(summary.partitions.has_value());
  ASSERT_EQ(summary.partitions->size(), 1u);
  EXPECT_TRUE((*summary.partitions)[0].contains_null);
  const int32_t low = 19650, high = 19700;
  EXPECT_EQ((*summary.partitions)[0].lower_bound,
            std::string(reinterpret_cast<const char*>(&low), 4));
  EXPECT_EQ((*summary.partitions)[0].upper_bound,
            std::string(reinterpret_cast<const char*>(&high), 4));

  const std::string path = WriteTemp("m0.avro", *bytes);
  auto read = format::testing::ReadAvro({path});
  const json::Value& out = read[path];
  ASSERT_EQ(out.Find("error"), nullptr) << out.Find("error")->text();
  const json::Value* meta = out.Find("meta");
  EXPECT_EQ(meta->Find("avro.codec")->text(), "null");  // four entries: too small to deflate
  EXPECT_EQ(meta->Find("format-version")->text(), "2");
  EXPECT_EQ(meta->Find("content")->text(), "data");
  EXPECT_EQ(meta->Find("schema-id")->text(), "4");
  EXPECT_EQ(meta->Find("partition-spec-id")->text(), "0");
  EXPECT_EQ(meta->Find("partition-spec")->text(),
            R"([{"name":"ts_day","transform":"day","source-id":2,"field-id":1000}])");
  EXPECT_EQ(meta->Find("schema")->text(), json::Serialize(SchemaToJson(schema, 4)));
  auto avro_schema = json::Parse(meta->Find("avro.schema")->text());
  ASSERT_TRUE(avro_schema.ok());
  ExpectIdsEverywhere(*avro_schema, "manifest_entry");

  const json::Value* records = out.Find("records");
  ASSERT_EQ(records->items().size(), 4u);
  const json::Value& a = records->items()[0];
  EXPECT_EQ(AsInt(a.Find("status")), 1);
  EXPECT_EQ(AsInt(a.Find("snapshot_id")), 77);
  EXPECT_TRUE(a.Find("sequence_number")->is_null());  // inherited when read
  EXPECT_TRUE(a.Find("file_sequence_number")->is_null());
  const json::Value* file = a.Find("data_file");
  EXPECT_EQ(AsInt(file->Find("content")), 0);
  EXPECT_EQ(file->Find("file_path")->text(), "s3://b/db/events/data/a.parquet");
  EXPECT_EQ(file->Find("file_format")->text(), "PARQUET");
  // A day's value is an int of days with Avro's date logical type (python3-avro reads a date).
  EXPECT_EQ(AsInt(file->Find("partition")->Find("ts_day")->Find("days")), 19700);
  EXPECT_EQ(AsInt(file->Find("record_count")), 5);
  EXPECT_EQ(AsInt(file->Find("file_size_in_bytes")), 1005);
  ASSERT_EQ(file->Find("column_sizes")->items().size(), 3u);
  EXPECT_EQ(AsInt(file->Find("column_sizes")->items()[2].Find("key")), 3);
  EXPECT_EQ(AsInt(file->Find("column_sizes")->items()[2].Find("value")), 30);
  EXPECT_EQ(AsInt(file->Find("null_value_counts")->items()[1].Find("value")), 1);
  EXPECT_TRUE(file->Find("nan_value_counts")->is_null());
  EXPECT_EQ(file->Find("lower_bounds")->items()[1].Find("value")->Find("bytes")->text(), "YQ==");
  EXPECT_EQ(file->Find("upper_bounds")->items()[1].Find("value")->Find("bytes")->text(), "eg==");
  EXPECT_EQ(AsInt(&file->Find("split_offsets")->items()[0]), 4);
  EXPECT_TRUE(file->Find("equality_ids")->is_null());
  EXPECT_EQ(AsInt(file->Find("sort_order_id")), 0);
  EXPECT_TRUE(records->items()[1].Find("data_file")->Find("partition")->Find("ts_day")->is_null());
  EXPECT_EQ(AsInt(records->items()[2].Find("status")), 0);
  EXPECT_EQ(AsInt(records->items()[2].Find("sequence_number")), 3);
  EXPECT_EQ(AsInt(records->items()[3].Find("status")), 2);
  EXPECT_EQ(AsInt(records->items()[3].Find("file_sequence_number")), 1);
}

TEST(ManifestTest, AManifestListListsItsManifestsWithTheirCounts) {
  const std::string reason = format::testing::AvroReaderUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  ManifestFile first;
  first.manifest_path = "s3://b/db/events/metadata/x-m0.avro";
  first.manifest_length = 4321;
  first.sequence_number = 9;
  first.min_sequence_number = 2;
  first.added_snapshot_id = 77;
  first.added_files_count = 2;
  first.existing_files_count = 1;
  first.added_rows_count = 7;
  first.existing_rows_count = 7;
  first.partitions =
      std::vector<ManifestFile::FieldSummary>{{true, std::string("\x01\0\0\0", 4), std::nullopt}};
  ManifestFile second;
  second.manifest_path = "s3://b/db/events/metadata/y-m0.avro";
  second.manifest_length = 99;
  auto bytes = WriteManifestList(77, std::nullopt, 9, {first, second}, Sync());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  const std::string path = WriteTemp("snap-77-1-x.avro", *bytes);
  auto read = format::testing::ReadAvro({path});
  const json::Value& out = read[path];
  ASSERT_EQ(out.Find("error"), nullptr) << out.Find("error")->text();
  const json::Value* meta = out.Find("meta");
  EXPECT_EQ(meta->Find("snapshot-id")->text(), "77");
  EXPECT_EQ(meta->Find("parent-snapshot-id")->text(), "null");
  EXPECT_EQ(meta->Find("sequence-number")->text(), "9");
  EXPECT_EQ(meta->Find("format-version")->text(), "2");
  auto avro_schema = json::Parse(meta->Find("avro.schema")->text());
  ASSERT_TRUE(avro_schema.ok());
  ExpectIdsEverywhere(*avro_schema, "manifest_file");
  const json::Value* records = out.Find("records");
  ASSERT_EQ(records->items().size(), 2u);
  const json::Value& m = records->items()[0];
  EXPECT_EQ(m.Find("manifest_path")->text(), first.manifest_path);
  EXPECT_EQ(AsInt(m.Find("manifest_length")), 4321);
  EXPECT_EQ(AsInt(m.Find("sequence_number")), 9);
  EXPECT_EQ(AsInt(m.Find("min_sequence_number")), 2);
  EXPECT_EQ(AsInt(m.Find("added_snapshot_id")), 77);
  EXPECT_EQ(AsInt(m.Find("added_files_count")), 2);
  EXPECT_EQ(AsInt(m.Find("existing_rows_count")), 7);
  const json::Value& summary = m.Find("partitions")->items()[0];
  EXPECT_TRUE(summary.Find("contains_null")->bool_value());
  EXPECT_EQ(summary.Find("lower_bound")->Find("bytes")->text(), "AQAAAA==");
  EXPECT_TRUE(summary.Find("upper_bound")->is_null());
  EXPECT_TRUE(records->items()[1].Find("partitions")->is_null());
}

// What this module writes, it reads back: every field of every entry, with ADDED entries'
// sequence numbers inherited from the manifest list's entry; the list's entries whole.
TEST(ManifestTest, ManifestsAndListsReadBackAsWritten) {
  const schema::TableSchema schema = Events();
  PartitionSpec spec{0, {PartitionField{2, 1000, "ts_day", "day"}}};
  std::vector<ManifestEntry> entries;
  for (int i = 0; i < 200; ++i) {  // enough to be deflated
    ManifestEntry e;
    e.status = i % 3 == 0 ? EntryStatus::kExisting : EntryStatus::kAdded;
    e.snapshot_id = 70 + i % 2;
    if (e.status == EntryStatus::kExisting) e.sequence_number = e.file_sequence_number = 2;
    e.file = File("f" + std::to_string(i),
                  i % 7 == 0 ? PartitionValue{} : PartitionValue{int32_t{19000 + i}}, i);
    if (i % 5 == 0) e.file.nan_value_counts = {{2, 0}};
    entries.push_back(std::move(e));
  }
  ManifestFile listed;
  auto bytes = WriteManifest(schema, 4, spec, entries, Sync(), &listed);
  ASSERT_TRUE(bytes.ok());
  listed.manifest_path = "s3://b/db/events/metadata/m.avro";
  listed.manifest_length = static_cast<int64_t>(bytes->size());
  listed.sequence_number = 9;
  listed.min_sequence_number = 2;
  listed.added_snapshot_id = 71;
  auto read = ReadManifest(*bytes, listed);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->schema_id, 4);
  EXPECT_EQ(read->content, 0);
  ASSERT_EQ(read->entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const ManifestEntry& want = entries[i];
    const ManifestEntry& got = read->entries[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.snapshot_id, want.snapshot_id);
    EXPECT_EQ(got.sequence_number, want.status == EntryStatus::kAdded ? 9 : 2);
    EXPECT_EQ(got.file_sequence_number, want.status == EntryStatus::kAdded ? 9 : 2);
    EXPECT_EQ(got.file.file_path, want.file.file_path);
    EXPECT_EQ(got.file.partition, want.file.partition);
    EXPECT_EQ(got.file.record_count, want.file.record_count);
    EXPECT_EQ(got.file.file_size_in_bytes, want.file.file_size_in_bytes);
    EXPECT_EQ(got.file.column_sizes, want.file.column_sizes);
    EXPECT_EQ(got.file.value_counts, want.file.value_counts);
    EXPECT_EQ(got.file.null_value_counts, want.file.null_value_counts);
    EXPECT_EQ(got.file.nan_value_counts, want.file.nan_value_counts);
    EXPECT_EQ(got.file.lower_bounds, want.file.lower_bounds);
    EXPECT_EQ(got.file.upper_bounds, want.file.upper_bounds);
    EXPECT_EQ(got.file.split_offsets, want.file.split_offsets);
    EXPECT_EQ(got.file.sort_order_id, want.file.sort_order_id);
    if (HasFailure()) return;
  }
  auto list = WriteManifestList(71, 70, 9, {listed, listed}, Sync());
  ASSERT_TRUE(list.ok());
  auto files = ReadManifestList(*list);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  const ManifestFile& m = (*files)[1];
  EXPECT_EQ(m.manifest_path, listed.manifest_path);
  EXPECT_EQ(m.manifest_length, listed.manifest_length);
  EXPECT_EQ(m.sequence_number, 9);
  EXPECT_EQ(m.min_sequence_number, 2);
  EXPECT_EQ(m.added_snapshot_id, 71);
  EXPECT_EQ(m.added_files_count, listed.added_files_count);
  EXPECT_EQ(m.existing_files_count, listed.existing_files_count);
  EXPECT_EQ(m.added_rows_count, listed.added_rows_count);
  EXPECT_EQ(m.existing_rows_count, listed.existing_rows_count);
  ASSERT_TRUE(m.partitions.has_value());
  EXPECT_TRUE((*m.partitions)[0].contains_null);
  EXPECT_EQ((*m.partitions)[0].lower_bound, (*listed.partitions)[0].lower_bound);
  EXPECT_EQ((*m.partitions)[0].upper_bound, (*listed.partitions)[0].upper_bound);
  EXPECT_FALSE(ReadManifestList("not avro").ok());
}

TEST(ManifestTest, BoundsAndPartitionTypesFollowTheSpec) {
  const DataType decimal = [] {
    DataType t = DataType::Of(TypeKind::kDecimal);
    t.precision = 20;
    t.scale = 2;
    return t;
  }();
  // 9 bytes of 1, -1, 128 and -129: minimal two's complement keeps the sign.
  EXPECT_EQ(BoundFromParquet(decimal, std::string("\0\0\0\0\0\0\0\0\x01", 9)), std::string("\x01"));
  EXPECT_EQ(BoundFromParquet(decimal, std::string(9, '\xff')), std::string("\xff"));
  EXPECT_EQ(BoundFromParquet(decimal, std::string("\0\0\0\0\0\0\0\0\x80", 9)),
            std::string("\x00\x80", 2));
  EXPECT_EQ(BoundFromParquet(decimal, std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9)),
            std::string("\xff\x7f", 2));
  EXPECT_EQ(BoundFromParquet(DataType::Of(TypeKind::kInt64), "12345678"), "12345678");
  EXPECT_FALSE(BoundFromParquet(DataType::Of(TypeKind::kStruct), "x").has_value());

  auto type = [](const char* transform, TypeKind kind) {
    auto r = PartitionResultType(PartitionField{1, 1000, "p", transform}, DataType::Of(kind));
    return r.ok() ? *r : "refused";
  };
  EXPECT_EQ(type("identity", TypeKind::kString), "string");
  EXPECT_EQ(type("identity", TypeKind::kInt64), "long");
  EXPECT_EQ(type("identity", TypeKind::kDate), "date");
  EXPECT_EQ(type("identity", TypeKind::kTimestamp), "timestamptz");
  EXPECT_EQ(type("year", TypeKind::kTimestamp), "int");
  EXPECT_EQ(type("month", TypeKind::kDate), "int");
  EXPECT_EQ(type("day", TypeKind::kTimestampNtz), "date");
  EXPECT_EQ(type("hour", TypeKind::kTimestamp), "int");
  EXPECT_EQ(type("hour", TypeKind::kDate), "refused");
  EXPECT_EQ(type("bucket[16]", TypeKind::kString), "int");
  EXPECT_EQ(type("bucket[16]", TypeKind::kDouble), "refused");
  EXPECT_EQ(type("truncate[4]", TypeKind::kString), "string");
  EXPECT_EQ(type("truncate[4]", TypeKind::kDate), "refused");
  EXPECT_EQ(type("day", TypeKind::kString), "refused");
  EXPECT_EQ(type("identity", TypeKind::kDouble), "refused");
}

}  // namespace
}  // namespace datalake::iceberg
