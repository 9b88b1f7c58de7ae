// Encoders and value conversions: RLE/bit-packing hybrid
// (docs/FORMATS.md#rle-and-bit-packing-hybrid, including its examples), the dictionary builder,
// decimal and INT96 conversions, and the schema conversion's levels and annotations
// (docs/FORMATS.md#leaf-types).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "format/format_test_util.h"
#include "format/parquet/dictionary_builder.h"
#include "format/parquet/rle_bp_encoder.h"
#include "format/parquet/schema_converter.h"
#include "format/parquet/value_conversion.h"

namespace datalake::format::parquet {
namespace {

using format::testing::FieldOf;
using format::testing::ListOf;
using format::testing::MapOf;
using format::testing::SchemaOf;
using format::testing::Sized;
using format::testing::StructOf;
using format::testing::Type;
using schema::TypeKind;

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// An independent decoder of the hybrid; fails if a bit-packed run that is not the last one
// carries padding, i.e. if decoding would produce more values than were encoded.
std::vector<uint32_t> DecodeRleBp(const std::string& in, int bit_width, size_t count) {
  std::vector<uint32_t> out;
  size_t p = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0; p < in.size(); shift += 7) {
      const auto b = static_cast<uint8_t>(in[p++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
    }
    return v;
  };
  while (p < in.size()) {
    const uint64_t header = varint();
    if (header & 1) {
      const size_t values = (header >> 1) * 8;
      uint64_t buffer = 0;
      int bits = 0;
      for (size_t i = 0; i < values; ++i) {
        while (bits < bit_width) {
          buffer |= static_cast<uint64_t>(static_cast<uint8_t>(in[p++])) << bits;
          bits += 8;
        }
        out.push_back(static_cast<uint32_t>(buffer & ((1ULL << bit_width) - 1)));
        buffer >>= bit_width;
        bits -= bit_width;
      }
      if (p < in.size()) {
        EXPECT_LE(out.size(), count) << "padding in a non-final bit-packed run";
      }
    } else {
      uint32_t value = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b) {
        value |= static_cast<uint32_t>(static_cast<uint8_t>(in[p++])) << (8 * b);
      }
      out.insert(out.end(), header >> 1, value);
    }
  }
  EXPECT_GE(out.size(), count);
  out.resize(count);
  return out;
}

std::string Encode(const std::vector<uint8_t>& values, int width) {
  std::string out;
  EncodeRleBp(values.data(), values.size(), width, &out);
  return out;
}

TEST(RleBpEncoderTest, MatchesTheValidatedExamples) {
  std::string levels;
  EncodeLevels({1, 1, 1, 0, 1, 1, 1, 1}, 1, &levels);
  EXPECT_EQ(Bytes(levels), (std::vector<uint8_t>{0x02, 0, 0, 0, 0x03, 0xf7}));
  levels.clear();
  EncodeLevels(std::vector<uint8_t>(100, 1), 1, &levels);
  EXPECT_EQ(Bytes(levels), (std::vector<uint8_t>{0x03, 0, 0, 0, 0xc8, 0x01, 0x01}));
  // 0..7 at width 3 -> 10001000 11000110 11111010.
  EXPECT_EQ(Bytes(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3)),
            (std::vector<uint8_t>{0x03, 0x88, 0xc6, 0xfa}));
}

TEST(RleBpEncoderTest, PadsOnlyTheLastRunAndTopsLiteralsUpBeforeARepeat) {
  EXPECT_EQ(Bytes(Encode({1, 0, 1}, 1)), (std::vector<uint8_t>{0x03, 0x05}));
  // 1,2,3 then ten 5s: the literal group takes five 5s, an RLE run the other five.
  EXPECT_EQ(Bytes(Encode({1, 2, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, 3)),
            (std::vector<uint8_t>{0x03, 0xd1, 0xda, 0xb6, 0x0a, 0x05}));
}

TEST(RleBpEncoderTest, WideValuesUseSeveralBytesInRuns) {
  std::vector<uint32_t> values(20, 70000);
  std::string out;
  EncodeRleBp(values.data(), values.size(), 17, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x28, 0x70, 0x11, 0x01}));
}

