#include <gtest/gtest.h>

#include <utility>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

TEST(GlueTypeParserTest, RoundTripsEveryTypeTheMapperWrites) {
  for (const char* text :
       {"string", "bigint", "double", "boolean", "timestamp", "date", "decimal(38,18)",
        "array<string>", "struct<family:string,producerUrl:string,version:array<string>>",
        "array<struct<id:bigint,questions:struct<title:string,option:bigint>,answer:string>>",
        "struct<sync_id:bigint,changes:array<struct<field:string,change:string,reason:string>>>"}) {
    auto t = ParseGlueType(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(GlueTypeString(*t), text);
  }
}

TEST(GlueTypeParserTest, EveryHiveTypeAnExistingTableCanHaveRoundTrips) {
  const std::pair<const char*, TypeKind> cases[] = {
      {"tinyint", TypeKind::kInt8},
      {"smallint", TypeKind::kInt16},
      {"int", TypeKind::kInt32},
      {"bigint", TypeKind::kInt64},
      {"float", TypeKind::kFloat},
      {"double", TypeKind::kDouble},
      {"decimal(38,25)", TypeKind::kDecimal},
      {"decimal(9,0)", TypeKind::kDecimal},
      {"char(10)", TypeKind::kChar},
      {"varchar(255)", TypeKind::kVarchar},
      {"string", TypeKind::kString},
      {"boolean", TypeKind::kBoolean},
      {"date", TypeKind::kDate},
      {"timestamp", TypeKind::kTimestamp},
      {"binary", TypeKind::kBinary},
      {"array<int>", TypeKind::kList},
      {"map<string,string>", TypeKind::kMap},
      {"map<int,array<struct<a:float,b:map<varchar(3),binary>>>>", TypeKind::kMap},
      {"struct<a:tinyint,b:smallint,c:char(1),d:array<map<bigint,decimal(5,2)>>>",
       TypeKind::kStruct},
  };
  for (const auto& [text, kind] : cases) {
    auto t = ParseGlueType(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(t->kind, kind) << text;
    EXPECT_EQ(GlueTypeString(*t), text);
  }
  EXPECT_EQ(ParseGlueType("char(10)")->length, 10);
  EXPECT_EQ(ParseGlueType("map<int,string>")->key->kind, TypeKind::kInt32);
  EXPECT_EQ(ParseGlueType("map<int,string>")->element->kind, TypeKind::kString);
}

TEST(GlueTypeParserTest, AcceptsHiveSpellingsAndRejectsTheRest) {
  EXPECT_EQ(GlueTypeString(*ParseGlueType("integer")), "int");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("INT")), "int");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("double precision")), "double");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("varchar(20)")), "varchar(20)");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("varchar")), "string");  // no length: plain text
  EXPECT_EQ(GlueTypeString(*ParseGlueType("decimal(38, 25)")), "decimal(38,25)");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("decimal")), "decimal(10,0)");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("map < string , int >")), "map<string,int>");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("struct<a :int, b:string>")), "struct<a:int,b:string>");
  // Older tables may hold struct field names Hive cannot read; they parse, as written.
  EXPECT_EQ(ParseGlueType("struct<a b:int>")->fields[0].name, "a b");
  for (const char* bad :
       {"map<struct<a:int>,string>", "map<array<int>,string>", "map<string>", "uniontype<int>",
        "interval_day_time", "void", "struct<>", "struct<:int>", "struct<a,b:int>", "array<",
        "decimal(40,2)", "char(0)", "char(256)", "varchar(65536)", "string extra", ""}) {
    EXPECT_FALSE(ParseGlueType(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace datalake::schema
