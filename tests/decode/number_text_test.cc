#include "decode/number_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "decode/decimal.h"

namespace datalake::decode {
namespace {

TEST(NumberTextTest, GrammarAcceptsJsonNumbersOnly) {
  for (const char* good : {"0", "-0", "1", "-1", "10", "1.5", "0.001", "1e5", "1E5", "1e+5", "1e-5",
                           "-1.5E-05", "123456789012345678901234567890"}) {
    EXPECT_TRUE(ParseNumberParts(good, nullptr)) << good;
  }
  for (const char* bad :
       {"",   "-",  "+1",   "01",  "-01",      "1.",        ".5",   "1e",    "1e+", "1.e5",
        "1 ", " 1", "0x10", "NaN", "Infinity", "-Infinity", "1..2", "1e5.5", "--1", "1-"}) {
    EXPECT_FALSE(ParseNumberParts(bad, nullptr)) << bad;
  }
}

TEST(NumberTextTest, Parts) {
  NumberParts p;
  ASSERT_TRUE(ParseNumberParts("-12.034e-7", &p));
  EXPECT_TRUE(p.negative);
  EXPECT_EQ(p.int_digits, "12");
  EXPECT_EQ(p.frac_digits, "034");
  EXPECT_EQ(p.exponent, -7);
  ASSERT_TRUE(ParseNumberParts("1e99999999999999999999999", &p));
  EXPECT_EQ(p.exponent, kMaxExponent);
  ASSERT_TRUE(ParseNumberParts("1e-99999999999999999999999", &p));
  EXPECT_EQ(p.exponent, -kMaxExponent);
}

TEST(NumberTextTest, ScanStopsWhereTheGrammarStops) {
  EXPECT_EQ(ScanNumber("[12.5e3,", 1, nullptr), 6u);
  EXPECT_EQ(ScanNumber("01", 0, nullptr), 1u);
  EXPECT_EQ(ScanNumber("x", 0, nullptr), 0u);
  EXPECT_EQ(ScanNumber("1.x", 0, nullptr), 0u);
}

TEST(NumberTextTest, Int64) {
  int64_t v = 0;
  EXPECT_EQ(NumberTextToInt64("9223372036854775807", &v), NumberFit::kOk);
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_EQ(NumberTextToInt64("-9223372036854775808", &v), NumberFit::kOk);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(NumberTextToInt64("-92233720368547758.08e2", &v), NumberFit::kOk);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(NumberTextToInt64("0.0001e4", &v), NumberFit::kOk);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(NumberTextToInt64("1200e-2", &v), NumberFit::kOk);
  EXPECT_EQ(v, 12);
  EXPECT_EQ(NumberTextToInt64("99999999999999999999", &v), NumberFit::kOutOfRange);
  EXPECT_EQ(NumberTextToInt64("100000000000000000000", &v), NumberFit::kOutOfRange);
  EXPECT_EQ(NumberTextToInt64("1e99999999999999999999", &v), NumberFit::kOutOfRange);
  EXPECT_EQ(NumberTextToInt64("1e-99999999999999999999", &v), NumberFit::kNotIntegral);
  EXPECT_EQ(NumberTextToInt64("1201e-2", &v), NumberFit::kNotIntegral);
  EXPECT_EQ(NumberTextToInt64("abc", &v), NumberFit::kInvalid);
}

TEST(NumberTextTest, Double) {
  double v = 0;
  EXPECT_EQ(NumberTextToDouble("0.1", &v), NumberFit::kOk);
  EXPECT_EQ(v, 0.1);
  EXPECT_EQ(NumberTextToDouble("1e400", &v), NumberFit::kOutOfRange);
  EXPECT_EQ(NumberTextToDouble("0.0000001e316", &v), NumberFit::kOutOfRange);
  EXPECT_EQ(NumberTextToDouble("100000e-400", &v), NumberFit::kUnderflow);
  EXPECT_EQ(v, 0.0);
  EXPECT_EQ(NumberTextToDouble("-1e-400", &v), NumberFit::kUnderflow);
  EXPECT_TRUE(v == 0.0 && std::signbit(v));
  EXPECT_EQ(NumberTextToDouble("NaN", &v), NumberFit::kInvalid);
}

TEST(DecimalTextTest, Conversions) {
  std::string out;
  EXPECT_EQ(NumberTextToDecimal("0.000", 38, 18, &out), DecimalFit::kExact);
  EXPECT_EQ(out, "0");
  EXPECT_EQ(NumberTextToDecimal("-001", 38, 18, &out), DecimalFit::kInvalid);
  EXPECT_EQ(NumberTextToDecimal("123.4500", 38, 18, &out), DecimalFit::kExact);
  EXPECT_EQ(out, "123.45");
  EXPECT_EQ(NumberTextToDecimal("1e99999999999999999999", 38, 18, &out), DecimalFit::kTooLarge);
  EXPECT_EQ(NumberTextToDecimal("1e-99999999999999999999", 38, 18, &out), DecimalFit::kRounded);
  EXPECT_EQ(out, "0");
  EXPECT_EQ(NumberTextToDecimal("0e99999999999999999999", 38, 18, &out), DecimalFit::kExact);
  EXPECT_EQ(out, "0");
  EXPECT_EQ(NumberTextToDecimal("12345.678e-3", 38, 18, &out), DecimalFit::kExact);
  EXPECT_EQ(out, "12.345678");
  EXPECT_EQ(NumberTextToDecimal("0.00000000000000000000000000000000000000012345e40", 38, 18, &out),
            DecimalFit::kExact);
  EXPECT_EQ(out, "1.2345");
  EXPECT_EQ(NumberTextToDecimal("-0.0000000000000000005", 38, 18, &out), DecimalFit::kRounded);
  EXPECT_EQ(out, "-0.000000000000000001");
  EXPECT_EQ(NumberTextToDecimal("9.5", 1, 0, &out), DecimalFit::kTooLarge);
  EXPECT_EQ(NumberTextToDecimal("9.4", 1, 0, &out), DecimalFit::kRounded);
  EXPECT_EQ(out, "9");
  // The integer limit counts significant digits only.
  EXPECT_EQ(NumberTextToDecimal("0.99", 2, 2, &out), DecimalFit::kExact);
  EXPECT_EQ(out, "0.99");
  EXPECT_EQ(NumberTextToDecimal("12345678901234567890123456789012345678", 38, 0, &out),
            DecimalFit::kExact);
  EXPECT_EQ(out, "12345678901234567890123456789012345678");
}

}  // namespace
}  // namespace datalake::decode