TEST(RleBpEncoderTest, RandomSequencesRoundTripThroughAnIndependentDecoder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const int width = std::uniform_int_distribution<int>(0, 32)(rng);  // every width
    const size_t count = std::uniform_int_distribution<size_t>(0, 200)(rng);
    const uint32_t max = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    std::vector<uint32_t> values;
    while (values.size() < count) {
      const uint32_t v = std::uniform_int_distribution<uint32_t>(0, max)(rng);
      const size_t run = std::uniform_int_distribution<size_t>(1, round % 2 ? 20 : 3)(rng);
      for (size_t i = 0; i < run && values.size() < count; ++i) values.push_back(v);
    }
    std::string out;
    EncodeRleBp(values.data(), values.size(), width, &out);
    EXPECT_EQ(DecodeRleBp(out, width, values.size()), values) << "round " << round;
  }
}

TEST(RleBpEncoderTest, BitWidthCountsBits) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(3), 2);
  EXPECT_EQ(BitWidth(4), 3);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(0xFFFFFFFFu), 32);
}

TEST(DictionaryBuilderTest, KeepsFirstSeenOrderAsAPlainPageBody) {
  DictionaryBuilder dictionary(/*length_prefixed=*/true);
  bool inserted = false;
  EXPECT_EQ(dictionary.Insert("b", &inserted), 0u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(dictionary.Insert("", &inserted), 1u);
  EXPECT_EQ(dictionary.Insert("b", &inserted), 0u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(dictionary.size(), 2u);
  EXPECT_EQ(dictionary.plain(), std::string("\x01\0\0\0b\0\0\0\0", 9));
  dictionary.Clear();
  EXPECT_EQ(dictionary.size(), 0u);
  EXPECT_EQ(dictionary.Insert("", &inserted), 0u);
}

TEST(DictionaryBuilderTest, ManyValuesGrowTheTableAndStayDistinct) {
  DictionaryBuilder dictionary(/*length_prefixed=*/false);
  bool inserted = false;
  for (int64_t v = 0; v < 50000; ++v) {
    ASSERT_EQ(dictionary.Insert(std::string_view(reinterpret_cast<const char*>(&v), 8), &inserted),
              static_cast<uint32_t>(v));
  }
  for (int64_t v = 49999; v >= 0; v -= 7) {
    ASSERT_EQ(dictionary.Insert(std::string_view(reinterpret_cast<const char*>(&v), 8), &inserted),
              static_cast<uint32_t>(v));
    ASSERT_FALSE(inserted);
  }
  EXPECT_EQ(dictionary.plain().size(), 50000u * 8);
}

std::string DecimalHex(const char* text, int precision, int scale) {
  Int128 v = 0;
  if (!ParseDecimal(text, precision, scale, &v)) return "invalid";
  const int32_t length = DecimalByteLength(precision);
  std::string bytes(static_cast<size_t>(length), '\0');
  PutDecimalBigEndian(v, length, bytes.data());
  std::string hex;
  for (unsigned char c : bytes) {
    char buf[3];
    std::snprintf(buf, sizeof(buf), "%02x", c);
    hex += buf;
  }
  return hex;
}

TEST(ValueConversionTest, DecimalTextBecomesBigEndianTwosComplementAtTheScale) {
  EXPECT_EQ(DecimalHex("123.45", 9, 2), "00003039");
  EXPECT_EQ(DecimalHex("-7.5", 9, 2), "fffffd12");
  EXPECT_EQ(DecimalHex("0", 9, 2), "00000000");
  EXPECT_EQ(DecimalHex("-0.01", 9, 2), "ffffffff");
  EXPECT_EQ(DecimalHex("1", 2, 0), "01");
  EXPECT_EQ(DecimalHex("-99", 2, 0), "9d");
  EXPECT_EQ(DecimalHex("99999999999999999999.999999999999999999", 38, 18),
            "4b3b4ca85a86c47a098a223fffffffff");
  EXPECT_EQ(DecimalHex("-99999999999999999999.999999999999999999", 38, 18),
            "b4c4b357a5793b85f675ddc000000001");
  EXPECT_EQ(DecimalHex("007.50", 9, 2), "000002ee");  // lenient about zeros
}

TEST(ValueConversionTest, DecimalTextOutsideThePrecisionOrScaleIsRejected) {
  for (const char* bad :
       {"", "-", "1.", ".5", "1e5", "+1", "1.234", "10000000", "1 ", "--1", "0x10"}) {
    EXPECT_EQ(DecimalHex(bad, 9, 2), "invalid") << bad;
  }
  EXPECT_EQ(DecimalHex("100", 2, 0), "invalid");
  EXPECT_EQ(DecimalHex("1", 38, 38), "invalid");  // needs 39 digits at scale 38
  EXPECT_NE(DecimalHex("0.1", 38, 38), "invalid");
}

TEST(ValueConversionTest, DecimalByteLengthIsMinimal) {
  const std::pair<int, int> cases[] = {{1, 1},  {2, 1},  {3, 2},  {4, 2},   {9, 4},
                                       {10, 5}, {18, 8}, {19, 9}, {37, 16}, {38, 16}};
  for (auto [precision, length] : cases)
    EXPECT_EQ(DecimalByteLength(precision), length) << precision;
}

TEST(ValueConversionTest, Int96HoldsNanosOfDayThenJulianDay) {
  char out[12];
  PutInt96Timestamp(0, out);
  EXPECT_EQ(Bytes(std::string(out, 12)),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x3d, 0x25, 0x00}));
  PutInt96Timestamp(-1, out);  // 1969-12-31T23:59:59.999999
  uint64_t nanos;
  uint32_t day;
  std::memcpy(&nanos, out, 8);
  std::memcpy(&day, out + 8, 4);
  EXPECT_EQ(nanos, 86'399'999'999'000u);
  EXPECT_EQ(day, 2'440'587u);
}

