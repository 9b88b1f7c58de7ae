// One value per column type: every row of the "Value conversion" table in docs/TYPES.md.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "decode/decode.h"
#include "decode/test_util.h"

namespace datalake::decode::test_util {
namespace {

class ConversionTest : public ::testing::Test {
 protected:
  // Decode {"v": <json>} into a one-column table of `type`; return the cell's rendering followed
  // by " | <change>" per change, or "ERROR: <message>".
  std::string Convert(const DataType& type, std::string_view json) {
    const TableSchema schema = Schema({F("v", type)});
    const Decoded d = DecodeWith(decoder_, "{\"v\": " + std::string(json) + "}", schema);
    if (!d.status.ok()) return "ERROR: " + d.status.message();
    std::string out = d.row.substr(3);  // drop "v: "
    for (const std::string& c : d.changes) out += " | " + c;
    return out;
  }
  std::string Convert(TypeKind kind, std::string_view json) { return Convert(Type(kind), json); }

  RecordDecoder decoder_;
};

constexpr char kSer[] = " | v NULLED SERIALIZATION";
constexpr char kSize[] = " | v NULLED FIELD_SIZE";
constexpr char kTruncated[] = " | v TRUNCATED FIELD_SIZE";
std::string NulledSer() { return std::string("null") + kSer; }
std::string NulledSize() { return std::string("null") + kSize; }

TEST_F(ConversionTest, NullIsNullForEveryTypeWithoutChange) {
  for (TypeKind kind : {TypeKind::kString, TypeKind::kInt64, TypeKind::kDouble, TypeKind::kDecimal,
                        TypeKind::kBoolean, TypeKind::kTimestamp, TypeKind::kTimestampNtz,
                        TypeKind::kDate, TypeKind::kJson}) {
    EXPECT_EQ(Convert(kind, "null"), "null");
  }
  EXPECT_EQ(Convert(Struct({F("a", Type(TypeKind::kInt64))}), "null"), "null");
  EXPECT_EQ(Convert(List(Type(TypeKind::kInt64)), "null"), "null");
}

TEST_F(ConversionTest, StringTakesStringsAsIs) {
  EXPECT_EQ(Convert(TypeKind::kString, R"("abc")"), R"("abc")");
  EXPECT_EQ(Convert(TypeKind::kString, R"("")"), R"("")");
  EXPECT_EQ(Convert(TypeKind::kString, R"("0")"), R"("0")");
  EXPECT_EQ(Convert(TypeKind::kString, R"("a\"b\\c\/d\n\t\r\b\f")"),
            R"("a\"b\\c/d\x0a\x09\x0d\x08\x0c")");
  EXPECT_EQ(Convert(TypeKind::kString, R"("\u00e9\u20ac\ud83d\ude00")"),
            R"("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")");
  EXPECT_EQ(Convert(TypeKind::kString, "\"caf\xc3\xa9 \xe2\x82\xac\""),
            R"("caf\xc3\xa9 \xe2\x82\xac")");
  EXPECT_EQ(Convert(TypeKind::kString, R"("a\u0000b")"), R"("a\x00b")");
}

TEST_F(ConversionTest, StringTakesOtherValuesAsCompactJsonText) {
  EXPECT_EQ(Convert(TypeKind::kString, "42"), R"("42")");
  EXPECT_EQ(Convert(TypeKind::kString, "-1.50e+3"), R"("-1.50e+3")");
  EXPECT_EQ(Convert(TypeKind::kString, "true"), R"("true")");
  EXPECT_EQ(Convert(TypeKind::kString, "false"), R"("false")");
  EXPECT_EQ(Convert(TypeKind::kString, R"({ "a" : 1, "b" : [ 1 , 2 ] })"),
            R"("{\"a\":1,\"b\":[1,2]}")");
  EXPECT_EQ(Convert(TypeKind::kString, "[ ]"), R"("[]")");
  EXPECT_EQ(Convert(TypeKind::kString, "{}"), R"("{}")");
}

TEST_F(ConversionTest, StringWithLoneSurrogateIsNulled) {
  EXPECT_EQ(Convert(TypeKind::kString, R"("\ud800")"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kString, R"("x\udc00y")"), NulledSer());
  // Kept as written inside JSON text, where it is well-formed.
  EXPECT_EQ(Convert(TypeKind::kJson, R"("\ud800")"), R"(json("\ud800"))");
}

TEST_F(ConversionTest, Int64FromIntegers) {
  EXPECT_EQ(Convert(TypeKind::kInt64, "42"), "42");
  EXPECT_EQ(Convert(TypeKind::kInt64, "-42"), "-42");
  EXPECT_EQ(Convert(TypeKind::kInt64, "0"), "0");
  EXPECT_EQ(Convert(TypeKind::kInt64, "-0"), "0");
  EXPECT_EQ(Convert(TypeKind::kInt64, "9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(Convert(TypeKind::kInt64, "-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Convert(TypeKind::kInt64, "9223372036854775808"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "-9223372036854775809"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "18446744073709551615"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "18446744073709551616"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "123456789012345678901234567890"), NulledSize());
}

TEST_F(ConversionTest, Int64FromIntegralNumbersWithFractionOrExponent) {
  EXPECT_EQ(Convert(TypeKind::kInt64, "2.0"), "2");
  EXPECT_EQ(Convert(TypeKind::kInt64, "-2.000"), "-2");
  EXPECT_EQ(Convert(TypeKind::kInt64, "1e3"), "1000");
  EXPECT_EQ(Convert(TypeKind::kInt64, "1E+3"), "1000");
  EXPECT_EQ(Convert(TypeKind::kInt64, "1.5e1"), "15");
  EXPECT_EQ(Convert(TypeKind::kInt64, "100e-2"), "1");
  EXPECT_EQ(Convert(TypeKind::kInt64, "0.0"), "0");
  EXPECT_EQ(Convert(TypeKind::kInt64, "0e999999999999"), "0");
  EXPECT_EQ(Convert(TypeKind::kInt64, "9.223372036854775807e18"), "9223372036854775807");
  EXPECT_EQ(Convert(TypeKind::kInt64, "-9.223372036854775808e18"), "-9223372036854775808");
  EXPECT_EQ(Convert(TypeKind::kInt64, "9.223372036854775808e18"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "1e19"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "1e400"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, "-1e400"), NulledSize());
}

TEST_F(ConversionTest, Int64RejectsFractions) {
  EXPECT_EQ(Convert(TypeKind::kInt64, "1.5"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kInt64, "-0.1"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kInt64, "1e-1"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kInt64, "1e-400"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kInt64, "9223372036854775807.5"), NulledSer());
}

TEST_F(ConversionTest, Int64FromNumericStrings) {
  EXPECT_EQ(Convert(TypeKind::kInt64, R"("42")"), "42");
  EXPECT_EQ(Convert(TypeKind::kInt64, R"("-7")"), "-7");
  EXPECT_EQ(Convert(TypeKind::kInt64, R"("2.0")"), "2");
  EXPECT_EQ(Convert(TypeKind::kInt64, R"("1e3")"), "1000");
  EXPECT_EQ(Convert(TypeKind::kInt64, R"("9223372036854775808")"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kInt64, R"("1e400")"), NulledSize());
  for (const char* bad : {R"(" 42")", R"("42 ")", R"("4 2")", R"("")", R"("abc")", R"("0x10")",
                          R"("+1")", R"("01")", R"("1.")", R"(".5")", R"("1.5")", R"("NaN")"}) {
    EXPECT_EQ(Convert(TypeKind::kInt64, bad), NulledSer()) << bad;
  }
}

TEST_F(ConversionTest, Int64RejectsOtherTypes) {
  EXPECT_EQ(Convert(TypeKind::kInt64, "true"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kInt64, "{}"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kInt64, "[1]"), NulledSer());
}

TEST_F(ConversionTest, DoubleFromNumbers) {
  EXPECT_EQ(Convert(TypeKind::kDouble, "1.5"), "1.5d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "42"), "42d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "-0.0"), "-0d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "0.1"), "0.1d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "1e308"), "1e+308d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "1.7976931348623157e308"), "1.7976931348623157e+308d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "123456789012345678901234567890"),
            "1.2345678901234568e+29d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "9223372036854775808"), "9223372036854775808d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "4.9e-324"), "5e-324d");
  // Underflow: the zero of the number's sign, with a change (the value is not zero).
  EXPECT_EQ(Convert(TypeKind::kDouble, "1e-400"), std::string("0d") + kTruncated);
  EXPECT_EQ(Convert(TypeKind::kDouble, "-1e-400"), std::string("-0d") + kTruncated);
  EXPECT_EQ(Convert(TypeKind::kDouble, "0.0000e-400"), "0d");  // a real zero: no change
  EXPECT_EQ(Convert(TypeKind::kDouble, "0"), "0d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "-0"), "-0d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "-0e5"), "-0d");
  EXPECT_EQ(Convert(TypeKind::kFloat, "1e-50"), std::string("0d") + kTruncated);
  EXPECT_EQ(Convert(TypeKind::kFloat, "-0.0"), "-0d");
  EXPECT_EQ(Convert(TypeKind::kDouble, "1e400"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kDouble, "-1e400"), NulledSize());
  EXPECT_EQ(Convert(TypeKind::kDouble, "1.8e308"), NulledSize());
}

