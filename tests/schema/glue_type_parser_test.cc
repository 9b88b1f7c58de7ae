#include <gtest/gtest.h>

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

TEST(GlueTypeParserTest, AcceptsHiveSpellingsAndRejectsTheRest) {
  EXPECT_EQ(GlueTypeString(*ParseGlueType("int")), "bigint");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("varchar(20)")), "string");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("decimal(38, 25)")), "decimal(38,25)");
  EXPECT_EQ(GlueTypeString(*ParseGlueType("decimal")), "decimal(10,0)");
  for (const char* bad : {"map<string,string>", "binary", "struct<>", "array<", "decimal(40,2)",
                          "string extra", ""}) {
    EXPECT_FALSE(ParseGlueType(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace datalake::schema