TEST(SchemaConverterTest, ListsAreThreeLevelAndLevelsCountOptionalAndRepeatedNodes) {
  auto schema = ConvertSchema(
      SchemaOf({FieldOf("id", Type(TypeKind::kInt64)),
                FieldOf("ls", ListOf(StructOf({FieldOf("k", Type(TypeKind::kString)),
                                               FieldOf("v", ListOf(Type(TypeKind::kDate)))})))}),
      false);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  std::vector<std::string> names;
  for (const SchemaElement& e : schema->elements) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"schema", "id", "ls", "list", "element", "k", "v",
                                             "list", "element"}));
  const auto& e = schema->elements;
  EXPECT_FALSE(e[0].repetition.has_value());
  EXPECT_EQ(e[0].num_children, 2);
  EXPECT_EQ(e[2].converted_type, ConvertedType::kList);
  EXPECT_EQ(e[2].logical_type.kind, LogicalType::Kind::kList);
  EXPECT_EQ(e[3].repetition, Repetition::kRepeated);
  EXPECT_FALSE(e[3].converted_type.has_value());
  EXPECT_EQ(e[4].repetition, Repetition::kOptional);
  EXPECT_EQ(e[4].num_children, 2);
  ASSERT_EQ(schema->columns.size(), 3u);
  EXPECT_EQ(schema->columns[0].max_def, 1);
  EXPECT_EQ(schema->columns[0].max_rep, 0);
  EXPECT_EQ(schema->columns[1].path, (std::vector<std::string>{"ls", "list", "element", "k"}));
  EXPECT_EQ(schema->columns[1].max_def, 4);
  EXPECT_EQ(schema->columns[1].max_rep, 1);
  EXPECT_EQ(schema->columns[2].path,
            (std::vector<std::string>{"ls", "list", "element", "v", "list", "element"}));
  EXPECT_EQ(schema->columns[2].max_def, 6);
  EXPECT_EQ(schema->columns[2].max_rep, 2);
}