TEST_F(ConversionTest, DoubleFromNumericStrings) {
  EXPECT_EQ(Convert(TypeKind::kDouble, R"("1.5")"), "1.5d");
  EXPECT_EQ(Convert(TypeKind::kDouble, R"("-2e3")"), "-2000d");
  EXPECT_EQ(Convert(TypeKind::kDouble, R"("0.1")"), "0.1d");
  EXPECT_EQ(Convert(TypeKind::kDouble, R"("1e-400")"), std::string("0d") + kTruncated);
  EXPECT_EQ(Convert(TypeKind::kDouble, R"("-0.0")"), "-0d");
  EXPECT_EQ(
      Convert(TypeKind::kDouble, R"("0.00000000000000000000000000000000000000000000000000000)"
                                 R"(00000000000000000000000000000000000000000000000000000000)"
                                 R"(00000000000000000000000000000000000000000000000000000000)"
                                 R"(00000000000000000000000000000000000000000000000000000000)"
                                 R"(00000000000000000000000000000000000000000000000000000000)"
                                 R"(00000000000000000000000000000000000000000000000000000001")"),
      std::string("0d") + kTruncated);
  EXPECT_EQ(Convert(TypeKind::kDouble, R"("1e400")"), NulledSize());
  for (const char* bad :
       {R"("NaN")", R"("nan")", R"("Infinity")", R"("-Infinity")", R"("inf")", R"("")", R"(" 1")",
        R"("1 ")", R"("abc")", R"("0x1p3")", R"("+1")", R"("1,5")"}) {
    EXPECT_EQ(Convert(TypeKind::kDouble, bad), NulledSer()) << bad;
  }
}

