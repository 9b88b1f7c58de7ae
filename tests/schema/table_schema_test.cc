// Top-level handling of MapJsonSchema (columns, names, errors), depth limits, FindBySource and
// GlueTypeString on hand-built types.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "json/json.h"
#include "schema/schema.h"

namespace datalake::schema {
namespace {

json::Value ParseOrDie(const std::string& text) {
  Result<json::Value> parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : json::Value();
}

TableSchema MapOrDie(const json::Value& schema) {
  Result<TableSchema> table = MapJsonSchema(schema, {});
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return table.ok() ? *table : TableSchema{};
}

TEST(TableSchemaTest, ColumnsFollowPropertyOrderWithSanitisedUniqueNames) {
  const TableSchema table = MapOrDie(ParseOrDie(R"({"type":"object","properties":{
      "zeta":{"type":"string"}, "Foo":{"type":"integer"}, "foo":{"type":"boolean"},
      "Foo.Bar":{"type":"number"}, "1st":{"type":"string"},
      "c'est une belle histoire,./<>?'\";[]\\:{}|`~!@#$%^&*()_+-=":{"type":"string"},
      "\u540d\u524d":{"type":"string"}}})"));
  ASSERT_EQ(table.columns.size(), 7u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"zeta", "zeta"},
      {"foo_f2bb9519", "Foo"},
      {"foo", "foo"},
      {"foo_bar", "Foo.Bar"},
      {"1st", "1st"},
      {"c_est_une_belle_histoire___", "c'est une belle histoire,./<>?'\";[]\\:{}|`~!@#$%^&*()_+-="},
      {"_", "\u540d\u524d"},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(table.columns[i].name, expected[i].first) << i;
    EXPECT_EQ(table.columns[i].source_name, expected[i].second) << i;
  }
  EXPECT_EQ(table.columns[1].type.kind, TypeKind::kInt64);
  EXPECT_EQ(table.columns[2].type.kind, TypeKind::kBoolean);
}

TEST(TableSchemaTest, SchemasWithoutPropertiesHaveNoColumns) {
  for (const char* text :
       {R"({})", R"({"type":"object"})", R"({"type":"object","properties":{}})",
        R"({"type":"object","properties":[1,2]})", R"({"properties":null})", R"("object")"}) {
    Result<TableSchema> table = MapJsonSchema(ParseOrDie(text), {});
    ASSERT_TRUE(table.ok()) << text;
    EXPECT_TRUE(table->columns.empty()) << text;
  }
}

TEST(TableSchemaTest, TheTopLevelTypeIsNotConsulted) {
  // Streams are objects by definition; only "properties" matters.
  const TableSchema table =
      MapOrDie(ParseOrDie(R"({"type":"string","properties":{"a":{"type":"integer"}}})"));
  ASSERT_EQ(table.columns.size(), 1u);
  EXPECT_EQ(table.columns[0].type.kind, TypeKind::kInt64);
}

TEST(TableSchemaTest, NonObjectSchemasAreInvalidInput) {
  for (const char* text : {"[]", "42", "null", "true"}) {
    EXPECT_EQ(MapJsonSchema(ParseOrDie(text), {}).status().code(), StatusCode::kInvalidInput)
        << text;
  }
}

TEST(TableSchemaTest, FindBySource) {
  const TableSchema table = MapOrDie(
      ParseOrDie(R"({"properties":{"appId":{"type":"integer"},"Foo Bar":{"type":"string"}}})"));
  EXPECT_EQ(table.FindBySource("appId"), 0);
  EXPECT_EQ(table.FindBySource("Foo Bar"), 1);
  EXPECT_EQ(table.FindBySource("appid"), -1);  // the sanitised name is not a source key
  EXPECT_EQ(table.FindBySource("missing"), -1);
  EXPECT_EQ(TableSchema{}.FindBySource(""), -1);
}

// {"type":"object","properties":{"a": <inner>}} wrapped `levels` times around `inner`.
json::Value NestObjects(int levels, json::Value inner) {
  for (int i = 0; i < levels; ++i) {
    json::Value properties = json::Value::Object();
    properties.Set("a", std::move(inner));
    inner = json::Value::Object(
        {{"type", json::Value::String("object")}, {"properties", std::move(properties)}});
  }
  return inner;
}

