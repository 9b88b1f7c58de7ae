#include <gtest/gtest.h>

#include "iceberg/iceberg.h"
#include "schema/schema.h"

namespace datalake::iceberg {
namespace {

using K = Transform::Kind;

int64_t Micros(const char* text) { return *schema::ParseTimestampMicros(text, false); }

// The hash values of the spec's Appendix B ("32-bit Hash Requirements").
TEST(TransformTest, HashesMatchTheSpecsAppendixB) {
  EXPECT_EQ(static_cast<int32_t>(Murmur3X86_32(std::string_view("iceberg"))), 1210000089);
  EXPECT_EQ(static_cast<int32_t>(Murmur3X86_32(std::string_view("\0\1\2\3", 4))), -188683207);
  // int and long 34 hash as the same 8 bytes; a date as its day number, a timestamp as its
  // microseconds.
  auto long_hash = [](int64_t v) {
    char le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)));
    return static_cast<int32_t>(Murmur3X86_32(std::string_view(le, 8)));
  };
  EXPECT_EQ(long_hash(34), 2017239379);
  EXPECT_EQ(long_hash(*schema::ParseDateDays("2017-11-16")), -653330422);
  EXPECT_EQ(long_hash(Micros("2017-11-16T22:31:08")), -2047944441);
  EXPECT_EQ(long_hash(Micros("2017-11-16T14:31:08-08:00")), -2047944441);
  // bucket[N] takes the hash's low 31 bits modulo N.
  EXPECT_EQ(BucketOfLong(34, 100), (2017239379 & 0x7fffffff) % 100);
  EXPECT_EQ(BucketOfBytes("iceberg", 16), (1210000089 & 0x7fffffff) % 16);
  EXPECT_EQ(BucketOfBytes(std::string_view("\0\1\2\3", 4), 7), (-188683207 & 0x7fffffff) % 7);
}

TEST(TransformTest, TruncateRoundsDownAndCountsCodePoints) {
  EXPECT_EQ(TruncateInteger(1, 10), 0);
  EXPECT_EQ(TruncateInteger(-1, 10), -10);
  EXPECT_EQ(TruncateInteger(10, 10), 10);
  EXPECT_EQ(TruncateInteger(-10, 10), -10);
  EXPECT_EQ(TruncateString("iceberg", 3), "ice");
  EXPECT_EQ(TruncateString("ab", 3), "ab");
  // Code points, not bytes: "é" is two bytes, "😀" four.
  EXPECT_EQ(TruncateString("\xc3\xa9t\xc3\xa9", 2), "\xc3\xa9t");
  EXPECT_EQ(TruncateString("\xf0\x9f\x98\x80x", 1), "\xf0\x9f\x98\x80");
}

TEST(TransformTest, TemporalTransformsFloorBefore1970) {
  EXPECT_EQ(YearsOfMicros(Micros("2017-11-16T22:31:08Z")), 47);
  EXPECT_EQ(MonthsOfMicros(Micros("2017-11-16T22:31:08Z")), 47 * 12 + 10);
  EXPECT_EQ(DaysOfMicros(Micros("2017-11-16T22:31:08Z")), *schema::ParseDateDays("2017-11-16"));
  EXPECT_EQ(HoursOfMicros(Micros("1970-01-01T01:00:00Z")), 1);
  // One microsecond before the epoch is in year, month, day and hour -1.
  EXPECT_EQ(YearsOfMicros(-1), -1);
  EXPECT_EQ(MonthsOfMicros(-1), -1);
  EXPECT_EQ(DaysOfMicros(-1), -1);
  EXPECT_EQ(HoursOfMicros(-1), -1);
  EXPECT_EQ(HoursOfMicros(-3'600'000'001LL), -2);
  EXPECT_EQ(YearsOfDays(-1), -1);
  EXPECT_EQ(MonthsOfDays(*schema::ParseDateDays("1969-01-31")), -12);
  EXPECT_EQ(TemporalText(K::kYear, 47), "2017");
  EXPECT_EQ(TemporalText(K::kMonth, 47 * 12 + 10), "2017-11");
  EXPECT_EQ(TemporalText(K::kMonth, -1), "1969-12");
  EXPECT_EQ(TemporalText(K::kDay, -1), "1969-12-31");
  EXPECT_EQ(TemporalText(K::kHour, HoursOfMicros(Micros("2017-11-16T08:31:08Z"))), "2017-11-16-08");
  EXPECT_EQ(TemporalText(K::kHour, -1), "1969-12-31-23");
}

TEST(TransformTest, NamesParseAndPrintBack) {
  for (const char* name : {"identity", "year", "month", "day", "hour", "bucket[16]", "truncate[4]",
                           "void", "bucket[2147483647]"}) {
    auto t = ParseTransform(name);
    ASSERT_TRUE(t.has_value()) << name;
    EXPECT_EQ(TransformName(*t), name);
  }
  EXPECT_EQ(ParseTransform("bucket[16]")->parameter, 16);
  for (const char* bad :
       {"", "days", "bucket", "bucket[]", "bucket[0]", "bucket[-1]", "bucket[016]",
        "bucket[2147483648]", "truncate[x]", "bucket[16] ", "Identity"}) {
    EXPECT_FALSE(ParseTransform(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace datalake::iceberg