TEST_F(ConversionTest, DoubleRejectsOtherTypes) {
  EXPECT_EQ(Convert(TypeKind::kDouble, "true"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kDouble, "{\"a\": 1}"), NulledSer());
  EXPECT_EQ(Convert(TypeKind::kDouble, "[]"), NulledSer());
}

TEST_F(ConversionTest, DecimalCanonicalText) {
  const DataType d = Decimal(38, 18);
  EXPECT_EQ(Convert(d, "12.5"), "dec(12.5)");
  EXPECT_EQ(Convert(d, "-12.5"), "dec(-12.5)");
  EXPECT_EQ(Convert(d, "1.50"), "dec(1.5)");
  EXPECT_EQ(Convert(d, "100"), "dec(100)");
  EXPECT_EQ(Convert(d, "0"), "dec(0)");
  EXPECT_EQ(Convert(d, "-0"), "dec(0)");
  EXPECT_EQ(Convert(d, "-0.000"), "dec(0)");
  EXPECT_EQ(Convert(d, "0.1"), "dec(0.1)");
  EXPECT_EQ(Convert(d, "1e3"), "dec(1000)");
  EXPECT_EQ(Convert(d, "1.5E+3"), "dec(1500)");
  EXPECT_EQ(Convert(d, "1.23e-2"), "dec(0.0123)");
  EXPECT_EQ(Convert(d, "-123.456e-1"), "dec(-12.3456)");
  EXPECT_EQ(Convert(d, "1.000000000000000000000000"), "dec(1)");
  EXPECT_EQ(Convert(d, "0.000000000000000001"), "dec(0.000000000000000001)");
  EXPECT_EQ(Convert(d, "99999999999999999999.999999999999999999"),
            "dec(99999999999999999999.999999999999999999)");
  EXPECT_EQ(Convert(d, "1e19"), "dec(10000000000000000000)");
  EXPECT_EQ(Convert(d, R"("12.5")"), "dec(12.5)");
  EXPECT_EQ(Convert(d, R"("-1e-3")"), "dec(-0.001)");
}

