// MapJsonSchema and GlueTypeString beyond the original connector's own scenarios
// (original_connector_test.cc): scalars, type lists, unions, structs, arrays, well-known $refs,
// decimal mode, top-level handling and depth limits.
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "json/json.h"
#include "schema/schema.h"

namespace datalake::schema {
namespace {

json::Value ParseOrDie(const std::string& text) {
  Result<json::Value> parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << " in " << text;
  return parsed.ok() ? *parsed : json::Value();
}

// Map a schema with one property "c" whose schema is `property` and return that column's type.
DataType MapProperty(const std::string& property, const MappingOptions& options = {}) {
  const json::Value schema = ParseOrDie(R"({"type":"object","properties":{"c":)" + property + "}}");
  Result<TableSchema> table = MapJsonSchema(schema, options);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok() || table->columns.size() != 1) {
    ADD_FAILURE() << "no single column for " << property;
    return DataType::Of(TypeKind::kString);
  }
  return table->columns[0].type;
}

TypeKind KindOf(const std::string& property) { return MapProperty(property).kind; }
std::string GlueOf(const std::string& property, const MappingOptions& options = {}) {
  return GlueTypeString(MapProperty(property, options));
}

TEST(MappingTest, Scalars) {
  EXPECT_EQ(KindOf(R"({"type":"string"})"), TypeKind::kString);
  EXPECT_EQ(KindOf(R"({"type":"string","format":"time"})"), TypeKind::kString);
  EXPECT_EQ(KindOf(R"({"type":"string","format":"email"})"), TypeKind::kString);
  EXPECT_EQ(KindOf(R"({"type":"string","format":"date-time"})"), TypeKind::kTimestamp);
  EXPECT_EQ(KindOf(R"({"type":"string","format":"date-time",
                       "airbyte_type":"timestamp_with_timezone"})"),
            TypeKind::kTimestamp);
  EXPECT_EQ(KindOf(R"({"type":"string","format":"date-time",
                       "airbyte_type":"timestamp_without_timezone"})"),
            TypeKind::kTimestampNtz);
  EXPECT_EQ(KindOf(R"({"type":"string","format":"date"})"), TypeKind::kDate);
  EXPECT_EQ(KindOf(R"({"type":"integer"})"), TypeKind::kInt64);
  EXPECT_EQ(KindOf(R"({"type":"number"})"), TypeKind::kDouble);
  EXPECT_EQ(KindOf(R"({"type":"number","airbyte_type":"integer"})"), TypeKind::kInt64);
  EXPECT_EQ(KindOf(R"({"type":"boolean"})"), TypeKind::kBoolean);
  EXPECT_EQ(GlueOf(R"({"type":"string","format":"date-time",
                       "airbyte_type":"timestamp_without_timezone"})"),
            "timestamp");
}

TEST(MappingTest, TypeLists) {
  EXPECT_EQ(KindOf(R"({"type":["null","string"],"format":"date"})"), TypeKind::kDate);
  EXPECT_EQ(KindOf(R"({"type":["number","null"],"airbyte_type":"integer"})"), TypeKind::kInt64);
  EXPECT_EQ(KindOf(R"({"type":["string","null","string"]})"), TypeKind::kString);
  EXPECT_EQ(KindOf(R"({"type":["string","integer"]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":["null","string","object"]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":["null"]})"), TypeKind::kString);  // original: "null" -> string
  EXPECT_EQ(KindOf(R"({"type":"null"})"), TypeKind::kString);
  EXPECT_EQ(KindOf(R"({"type":[]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":["null", 3]})"), TypeKind::kJson);
}

TEST(MappingTest, UnknownAndMissingTypesAreJson) {
  EXPECT_EQ(KindOf(R"({"type":"str"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"int"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":42})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"format":"date-time"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"(true)"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"(7)"), TypeKind::kJson);
  EXPECT_EQ(GlueOf(R"({"type":"str"})"), "string");
}

TEST(MappingTest, BareStringSchemaIsATypeName) {
  EXPECT_EQ(KindOf(R"("integer")"), TypeKind::kInt64);
  EXPECT_EQ(KindOf(R"("string")"), TypeKind::kString);
  EXPECT_EQ(KindOf(R"("whatever")"), TypeKind::kJson);
  EXPECT_EQ(GlueOf(R"({"type":"object","properties":{"a":"integer","b":"boolean"}})"),
            "struct<a:bigint,b:boolean>");
  EXPECT_EQ(GlueOf(R"({"type":"array","items":"number"})"), "array<double>");
}

TEST(MappingTest, UnionsAreJson) {
  EXPECT_EQ(KindOf(R"({"oneOf":[{"type":"string"},{"type":"integer"}]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"anyOf":[{"type":"string"},{"type":"null"}]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"allOf":[{"type":"string"}]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"string","oneOf":[{"format":"date"},{"format":"email"}]})"),
            TypeKind::kJson);
  // Empty combinators say nothing.
  EXPECT_EQ(KindOf(R"({"type":"integer","oneOf":[]})"), TypeKind::kInt64);
}

