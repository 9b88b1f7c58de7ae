#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "json/json.h"
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

// Every struct field name in `type` is a Hive identifier, unique ignoring case within its struct.
void ExpectHiveNames(const DataType& type, const std::string& where) {
  if (type.kind == TypeKind::kStruct) {
    std::set<std::string> folded;
    for (const Field& f : type.fields) {
      EXPECT_TRUE(IsHiveIdentifier(f.name)) << where << "." << f.name;
      std::string lower = f.name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_TRUE(folded.insert(lower).second) << where << ": " << f.name << " collides";
      ExpectHiveNames(f.type, where + "." + f.name);
    }
  }
  if (type.key) ExpectHiveNames(*type.key, where + "{key}");
  if (type.element) ExpectHiveNames(*type.element, where + "[]");
}

// The whole type matrix, with names Hive cannot parse at every depth (inside arrays of structs
// too): every Glue type string the mapper emits parses back to a type with the same string.
TEST(GlueTypeParserTest, EveryEmittedTypeRoundTripsWithFunkyNames) {
  const char* kSchema = R"({"type":"object","properties":{
    "s":{"type":"string"}, "ts":{"type":"string","format":"date-time"},
    "ntz":{"type":"string","format":"date-time","airbyte_type":"timestamp_without_timezone"},
    "d":{"type":"string","format":"date"}, "i":{"type":"integer"}, "n":{"type":"number"},
    "b":{"type":"boolean"}, "j":{"type":"object"}, "u":{"oneOf":[{"type":"string"},{"type":"integer"}]},
    "st":{"type":"object","properties":{
      "a b":{"type":"string"}, "x:y":{"type":"integer"}, "c,d":{"type":"number"},
      "e<f>":{"type":"boolean"}, "":{"type":"string","format":"date"}, "A":{"type":"string"},
      "a":{"type":"integer"}, "struct<q:int>":{"type":"string"}, "\u540d\u524d":{"type":"string"},
      "in ner":{"type":"object","properties":{"k,v":{"type":"array","items":{"type":"string"}},
                                              "K,V":{"type":"string","format":"date-time"}}}}},
    "arr":{"type":"array","items":{"type":"object","properties":{
      "x y":{"type":"integer"}, "X_Y":{"type":"string"},
      "deep":{"type":"array","items":{"type":"object","properties":{"<>":{"type":"number"}}}}}}},
    "nested":{"type":"array","items":{"type":"array","items":{"type":"integer"}}}}})";
  for (bool decimal : {false, true}) {
    MappingOptions options;
    options.number_as_decimal = decimal;
    auto table = MapJsonSchema(*json::Parse(kSchema), options);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    for (const Field& column : table->columns) {
      const std::string text = GlueTypeString(column.type);
      auto parsed = ParseGlueType(text);
      ASSERT_TRUE(parsed.ok()) << column.name << ": " << text << ": " << parsed.status().ToString();
      EXPECT_EQ(GlueTypeString(*parsed), text) << column.name;
      ExpectHiveNames(column.type, column.name);
    }
  }
  auto table = MapJsonSchema(*json::Parse(kSchema), {});
  const Field& st = table->columns[table->FindBySource("st")];
  EXPECT_EQ(GlueTypeString(st.type),
            "struct<a_b:string,x_y:bigint,c_d:double,e_f_:boolean,_:date,A:string,"
            "a_af63dc4c:bigint,struct_q_int_:string,__e89b3249:string,"
            "in_ner:struct<k_v_3cd13f19:array<string>,K_V:timestamp>>")
      << "collisions as in names_test.cc: the smallest raw name keeps the name";
}

}  // namespace
}  // namespace datalake::schema
