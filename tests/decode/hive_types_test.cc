// Conversions into the Hive types only existing tables declare (docs/TYPES.md, "Existing
// tables"): tinyint/smallint/int with range checks, float, char(n)/varchar(n) truncation,
// binary from base64, and maps from JSON objects.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "decode/decode.h"
#include "decode/test_util.h"

namespace datalake::decode::test_util {
namespace {

class HiveTypesTest : public ::testing::Test {
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

constexpr char kSer[] = "null | v NULLED SERIALIZATION";
constexpr char kSize[] = "null | v NULLED FIELD_SIZE";

TEST_F(HiveTypesTest, NarrowIntegersAreRangeChecked) {
  EXPECT_EQ(Convert(TypeKind::kInt8, "127"), "127");
  EXPECT_EQ(Convert(TypeKind::kInt8, "-128"), "-128");
  EXPECT_EQ(Convert(TypeKind::kInt8, "128"), kSize);
  EXPECT_EQ(Convert(TypeKind::kInt8, "-129"), kSize);
  EXPECT_EQ(Convert(TypeKind::kInt16, "32767"), "32767");
  EXPECT_EQ(Convert(TypeKind::kInt16, "-32769"), kSize);
  EXPECT_EQ(Convert(TypeKind::kInt32, "2147483647"), "2147483647");
  EXPECT_EQ(Convert(TypeKind::kInt32, "-2147483648"), "-2147483648");
  EXPECT_EQ(Convert(TypeKind::kInt32, "3000000000"), kSize);
  EXPECT_EQ(Convert(TypeKind::kInt32, "1e10"), kSize);
  EXPECT_EQ(Convert(TypeKind::kInt32, "9223372036854775808"), kSize);
  // The same shapes as bigint: integral numbers and numeric strings; the rest is SERIALIZATION.
  EXPECT_EQ(Convert(TypeKind::kInt32, "\"42\""), "42");
  EXPECT_EQ(Convert(TypeKind::kInt32, "2.0"), "2");
  EXPECT_EQ(Convert(TypeKind::kInt16, "1.5"), kSer);
  EXPECT_EQ(Convert(TypeKind::kInt8, "\"x\""), kSer);
  EXPECT_EQ(Convert(TypeKind::kInt8, "true"), kSer);
  EXPECT_EQ(Convert(TypeKind::kInt32, "null"), "null");
}

TEST_F(HiveTypesTest, FloatHoldsTheNearestFloatAndRejectsWhatIsBeyondIt) {
  EXPECT_EQ(Convert(TypeKind::kFloat, "1.5"), "1.5d");
  EXPECT_EQ(Convert(TypeKind::kFloat, "0.1"), "0.10000000149011612d");  // the float 0.1
  EXPECT_EQ(Convert(TypeKind::kFloat, "\"2.25\""), "2.25d");
  EXPECT_EQ(Convert(TypeKind::kFloat, "3.4028234663852886e38"), "3.4028234663852886e+38d");
  // FLT_MAX's shortest text, a little above it as a double, is FLT_MAX; half an ulp above is not.
  EXPECT_EQ(Convert(TypeKind::kFloat, "3.4028235e38"), "3.4028234663852886e+38d");
  EXPECT_EQ(Convert(TypeKind::kFloat, "-3.4028235e38"), "-3.4028234663852886e+38d");
  EXPECT_EQ(Convert(TypeKind::kFloat, "3.4028235677973366e38"), kSize);  // 2^128 - 2^103
  EXPECT_EQ(Convert(TypeKind::kFloat, "3.5e38"), kSize);
  EXPECT_EQ(Convert(TypeKind::kFloat, "-1e39"), kSize);
  EXPECT_EQ(Convert(TypeKind::kFloat, "1e400"), kSize);
  // Underflow to zero: the zero of its sign, and said so (the value was not zero).
  EXPECT_EQ(Convert(TypeKind::kFloat, "1e-50"), "0d | v TRUNCATED FIELD_SIZE");
  EXPECT_EQ(Convert(TypeKind::kFloat, "-1e-50"), "-0d | v TRUNCATED FIELD_SIZE");
  EXPECT_EQ(Convert(TypeKind::kFloat, "\"NaN\""), kSer);
  EXPECT_EQ(Convert(TypeKind::kFloat, "{}"), kSer);
}

TEST_F(HiveTypesTest, CharAndVarcharTruncateToTheirLengthInCharacters) {
  const DataType v3 = Sized(TypeKind::kVarchar, 3);
  EXPECT_EQ(Convert(v3, "\"abc\""), "\"abc\"");
  EXPECT_EQ(Convert(v3, "\"abcd\""), "\"abc\" | v TRUNCATED FIELD_SIZE");
  // Characters, not bytes: each of these is 2, 3 and 4 UTF-8 bytes.
  EXPECT_EQ(Convert(v3, R"("\u00e9\u4e16\ud83d\ude00x")"),
            "\"\\xc3\\xa9\\xe4\\xb8\\x96\\xf0\\x9f\\x98\\x80\" | v TRUNCATED FIELD_SIZE");
  EXPECT_EQ(Convert(v3, R"("\u00e9\u4e16\ud83d\ude00")"),
            "\"\\xc3\\xa9\\xe4\\xb8\\x96\\xf0\\x9f\\x98\\x80\"");
  EXPECT_EQ(Convert(Sized(TypeKind::kChar, 2), "12345"), "\"12\" | v TRUNCATED FIELD_SIZE");
  EXPECT_EQ(Convert(Sized(TypeKind::kChar, 2), "\"\""), "\"\"");
  EXPECT_EQ(Convert(v3, R"({"a":1})"), "\"{\\\"a\" | v TRUNCATED FIELD_SIZE");
  EXPECT_EQ(Convert(v3, R"("\ud800")"), kSer);
}

TEST_F(HiveTypesTest, BinaryIsDecodedFromBase64Text) {
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"AP8B\""), "bin(\"\\x00\\xff\\x01\")");
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"aGk=\""), "bin(\"hi\")");
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"aGk\""), "bin(\"hi\")");  // padding optional
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"\""), "bin(\"\")");
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"a\""), kSer);
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"a-b_\""), kSer);  // URL-safe alphabet
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"aG k=\""), kSer);
  EXPECT_EQ(Convert(TypeKind::kBinary, "\"aGk==\""), kSer);
  EXPECT_EQ(Convert(TypeKind::kBinary, "12"), kSer);
  EXPECT_EQ(Convert(TypeKind::kBinary, "[1,2]"), kSer);
}