TEST_F(ConversionTest, DecimalRoundsHalfAwayFromZeroAndReportsTruncation) {
  const DataType d = Decimal(38, 18);
  const std::string kTruncated = " | v TRUNCATED FIELD_SIZE";
  EXPECT_EQ(Convert(d, "0.1234567890123456789"), "dec(0.123456789012345679)" + kTruncated);
  EXPECT_EQ(Convert(d, "0.1234567890123456784"), "dec(0.123456789012345678)" + kTruncated);
  EXPECT_EQ(Convert(d, "-0.1234567890123456785"), "dec(-0.123456789012345679)" + kTruncated);
  EXPECT_EQ(Convert(d, "5e-19"), "dec(0.000000000000000001)" + kTruncated);
  EXPECT_EQ(Convert(d, "4e-19"), "dec(0)" + kTruncated);
  EXPECT_EQ(Convert(d, "-4e-19"), "dec(0)" + kTruncated);
  EXPECT_EQ(Convert(d, "1e-400"), "dec(0)" + kTruncated);
  EXPECT_EQ(Convert(d, "0.9999999999999999999"), "dec(1)" + kTruncated);
  const DataType d52 = Decimal(5, 2);
  EXPECT_EQ(Convert(d52, "123.456"), "dec(123.46)" + kTruncated);
  EXPECT_EQ(Convert(d52, "-999.994"), "dec(-999.99)" + kTruncated);
  EXPECT_EQ(Convert(d52, "1.005"), "dec(1.01)" + kTruncated);
  EXPECT_EQ(Convert(Decimal(10, 0), "-2.5"), "dec(-3)" + kTruncated);
  EXPECT_EQ(Convert(Decimal(10, 0), "2.4"), "dec(2)" + kTruncated);
  EXPECT_EQ(Convert(Decimal(2, 2), "0.5"), "dec(0.5)");
}

TEST_F(ConversionTest, DecimalWithTooManyIntegerDigitsIsNulled) {
  const DataType d = Decimal(38, 18);
  EXPECT_EQ(Convert(d, "100000000000000000000"), NulledSize());
  EXPECT_EQ(Convert(d, "1e20"), NulledSize());
  EXPECT_EQ(Convert(d, "-1e20"), NulledSize());
  EXPECT_EQ(Convert(d, "1e400"), NulledSize());
  EXPECT_EQ(Convert(d, R"("1e400")"), NulledSize());
  // Rounding may carry into one digit too many.
  EXPECT_EQ(Convert(d, "99999999999999999999.9999999999999999995"), NulledSize());
  EXPECT_EQ(Convert(Decimal(5, 2), "999.995"), NulledSize());
  EXPECT_EQ(Convert(Decimal(2, 2), "0.999"), NulledSize());
  EXPECT_EQ(Convert(Decimal(2, 2), "1"), NulledSize());
}

TEST_F(ConversionTest, DecimalRejectsNonNumbers) {
  const DataType d = Decimal(38, 18);
  for (const char* bad :
       {R"(" 1")", R"("abc")", R"("")", R"("NaN")", R"("1.")", "true", "{}", "[1]"}) {
    EXPECT_EQ(Convert(d, bad), NulledSer()) << bad;
  }
}

TEST_F(ConversionTest, Booleans) {
  EXPECT_EQ(Convert(TypeKind::kBoolean, "true"), "true");
  EXPECT_EQ(Convert(TypeKind::kBoolean, "false"), "false");
  EXPECT_EQ(Convert(TypeKind::kBoolean, R"("true")"), "true");
  EXPECT_EQ(Convert(TypeKind::kBoolean, R"("TRUE")"), "true");
  EXPECT_EQ(Convert(TypeKind::kBoolean, R"("False")"), "false");
  EXPECT_EQ(Convert(TypeKind::kBoolean, R"("false")"), "false");
  for (const char* bad : {"0", "1", R"("1")", R"("0")", R"("yes")", R"("")", R"(" true")", R"("t")",
                          "{}", "[true]", "1.0"}) {
    EXPECT_EQ(Convert(TypeKind::kBoolean, bad), NulledSer()) << bad;
  }
}

