// Thrift compact protocol and footer serialisation, byte-exact against the hand-computed examples
// of docs/FORMATS.md#thrift-compact-protocol (the worked file is read back below by DuckDB,
// hyparquet and arrow-rs).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "format/parquet/metadata.h"
#include "format/parquet/thrift_compact.h"
#include "format/parquet_test_util.h"

namespace datalake::format::parquet {
namespace {

// "15 06 00" -> the bytes.
std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i < hex.size();) {
    if (hex[i] == ' ' || hex[i] == '\n') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(ThriftCompactTest, VarintsAreUleb128) {
  for (const auto& [value, hex] : std::vector<std::pair<uint64_t, const char*>>{
           {0, "00"},
           {1, "01"},
           {127, "7f"},
           {128, "80 01"},
           {300, "ac 02"},
           {std::numeric_limits<uint64_t>::max(), "ff ff ff ff ff ff ff ff ff 01"}}) {
    std::string out;
    CompactWriter(&out).Varint(value);
    EXPECT_EQ(ToHex(out), hex) << value;
  }
}

TEST(ThriftCompactTest, ZigZagMapsSignedToUnsigned) {
  EXPECT_EQ(CompactWriter::ZigZag32(0), 0u);
  EXPECT_EQ(CompactWriter::ZigZag32(-1), 1u);
  EXPECT_EQ(CompactWriter::ZigZag32(1), 2u);
  EXPECT_EQ(CompactWriter::ZigZag32(-2), 3u);
  EXPECT_EQ(CompactWriter::ZigZag32(std::numeric_limits<int32_t>::min()), 0xFFFFFFFFu);
  EXPECT_EQ(CompactWriter::ZigZag64(std::numeric_limits<int64_t>::min()),
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(CompactWriter::ZigZag64(std::numeric_limits<int64_t>::max()),
            std::numeric_limits<uint64_t>::max() - 1);
}

TEST(ThriftCompactTest, FieldHeadersUseDeltasUpTo15ThenTheLongForm) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 3);    // 15 06
  w.FieldI32(16, -1);  // delta 15: f5 01
  w.FieldI64(32, 1);   // delta 16: long form 06 40 (zigzag 32 = 64) 02
  w.FieldI16(40, 7);   // delta 8: 84 0e
  w.EndStruct();
  EXPECT_EQ(ToHex(out), "15 06 f5 01 06 40 02 84 0e 00");
}

TEST(ThriftCompactTest, BoolsLiveInTheTypeNibbleAndI8IsARawByte) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldBool(1, true);
  w.FieldBool(2, false);
  w.FieldI8(3, 16);
  w.FieldI8(4, -1);
  w.EndStruct();
  EXPECT_EQ(ToHex(out), "11 12 13 10 13 ff 00");
}

TEST(ThriftCompactTest, ListHeadersShortUpTo14ThenWithASizeVarint) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldList(1, CompactType::kI32, 3);
  for (int i = 0; i < 3; ++i) w.I32(i);
  w.FieldList(2, CompactType::kBinary, 15);
  for (int i = 0; i < 15; ++i) w.Binary("");
  w.EndStruct();
  EXPECT_EQ(ToHex(out), "19 35 00 02 04 19 f8 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
}

TEST(ThriftCompactTest, NestedStructsRestoreTheEnclosingLastFieldId) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 1);
  w.FieldStruct(2);
  w.FieldI32(1, 2);
  w.EndStruct();
  w.FieldI32(3, 3);  // delta 1 from field 2, not from the nested field 1
  w.EndStruct();
  EXPECT_EQ(ToHex(out), "15 02 1c 15 04 00 15 06 00");
}

TEST(ThriftCompactTest, DoublesAreEightBytesLittleEndian) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldDouble(1, 1.0);
  w.EndStruct();
  EXPECT_EQ(ToHex(out), "17 00 00 00 00 00 00 f0 3f 00");
}

// The SchemaElement bytes after the name field: the logical type field header (delta 6 from
// field 4), then the union as in docs/FORMATS.md#thrift-compact-protocol (which shows it with
// delta 10: "ac").
std::string LogicalTypeBytes(const LogicalType& type) {
  FileMetaData meta;
  SchemaElement e;
  e.name = "x";
  e.logical_type = type;
  meta.schema.push_back(e);
  std::string out;
  SerializeFileMetaData(meta, &out);
  // 15 02 (version) 19 1c (schema list) 48 01 78 (name) -> the logical type follows.
  const size_t at = out.find(Hex("48 01 78")) + 3;
  const size_t end = out.find(Hex("16 00 19 0c"), at);  // num_rows=0, empty row_groups
  return ToHex(out.substr(at, end - at - 1));           // drop the element's STOP
}