TEST(SchemaConverterTest, LeafAnnotationsFollowTheCompatibilityProfile) {
  schema::DataType decimal = Type(TypeKind::kDecimal);
  decimal.precision = 10;
  decimal.scale = 3;
  auto schema = ConvertSchema(
      SchemaOf({FieldOf("i", Type(TypeKind::kInt64)), FieldOf("j", Type(TypeKind::kJson)),
                FieldOf("d", decimal), FieldOf("dt", Type(TypeKind::kDate)),
                FieldOf("ts", Type(TypeKind::kTimestamp)),
                FieldOf("ntz", Type(TypeKind::kTimestampNtz)),
                FieldOf("b", Type(TypeKind::kBoolean))}),
      false);
  ASSERT_TRUE(schema.ok());
  const auto& e = schema->elements;
  EXPECT_EQ(e[1].type, Type::kInt64);
  EXPECT_EQ(e[1].converted_type, ConvertedType::kInt64);
  EXPECT_EQ(e[1].logical_type.bit_width, 64);
  EXPECT_EQ(e[2].type, Type::kByteArray);
  EXPECT_EQ(e[2].converted_type, ConvertedType::kUtf8);  // not JSON
  EXPECT_EQ(e[2].logical_type.kind, LogicalType::Kind::kString);
  EXPECT_EQ(e[3].type, Type::kFixedLenByteArray);
  EXPECT_EQ(e[3].type_length, 5);
  EXPECT_EQ(e[3].precision, 10);
  EXPECT_EQ(e[3].scale, 3);
  EXPECT_EQ(e[3].logical_type.kind, LogicalType::Kind::kDecimal);
  EXPECT_EQ(e[4].type, Type::kInt32);
  EXPECT_EQ(e[4].converted_type, ConvertedType::kDate);
  EXPECT_EQ(e[5].converted_type, ConvertedType::kTimestampMicros);
  EXPECT_TRUE(e[5].logical_type.adjusted_to_utc);
  EXPECT_FALSE(e[6].logical_type.adjusted_to_utc);
  EXPECT_EQ(e[7].type, Type::kBoolean);
  EXPECT_FALSE(e[7].converted_type.has_value());
  auto int96 = ConvertSchema(SchemaOf({FieldOf("ts", Type(TypeKind::kTimestamp))}), true);
  ASSERT_TRUE(int96.ok());
  EXPECT_EQ(int96->elements[1].type, Type::kInt96);
  EXPECT_FALSE(int96->elements[1].converted_type.has_value());
  EXPECT_EQ(int96->elements[1].logical_type.kind, LogicalType::Kind::kNone);
}

