#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "format/format.h"
#include "format/row.h"
#include "format_test_util.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::format {
namespace {

using schema::TypeKind;
using testing::FieldOf;
using testing::ListOf;
using testing::MapOf;
using testing::SchemaOf;
using testing::Sized;
using testing::StringSink;
using testing::StructOf;
using testing::Type;

using RowFiller = std::function<void(Row*)>;

// Encode one row per filler, uncompressed, and return the file's text.
std::string EncodeRows(const schema::TableSchema& schema, const std::vector<RowFiller>& fillers) {
  StringSink sink;
  auto encoder = NewJsonlEncoder(schema, EncoderOptions{}, &sink);
  EXPECT_TRUE(encoder.ok()) << encoder.status().ToString();
  if (!encoder.ok()) return "";
  Row row;
  for (const RowFiller& fill : fillers) {
    row.Clear();
    fill(&row);
    (*encoder)->Append(row);
  }
  EXPECT_TRUE((*encoder)->Finish().ok());
  EXPECT_EQ((*encoder)->rows(), fillers.size());
  return sink.data();
}

schema::TableSchema ScalarSchema() {
  return SchemaOf({FieldOf("b", Type(TypeKind::kBoolean)), FieldOf("i", Type(TypeKind::kInt64)),
                   FieldOf("d", Type(TypeKind::kDouble)), FieldOf("dec", Type(TypeKind::kDecimal)),
                   FieldOf("s", Type(TypeKind::kString)), FieldOf("j", Type(TypeKind::kJson)),
                   FieldOf("ts", Type(TypeKind::kTimestamp)),
                   FieldOf("ntz", Type(TypeKind::kTimestampNtz)),
                   FieldOf("dt", Type(TypeKind::kDate))});
}

TEST(JsonlEncoderTest, RendersEveryScalarKindAndNulls) {
  std::string text = EncodeRows(ScalarSchema(), {[](Row* r) {
                                                   r->AppendBool(true);
                                                   r->AppendInt64(-42);
                                                   r->AppendDouble(1.5);
                                                   r->AppendDecimal("-12.500000000000000000");
                                                   r->AppendString("hi");
                                                   r->AppendJson(R"({"a":[1,"x"]})");
                                                   r->AppendTimestamp(1700000000123456);
                                                   r->AppendTimestamp(0);
                                                   r->AppendDate(19000);
                                                 },
                                                 [](Row* r) {
                                                   for (int i = 0; i < 9; ++i) r->AppendNull();
                                                 }});
  EXPECT_EQ(text,
            R"({"b":true,"i":-42,"d":1.5,"dec":-12.500000000000000000,"s":"hi",)"
            R"("j":"{\"a\":[1,\"x\"]}","ts":"2023-11-14 22:13:20.123456",)"
            R"("ntz":"1970-01-01 00:00:00.000000","dt":"2022-01-08"})"
            "\n"
            R"({"b":null,"i":null,"d":null,"dec":null,"s":null,"j":null,"ts":null,"ntz":null,)"
            R"("dt":null})"
            "\n");
}

TEST(JsonlEncoderTest, NumbersUseShortestRoundTripForms) {
  auto schema =
      SchemaOf({FieldOf("i", Type(TypeKind::kInt64)), FieldOf("d", Type(TypeKind::kDouble))});
  auto row = [](int64_t i, double d) {
    return [=](Row* r) {
      r->AppendInt64(i);
      r->AppendDouble(d);
    };
  };
  std::string text = EncodeRows(
      schema, {row(std::numeric_limits<int64_t>::min(), 0.1),
               row(std::numeric_limits<int64_t>::max(), 1.0), row(0, -0.0), row(1, 1e300),
               row(2, 5e-324), row(3, 123456789012345678.0), row(4, -2.2250738585072014e-308),
               row(5, std::nan("")), row(6, std::numeric_limits<double>::infinity())});
  EXPECT_EQ(text,
            "{\"i\":-9223372036854775808,\"d\":0.1}\n"
            "{\"i\":9223372036854775807,\"d\":1}\n"
            "{\"i\":0,\"d\":-0}\n"
            "{\"i\":1,\"d\":1e+300}\n"
            "{\"i\":2,\"d\":5e-324}\n"
            "{\"i\":3,\"d\":123456789012345680}\n"
            "{\"i\":4,\"d\":-2.2250738585072014e-308}\n"
            "{\"i\":5,\"d\":null}\n"
            "{\"i\":6,\"d\":null}\n");
  // Every line is JSON, and each double reads back as the same value.
  size_t start = 0;
  for (double expected : {0.1, 1.0, -0.0, 1e300, 5e-324, 123456789012345678.0}) {
    size_t end = text.find('\n', start);
    auto line = json::Parse(std::string_view(text).substr(start, end - start));
    ASSERT_TRUE(line.ok());
    EXPECT_EQ(*line->Find("d")->AsDouble(), expected);
    start = end + 1;
  }
}

TEST(JsonlEncoderTest, RendersNestedStructsListsAndListsOfLists) {
  auto schema = SchemaOf({
      FieldOf("user",
              StructOf({FieldOf("name", Type(TypeKind::kString)),
                        FieldOf("Address", StructOf({FieldOf("City", Type(TypeKind::kString)),
                                                     FieldOf("zip", Type(TypeKind::kInt64))}))})),
      FieldOf("items", ListOf(StructOf({FieldOf("sku", Type(TypeKind::kString)),
                                        FieldOf("at", Type(TypeKind::kTimestamp))}))),
      FieldOf("matrix", ListOf(ListOf(Type(TypeKind::kInt64)))),
      FieldOf("tags", ListOf(Type(TypeKind::kString))),
      FieldOf("empty", StructOf({})),
  });
  auto full = [](Row* r) {
    r->AppendStruct();  // user
    r->AppendString("ann");
    r->AppendStruct();
    r->AppendString("Paris");
    r->AppendInt64(75001);
    size_t items = r->BeginList();
    r->AppendStruct();
    r->AppendString("a");
    r->AppendTimestamp(-1);
    r->AppendNull();
    r->AppendStruct();
    r->AppendNull();
    r->AppendNull();
    r->EndList(items, 3);
    size_t matrix = r->BeginList();
    size_t first = r->BeginList();
    r->AppendInt64(1);
    r->AppendInt64(2);
    r->EndList(first, 2);
    r->EndList(r->BeginList(), 0);
    r->AppendNull();
    r->EndList(matrix, 3);
    r->EndList(r->BeginList(), 0);  // tags
    r->AppendStruct();              // empty
  };
  auto nulls = [](Row* r) {
    for (int i = 0; i < 5; ++i) r->AppendNull();
  };
  EXPECT_EQ(
      EncodeRows(schema, {full, nulls}),
      R"({"user":{"name":"ann","Address":{"City":"Paris","zip":75001}},)"
      R"("items":[{"sku":"a","at":"1969-12-31 23:59:59.999999"},null,{"sku":null,"at":null}],)"
      R"("matrix":[[1,2],[],null],"tags":[],"empty":{}})"
      "\n"
      R"({"user":null,"items":null,"matrix":null,"tags":null,"empty":null})"
      "\n");
}

TEST(JsonlEncoderTest, EscapesKeysAndHandlesZeroColumns) {
  auto schema =
      SchemaOf({FieldOf("s", StructOf({FieldOf("we\"ird\\key", Type(TypeKind::kInt64))}))});
  EXPECT_EQ(EncodeRows(schema, {[](Row* r) {
                         r->AppendStruct();
                         r->AppendInt64(1);
                       }}),
            "{\"s\":{\"we\\\"ird\\\\key\":1}}\n");
  EXPECT_EQ(EncodeRows(SchemaOf({}), {[](Row*) {}, [](Row*) {}}), "{}\n{}\n");
}

TEST(JsonlEncoderTest, EscapesStringsAndJsonTextSoLinesParseBack) {
  static constexpr char kTricky[] =
      "q\"b\\n\nt\tc\x01z\0e\xC3\xA9 ls\xE2\x80\xA8ps\xE2\x80\xA9 \xF0\x9F\x98\x80";
  const std::string tricky(kTricky, sizeof(kTricky) - 1);  // keeps the NUL
  const std::string json_text = R"({"k":"v\"q\\","n":[null,1.5e3]})";
  auto schema =
      SchemaOf({FieldOf("s", Type(TypeKind::kString)), FieldOf("j", Type(TypeKind::kJson))});
  std::string text = EncodeRows(schema, {[&](Row* r) {
                                  r->AppendString(tricky);
                                  r->AppendJson(json_text);
                                }});
  EXPECT_EQ(text, R"({"s":"q\"b\\n\nt\tc\u0001z\u0000e)"
                  "\xC3\xA9"
                  R"( ls\u2028ps\u2029 )"
                  "\xF0\x9F\x98\x80"
                  R"(","j":"{\"k\":\"v\\\"q\\\\\",\"n\":[null,1.5e3]}"})"
                  "\n");
  ASSERT_EQ(text.find('\n'), text.size() - 1);  // one physical line
  auto line = json::Parse(std::string_view(text).substr(0, text.size() - 1));
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(*line->Find("s")->AsString(), tricky);
  ASSERT_TRUE(line->Find("j")->is_string());
  EXPECT_EQ(line->Find("j")->text(), json_text);
}

