// Iceberg schemas: ids for a new table, ids kept across evolution (added columns and nested
// fields, promotions), new ids for incompatible changes, and the JSON form both ways.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "iceberg/iceberg.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::iceberg {
namespace {

using schema::DataType;
using schema::Field;
using schema::TableSchema;
using schema::TypeKind;

Field F(std::string name, DataType type) { return Field{name, name, std::move(type)}; }
DataType T(TypeKind kind) { return DataType::Of(kind); }
DataType Struct(std::vector<Field> fields) {
  DataType t = T(TypeKind::kStruct);
  t.fields = std::move(fields);
  return t;
}
DataType List(DataType element) {
  DataType t = T(TypeKind::kList);
  t.element = std::make_shared<const DataType>(std::move(element));
  return t;
}
DataType Map(DataType key, DataType value) {
  DataType t = T(TypeKind::kMap);
  t.key = std::make_shared<const DataType>(std::move(key));
  t.element = std::make_shared<const DataType>(std::move(value));
  return t;
}
DataType Decimal(int precision, int scale) {
  DataType t = T(TypeKind::kDecimal);
  t.precision = precision;
  t.scale = scale;
  return t;
}

TableSchema Users() {
  return TableSchema{
      {F("id", T(TypeKind::kInt64)),
       F("address", Struct({F("city", T(TypeKind::kString)), F("zip", T(TypeKind::kInt32))})),
       F("tags", List(T(TypeKind::kString))),
       F("scores", Map(T(TypeKind::kString), T(TypeKind::kDouble))),
       F("updated", T(TypeKind::kTimestamp))}};
}

TEST(IcebergSchemaTest, ANewTableNumbersItsColumnsFirstThenWhatIsBelowThem) {
  TableSchema schema = Users();
  int32_t last = 0;
  ASSERT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
  EXPECT_EQ(last, 10);
  EXPECT_EQ(schema.columns[0].field_id, 1);
  EXPECT_EQ(schema.columns[4].field_id, 5);
  EXPECT_EQ(schema.columns[1].type.fields[0].field_id, 6);  // address.city
  EXPECT_EQ(schema.columns[1].type.fields[1].field_id, 7);  // address.zip
  EXPECT_EQ(schema.columns[2].type.element_id, 8);          // tags.element
  EXPECT_EQ(schema.columns[3].type.key_id, 9);
  EXPECT_EQ(schema.columns[3].type.element_id, 10);
  EXPECT_EQ(MaxFieldId(schema), 10);
  EXPECT_EQ(json::Serialize(SchemaToJson(schema, 0)),
            R"({"type":"struct","schema-id":0,"fields":[)"
            R"({"id":1,"name":"id","required":false,"type":"long"},)"
            R"({"id":2,"name":"address","required":false,"type":{"type":"struct","fields":[)"
            R"({"id":6,"name":"city","required":false,"type":"string"},)"
            R"({"id":7,"name":"zip","required":false,"type":"int"}]}},)"
            R"({"id":3,"name":"tags","required":false,"type":{"type":"list","element-id":8,)"
            R"("element-required":false,"element":"string"}},)"
            R"({"id":4,"name":"scores","required":false,"type":{"type":"map","key-id":9,)"
            R"("key":"string","value-id":10,"value-required":false,"value":"double"}},)"
            R"({"id":5,"name":"updated","required":false,"type":"timestamptz"}]})");
}

TEST(IcebergSchemaTest, EvolutionKeepsIdsByNameAndNeverReusesOne) {
  TableSchema before = Users();
  int32_t last = 0;
  ASSERT_TRUE(AssignFieldIds(nullptr, &last, &before).ok());
  // A nested field and a column added, zip widened to long, scores' values now decimals (not a
  // promotion: a new id for the value), tags dropped, updated now a string (a new column id).
  TableSchema after{
      {F("id", T(TypeKind::kInt64)),
       F("address", Struct({F("city", T(TypeKind::kString)), F("zip", T(TypeKind::kInt64)),
                            F("street", T(TypeKind::kString))})),
       F("scores", Map(T(TypeKind::kString), Decimal(10, 2))), F("updated", T(TypeKind::kString)),
       F("added", T(TypeKind::kBoolean))}};
  ASSERT_TRUE(AssignFieldIds(&before, &last, &after).ok());
  EXPECT_EQ(after.columns[0].field_id, 1);
  EXPECT_EQ(after.columns[1].field_id, 2);
  EXPECT_EQ(after.columns[1].type.fields[0].field_id, 6);
  EXPECT_EQ(after.columns[1].type.fields[1].field_id, 7);  // int -> long keeps its id
  EXPECT_EQ(after.columns[2].field_id, 4);
  EXPECT_EQ(after.columns[2].type.key_id, 9);
  EXPECT_EQ(after.columns[3].field_id, 11);  // timestamptz -> string: a new column
  EXPECT_EQ(after.columns[4].field_id, 12);
  EXPECT_EQ(after.columns[1].type.fields[2].field_id, 13);  // below the new top-level ids
  EXPECT_EQ(after.columns[2].type.element_id, 14);          // double -> decimal: new
  EXPECT_EQ(last, 14);

  // Decimal precision may grow at the same scale, under the same id.
  TableSchema wider{{F("scores", Map(T(TypeKind::kString), Decimal(12, 2)))}};
  ASSERT_TRUE(AssignFieldIds(&after, &last, &wider).ok());
  EXPECT_EQ(wider.columns[0].type.element_id, 14);
  TableSchema rescaled{{F("scores", Map(T(TypeKind::kString), Decimal(12, 3)))}};
  ASSERT_TRUE(AssignFieldIds(&wider, &last, &rescaled).ok());
  EXPECT_EQ(rescaled.columns[0].type.element_id, 15);
}

TEST(IcebergSchemaTest, TheJsonReadsBackAsTheSameSchema) {
  TableSchema schema = Users();
  schema.columns.push_back(F("amount", Decimal(38, 9)));
  schema.columns.push_back(F("day", T(TypeKind::kDate)));
  schema.columns.push_back(F("local", T(TypeKind::kTimestampNtz)));
  int32_t last = 0;
  ASSERT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
  const json::Value written = SchemaToJson(schema, 3);
  auto read = SchemaFromJson(written);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(json::Serialize(SchemaToJson(*read, 3)), json::Serialize(written));
  EXPECT_EQ(read->columns[5].type.precision, 38);
  EXPECT_EQ(read->columns[5].type.scale, 9);
  // Both spellings of a decimal; types this destination does not write are refused by name.
  auto spec_spelling = json::Parse(
      R"j({"type":"struct","fields":[{"id":1,"name":"d","required":true,"type":"decimal(9,2)"}]})j");
  ASSERT_TRUE(spec_spelling.ok());
  auto d = SchemaFromJson(*spec_spelling);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->columns[0].type.precision, 9);
  auto uuid = json::Parse(
      R"({"type":"struct","fields":[{"id":1,"name":"u","required":false,"type":"uuid"}]})");
  ASSERT_TRUE(uuid.ok());
  auto refused = SchemaFromJson(*uuid);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("uuid"), std::string::npos);
}

}  // namespace
}  // namespace datalake::iceberg