TEST(MappingTest, ObjectWithoutTypeButWithPropertiesIsAnObject) {
  EXPECT_EQ(GlueOf(R"({"properties":{"a":{"type":"integer"}}})"), "struct<a:bigint>");
}

TEST(MappingTest, ObjectsThatAreJson) {
  EXPECT_EQ(KindOf(R"({"type":"object"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{}})"), TypeKind::kJson);  // no struct<>
  EXPECT_EQ(KindOf(R"({"type":"object","properties":[]})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":"string"}},
                       "additionalProperties":true})"),
            TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":"string"}},
                       "additionalProperties":{"type":"string"}})"),
            TypeKind::kJson);
}

TEST(MappingTest, FalsyAdditionalPropertiesKeepsAStruct) {
  // The original tests additionalProperties for Python truthiness: {} and false are falsy.
  EXPECT_EQ(GlueOf(R"({"type":"object","properties":{"a":{"type":"string"}},
                       "additionalProperties":{}})"),
            "struct<a:string>");
  EXPECT_EQ(GlueOf(R"({"type":"object","properties":{"a":{"type":"string"}},
                       "additionalProperties":false})"),
            "struct<a:string>");
}

TEST(MappingTest, NestedPropertiesThatMakeTheWholeObjectJson) {
  // The original's _is_invalid_struct_or_array rules, at any depth below the column.
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"oneOf":[{"type":"string"}]}}})"),
            TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":["string","integer"]}}})"),
            TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":"object"}}})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":"array"}}})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":"array","items":{}}}})"),
            TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"object","properties":{"a":{"type":"array","items":{
                       "type":"object","properties":{"b":{"type":"object"}}}}}})"),
            TypeKind::kJson);
}

TEST(MappingTest, OtherUntypableNestedPropertiesAreJsonFields) {
  // As in the original, these leave the struct alone and declare the field "string".
  const DataType t = MapProperty(R"({"type":"object","properties":{
      "u":{"anyOf":[{"type":"string"},{"type":"integer"}]},
      "o":{"type":"object","properties":{"x":{"type":"integer"}},"additionalProperties":true},
      "m":{"type":"array","items":{"type":["string","integer"]}},
      "k":{"type":"str"},
      "n":{"type":"integer"}}})");
  ASSERT_EQ(t.kind, TypeKind::kStruct);
  EXPECT_EQ(GlueTypeString(t), "struct<u:string,o:string,m:string,k:string,n:bigint>");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.fields[i].type.kind, TypeKind::kJson) << i;
}

TEST(MappingTest, NestedNamesKeepCaseAndBecomeHiveIdentifiers) {
  const DataType t = MapProperty(R"({"type":"object","properties":{"Foo Bar":{"type":"string"},
                      "\u00e9t\u00c9":{"type":"integer"},"zipCode":{"type":"string"}}})");
  ASSERT_EQ(t.fields.size(), 3u);
  EXPECT_EQ(t.fields[0].name, "Foo_Bar");
  EXPECT_EQ(t.fields[0].source_name, "Foo Bar");  // the JSON key: decoding and change paths
  EXPECT_EQ(t.fields[1].name, "ete");             // accents stripped (base letters lowercase)
  EXPECT_EQ(t.fields[1].source_name, "\u00e9t\u00c9");
  EXPECT_EQ(t.fields[2].name, "zipCode");  // valid names stay as the original wrote them
  EXPECT_EQ(GlueTypeString(t), "struct<Foo_Bar:string,ete:bigint,zipCode:string>");
}

TEST(MappingTest, NestedFormatsAreMapped) {
  EXPECT_EQ(GlueOf(R"({"type":"object","properties":{"d":{"type":"string","format":"date"},
      "t":{"type":["null","string"],"format":"date-time"}}})"),
            "struct<d:date,t:timestamp>");
}

TEST(MappingTest, Arrays) {
  EXPECT_EQ(KindOf(R"({"type":"array"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"array","items":{}})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"array","items":[]})"), TypeKind::kJson);
  EXPECT_EQ(GlueOf(R"({"type":"array","items":[{"type":"integer"}]})"), "array<bigint>");
  // Several item schemas mean "any of these" in Airbyte: a union.
  EXPECT_EQ(KindOf(R"({"type":"array","items":[{"type":"integer"},{"type":"string"}]})"),
            TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"array","items":{"type":"object"}})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"array","items":{"type":"str"}})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"type":"array","items":{"oneOf":[{"type":"string"}]}})"), TypeKind::kJson);
  EXPECT_EQ(GlueOf(R"({"type":"array","items":{"type":"string","format":"date"}})"), "array<date>");
  EXPECT_EQ(GlueOf(R"({"type":"array","items":{"type":"array","items":{"type":"integer"}}})"),
            "array<array<bigint>>");
  // The original compares the raw item type to "number", so it missed this one (array<double>).
  EXPECT_EQ(GlueOf(R"({"type":"array","items":{"type":["null","number"],
                       "airbyte_type":"integer"}})"),
            "array<bigint>");
}