TEST(JsonlEncoderTest, RendersTimestampsAndDatesAcrossTheRange) {
  auto schema =
      SchemaOf({FieldOf("ts", Type(TypeKind::kTimestamp)), FieldOf("d", Type(TypeKind::kDate))});
  auto row = [](int64_t micros, int64_t days) {
    return [=](Row* r) {
      r->AppendTimestamp(micros);
      r->AppendDate(days);
    };
  };
  EXPECT_EQ(EncodeRows(schema,
                       {row(-1, -1), row(-315532800000123, -3653), row(-62135596800000000, -719162),
                        row(253402300799999999, 2932896), row(1000000, 0)}),
            "{\"ts\":\"1969-12-31 23:59:59.999999\",\"d\":\"1969-12-31\"}\n"
            "{\"ts\":\"1960-01-01 23:59:59.999877\",\"d\":\"1960-01-01\"}\n"
            "{\"ts\":\"0001-01-01 00:00:00.000000\",\"d\":\"0001-01-01\"}\n"
            "{\"ts\":\"9999-12-31 23:59:59.999999\",\"d\":\"9999-12-31\"}\n"
            "{\"ts\":\"1970-01-01 00:00:01.000000\",\"d\":\"1970-01-01\"}\n");
}

TEST(JsonlEncoderTest, RejectsSnappy) {
  StringSink sink;
  EncoderOptions options;
  options.compression = Compression::kSnappy;
  auto encoder = NewJsonlEncoder(ScalarSchema(), options, &sink);
  ASSERT_FALSE(encoder.ok());
  EXPECT_EQ(encoder.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(encoder.status().message(), "JSON Lines does not support SNAPPY compression");
}

TEST(JsonlEncoderTest, RejectsBadCompressionLevels) {
  StringSink sink;
  EncoderOptions options;
  options.compression = Compression::kGzip;
  options.gzip_level = 12;
  EXPECT_EQ(NewJsonlEncoder(ScalarSchema(), options, &sink).status().code(),
            StatusCode::kConfigError);
}

#ifndef NDEBUG
TEST(JsonlEncoderDeathTest, MismatchedCellKindAsserts) {
  auto schema = SchemaOf({FieldOf("i", Type(TypeKind::kInt64))});
  EXPECT_DEATH(EncodeRows(schema, {[](Row* r) { r->AppendString("not a number"); }}),
               "does not match");
}
#else
TEST(JsonlEncoderTest, MismatchedCellKindRendersNullInRelease) {
  auto schema = SchemaOf({FieldOf("i", Type(TypeKind::kInt64))});
  EXPECT_EQ(EncodeRows(schema, {[](Row* r) { r->AppendString("not a number"); }}),
            "{\"i\":null}\n");
}
#endif

// Values of the Hive types existing tables declare, rendered as the JSON SerDes read them:
// integers and floats as numbers (floats in their shortest float form), char/varchar as
// strings, binary as base64 text, maps as objects with every key as a string.
TEST(JsonlEncoderTest, RendersTheHiveTypesOfExistingTables) {
  auto schema =
      SchemaOf({FieldOf("t", Type(TypeKind::kInt8)), FieldOf("i", Type(TypeKind::kInt32)),
                FieldOf("f", Type(TypeKind::kFloat)), FieldOf("v", Sized(TypeKind::kVarchar, 5)),
                FieldOf("bin", Type(TypeKind::kBinary)),
                FieldOf("m", MapOf(Type(TypeKind::kString), Type(TypeKind::kInt64))),
                FieldOf("mi", MapOf(Type(TypeKind::kInt32), Type(TypeKind::kString))),
                FieldOf("md", MapOf(Type(TypeKind::kDate), ListOf(Type(TypeKind::kFloat))))});
  std::string text = EncodeRows(schema, {[](Row* r) {
                                           r->AppendInt64(-128);
                                           r->AppendInt64(2147483647);
                                           r->AppendDouble(static_cast<float>(0.1));
                                           r->AppendString("ab\"c");
                                           r->AppendBinary(std::string("\0\xff\x01", 3));
                                           size_t m = r->BeginMap();
                                           r->AppendString("k \"1\"");
                                           r->AppendInt64(1);
                                           r->AppendString("");
                                           r->AppendNull();
                                           r->EndMap(m, 2);
                                           m = r->BeginMap();
                                           r->AppendInt64(-5);
                                           r->AppendString("x");
                                           r->EndMap(m, 1);
                                           m = r->BeginMap();
                                           r->AppendDate(0);
                                           size_t l = r->BeginList();
                                           r->AppendDouble(static_cast<float>(1e30));
                                           r->EndList(l, 1);
                                           r->EndMap(m, 1);
                                         },
                                         [](Row* r) {
                                           for (int i = 0; i < 5; ++i) r->AppendNull();
                                           r->EndMap(r->BeginMap(), 0);
                                           r->AppendNull();
                                           r->AppendNull();
                                         }});
  EXPECT_EQ(text, R"({"t":-128,"i":2147483647,"f":0.1,"v":"ab\"c","bin":"AP8B",)"
                  R"("m":{"k \"1\"":1,"":null},"mi":{"-5":"x"},"md":{"1970-01-01":[1e+30]}})"
                  "\n"
                  R"({"t":null,"i":null,"f":null,"v":null,"bin":null,"m":{},"mi":null,"md":null})"
                  "\n");
}

}  // namespace
}  // namespace datalake::format
