#include "decode/json_text.h"

#include <gtest/gtest.h>

#include <string>

#include "decode/field_index.h"

namespace datalake::decode {
namespace {

std::string Compact(std::string_view text) {
  JsonCompactor compactor;
  std::string out = "<";
  const Status status = compactor.Append(text, &out);
  return status.ok() ? out : status.message();
}

TEST(JsonCompactorTest, RemovesWhitespaceOutsideStrings) {
  EXPECT_EQ(Compact(R"({"a":1})"), R"(<{"a":1})");
  EXPECT_EQ(Compact(" { \"a\" : [ 1 , { } , [ ] , \"x y\" ] }\n"), R"(<{"a":[1,{},[],"x y"]})");
  EXPECT_EQ(Compact("\t[\r\n1\r\n]"), "<[1]");
  EXPECT_EQ(Compact(" \"s\" "), "<\"s\"");
  EXPECT_EQ(Compact("-1.5e-3"), "<-1.5e-3");
  EXPECT_EQ(Compact("true"), "<true");
  EXPECT_EQ(Compact("null "), "<null");
  EXPECT_EQ(Compact(R"(["\"", "\\", "\u0041\/\b\f\n\r\t", " { [ , : "])"),
            R"(<["\"","\\","\u0041\/\b\f\n\r\t"," { [ , : "])");
}

TEST(JsonCompactorTest, RejectsMalformedText) {
  const std::string prefix = "record data is not valid JSON (";
  EXPECT_EQ(Compact(""), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("  "), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("{"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("[1"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("[1,"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("]"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("[1]]"), prefix + "TRAILING_CONTENT)");
  EXPECT_EQ(Compact("1 2"), prefix + "TRAILING_CONTENT)");
  EXPECT_EQ(Compact("[}"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("{]"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact(R"({"a"})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact(R"({"a":})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact(R"({1:2})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact(R"({"a":1 "b":2})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("nul"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Compact("truex"), prefix + "TRAILING_CONTENT)");
  EXPECT_EQ(Compact("-"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Compact("[-a]"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Compact("1.5.5"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Compact("\"abc"), prefix + "STRING_ERROR)");
  EXPECT_EQ(Compact("\"a\\x\""), prefix + "STRING_ERROR)");
  EXPECT_EQ(Compact("\"a\\u00g0\""), prefix + "STRING_ERROR)");
  EXPECT_EQ(Compact("\"a\\u00\""), prefix + "STRING_ERROR)");
  EXPECT_EQ(Compact("\"a\\\""), prefix + "STRING_ERROR)");
  EXPECT_EQ(Compact(std::string("\"a\x01\"")), prefix + "STRING_ERROR)");
  EXPECT_EQ(Compact(std::string("\"a\0\"", 4)), prefix + "STRING_ERROR)");
}

TEST(JsonCompactorTest, ReusableAfterErrors) {
  JsonCompactor compactor;
  std::string out;
  EXPECT_FALSE(compactor.Append("[[[[", &out).ok());
  out.clear();
  EXPECT_TRUE(compactor.Append("[ 1 ]", &out).ok());
  EXPECT_EQ(out, "[1]");
}

TEST(JsonTextTest, TrimTrailingWhitespace) {
  EXPECT_EQ(TrimTrailingWhitespace("12 \t\r\n"), "12");
  EXPECT_EQ(TrimTrailingWhitespace("\"a \" "), "\"a \"");
  EXPECT_EQ(TrimTrailingWhitespace(""), "");
}

TEST(FieldIndexTest, FindsFieldsAndConfirmsAgainstLiveNames) {
  std::vector<schema::Field> fields(40);
  for (size_t i = 0; i < fields.size(); ++i) fields[i].source_name = "f" + std::to_string(i);
  FieldIndex index(fields);
  for (size_t i = 0; i < fields.size(); ++i)
    EXPECT_EQ(index.Find(fields, fields[i].source_name), static_cast<int>(i));
  EXPECT_EQ(index.Find(fields, "f40"), -1);
  EXPECT_EQ(index.Find(fields, ""), -1);
  EXPECT_TRUE(index.Matches(fields));
  fields[3].source_name = "renamed";
  EXPECT_FALSE(index.Matches(fields));
  EXPECT_EQ(index.Find(fields, "f3"), -1);  // the stale entry is not believed
  index.Build(fields);
  EXPECT_EQ(index.Find(fields, "renamed"), 3);
  fields.resize(2);
  EXPECT_FALSE(index.Matches(fields));
  EXPECT_EQ(index.Find(fields, "f10"), -1);  // out of the live range
}

}  // namespace
}  // namespace datalake::decode