TEST(MappingTest, ArrayOfObjectsWithAdditionalPropertiesStaysStruct) {
  // As the original: additionalProperties on array items is ignored, so existing tables keep
  // their array<struct<...>> columns.
  EXPECT_EQ(GlueOf(R"({"type":"array","items":{"type":"object",
      "properties":{"a":{"type":"string"}},"additionalProperties":true}})"),
            "array<struct<a:string>>");
}

TEST(MappingTest, ListElementIsShared) {
  const DataType t = MapProperty(R"({"type":"array","items":{"type":"boolean"}})");
  ASSERT_EQ(t.kind, TypeKind::kList);
  ASSERT_NE(t.element, nullptr);
  EXPECT_EQ(t.element->kind, TypeKind::kBoolean);
}

TEST(MappingTest, WellKnownTypes) {
  const std::pair<const char*, const char*> cases[] = {
      {"String", "string"},
      {"BinaryData", "string"},
      {"TimeWithTimezone", "string"},
      {"TimeWithoutTimezone", "string"},
      {"Integer", "bigint"},
      {"Number", "double"},
      {"Boolean", "boolean"},
      {"Date", "date"},
      {"TimestampWithTimezone", "timestamp"},
      {"TimestampWithoutTimezone", "timestamp"},
  };
  for (const auto& [name, glue] : cases) {
    for (std::string prefix :
         {"WellKnownTypes.json#/definitions/", "WellKnownTypes.json#definitions/"}) {
      EXPECT_EQ(GlueOf(R"({"$ref":")" + prefix + name + R"("})"), glue) << prefix << name;
    }
  }
  EXPECT_EQ(KindOf(R"({"$ref":"WellKnownTypes.json#/definitions/TimestampWithTimezone"})"),
            TypeKind::kTimestamp);
  EXPECT_EQ(KindOf(R"({"$ref":"WellKnownTypes.json#/definitions/TimestampWithoutTimezone"})"),
            TypeKind::kTimestampNtz);
  EXPECT_EQ(GlueOf(R"({"type":"array","items":{"$ref":"WellKnownTypes.json#/definitions/Date"}})"),
            "array<date>");
}

TEST(MappingTest, OtherRefsAreJson) {
  EXPECT_EQ(KindOf(R"({"$ref":"#/definitions/Address"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"$ref":"WellKnownTypes.json#/definitions/Decimal"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"$ref":"WellKnownTypes.json#/definitions/integer"})"), TypeKind::kJson);
  EXPECT_EQ(KindOf(R"({"$ref":42})"), TypeKind::kJson);
  // $ref wins over sibling keywords, as in draft-07.
  EXPECT_EQ(KindOf(R"({"type":"string","$ref":"WellKnownTypes.json#/definitions/Integer"})"),
            TypeKind::kInt64);
}

TEST(MappingTest, DecimalMode) {
  MappingOptions options;
  options.number_as_decimal = true;
  const DataType t = MapProperty(R"({"type":"number"})", options);
  EXPECT_EQ(t.kind, TypeKind::kDecimal);
  EXPECT_EQ(t.precision, 38);
  EXPECT_EQ(t.scale, 18);
  EXPECT_EQ(GlueTypeString(t), "decimal(38,18)");
  EXPECT_EQ(GlueOf(R"({"type":"number","airbyte_type":"integer"})", options), "bigint");
  EXPECT_EQ(GlueOf(R"({"$ref":"WellKnownTypes.json#/definitions/Number"})", options),
            "decimal(38,18)");
  EXPECT_EQ(GlueOf(R"({"type":"array","items":{"type":"number"}})", options),
            "array<decimal(38,18)>");
  options.decimal_precision = 20;
  options.decimal_scale = 4;
  EXPECT_EQ(GlueOf(R"({"type":"object","properties":{"x":{"type":"number"}}})", options),
            "struct<x:decimal(20,4)>");
}

TEST(MappingTest, InvalidDecimalOptionsAreRejected) {
  MappingOptions options;
  options.number_as_decimal = true;
  options.decimal_precision = 39;
  EXPECT_EQ(MapJsonSchema(ParseOrDie("{}"), options).status().code(), StatusCode::kInternal);
  options.decimal_precision = 10;
  options.decimal_scale = 11;
  EXPECT_FALSE(MapJsonSchema(ParseOrDie("{}"), options).ok());
  options.number_as_decimal = false;  // unused, so not checked
  EXPECT_TRUE(MapJsonSchema(ParseOrDie("{}"), options).ok());
}

}  // namespace
}  // namespace datalake::schema
