#include "json/raw.h"

#include <gtest/gtest.h>

#include <string>

#include "json/json.h"

namespace datalake::json {
namespace {

TEST(ScanObjectTest, FindsTheTopMembersWhereTheyAreWritten) {
  const std::string text = R"( { "a" : [1,{"a":2}] ,"b\u0031":"x\"y", "c":{} ,"d":null} )";
  Result<RawObject> object = ScanObject(text);
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  ASSERT_EQ(object->members.size(), 4u);
  EXPECT_EQ(object->members[0].name, "a");
  EXPECT_EQ(RawValue(text, object->members[0]), R"([1,{"a":2}])");
  EXPECT_EQ(object->members[1].name, "b1");
  EXPECT_EQ(RawValue(text, object->members[1]), R"("x\"y")");
  EXPECT_EQ(RawValue(text, object->members[2]), "{}");
  EXPECT_EQ(RawValue(text, object->members[3]), "null");
  EXPECT_EQ(object->close, text.size() - 2);
  EXPECT_EQ(text[object->close], '}');
}

TEST(ScanObjectTest, AnEmptyObject) {
  Result<RawObject> object = ScanObject("{ }");
  ASSERT_TRUE(object.ok());
  EXPECT_TRUE(object->members.empty());
  EXPECT_EQ(object->close, 2u);
}

TEST(ScanObjectTest, AnyDepthWithoutRecursion) {
  // Far deeper than a call stack could follow one frame per level.
  const size_t depth = 1'000'000;
  std::string text = R"({"deep":)" + std::string(depth, '[') + "7" + std::string(depth, ']') +
                     R"(,"after":{"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}}";
  Result<RawObject> object = ScanObject(text);
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  ASSERT_EQ(object->members.size(), 2u);
  EXPECT_EQ(object->members[0].value_end - object->members[0].value_begin, 2 * depth + 1);
  EXPECT_EQ(object->members[1].name, "after");
  // An error deep down is found and placed.
  text = R"({"deep":)" + std::string(depth, '[') + "-" + std::string(depth, ']') + "}";
  object = ScanObject(text);
  ASSERT_FALSE(object.ok());
  EXPECT_NE(object.status().message().find("at byte " + std::to_string(8 + depth)),
            std::string::npos)
      << object.status().message();
}

TEST(ScanObjectTest, RejectsWhatParseRejectsButDuplicateNames) {
  for (const char* bad : {"",
                          "{",
                          "{\"a\":[1,]}",
                          "{\"a\"}",
                          "{\"a\":01}",
                          "{\"a\":1.}",
                          "{\"a\":-}",
                          "{\"a\":tru}",
                          "{\"a\":\"abc}",
                          "{} x",
                          "{\"a\":\"\x01\"}",
                          "{\"a\":\"\\x\"}",
                          "{\"a\":\"\\ud800\"}",
                          "{\"a\":nul}",
                          "{\"a\":[1 2]}",
                          "{\"a\":+1}",
                          "{\"a\":1,}",
                          "{,}",
                          "{\"a\":{\"b\":1]}",
                          "{\"a\":\"\xC3\x28\"}",
                          "{\"\xE0\x80\x80\":1}",
                          "{\"a\":[[[[]]]}",
                          "{\"a\":1}}"}) {
    Result<RawObject> scanned = ScanObject(bad);
    EXPECT_FALSE(scanned.ok()) << bad;
    EXPECT_FALSE(Parse(bad).ok()) << bad;
    if (!scanned.ok()) {
      EXPECT_NE(scanned.status().message().find("invalid JSON at byte"), std::string::npos)
          << scanned.status().message();
    }
  }
  for (const char* good : {R"({"a":[1,-0.5e+3,true,false,null,"\u00e9\ud83d\ude00\/"]})",
                           "{\"a\":\"\xC3\xA9\"}", R"({"a":{"b":[{},[]]}})"}) {
    EXPECT_TRUE(ScanObject(good).ok()) << good;
    EXPECT_TRUE(Parse(good).ok()) << good;
  }
  // Duplicate names are the reader's business: FindUnique reports them.
  Result<RawObject> object = ScanObject(R"({"a":{"x":1,"x":2},"b":1,"b":2})");
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_TRUE(object->FindUnique("a").ok());
  EXPECT_EQ(*object->FindUnique("missing"), nullptr);
  Result<const RawMember*> b = object->FindUnique("b");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "duplicate member name 'b'");
}

TEST(ScanObjectTest, ValidJsonThatIsNotAnObject) {
  for (const char* other : {"[]", "1", "\"s\"", "null", "[{\"a\":1}]"}) {
    Result<RawObject> scanned = ScanObject(other);
    ASSERT_FALSE(scanned.ok()) << other;
    EXPECT_EQ(scanned.status().message(), "not a JSON object");
  }
}

TEST(CheckValueTest, AnyValueAtAnyDepthWithLoneSurrogates) {
  const std::string deep = std::string(100000, '[') + "1e400" + std::string(100000, ']');
  for (const std::string& text : {std::string(R"( "\ud800" )"), std::string(R"("\udc00\ud800x")"),
                                  std::string("-0.0"), std::string("[true,null,{}]"), deep}) {
    EXPECT_TRUE(CheckValue(text).ok()) << text.substr(0, 40);
  }
  for (const std::string& text :
       {std::string("[}"), std::string("tru"), std::string("01"), std::string(R"("\q")"),
        std::string(R"("\ud80")"), std::string("\"\xff\""), std::string("[1,]"), std::string("1 2"),
        std::string(""), deep.substr(1)}) {
    EXPECT_FALSE(CheckValue(text).ok()) << text.substr(0, 40);
  }
}

}  // namespace
}  // namespace datalake::json