TEST_F(HiveTypesTest, MapsTakeJsonObjects) {
  const DataType m = Map(Type(TypeKind::kString), Type(TypeKind::kString));
  EXPECT_EQ(Convert(m, R"({"a":"x","b":2,"c":null,"d":{"e":1}})"),
            R"(map{"a" => "x", "b" => "2", "c" => null, "d" => "{\"e\":1}"})");
  EXPECT_EQ(Convert(m, "{}"), "map{}");
  EXPECT_EQ(Convert(m, "[]"), kSer);
  EXPECT_EQ(Convert(m, "\"{}\""), kSer);
  // Values convert with their type; changes name the key.
  const DataType mi = Map(Type(TypeKind::kString), Type(TypeKind::kInt8));
  EXPECT_EQ(Convert(mi, R"({"a":1,"b":1000,"c":"x"})"),
            "map{\"a\" => 1, \"b\" => null, \"c\" => null} | v.b NULLED FIELD_SIZE | "
            "v.c NULLED SERIALIZATION");
}

TEST_F(HiveTypesTest, MapKeysConvertToTheKeyTypeOrTheEntryIsDropped) {
  const DataType m = Map(Type(TypeKind::kInt32), Type(TypeKind::kString));
  EXPECT_EQ(Convert(m, R"({"1":"a","-2":"b","x":"c","3000000000":"d"})"),
            "map{1 => \"a\", -2 => \"b\"} | v.x NULLED SERIALIZATION | "
            "v.3000000000 NULLED FIELD_SIZE");
  EXPECT_EQ(Convert(Map(Type(TypeKind::kBoolean), Type(TypeKind::kInt64)),
                    R"({"true":1,"FALSE":0,"yes":2})"),
            "map{true => 1, false => 0} | v.yes NULLED SERIALIZATION");
  EXPECT_EQ(Convert(Map(Type(TypeKind::kDate), Type(TypeKind::kInt64)), R"({"2024-02-29":1})"),
            "map{date(2024-02-29) => 1}");
  EXPECT_EQ(Convert(Map(Decimal(5, 1), Type(TypeKind::kInt64)), R"({"1.25":1})"),
            "map{dec(1.3) => 1} | v.1.25 TRUNCATED FIELD_SIZE");
  EXPECT_EQ(Convert(Map(Sized(TypeKind::kVarchar, 2), Type(TypeKind::kInt64)), R"({"abc":1})"),
            "map{\"ab\" => 1} | v.abc TRUNCATED FIELD_SIZE");
}

TEST_F(HiveTypesTest, MapKeysAreUniqueAndTheLastEntryWins) {
  const DataType m = Map(Type(TypeKind::kString), Type(TypeKind::kInt8));
  // A repeated JSON member: the last one wins, and the first one's change is withdrawn.
  EXPECT_EQ(Convert(m, R"({"a":1000,"b":2,"a":3})"), "map{\"b\" => 2, \"a\" => 3}");
  // Different JSON keys that convert to the same key: the earlier entry is reported.
  const DataType mi = Map(Type(TypeKind::kInt32), Type(TypeKind::kString));
  EXPECT_EQ(Convert(mi, R"({"1":"a","2":"b","1.0":"c"})"),
            "map{2 => \"b\", 1 => \"c\"} | v.1 NULLED SERIALIZATION");
}

TEST_F(HiveTypesTest, MapsNestInStructsListsAndEachOther) {
  const DataType t = Struct(
      {F("m", Map(Type(TypeKind::kString),
                  List(Map(Type(TypeKind::kInt16), Struct({F("x", Type(TypeKind::kInt8))}))))),
       F("after", Type(TypeKind::kInt32))});
  EXPECT_EQ(Convert(t, R"({"after":5,"m":{"k":[{"1":{"x":1}},null,{"2":{"x":300},"3":null}]}})"),
            "{m: map{\"k\" => [map{1 => {x: 1}}, null, map{2 => {x: null}, 3 => null}]}, "
            "after: 5} | v.m.k[2].2.x NULLED FIELD_SIZE");
}

}  // namespace
}  // namespace datalake::decode::test_util