TEST_F(ConversionTest, Timestamps) {
  const TypeKind ts = TypeKind::kTimestamp;
  EXPECT_EQ(Convert(ts, R"("2020-01-01T00:00:00Z")"), "ts(2020-01-01 00:00:00.000000)");
  EXPECT_EQ(Convert(ts, R"("2020-01-01T05:30:00+05:30")"), "ts(2020-01-01 00:00:00.000000)");
  EXPECT_EQ(Convert(ts, R"("2020-01-01T00:00:00-01:00")"), "ts(2020-01-01 01:00:00.000000)");
  EXPECT_EQ(Convert(ts, R"("2020-01-01 12:00:00.123456789")"), "ts(2020-01-01 12:00:00.123456)");
  EXPECT_EQ(Convert(ts, R"("2020-01-01")"), "ts(2020-01-01 00:00:00.000000)");
  EXPECT_EQ(Convert(ts, R"("1969-12-31T23:59:59.5Z")"), "ts(1969-12-31 23:59:59.500000)");
  EXPECT_EQ(Convert(ts, R"("2020-01-01T00:00:00\u005a")"), "ts(2020-01-01 00:00:00.000000)");
  for (const char* bad : {R"("2020-13-01")", R"("2020-02-30T00:00:00Z")", R"("2020-01-01 BC")",
                          R"("2020-01-01T00:00:00Z BC")", R"("0000-01-01")", R"("")",
                          R"("yesterday")", "1577836800", "true", "{}", "[]"}) {
    EXPECT_EQ(Convert(ts, bad), NulledSer()) << bad;
  }
}

TEST_F(ConversionTest, LeapSecondIsTheLastMicrosecondOfItsMinuteWithAChange) {
  for (const TypeKind kind : {TypeKind::kTimestamp, TypeKind::kTimestampNtz}) {
    EXPECT_EQ(Convert(kind, R"("2016-12-31T23:59:60Z")"),
              std::string("ts(2016-12-31 23:59:59.999999)") + kTruncated);
    EXPECT_EQ(Convert(kind, R"("2016-12-31T23:59:60.5")"),
              std::string("ts(2016-12-31 23:59:59.999999)") + kTruncated);
    EXPECT_EQ(Convert(kind, R"("2016-12-31T23:59:59.999999Z")"), "ts(2016-12-31 23:59:59.999999)");
  }
  // A date takes the date part as written: the time of day is not part of the value.
  EXPECT_EQ(Convert(TypeKind::kDate, R"("2016-12-31T23:59:60Z")"), "date(2016-12-31)");
}

TEST_F(ConversionTest, TimestampsWithoutZoneKeepTheWallClock) {
  const TypeKind ntz = TypeKind::kTimestampNtz;
  EXPECT_EQ(Convert(ntz, R"("2020-01-01T05:30:00+05:30")"), "ts(2020-01-01 05:30:00.000000)");
  EXPECT_EQ(Convert(ntz, R"("2020-01-01T00:00:00-01:00")"), "ts(2020-01-01 00:00:00.000000)");
  EXPECT_EQ(Convert(ntz, R"("2020-01-01T00:00:00")"), "ts(2020-01-01 00:00:00.000000)");
  EXPECT_EQ(Convert(ntz, R"("2020-01-01T25:00:00")"), NulledSer());
  EXPECT_EQ(Convert(ntz, "0"), NulledSer());
}

TEST_F(ConversionTest, Dates) {
  const TypeKind date = TypeKind::kDate;
  EXPECT_EQ(Convert(date, R"("2020-02-29")"), "date(2020-02-29)");
  EXPECT_EQ(Convert(date, R"("1969-12-31")"), "date(1969-12-31)");
  EXPECT_EQ(Convert(date, R"("2020-02-29T23:00:00-05:00")"), "date(2020-02-29)");
  EXPECT_EQ(Convert(date, R"("2020-02-29 01:00:00+05:00")"), "date(2020-02-29)");
  for (const char* bad : {R"("1900-02-29")", R"("2020-01-01 BC")", R"("2020-1-1")", R"("")",
                          "20200101", "true", "{}"}) {
    EXPECT_EQ(Convert(date, bad), NulledSer()) << bad;
  }
}

