#include "json/json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace datalake::json {
namespace {

TEST(JsonParseTest, KeepsMemberOrderAndNumberText) {
  auto v = Parse(R"({"z":1,"a":12345678901234567890123456789,"m":1.0e-3})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->members().size(), 3u);
  EXPECT_EQ(v->members()[0].first, "z");
  EXPECT_EQ(v->Find("a")->text(), "12345678901234567890123456789");
  EXPECT_EQ(Serialize(*v), R"({"z":1,"a":12345678901234567890123456789,"m":1.0e-3})");
}

TEST(JsonParseTest, RejectsDuplicateKeys) {
  auto v = Parse(R"({"a":1,"a":2})");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("duplicate"), std::string::npos);
}

TEST(JsonParseTest, RejectsMalformedDocumentsWithoutQuotingThem) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\"}", "01", "1.", "-", "tru", "\"abc", "{} x",
                          "\"\x01\"", "\"\\x\"", "\"\\ud800\"", "nul", "[1 2]", "+1"}) {
    auto v = Parse(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_NE(v.status().message().find("byte"), std::string::npos);
    }
  }
}

TEST(JsonParseTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(Parse("\"\xC3\x28\"").ok());
  EXPECT_FALSE(Parse("\"\xE0\x80\x80\"").ok());  // overlong
  EXPECT_TRUE(Parse("\"\xC3\xA9\"").ok());
}

TEST(JsonParseTest, DecodesEscapesAndSurrogatePairs) {
  auto v = Parse(R"("a\n\"\\\/\u00e9\ud83d\ude00\u0000")");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->text(), std::string("a\n\"\\/\xC3\xA9\xF0\x9F\x98\x80\0", 12));
}

TEST(JsonParseTest, BoundsNestingDepth) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  EXPECT_FALSE(Parse(deep).ok());
  std::string ok(100, '[');
  ok += std::string(100, ']');
  EXPECT_TRUE(Parse(ok).ok());
}

TEST(JsonSerializeTest, EscapesControlCharactersAndRoundTrips) {
  Value v = Value::Object();
  v.Set("s", Value::String(std::string("x\x01\n\"\\\xE2\x80\xA8", 8)));
  v.Set("n", Value::Null());
  v.Set("b", Value::Bool(false));
  v.Set("a", Value::Array({Value::Int(-3), Value::Double(1), Value::Double(0.5)}));
  std::string text = Serialize(v);
  EXPECT_EQ(text,
            "{\"s\":\"x\\u0001\\n\\\"\\\\\xE2\x80\xA8\",\"n\":null,\"b\":false,"
            "\"a\":[-3,1.0,0.5]}");
  auto back = Parse(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, v);
  auto pretty = Parse(SerializePretty(v));
  ASSERT_TRUE(pretty.ok());
  EXPECT_EQ(*pretty, v);
}

TEST(JsonValueTest, NumericAccessors) {
  EXPECT_EQ(Value::NumberText("42").AsInt64(), 42);
  EXPECT_EQ(Value::NumberText("-9223372036854775808").AsInt64(), INT64_MIN);
  EXPECT_FALSE(Value::NumberText("9223372036854775808").AsInt64().has_value());
  EXPECT_FALSE(Value::NumberText("1.0").AsInt64().has_value());
  EXPECT_DOUBLE_EQ(*Value::NumberText("1.5e2").AsDouble(), 150.0);
  EXPECT_TRUE(Value::Double(std::nan("")).is_null());
}

TEST(JsonValueTest, SetReplacesInPlaceAndRemoveDeletes) {
  Value v = Value::Object();
  v.Set("a", Value::Int(1));
  v.Set("b", Value::Int(2));
  v.Set("a", Value::Int(3));
  EXPECT_EQ(Serialize(v), R"({"a":3,"b":2})");
  v.Remove("a");
  EXPECT_EQ(Serialize(v), R"({"b":2})");
}

}  // namespace
}  // namespace datalake::json
