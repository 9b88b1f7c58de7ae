// MergeColumns: the columns an append sync commits to an existing table's definition.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

json::Value TableWith(const std::vector<Column>& columns) {
  TableSpec spec;
  spec.name = "t";
  spec.columns = columns;
  spec.location = "s3://bucket/db/t/";
  return BuildTableInput(spec);
}

std::vector<std::string> Render(const std::vector<Column>& columns) {
  std::vector<std::string> out;
  for (const Column& c : columns) out.push_back(c.name + " " + c.type);
  return out;
}

TEST(MergeColumnsTest, ExistingColumnsKeepPlaceAndTypeNewOnesFollow) {
  const json::Value table = TableWith({{"id", "int"}, {"gone", "string"}});
  EXPECT_EQ(Render(MergeColumns(table, {{"id", "bigint"}, {"added", "string"}})),
            (std::vector<std::string>{"id int", "gone string", "added string"}));
}

TEST(MergeColumnsTest, StructsGainNestedFieldsAtAnyDepth) {
  const json::Value table =
      TableWith({{"st", "struct<a:bigint>"}, {"arr", "array<struct<x:int,in:struct<y:string>>>"}});
  EXPECT_EQ(
      Render(MergeColumns(
          table, {{"st", "struct<a:string,b:string>"},
                  {"arr", "array<struct<x:bigint,in:struct<y:string,z:date>,w:double>>"}})),
      (std::vector<std::string>{"st struct<a:bigint,b:string>",
                                "arr array<struct<x:int,in:struct<y:string,z:date>,w:double>>"}));
}

TEST(MergeColumnsTest, TypesWithoutNewFieldsKeepTheTablesSpellingAndUnknownTypesStay) {
  const json::Value table = TableWith({{"d", "decimal(38, 25)"},
                                       {"n", "integer"},
                                       {"u", "uniontype<int,string>"},
                                       {"m", "map<string,struct<a:int>>"}});
  EXPECT_EQ(Render(MergeColumns(table, {{"d", "decimal(38,18)"},
                                        {"n", "bigint"},
                                        {"u", "string"},
                                        {"m", "struct<a:bigint,b:int>"}})),
            (std::vector<std::string>{"d decimal(38, 25)", "n integer", "u uniontype<int,string>",
                                      "m map<string,struct<a:int>>"}));
}

}  // namespace
}  // namespace datalake::catalog
