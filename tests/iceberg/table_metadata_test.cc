// Table metadata JSON: a new table has every member format version 2 requires; a table with
// snapshots, branches and logs reads back as written; members another writer added are kept.
#include <gtest/gtest.h>

#include <string>

#include "iceberg/iceberg.h"
#include "json/json.h"

namespace datalake::iceberg {
namespace {

using schema::TypeKind;

schema::TableSchema TwoColumns() {
  schema::TableSchema schema{
      {schema::Field{"id", "id", schema::DataType::Of(TypeKind::kInt64)},
       schema::Field{"ts", "ts", schema::DataType::Of(TypeKind::kTimestamp)}}};
  int32_t last = 0;
  EXPECT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
  return schema;
}

TEST(TableMetadataTest, ANewTableHasEveryRequiredMember) {
  TableMetadata m = NewTableMetadata("9c12d441-03fe-4693-9a96-a0705ddf69c1",
                                     "s3://bucket/db/events", TwoColumns(), PartitionSpec{},
                                     {{"write.format.default", "parquet"}}, 1700000000000);
  const json::Value json = MetadataToJson(m);
  // Iceberg spec, "Table Metadata Fields", v2 column: required.
  for (const char* key :
       {"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
        "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
        "last-partition-id", "sort-orders", "default-sort-order-id"}) {
    EXPECT_NE(json.Find(key), nullptr) << key;
  }
  EXPECT_EQ(json.Find("format-version")->AsInt64(), 2);
  EXPECT_EQ(json.Find("last-column-id")->AsInt64(), 2);
  EXPECT_EQ(json.Find("last-partition-id")->AsInt64(), 999);
  EXPECT_EQ(json.Find("current-snapshot-id")->AsInt64(), -1);
  EXPECT_EQ(json::Serialize(*json.Find("partition-specs")), R"([{"spec-id":0,"fields":[]}])");
  EXPECT_EQ(json::Serialize(*json.Find("sort-orders")), R"([{"order-id":0,"fields":[]}])");
  EXPECT_EQ(json::Serialize(*json.Find("refs")), "{}");
  EXPECT_EQ(json.Find("schema"), nullptr);  // v1 only
  EXPECT_EQ(json.Find("partition-spec"), nullptr);
}

TEST(TableMetadataTest, SnapshotsBranchesAndLogsReadBackAsWritten) {
  PartitionSpec spec{0, {PartitionField{2, 1000, "ts_day", "day"}}};
  TableMetadata m = NewTableMetadata("u", "s3://b/db/t", TwoColumns(), spec, {}, 10);
  EXPECT_EQ(m.last_partition_id, 1000);
  for (int64_t i = 1; i <= 3; ++i) {
    Snapshot s;
    s.snapshot_id = 1000 + i;
    if (i > 1) s.parent_snapshot_id = 1000 + i - 1;
    s.sequence_number = i;
    s.timestamp_ms = 100 * i;
    s.manifest_list = "s3://b/db/t/metadata/snap-" + std::to_string(1000 + i) + "-1-x.avro";
    s.summary = {{"operation", "append"}, {"added-data-files", "1"}};
    s.schema_id = 0;
    m.snapshots.push_back(s);
    m.snapshot_log.push_back({100 * i, 1000 + i});
    m.metadata_log.push_back(
        {100 * i, "s3://b/db/t/metadata/0000" + std::to_string(i) + "-x.metadata.json"});
  }
  m.last_sequence_number = 3;
  m.current_snapshot_id = 1002;
  m.refs = {{"main", 1002, "branch"}, {"airbyte_staging", 1003, "branch"}};
  const std::string text = json::Serialize(MetadataToJson(m));
  auto parsed = json::Parse(text);
  ASSERT_TRUE(parsed.ok());
  auto read = MetadataFromJson(*parsed);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(json::Serialize(MetadataToJson(*read)), text);
  EXPECT_EQ(read->FindRef("airbyte_staging")->snapshot_id, 1003);
  EXPECT_EQ(read->FindSnapshot(1002)->parent_snapshot_id, 1001);
  EXPECT_FALSE(read->FindSnapshot(1001)->parent_snapshot_id.has_value());
  EXPECT_EQ(read->default_spec()->fields[0].transform, "day");
  EXPECT_EQ(read->current_schema()->columns[1].field_id, 2);
}

TEST(TableMetadataTest, MembersOfOtherWritersAreKeptAndOtherVersionsRefused) {
  // As Iceberg Java writes a table (member order and extras), with a sort order and a member a
  // later writer might add.
  const char* text = R"({"format-version":2,"table-uuid":"u","location":"s3://b/t",
    "last-sequence-number":1,"last-updated-ms":5,"last-column-id":1,
    "current-schema-id":0,"schemas":[{"type":"struct","schema-id":0,"fields":[
      {"id":1,"name":"id","required":true,"type":"long"}]}],
    "default-spec-id":0,"partition-specs":[{"spec-id":0,"fields":[]}],"last-partition-id":999,
    "default-sort-order-id":1,"sort-orders":[{"order-id":0,"fields":[]},{"order-id":1,"fields":[
      {"transform":"identity","source-id":1,"direction":"asc","null-order":"nulls-first"}]}],
    "properties":{"owner":"someone"},"current-snapshot-id":7,
    "snapshots":[{"snapshot-id":7,"sequence-number":1,"timestamp-ms":5,
      "summary":{"operation":"append"},"manifest-list":"s3://b/t/metadata/snap-7.avro"}],
    "statistics":[],"partition-statistics":[],"snapshot-log":[],"metadata-log":[],
    "next-row-id":0})";
  auto parsed = json::Parse(text);
  ASSERT_TRUE(parsed.ok());
  auto read = MetadataFromJson(*parsed);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->FindRef("main")->snapshot_id, 7);  // no refs: main is the current snapshot
  const json::Value again = MetadataToJson(*read);
  EXPECT_EQ(*again.Find("sort-orders"), *parsed->Find("sort-orders"));
  EXPECT_EQ(*again.Find("default-sort-order-id"), *parsed->Find("default-sort-order-id"));
  EXPECT_NE(again.Find("statistics"), nullptr);
  EXPECT_NE(again.Find("next-row-id"), nullptr);
  EXPECT_EQ(json::Serialize(*again.Find("properties")), R"({"owner":"someone"})");
  // Schemas and snapshots of other writers go back as they were: a required field stays required.
  EXPECT_EQ(*again.Find("schemas"), *parsed->Find("schemas"));
  EXPECT_EQ(*again.Find("snapshots"), *parsed->Find("snapshots"));

  for (const char* version : {"1", "3"}) {
    json::Value other = *parsed;
    other.Set("format-version", json::Value::NumberText(version));
    auto refused = MetadataFromJson(other);
    ASSERT_FALSE(refused.ok()) << version;
    EXPECT_NE(refused.status().message().find("version " + std::string(version)),
              std::string::npos);
  }
}

}  // namespace
}  // namespace datalake::iceberg
