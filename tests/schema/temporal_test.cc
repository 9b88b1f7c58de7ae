#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kDay = 86400 * kSecond;
constexpr int64_t kMinMicros = -62135596800 * kSecond;      // 0001-01-01T00:00:00Z
constexpr int64_t kMaxMicros = 253402300800 * kSecond - 1;  // 9999-12-31T23:59:59.999999Z
constexpr int64_t kMinDays = -719162;                       // 0001-01-01
constexpr int64_t kMaxDays = 2932896;                       // 9999-12-31

std::optional<int64_t> Utc(std::string_view s) { return ParseTimestampMicros(s, false); }
std::optional<int64_t> Wall(std::string_view s) { return ParseTimestampMicros(s, true); }

TEST(TemporalParseTest, EpochAndSeparators) {
  EXPECT_EQ(Utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Utc("1970-01-01t00:00:00z"), 0);
  EXPECT_EQ(Utc("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(Utc("1970-01-01"), 0);
  EXPECT_EQ(Utc("1970-01-02"), kDay);
  EXPECT_EQ(Utc("1970-01-01T00:00:01"), kSecond);
  EXPECT_EQ(Utc("2021-03-04T05:06:07Z"), 1614834367 * kSecond);
}

TEST(TemporalParseTest, FractionsAreTruncatedToMicros) {
  EXPECT_EQ(Utc("1970-01-01T00:00:00.1Z"), 100000);
  EXPECT_EQ(Utc("1970-01-01T00:00:00.12Z"), 120000);
  EXPECT_EQ(Utc("1970-01-01T00:00:00.123456Z"), 123456);
  EXPECT_EQ(Utc("1970-01-01T00:00:00.1234567Z"), 123456);
  EXPECT_EQ(Utc("1970-01-01T00:00:00.999999999Z"), 999999);
  EXPECT_EQ(Utc("1969-12-31T23:59:59.999999999"), -1);
  EXPECT_EQ(Utc("1970-01-01T00:00:00.000001"), 1);
  EXPECT_EQ(Utc("1970-01-01T00:00:00.5+01:00"), -3600 * kSecond + 500000);
}

TEST(TemporalParseTest, OffsetsShiftToUtc) {
  const int64_t noon = 12 * 3600 * kSecond;
  EXPECT_EQ(Utc("1970-01-01T12:00:00+05:30"), noon - (5 * 3600 + 1800) * kSecond);
  EXPECT_EQ(Utc("1970-01-01T12:00:00+0530"), noon - (5 * 3600 + 1800) * kSecond);
  EXPECT_EQ(Utc("1970-01-01T12:00:00+05"), noon - 5 * 3600 * kSecond);
  EXPECT_EQ(Utc("1970-01-01T12:00:00-01:00"), noon + 3600 * kSecond);
  EXPECT_EQ(Utc("1970-01-01T12:00:00-00:00"), noon);
  EXPECT_EQ(Utc("1970-01-01T12:00:00+00:00"), noon);
  EXPECT_EQ(Utc("1970-01-01T00:30:00+01:00"), -1800 * kSecond);  // crosses into 1969
  EXPECT_EQ(Utc("2020-12-31T23:00:00-02:00"), *Utc("2021-01-01T01:00:00Z"));
}

TEST(TemporalParseTest, KeepWallClockIgnoresOffsets) {
  const int64_t noon = 12 * 3600 * kSecond;
  EXPECT_EQ(Wall("1970-01-01T12:00:00+05:30"), noon);
  EXPECT_EQ(Wall("1970-01-01T12:00:00-01:00"), noon);
  EXPECT_EQ(Wall("1970-01-01T12:00:00Z"), noon);
  EXPECT_EQ(Wall("1970-01-01 12:00:00"), noon);
  EXPECT_EQ(Wall("1970-01-01"), 0);
  // Still validated.
  EXPECT_EQ(Wall("1970-01-01T12:00:00+24:00"), std::nullopt);
  EXPECT_EQ(Wall("1970-01-01T12:00:00+05:3"), std::nullopt);
}

TEST(TemporalParseTest, LeapDays) {
  EXPECT_EQ(Utc("2000-02-29"), 11016 * kDay);
  EXPECT_EQ(Utc("2024-02-29T00:00:00Z"), 19782 * kDay);
  EXPECT_EQ(Utc("1900-02-29"), std::nullopt);
  EXPECT_EQ(Utc("2023-02-29"), std::nullopt);
  EXPECT_EQ(Utc("2100-02-29T00:00:00"), std::nullopt);
  EXPECT_EQ(Utc("2000-02-30"), std::nullopt);
  EXPECT_EQ(Utc("2021-04-31"), std::nullopt);
  EXPECT_TRUE(Utc("2021-12-31").has_value());
}

TEST(TemporalParseTest, LeapSecondClampsToEndOfMinute) {
  EXPECT_EQ(Utc("2016-12-31T23:59:60Z"), *Utc("2017-01-01T00:00:00Z") - 1);
  EXPECT_EQ(Utc("2016-12-31T23:59:60.5Z"), *Utc("2016-12-31T23:59:59.999999Z"));
  EXPECT_EQ(Utc("2016-06-30T10:15:60+05:00"), *Utc("2016-06-30T05:15:59.999999Z"));
  EXPECT_EQ(Utc("2016-12-31T23:59:61Z"), std::nullopt);
}

TEST(TemporalParseTest, RangeBoundaries) {
  EXPECT_EQ(Utc("0001-01-01T00:00:00Z"), kMinMicros);
  EXPECT_EQ(Utc("0001-01-01"), kMinMicros);
  EXPECT_EQ(Utc("9999-12-31T23:59:59.999999Z"), kMaxMicros);
  EXPECT_EQ(Utc("9999-12-31T23:59:59.999999999"), kMaxMicros);
  // The instant must stay in range once shifted to UTC; the wall clock need not shift.
  EXPECT_EQ(Utc("0001-01-01T00:30:00+01:00"), std::nullopt);
  EXPECT_EQ(Wall("0001-01-01T00:30:00+01:00"), kMinMicros + 1800 * kSecond);
  EXPECT_EQ(Utc("9999-12-31T23:30:00-01:00"), std::nullopt);
  EXPECT_EQ(Utc("9999-12-31T23:30:00+01:00"), kMaxMicros + 1 - 5400 * kSecond);
  EXPECT_EQ(Utc("0000-12-31T23:00:00Z"), std::nullopt);
  EXPECT_EQ(Utc("10000-01-01T00:00:00Z"), std::nullopt);
}

TEST(TemporalParseTest, RejectsMalformedText) {
  const char* const kInvalid[] = {
      "",
      "2020",
      "2020-01",
      "2020-1-01",
      "2020-01-1",
      "20200101",
      "2020/01/01",
      "2020-13-01",
      "2020-00-10",
      "2020-01-00",
      "2020-01-32",
      "-2020-01-01",
      "+2020-01-01",
      " 2020-01-01",
      "2020-01-01 ",
      "2020-01-01T",
      "2020-01-01T10",
      "2020-01-01T10:00",
      "2020-01-01T10:00Z",
      "2020-01-01T10:00:0",
      "2020-01-01T24:00:00",
      "2020-01-01T23:60:00",
      "2020-01-01T1:00:00",
      "2020-01-01x10:00:00",
      "2020-01-01  10:00:00",
      "2020-01-01T10:00:00.",
      "2020-01-01T10:00:00.Z",
      "2020-01-01T10:00:00.1234567890",
      "2020-01-01T10:00:00,5",
      "2020-01-01T10:00:00ZZ",
      "2020-01-01T10:00:00 Z",
      "2020-01-01T10:00:00+5",
      "2020-01-01T10:00:00+05:",
      "2020-01-01T10:00:00+05:300",
      "2020-01-01T10:00:00+0530:",
      "2020-01-01T10:00:00+05:60",
      "2020-01-01T10:00:00+24",
      "2020-01-01T10:00:00UTC",
      "2020-01-01T10:00:00 BC",
      "2020-01-01 BC",
      "0001-01-01 BC",
      "0000-01-01",
      "abcd-ef-gh",
      "2020-01-01T10:00:00Z\n",
  };
  for (const char* s : kInvalid) {
    EXPECT_EQ(Utc(s), std::nullopt) << s;
    EXPECT_EQ(Wall(s), std::nullopt) << s;
    EXPECT_EQ(ParseDateDays(s), std::nullopt) << s;
  }
}

TEST(TemporalParseTest, Dates) {
  EXPECT_EQ(ParseDateDays("1970-01-01"), 0);
  EXPECT_EQ(ParseDateDays("1969-12-31"), -1);
  EXPECT_EQ(ParseDateDays("2000-02-29"), 11016);
  EXPECT_EQ(ParseDateDays("1900-02-29"), std::nullopt);
  EXPECT_EQ(ParseDateDays("0001-01-01"), kMinDays);
  EXPECT_EQ(ParseDateDays("9999-12-31"), kMaxDays);
  // The date part of a date-time as written, without shifting to UTC.
  EXPECT_EQ(ParseDateDays("2000-02-29T23:30:00-05:00"), 11016);
  EXPECT_EQ(ParseDateDays("2000-02-29T00:30:00+05:00"), 11016);
  EXPECT_EQ(ParseDateDays("2000-02-29 12:00:00.123"), 11016);
  EXPECT_EQ(ParseDateDays("0001-01-01T00:30:00+01:00"), kMinDays);
  // The rest of a date-time must still be valid.
  EXPECT_EQ(ParseDateDays("2000-02-29T25:00:00"), std::nullopt);
  EXPECT_EQ(ParseDateDays("2000-02-29Tfoo"), std::nullopt);
}

TEST(TemporalFormatTest, Timestamps) {
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(FormatTimestampMicros(1), "1970-01-01 00:00:00.000001");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatTimestampMicros(-kDay), "1969-12-31 00:00:00.000000");
  EXPECT_EQ(FormatTimestampMicros(-kDay - 1), "1969-12-30 23:59:59.999999");
  EXPECT_EQ(FormatTimestampMicros(1614834367 * kSecond + 120000), "2021-03-04 05:06:07.120000");
  EXPECT_EQ(FormatTimestampMicros(kMinMicros), "0001-01-01 00:00:00.000000");
  EXPECT_EQ(FormatTimestampMicros(kMaxMicros), "9999-12-31 23:59:59.999999");
  EXPECT_EQ(FormatTimestampMicros(11016 * kDay + kDay - 1), "2000-02-29 23:59:59.999999");
}

TEST(TemporalFormatTest, Dates) {
  EXPECT_EQ(FormatDateDays(0), "1970-01-01");
  EXPECT_EQ(FormatDateDays(-1), "1969-12-31");
  EXPECT_EQ(FormatDateDays(11016), "2000-02-29");
  EXPECT_EQ(FormatDateDays(kMinDays), "0001-01-01");
  EXPECT_EQ(FormatDateDays(kMaxDays), "9999-12-31");
  // Outside 0001..9999 (never produced by the parsers) the year keeps its sign and digits.
  EXPECT_EQ(FormatDateDays(kMinDays - 1), "0000-12-31");
  EXPECT_EQ(FormatDateDays(kMaxDays + 1), "10000-01-01");
  EXPECT_EQ(FormatDateDays(kMinDays - 366 - 365), "-0001-01-01");
}

TEST(TemporalFormatTest, ExtremeInputsDoNotCrash) {
  EXPECT_FALSE(FormatTimestampMicros(INT64_MIN).empty());
  EXPECT_FALSE(FormatTimestampMicros(INT64_MAX).empty());
  EXPECT_FALSE(FormatDateDays(INT64_MIN).empty());
  EXPECT_FALSE(FormatDateDays(INT64_MAX).empty());
}

TEST(TemporalFormatTest, AppendAddsToExistingText) {
  std::string out = "x=";
  AppendTimestampMicros(-1, &out);
  out += ";d=";
  AppendDateDays(-1, &out);
  EXPECT_EQ(out, "x=1969-12-31 23:59:59.999999;d=1969-12-31");
}

TEST(TemporalRoundTripTest, EveryDayOfSomeYearsAndTheRangeEnds) {
  // Each day of a span around leap rules and the range ends renders and parses back.
  const int64_t kStarts[] = {kMinDays, -719162 + 365 * 399, -25567, -1000, 10950, kMaxDays - 800};
  for (int64_t start : kStarts) {
    for (int64_t days = start; days < start + 800 && days <= kMaxDays; ++days) {
      const std::string date = FormatDateDays(days);
      ASSERT_EQ(ParseDateDays(date), days) << date;
      const int64_t micros = days * kDay + 45296789012;  // 12:34:56.789012
      const std::string ts = FormatTimestampMicros(micros);
      ASSERT_EQ(ts.substr(0, 10), date);
      ASSERT_EQ(Utc(ts), micros) << ts;
      ASSERT_EQ(Wall(ts), micros) << ts;
    }
  }
}

TEST(TemporalRoundTripTest, WholeCalendarMatchesNaiveDayCounting) {
  // Walk 0001-01-01..9999-12-31 one day at a time with naive month arithmetic.
  const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t days = kMinDays;
  char text[48];
  for (int y = 1; y <= 9999; ++y) {
    const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    for (int m = 1; m <= 12; ++m) {
      const int month_days = kMonthDays[m - 1] + (m == 2 && leap ? 1 : 0);
      for (int d = 1; d <= month_days; ++d, ++days) {
        snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
        ASSERT_EQ(ParseDateDays(text), days) << text;
        ASSERT_EQ(FormatDateDays(days), text);
      }
    }
  }
  EXPECT_EQ(days, kMaxDays + 1);
}

TEST(TemporalRoundTripTest, Boundaries) {
  const int64_t kValues[] = {kMinMicros,          kMinMicros + 1, -kDay - 1, -1, 0, 1, kDay - 1,
                             951782400 * kSecond,  // 2000-02-29
                             kMaxMicros - 1,      kMaxMicros};
  for (int64_t micros : kValues) {
    const std::string ts = FormatTimestampMicros(micros);
    EXPECT_EQ(Utc(ts), micros) << ts;
    EXPECT_EQ(Utc(ts + "Z"), micros) << ts;
    EXPECT_EQ(Wall(ts + "+05:30"), micros) << ts;
  }
}

TEST(TemporalRangeTest, EpochMillisOutsideTheRangeAreRejectedWithoutOverflow) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(MillisToTimestampMicros(kMax), std::nullopt);
  EXPECT_EQ(MillisToTimestampMicros(kMin), std::nullopt);
  EXPECT_EQ(MillisToTimestampMicros(kMax / 1000), std::nullopt);  // fits int64 micros, year > 9999
  EXPECT_EQ(MillisToTimestampMicros(kMaxMicros / 1000 + 1), std::nullopt);  // 10000-01-01
  EXPECT_EQ(MillisToTimestampMicros(kMinMicros / 1000 - 1), std::nullopt);  // 0000-12-31
  EXPECT_EQ(MillisToTimestampMicros(kMaxMicros / 1000), kMaxMicros - 999);
  EXPECT_EQ(MillisToTimestampMicros(kMinMicros / 1000), kMinMicros);
  EXPECT_EQ(MillisToTimestampMicros(1700000000123), 1700000000123000);
  EXPECT_EQ(MillisToTimestampMicros(-1), -1000);
  EXPECT_TRUE(TimestampMicrosInRange(kMinMicros) && TimestampMicrosInRange(kMaxMicros));
  EXPECT_FALSE(TimestampMicrosInRange(kMinMicros - 1) || TimestampMicrosInRange(kMaxMicros + 1));
  EXPECT_TRUE(DateDaysInRange(kMinDays) && DateDaysInRange(kMaxDays));
  EXPECT_FALSE(DateDaysInRange(kMinDays - 1) || DateDaysInRange(kMaxDays + 1));
}

}  // namespace
}  // namespace datalake::schema
