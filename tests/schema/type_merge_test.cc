// MergeExistingType: what an append sync declares for a column an existing table already has.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json/json.h"
#include "schema/schema.h"

namespace datalake::schema {
namespace {

DataType Glue(const std::string& text) {
  auto t = ParseGlueType(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : DataType();
}

// The stream's type of a property (as the mapper gives it).
DataType Stream(const std::string& property) {
  auto table = MapJsonSchema(
      *json::Parse(R"({"type":"object","properties":{"c":)" + property + "}}"), MappingOptions{});
  EXPECT_TRUE(table.ok() && table->columns.size() == 1) << property;
  return table.ok() && !table->columns.empty() ? table->columns[0].type : DataType();
}

struct Merged {
  std::string type;
  std::vector<std::string> kept;  // "path: table <- stream"
  std::vector<std::string> added;
  DataType data;
};

Merged Merge(const std::string& existing, const DataType& wanted) {
  Merged out;
  std::vector<KeptType> kept;
  out.data = MergeExistingType(Glue(existing), wanted, "c", &kept, &out.added);
  out.type = GlueTypeString(out.data);
  for (const KeptType& k : kept)
    out.kept.push_back(k.path + ": " + k.table_type + " <- " + k.stream_type);
  return out;
}

TEST(MergeExistingTypeTest, NewStructFieldsAreAppendedAfterTheTablesOwn) {
  const Merged m = Merge("struct<a:bigint,gone:string>",
                         Stream(R"({"type":"object","properties":{"b":{"type":"string"},
                                   "a":{"type":"integer"}}})"));
  EXPECT_EQ(m.type, "struct<a:bigint,gone:string,b:string>");
  EXPECT_EQ(m.added, (std::vector<std::string>{"c.b"}));
  EXPECT_TRUE(m.kept.empty());
}

TEST(MergeExistingTypeTest, FieldsAreAddedAtAnyDepthAndInsideArraysOfStructs) {
  const Merged m = Merge("array<struct<id:bigint,inner:struct<x:double>>>",
                         Stream(R"({"type":"array","items":{"type":"object","properties":{
          "id":{"type":"integer"},"inner":{"type":"object","properties":{
            "x":{"type":"number"},"y":{"type":"array","items":{"type":"string"}}}},
          "tag":{"type":"string"}}}})"));
  EXPECT_EQ(m.type, "array<struct<id:bigint,inner:struct<x:double,y:array<string>>,tag:string>>");
  EXPECT_EQ(m.added, (std::vector<std::string>{"c[].inner.y", "c[].tag"}));
}

TEST(MergeExistingTypeTest, ChangedTypesKeepTheTablesTypeAtEveryDepth) {
  const Merged m = Merge("struct<a:bigint,s:struct<t:int>>",
                         Stream(R"({"type":"object","properties":{"a":{"type":"string"},
                                   "s":{"type":"string"}}})"));
  EXPECT_EQ(m.type, "struct<a:bigint,s:struct<t:int>>");
  EXPECT_EQ(m.kept,
            (std::vector<std::string>{"c.a: bigint <- string", "c.s: struct<t:int> <- string"}));
  // A top-level change.
  EXPECT_EQ(Merge("int", Stream(R"({"type":"integer"})")).kept,
            (std::vector<std::string>{"c: int <- bigint"}));
}

TEST(MergeExistingTypeTest, FieldsMatchIgnoringCaseAndKeepTheTablesNameAndTheStreamsKey) {
  const Merged m = Merge("struct<zipcode:string>",
                         Stream(R"({"type":"object","properties":{"zipCode":{"type":"string"},
                                   "new field":{"type":"integer"}}})"));
  EXPECT_EQ(m.type, "struct<zipcode:string,new_field:bigint>");
  ASSERT_EQ(m.data.fields.size(), 2u);
  EXPECT_EQ(m.data.fields[0].name, "zipcode");
  EXPECT_EQ(m.data.fields[0].source_name, "zipCode");
  EXPECT_EQ(m.data.fields[1].source_name, "new field");
}

TEST(MergeExistingTypeTest, EqualGlueTypesTakeTheStreamsSemantics) {
  const DataType ntz = Stream(R"({"type":"string","format":"date-time",
                                  "airbyte_type":"timestamp_without_timezone"})");
  EXPECT_EQ(Merge("timestamp", ntz).data.kind, TypeKind::kTimestampNtz);
  EXPECT_EQ(Merge("string", Stream(R"({"type":"object"})")).data.kind, TypeKind::kJson);
  EXPECT_TRUE(Merge("string", Stream(R"({"type":"object"})")).kept.empty());
}

TEST(MergeExistingTypeTest, MapsAndOtherHiveTypesStayAsTheTableDeclaresThem) {
  const Merged m = Merge("map<string,string>", Stream(R"({"type":"object"})"));
  EXPECT_EQ(m.type, "map<string,string>");
  EXPECT_EQ(m.data.kind, TypeKind::kMap);
  EXPECT_EQ(Merge("varchar(10)", Stream(R"({"type":"string"})")).type, "varchar(10)");
}

}  // namespace
}  // namespace datalake::schema