TEST(ThriftCompactTest, LogicalTypesMatchTheValidatedEncodings) {
  LogicalType string;
  string.kind = LogicalType::Kind::kString;
  EXPECT_EQ(LogicalTypeBytes(string), "6c 1c 00 00");
  LogicalType timestamp;
  timestamp.kind = LogicalType::Kind::kTimestampMicros;
  timestamp.adjusted_to_utc = true;
  EXPECT_EQ(LogicalTypeBytes(timestamp), "6c 8c 11 1c 2c 00 00 00 00");
  timestamp.adjusted_to_utc = false;
  EXPECT_EQ(LogicalTypeBytes(timestamp), "6c 8c 12 1c 2c 00 00 00 00");
  LogicalType decimal;
  decimal.kind = LogicalType::Kind::kDecimal;
  decimal.scale = 2;
  decimal.precision = 10;
  EXPECT_EQ(LogicalTypeBytes(decimal), "6c 5c 15 04 15 14 00 00");
  LogicalType integer;
  integer.kind = LogicalType::Kind::kInteger;
  integer.bit_width = 16;
  integer.is_signed = true;
  EXPECT_EQ(LogicalTypeBytes(integer), "6c ac 13 10 11 00 00");
  LogicalType list;
  list.kind = LogicalType::Kind::kList;
  EXPECT_EQ(LogicalTypeBytes(list), "6c 3c 00 00");
  LogicalType date;
  date.kind = LogicalType::Kind::kDate;
  EXPECT_EQ(LogicalTypeBytes(date), "6c 6c 00 00");
}

// The complete 122-byte file of docs/FORMATS.md#thrift-compact-protocol: one REQUIRED INT64
// column, values 1, 2, 3.
const char* kWorkedExample =
    "50 41 52 31"
    " 15 00 15 30 15 30 2c 15 06 15 00 15 06 15 06 00 00"
    " 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00"
    " 15 02 19 2c 48 01 73 15 02 00 15 04 25 00 18 02 69 64 00 16 06 19 1c 19 1c 26 00 1c"
    " 15 04 19 15 00 19 18 02 69 64 15 00 16 06 16 52 16 52 26 08 00 00 16 52 16 06 00"
    " 28 0b 77 20 76 65 72 73 69 6f 6e 20 31 00"
    " 45 00 00 00 50 41 52 31";

std::string BuildWorkedExample() {
  std::string file = "PAR1";
  PageHeader page;
  page.type = PageType::kDataPage;
  page.uncompressed_page_size = 24;
  page.compressed_page_size = 24;
  page.data_page_header = DataPageHeader{3, Encoding::kPlain, Encoding::kRle, Encoding::kRle};
  SerializePageHeader(page, &file);
  for (int64_t v = 1; v <= 3; ++v) file.append(reinterpret_cast<const char*>(&v), 8);
  FileMetaData meta;
  SchemaElement root;
  root.name = "s";
  root.num_children = 1;
  SchemaElement id;
  id.type = Type::kInt64;
  id.repetition = Repetition::kRequired;
  id.name = "id";
  meta.schema = {root, id};
  meta.num_rows = 3;
  ColumnChunk chunk;
  chunk.meta_data.type = Type::kInt64;
  chunk.meta_data.encodings = {Encoding::kPlain};
  chunk.meta_data.path_in_schema = {"id"};
  chunk.meta_data.num_values = 3;
  chunk.meta_data.total_uncompressed_size = 41;
  chunk.meta_data.total_compressed_size = 41;
  chunk.meta_data.data_page_offset = 4;
  RowGroup group;
  group.columns = {chunk};
  group.total_byte_size = 41;
  group.num_rows = 3;
  meta.row_groups = {group};
  meta.created_by = "w version 1";
  std::string footer;
  SerializeFileMetaData(meta, &footer);
  file += footer;
  const auto length = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&length), 4);
  return file + "PAR1";
}

TEST(ThriftCompactTest, ReproducesTheWorkedExampleFileByteForByte) {
  const std::string file = BuildWorkedExample();
  EXPECT_EQ(file.size(), 122u);
  EXPECT_EQ(ToHex(file), ToHex(Hex(kWorkedExample)));
}

TEST(ThriftCompactTest, WorkedExampleFileIsReadByAllReaders) {
  const std::string reason = format::testing::ReadersUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  const std::string path = format::testing::MakeTempDir("worked") + "/worked.parquet";
  format::testing::FileSink(path).Write(BuildWorkedExample()).ok();
  auto expected = json::Parse(R"([{"id":"1"},{"id":"2"},{"id":"3"}])");
  for (const char* reader : format::testing::kRowReaders) {
    auto out = format::testing::RunReader(reader, {path});
    ASSERT_TRUE(out[path].ok) << reader << ": " << out[path].error;
    EXPECT_TRUE(format::testing::JsonEquals(out[path].value, *expected)) << reader;
  }
}

}  // namespace
}  // namespace datalake::format::parquet
