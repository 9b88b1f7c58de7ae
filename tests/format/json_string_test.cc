#include "format/json_string.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "json/json.h"

namespace datalake::format {
namespace {

std::string Quote(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// The oracle: json::AppendQuoted, plus the U+2028/U+2029 escapes JSON Lines output adds.
std::string Expected(std::string_view s) {
  std::string quoted;
  json::AppendQuoted(s, &quoted);
  std::string out;
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted.compare(i, 3, "\xE2\x80\xA8") == 0 || quoted.compare(i, 3, "\xE2\x80\xA9") == 0) {
      out += quoted[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out.push_back(quoted[i]);
    }
  }
  return out;
}

TEST(JsonStringTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(Quote(""), R"("")");
  EXPECT_EQ(Quote("plain text"), R"("plain text")");
  EXPECT_EQ(Quote("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(Quote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(Quote(std::string_view("x\0y\x01\x1f\x7f", 6)), "\"x\\u0000y\\u0001\\u001f\x7f\"");
}

TEST(JsonStringTest, EscapesUnicodeLineBreaksAndKeepsOtherUtf8) {
  EXPECT_EQ(Quote("a\xE2\x80\xA8z"), R"("a\u2028z")");
  EXPECT_EQ(Quote("\xE2\x80\xA9"), R"("\u2029")");
  // U+2027 and U+20AC share the lead byte; U+00E9 and U+1F600 are plain UTF-8.
  EXPECT_EQ(Quote("\xE2\x80\xA7\xE2\x82\xAC\xC3\xA9\xF0\x9F\x98\x80"),
            "\"\xE2\x80\xA7\xE2\x82\xAC\xC3\xA9\xF0\x9F\x98\x80\"");
  // A line break straddling the eight-byte words the scanner skips by.
  EXPECT_EQ(Quote("1234567\xE2\x80\xA8"
                  "89"),
            R"("1234567\u202889")");
  EXPECT_EQ(Quote("123456\"\xE2\x80\xA8"), R"("123456\"\u2028")");
}

TEST(JsonStringTest, RandomStringsMatchTheOracleAndParseBack) {
  const std::string_view pieces[] = {"a",
                                     "Z",
                                     "0",
                                     " ",
                                     "\"",
                                     "\\",
                                     "/",
                                     "\n",
                                     "\t",
                                     std::string_view("\0", 1),
                                     "\x01",
                                     "\x1f",
                                     "\x7f",
                                     "\xC3\xA9",
                                     "\xE2\x82\xAC",
                                     "\xE2\x80\xA8",
                                     "\xE2\x80\xA9",
                                     "\xE2\x80\xA7",
                                     "\xF0\x9F\x98\x80",
                                     "longer plain run of text "};
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    std::string s;
    int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) s += pieces[rng() % std::size(pieces)];
    std::string quoted = Quote(s);
    ASSERT_EQ(quoted, Expected(s));
    auto parsed = json::Parse(quoted);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->text(), s);
  }
}

}  // namespace
}  // namespace datalake::format