TEST(SchemaConverterTest, RejectsWhatParquetCannotHold) {
  EXPECT_EQ(ConvertSchema(SchemaOf({}), false).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(ConvertSchema(SchemaOf({FieldOf("s", StructOf({}))}), false).status().code(),
            StatusCode::kInvalidInput);
  schema::DataType decimal = Type(TypeKind::kDecimal);
  decimal.precision = 39;
  decimal.scale = 0;
  EXPECT_EQ(ConvertSchema(SchemaOf({FieldOf("d", decimal)}), false).status().code(),
            StatusCode::kInvalidInput);
  decimal.precision = 5;
  decimal.scale = 6;
  EXPECT_EQ(ConvertSchema(SchemaOf({FieldOf("d", decimal)}), false).status().code(),
            StatusCode::kInvalidInput);
}

TEST(SchemaConverterTest, HiveTypesOfExistingTablesGetWhatHiveAndAthenaExpect) {
  auto schema = ConvertSchema(
      SchemaOf({FieldOf("t", Type(TypeKind::kInt8)), FieldOf("s", Type(TypeKind::kInt16)),
                FieldOf("i", Type(TypeKind::kInt32)), FieldOf("f", Type(TypeKind::kFloat)),
                FieldOf("c", Sized(TypeKind::kChar, 3)),
                FieldOf("v", Sized(TypeKind::kVarchar, 10)),
                FieldOf("bin", Type(TypeKind::kBinary))}),
      false);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const auto& e = schema->elements;
  const std::pair<ConvertedType, int> ints[] = {
      {ConvertedType::kInt8, 8}, {ConvertedType::kInt16, 16}, {ConvertedType::kInt32, 32}};
  for (int k = 0; k < 3; ++k) {
    const SchemaElement& x = e[static_cast<size_t>(k) + 1];
    EXPECT_EQ(x.type, Type::kInt32) << x.name;
    EXPECT_EQ(x.converted_type, ints[k].first) << x.name;
    EXPECT_EQ(x.logical_type.kind, LogicalType::Kind::kInteger) << x.name;
    EXPECT_EQ(x.logical_type.bit_width, ints[k].second) << x.name;
    EXPECT_TRUE(x.logical_type.is_signed) << x.name;
  }
  EXPECT_EQ(e[4].type, Type::kFloat);
  EXPECT_FALSE(e[4].converted_type.has_value());
  for (size_t k : {5u, 6u}) {
    EXPECT_EQ(e[k].type, Type::kByteArray);
    EXPECT_EQ(e[k].converted_type, ConvertedType::kUtf8);
    EXPECT_EQ(e[k].logical_type.kind, LogicalType::Kind::kString);
  }
  EXPECT_EQ(e[7].type, Type::kByteArray);
  EXPECT_FALSE(e[7].converted_type.has_value());
  EXPECT_EQ(e[7].logical_type.kind, LogicalType::Kind::kNone);
}

TEST(SchemaConverterTest, MapsAreThreeLevelWithARequiredKey) {
  auto schema = ConvertSchema(
      SchemaOf({FieldOf("m", MapOf(Type(TypeKind::kString), ListOf(Type(TypeKind::kInt32))))}),
      false);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  std::vector<std::string> names;
  for (const SchemaElement& e : schema->elements) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"schema", "m", "key_value", "key", "value", "list",
                                             "element"}));
  const auto& e = schema->elements;
  EXPECT_EQ(e[1].repetition, Repetition::kOptional);
  EXPECT_EQ(e[1].converted_type, ConvertedType::kMap);
  EXPECT_EQ(e[1].logical_type.kind, LogicalType::Kind::kMap);
  EXPECT_EQ(e[1].num_children, 1);
  EXPECT_EQ(e[2].repetition, Repetition::kRepeated);
  EXPECT_EQ(e[2].num_children, 2);
  EXPECT_FALSE(e[2].converted_type.has_value());  // not the legacy MAP_KEY_VALUE
  EXPECT_EQ(e[3].repetition, Repetition::kRequired);
  EXPECT_EQ(e[3].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(e[4].repetition, Repetition::kOptional);
  ASSERT_EQ(schema->columns.size(), 2u);
  EXPECT_EQ(schema->columns[0].path, (std::vector<std::string>{"m", "key_value", "key"}));
  EXPECT_EQ(schema->columns[0].max_def, 2);  // m, key_value (the key adds none)
  EXPECT_EQ(schema->columns[0].max_rep, 1);
  EXPECT_EQ(schema->columns[1].path,
            (std::vector<std::string>{"m", "key_value", "value", "list", "element"}));
  EXPECT_EQ(schema->columns[1].max_def, 5);
  EXPECT_EQ(schema->columns[1].max_rep, 2);
  // Keys must be primitive.
  EXPECT_EQ(
      ConvertSchema(
          SchemaOf({FieldOf("m", MapOf(ListOf(Type(TypeKind::kString)), Type(TypeKind::kString)))}),
          false)
          .status()
          .code(),
      StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace datalake::format::parquet