json::Value TopLevel(json::Value column) {
  json::Value properties = json::Value::Object();
  properties.Set("c", std::move(column));
  return json::Value::Object({{"properties", std::move(properties)}});
}

TEST(TableSchemaTest, DeepObjectsBecomeJsonBelowTheDepthLimit) {
  const json::Value leaf = json::Value::Object({{"type", json::Value::String("integer")}});
  const TableSchema table = MapOrDie(TopLevel(NestObjects(100, leaf)));
  ASSERT_EQ(table.columns.size(), 1u);
  // The column is depth 1; nodes deeper than 64 are JSON, so 64 struct levels remain.
  int structs = 0;
  const DataType* t = &table.columns[0].type;
  while (t->kind == TypeKind::kStruct) {
    ++structs;
    ASSERT_EQ(t->fields.size(), 1u);
    t = &t->fields[0].type;
  }
  EXPECT_EQ(structs, 64);
  EXPECT_EQ(t->kind, TypeKind::kJson);
  EXPECT_FALSE(GlueTypeString(table.columns[0].type).empty());
}

TEST(TableSchemaTest, ShallowNestingIsFullyTyped) {
  const json::Value leaf = json::Value::Object({{"type", json::Value::String("integer")}});
  const TableSchema table = MapOrDie(TopLevel(NestObjects(3, leaf)));
  EXPECT_EQ(GlueTypeString(table.columns[0].type), "struct<a:struct<a:struct<a:bigint>>>");
}

json::Value NestArrays(int levels) {
  json::Value inner = json::Value::Object({{"type", json::Value::String("integer")}});
  for (int i = 0; i < levels; ++i) {
    inner =
        json::Value::Object({{"type", json::Value::String("array")}, {"items", std::move(inner)}});
  }
  return inner;
}

TEST(TableSchemaTest, DeepArraysBecomeOneJsonColumn) {
  EXPECT_EQ(GlueTypeString(MapOrDie(TopLevel(NestArrays(3))).columns[0].type),
            "array<array<array<bigint>>>");
  EXPECT_EQ(MapOrDie(TopLevel(NestArrays(63))).columns[0].type.kind, TypeKind::kList);
  // An array whose element is JSON is itself JSON, so the JSON at the bottom reaches the top.
  EXPECT_EQ(MapOrDie(TopLevel(NestArrays(64))).columns[0].type.kind, TypeKind::kJson);
  EXPECT_EQ(MapOrDie(TopLevel(NestArrays(500))).columns[0].type.kind, TypeKind::kJson);
}

DataType Struct(std::vector<Field> fields) {
  DataType t = DataType::Of(TypeKind::kStruct);
  t.fields = std::move(fields);
  return t;
}

DataType List(DataType element) {
  DataType t = DataType::Of(TypeKind::kList);
  t.element = std::make_shared<const DataType>(std::move(element));
  return t;
}

TEST(GlueTypeStringTest, EveryKind) {
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kString)), "string");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kInt64)), "bigint");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kDouble)), "double");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kDecimal)), "decimal(38,18)");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kBoolean)), "boolean");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kTimestamp)), "timestamp");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kTimestampNtz)), "timestamp");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kDate)), "date");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kJson)), "string");
  DataType decimal = DataType::Of(TypeKind::kDecimal);
  decimal.precision = 10;
  decimal.scale = 2;
  EXPECT_EQ(GlueTypeString(decimal), "decimal(10,2)");
}

TEST(GlueTypeStringTest, NestedTypesHaveNoSpaces) {
  const DataType t = Struct({
      {"Id", "Id", DataType::Of(TypeKind::kInt64)},
      {"tags", "tags", List(DataType::Of(TypeKind::kString))},
      {"sub", "sub", Struct({{"when", "when", DataType::Of(TypeKind::kTimestamp)}})},
      {"raw", "raw", DataType::Of(TypeKind::kJson)},
  });
  EXPECT_EQ(GlueTypeString(t),
            "struct<Id:bigint,tags:array<string>,sub:struct<when:timestamp>,raw:string>");
  EXPECT_EQ(GlueTypeString(List(List(t))),
            "array<array<struct<Id:bigint,tags:array<string>,sub:struct<when:timestamp>,"
            "raw:string>>>");
  EXPECT_EQ(GlueTypeString(DataType::Of(TypeKind::kList)), "array<string>");  // no element
}

}  // namespace
}  // namespace datalake::schema