TEST_F(ConversionTest, JsonColumnsHoldCompactJsonText) {
  const TypeKind json = TypeKind::kJson;
  EXPECT_EQ(Convert(json, R"({"a":1})"), R"(json({"a":1}))");
  EXPECT_EQ(Convert(json, " { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } , \"c\":[ ] } "),
            R"(json({"a":[1,2],"b":{},"c":[]}))");
  EXPECT_EQ(Convert(json, "[ ]"), "json([])");
  // Strings are stored as their text, unquoted (docs/TYPES.md).
  EXPECT_EQ(Convert(json, R"("str")"), "json(str)");
  EXPECT_EQ(Convert(json, R"("a\"b\u00e9")"), "json(a\"b\xC3\xA9)");
  EXPECT_EQ(Convert(json, "42"), "json(42)");
  EXPECT_EQ(Convert(json, "-1.5e3 "), "json(-1.5e3)");
  EXPECT_EQ(Convert(json, "true"), "json(true)");
  EXPECT_EQ(Convert(json, "false"), "json(false)");
  EXPECT_EQ(Convert(json, "[null, true]"), "json([null,true])");
}

TEST_F(ConversionTest, JsonTextKeepsStringsAsWritten) {
  const TypeKind json = TypeKind::kJson;
  EXPECT_EQ(Convert(json, R"({"k": "a  b", "x" : " { } , [ ] "})"),
            R"(json({"k":"a  b","x":" { } , [ ] "}))");
  EXPECT_EQ(Convert(json, R"({"k": "a\" b\\", "u": "\u00e9\n"})"),
            R"(json({"k":"a\" b\\","u":"\u00e9\n"}))");
  EXPECT_EQ(Convert(json, "{\"k\": \"caf\xc3\xa9\"}"), "json({\"k\":\"caf\xc3\xa9\"})");
  EXPECT_EQ(Convert(json, R"({"a \" b": 1})"), R"(json({"a \" b":1}))");
}

TEST_F(ConversionTest, JsonTextIsValidated) {
  const TypeKind json = TypeKind::kJson;
  const std::string prefix = "ERROR: record data is not valid JSON (";
  EXPECT_EQ(Convert(json, R"({"a" 1})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(json, "[1 2]"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(json, "[1,,2]"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(json, "[1,]"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(json, R"({"a":1,})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(json, R"({"a": tru})"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(json, R"({"a": 01})"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Convert(json, "01"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Convert(json, "[1.2.3]"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Convert(json, R"({"a": 1.})"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Convert(json, R"({"a": "\q"})"), prefix + "STRING_ERROR)");
  EXPECT_EQ(Convert(json, R"({"a": "\u12"})"), prefix + "STRING_ERROR)");
  EXPECT_EQ(Convert(TypeKind::kString, "[1 2]"), prefix + "TAPE_ERROR)");
  EXPECT_EQ(Convert(TypeKind::kString, "01"), prefix + "NUMBER_ERROR)");
  EXPECT_EQ(Convert(TypeKind::kString, R"({"a": 1} )"), R"("{\"a\":1}")");
}

TEST_F(ConversionTest, NumbersThatAreConvertedAreValidated) {
  const std::string error = "ERROR: record data is not valid JSON (NUMBER_ERROR)";
  EXPECT_EQ(Convert(TypeKind::kInt64, "01"), error);
  EXPECT_EQ(Convert(TypeKind::kInt64, "1.e3"), error);
  EXPECT_EQ(Convert(TypeKind::kDouble, "1.5x"), error);
  EXPECT_EQ(Convert(TypeKind::kDouble, "-"), error);
  EXPECT_EQ(Convert(Decimal(38, 18), "1e"), error);
}

TEST_F(ConversionTest, DeeplyNestedJsonText) {
  const std::string deep = std::string(500, '[') + std::string(500, ']');
  EXPECT_EQ(Convert(TypeKind::kJson, deep), "json(" + deep + ")");
}

}  // namespace
}  // namespace datalake::decode::test_util
