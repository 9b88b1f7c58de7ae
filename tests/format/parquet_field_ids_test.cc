// Field ids in the Parquet schema (SchemaElement.field_id, Thrift field 9), as Iceberg tables need
// them: on every leaf and group that stands for a field, on a list's and a map's annotated group,
// on the element, key and value; never on the repeated groups between. A schema without ids (Hive
// tables) writes none. Read back with hyparquet's footer decoder and DuckDB's parquet_schema().
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "format/format_test_util.h"
#include "format/parquet_test_util.h"
#include "schema/schema.h"

namespace datalake::format::testing {
namespace {

using schema::TypeKind;

schema::Field WithId(schema::Field field, int32_t id) {
  field.field_id = id;
  return field;
}

// id 1; st 2 {a 3, tags 4 (element 5)}; m 6 (key 7, value 8); l 9 (element 10: struct {x 11}).
schema::TableSchema SchemaWithIds() {
  schema::DataType tags = ListOf(Type(TypeKind::kString));
  tags.element_id = 5;
  schema::DataType m = MapOf(Type(TypeKind::kString), Type(TypeKind::kDouble));
  m.key_id = 7;
  m.element_id = 8;
  schema::DataType l = ListOf(StructOf({WithId(FieldOf("x", Type(TypeKind::kInt64)), 11)}));
  l.element_id = 10;
  return SchemaOf({
      WithId(FieldOf("id", Type(TypeKind::kInt64)), 1),
      WithId(FieldOf("st", StructOf({WithId(FieldOf("a", Type(TypeKind::kInt64)), 3),
                                     WithId(FieldOf("tags", std::move(tags)), 4)})),
             2),
      WithId(FieldOf("m", std::move(m)), 6),
      WithId(FieldOf("l", std::move(l)), 9),
  });
}

std::vector<std::vector<TestValue>> Rows() {
  return {
      {Int(1), Items({Int(10), Items({Text("a"), Text("b")})}), Entries({{Text("k"), Double(0.5)}}),
       Items({Items({Int(7)})})},
      {Null(), Null(), Null(), Null()},
  };
}

// Schema element name -> field_id ("" when absent), in schema order, as hyparquet decodes them.
std::vector<std::pair<std::string, std::string>> FieldIdsOf(const json::Value& metadata) {
  std::vector<std::pair<std::string, std::string>> out;
  const json::Value* schema = metadata.Find("schema");
  if (schema == nullptr) return out;
  for (const json::Value& element : schema->items()) {
    const json::Value* name = element.Find("name");
    const json::Value* id = element.Find("field_id");
    std::string text;
    if (id != nullptr && !id->is_null()) {
      text = id->is_string() ? id->text() : std::to_string(id->AsInt64().value_or(-1));
    }
    out.emplace_back(name != nullptr ? name->text() : "?", text);
  }
  return out;
}

TEST(ParquetFieldIdsTest, EveryFieldCarriesItsIdAndTheRepeatedGroupsNone) {
  const std::string reason = ReadersUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  const std::string dir = MakeTempDir("field_ids");
  const std::string with = dir + "/with.parquet";
  const std::string without = dir + "/without.parquet";
  const schema::TableSchema schema = SchemaWithIds();
  WriteParquet(with, schema, Rows(), ParquetOptions{});
  schema::TableSchema bare = schema;
  for (schema::Field& column : bare.columns) column.field_id = 0;
  bare.columns[1].type.fields[0].field_id = 0;
  bare.columns[1].type.fields[1].field_id = 0;
  bare.columns[1].type.fields[1].type.element_id = 0;
  bare.columns[2].type.key_id = 0;
  bare.columns[2].type.element_id = 0;
  bare.columns[3].type.element_id = 0;
  schema::DataType element = *bare.columns[3].type.element;
  element.fields[0].field_id = 0;
  bare.columns[3].type.element = std::make_shared<const schema::DataType>(std::move(element));
  WriteParquet(without, bare, Rows(), ParquetOptions{});

  auto metadata = RunReader("metadata", {with, without});
  ASSERT_TRUE(metadata[with].ok) << metadata[with].error;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"schema", ""}, {"id", "1"},      {"st", "2"},  {"a", "3"},        {"tags", "4"},
      {"list", ""},   {"element", "5"}, {"m", "6"},   {"key_value", ""}, {"key", "7"},
      {"value", "8"}, {"l", "9"},       {"list", ""}, {"element", "10"}, {"x", "11"}};
  EXPECT_EQ(FieldIdsOf(metadata[with].value), expected);
  ASSERT_TRUE(metadata[without].ok) << metadata[without].error;
  for (const auto& [name, id] : FieldIdsOf(metadata[without].value)) EXPECT_EQ(id, "") << name;

  // The ids change nothing else: every reader reads the same rows from both files.
  const json::Value rows = ExpectedRows(schema, Rows(), /*int96=*/false);
  ExpectAllReadersAgree({{with, rows}, {without, rows}});
}

}  // namespace
}  // namespace datalake::format::testing
