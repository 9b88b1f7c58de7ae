// ParquetEncoder behaviour: option validation, sticky errors, rows that break the schema contract,
// empty files, memory bounded by the row group, statistics edge cases (docs/FORMATS.md#statistics)
// and dictionary fallback (docs/FORMATS.md#dictionary-encoding), all checked with the footer/page
// walker and, where it matters, the three readers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "format/format.h"
#include "format/format_test_util.h"
#include "format/parquet/column_writer.h"
#include "format/parquet_file_checker.h"
#include "format/parquet_test_util.h"

namespace datalake::format::testing {
namespace {

using schema::TypeKind;

schema::TableSchema OneColumn(schema::DataType type) {
  return SchemaOf({FieldOf("c", std::move(type))});
}

TEST(ParquetEncoderTest, RejectsInvalidOptions) {
  StringSink sink;
  const schema::TableSchema schema = OneColumn(Type(TypeKind::kInt64));
  for (auto mutate : std::vector<void (*)(ParquetOptions*)>{
           [](ParquetOptions* o) { o->page_bytes = 0; },
           [](ParquetOptions* o) { o->page_rows = 0; },
           [](ParquetOptions* o) { o->row_group_bytes = 0; },
           [](ParquetOptions* o) { o->dictionary_page_limit_bytes = 0; },
           [](ParquetOptions* o) { o->compression = Compression::kZstd, o->zstd_level = 22; },
           [](ParquetOptions* o) { o->compression = Compression::kGzip, o->gzip_level = 10; },
           [](ParquetOptions* o) { o->created_by.clear(); }}) {
    ParquetOptions options;
    mutate(&options);
    EXPECT_EQ(NewParquetEncoder(schema, options, &sink).status().code(), StatusCode::kConfigError);
  }
  EXPECT_EQ(NewParquetEncoder(SchemaOf({}), ParquetOptions{}, &sink).status().code(),
            StatusCode::kInvalidInput);
  EXPECT_TRUE(sink.writes.empty());
}

TEST(ParquetEncoderTest, AnEmptyFileHasNoRowGroupsAndIsReadable) {
  const std::string path = MakeTempDir("empty") + "/empty.parquet";
  const schema::TableSchema schema = SchemaOf(
      {FieldOf("a", Type(TypeKind::kString)), FieldOf("l", ListOf(Type(TypeKind::kDate)))});
  WriteParquet(path, schema, {}, ParquetOptions{});
  CheckParquetFile(path, schema, {}, ParquetOptions{});
  if (!ReadersUnavailableReason().empty()) GTEST_SKIP() << ReadersUnavailableReason();
  ExpectAllReadersAgree({{path, json::Value::Array()}});
}

TEST(ParquetEncoderTest, ASinkErrorIsStickyAndReturnedByFinish) {
  FailingSink sink(1);  // "PAR1" succeeds, the first column chunk fails
  ParquetOptions options;
  options.row_group_rows = 2;
  auto encoder = NewParquetEncoder(OneColumn(Type(TypeKind::kInt64)), options, &sink);
  ASSERT_TRUE(encoder.ok());
  Row row;
  for (int i = 0; i < 10; ++i) {
    row.Clear();
    row.AppendInt64(i);
    (*encoder)->Append(row);
  }
  EXPECT_EQ(sink.calls, 2);  // nothing more was attempted after the failure
  Status status = (*encoder)->Finish();
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_NE(status.message().find("disk on fire"), std::string::npos);
  EXPECT_EQ((*encoder)->Finish().code(), StatusCode::kIOError);
  EXPECT_EQ(sink.calls, 2);
}

Status EncodeOneRow(const schema::TableSchema& schema, void (*fill)(Row*)) {
  StringSink sink;
  auto encoder = NewParquetEncoder(schema, ParquetOptions{}, &sink);
  if (!encoder.ok()) return encoder.status();
  Row row;
  fill(&row);
  (*encoder)->Append(row);
  return (*encoder)->Finish();
}

TEST(ParquetEncoderTest, RowsThatBreakTheSchemaFailTheFile) {
  const auto ints = OneColumn(Type(TypeKind::kInt64));
  EXPECT_EQ(EncodeOneRow(ints, [](Row* r) { r->AppendString("x"); }).code(), StatusCode::kInternal);
  EXPECT_EQ(EncodeOneRow(ints, [](Row*) {}).code(), StatusCode::kInternal);
  EXPECT_EQ(EncodeOneRow(ints, [](Row* r) { r->AppendInt64(1), r->AppendInt64(2); }).code(),
            StatusCode::kInternal);
  schema::DataType decimal = Type(TypeKind::kDecimal);
  decimal.precision = 4;
  decimal.scale = 2;
  Status status = EncodeOneRow(OneColumn(decimal), [](Row* r) { r->AppendDecimal("123.4"); });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message().find("123"), std::string::npos) << "no record content in messages";
  const auto list = OneColumn(ListOf(Type(TypeKind::kInt64)));
  EXPECT_EQ(
      EncodeOneRow(list, [](Row* r) { r->EndList(r->BeginList(), 2), r->AppendInt64(1); }).code(),
      StatusCode::kInternal);
  EXPECT_TRUE(EncodeOneRow(list, [](Row* r) { r->AppendNull(); }).ok());
}

TEST(ParquetEncoderTest, RowGroupsAreWrittenAsTheyFillAndSizesAddUp) {
  StringSink sink;
  ParquetOptions options;
  options.row_group_bytes = 64 << 10;
  const schema::TableSchema schema =
      SchemaOf({FieldOf("i", Type(TypeKind::kInt64)), FieldOf("s", Type(TypeKind::kString))});
  auto encoder = NewParquetEncoder(schema, options, &sink);
  ASSERT_TRUE(encoder.ok());
  Row row;
  size_t written = 0;
  for (int i = 0; i < 20000; ++i) {
    row.Clear();
    row.AppendInt64(i * 7919);
    row.AppendString("value number " + std::to_string(i));
    (*encoder)->Append(row);
    // Buffered pages count before compression, so the estimate may drop when a row group is
    // written; it never falls below what the sink already has.
    if (i % 97 == 0) {
      written = 0;
      for (const std::string& w : sink.writes) written += w.size();
      EXPECT_GT((*encoder)->EstimatedSize(), written);
    }
  }
  EXPECT_GT(sink.writes.size(), 10u) << "row groups must reach the sink before Finish";
  ASSERT_TRUE((*encoder)->Finish().ok());
  EXPECT_EQ((*encoder)->EstimatedSize(), sink.data().size());
  EXPECT_EQ((*encoder)->rows(), 20000u);
}

// Statistics corner cases (docs/FORMATS.md#statistics): zeros, NaN, infinities, unsigned string
// order, signed decimal order, over-long strings, INT96, all-null chunks. CheckParquetFile compares
// each chunk's min/max and null_count with values computed from the rows.
TEST(ParquetEncoderTest, StatisticsFollowEachTypesSortOrder) {
  schema::DataType decimal = Type(TypeKind::kDecimal);
  decimal.precision = 5;
  decimal.scale = 1;
  const schema::TableSchema schema = SchemaOf(
      {FieldOf("zeros", Type(TypeKind::kDouble)), FieldOf("nan", Type(TypeKind::kDouble)),
       FieldOf("inf", Type(TypeKind::kDouble)), FieldOf("s", Type(TypeKind::kString)),
       FieldOf("long", Type(TypeKind::kString)), FieldOf("dec", decimal),
       FieldOf("ts", Type(TypeKind::kTimestamp)), FieldOf("none", Type(TypeKind::kInt64)),
       FieldOf("b", Type(TypeKind::kBoolean)), FieldOf("nested", ListOf(Type(TypeKind::kDate)))});
  const double kNan = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<TestValue>> rows = {
      {Double(0.0), Double(1), Double(kInf), Text("a"), Text("x"), Text("-1.5"), Int(5), Null(),
       Bool(true), Items({})},
      {Double(-0.0), Double(kNan), Double(-kInf), Text("\xc3\xa9"), Text(std::string(5000, 'y')),
       Text("0.1"), Int(-5), Null(), Bool(true), Items({Null(), Int(3)})},
      {Null(), Null(), Null(), Text(""), Text("a"), Text("-1000"), Null(), Null(), Null(), Null()},
  };
  for (bool int96 : {false, true}) {
    for (bool dictionary : {false, true}) {
      ParquetOptions options;
      options.timestamp_int96 = int96;
      options.dictionary = dictionary;
      const std::string path = MakeTempDir("stats") + "/stats.parquet";
      WriteParquet(path, schema, rows, options);
      SCOPED_TRACE(path);
      CheckParquetFile(path, schema, rows, options);
    }
  }
  // Spot-check the bytes of the trickiest ones.
  const std::string path = MakeTempDir("stats") + "/stats.parquet";
  WriteParquet(path, schema, rows, ParquetOptions{});
  const ThriftValue meta = DecodeFooter(ReadFile(path));
  const auto& columns = meta.At(4).items[0].At(1).items;
  auto stats = [&](size_t c) { return columns[c].At(3).At(12); };
  EXPECT_EQ(stats(0).At(6).binary, std::string("\0\0\0\0\0\0\0\x80", 8));  // min -0.0
  EXPECT_EQ(stats(0).At(5).binary, std::string(8, '\0'));                  // max +0.0
  EXPECT_FALSE(stats(1).Has(5));                                           // NaN: no min/max
  EXPECT_EQ(stats(3).At(5).binary, "\xc3\xa9");                            // unsigned: 0xC3 > 'a'
  EXPECT_EQ(stats(3).At(6).binary, "");
  EXPECT_FALSE(stats(4).Has(5));                                     // a 5000-byte max is left out
  EXPECT_EQ(stats(5).At(6).binary, std::string("\xff\xd8\xf0", 3));  // -1000.0 = -10000
  EXPECT_EQ(stats(5).At(5).binary, std::string("\x00\x00\x01", 3));  // 0.1 = 1
  EXPECT_EQ(stats(7).Int(3), 3);
  EXPECT_FALSE(stats(7).Has(5));  // all null: null_count only
  EXPECT_EQ(stats(9).Int(3), 3);  // [], null element, null list
}

TEST(ParquetEncoderTest, DictionaryFallsBackToPlainMidChunkAndSaysSo) {
  const schema::TableSchema schema = OneColumn(Type(TypeKind::kString));
  std::vector<std::vector<TestValue>> rows;
  // Repetitive at first (the dictionary pays off on the first page), then distinct values that
  // push the dictionary past its limit.
  for (int i = 0; i < 3000; ++i) {
    rows.push_back({Text("distinct value " + std::to_string(i < 1000 ? i % 20 : i))});
  }
  ParquetOptions options;
  options.dictionary_page_limit_bytes = 4096;
  options.page_rows = 100;
  const std::string path = MakeTempDir("fallback") + "/fallback.parquet";
  WriteParquet(path, schema, rows, options);
  const auto summaries = CheckParquetFile(path, schema, rows, options);
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_GT(summaries[0][0].dictionary_data_pages, 0);
  EXPECT_GT(summaries[0][0].plain_pages, 0);
  EXPECT_GE(summaries[0][0].dictionary_page_offset, 4);
  if (!ReadersUnavailableReason().empty()) GTEST_SKIP() << ReadersUnavailableReason();
  ExpectAllReadersAgree({{path, ExpectedRows(schema, rows, false)}});
}

// parquet-java's rule: if the first page's indices plus the dictionary are no smaller than the
// PLAIN values, the chunk is written PLAIN with no dictionary page at all.
TEST(ParquetEncoderTest, HighCardinalityChunksSkipTheDictionary) {
  const schema::TableSchema schema =
      SchemaOf({FieldOf("id", Type(TypeKind::kInt64)), FieldOf("k", Type(TypeKind::kInt64))});
  std::vector<std::vector<TestValue>> rows;
  for (int i = 0; i < 500; ++i) rows.push_back({Int(i * 1000003LL), Int(i % 3)});
  ParquetOptions options;
  options.page_rows = 100;
  const std::string path = MakeTempDir("cardinality") + "/cardinality.parquet";
  WriteParquet(path, schema, rows, options);
  const auto summaries = CheckParquetFile(path, schema, rows, options);
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0][0].dictionary_page_offset, -1);
  EXPECT_EQ(summaries[0][0].plain_pages, 5);
  EXPECT_GT(summaries[0][1].dictionary_page_offset, 0);
  EXPECT_EQ(summaries[0][1].dictionary_data_pages, 5);
  if (!ReadersUnavailableReason().empty()) GTEST_SKIP() << ReadersUnavailableReason();
  ExpectAllReadersAgree({{path, ExpectedRows(schema, rows, false)}});
}

// A chunk's first 1024 values all distinct: the dictionary is dropped at once, even though the
// rest of this page would have made it pay (the price of not hashing ids and UUIDs to the end of
// their first page). One repeat among them (row 1023 repeats row 0) keeps it.
TEST(ParquetEncoderTest, AChunkWhoseFirst1024ValuesAreDistinctGivesUpItsDictionaryAtOnce) {
  const schema::TableSchema schema = SchemaOf({FieldOf("distinct_first", Type(TypeKind::kInt64)),
                                               FieldOf("one_repeat", Type(TypeKind::kInt64))});
  std::vector<std::vector<TestValue>> rows;
  for (int64_t i = 0; i < 5000; ++i) {
    const int64_t later = i % 5;
    rows.push_back({Int(i < 1024 ? i * 1000003 : later), Int(i < 1023    ? i * 1000003
                                                             : i == 1023 ? 0
                                                                         : later)});
  }
  ASSERT_EQ(format::parquet::ColumnWriter::kDistinctValuesToGiveUp, 1024u);
  const std::string path = MakeTempDir("give_up") + "/give_up.parquet";
  WriteParquet(path, schema, rows, ParquetOptions{});
  const auto summaries = CheckParquetFile(path, schema, rows, ParquetOptions{});
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0][0].dictionary_page_offset, -1);
  EXPECT_EQ(summaries[0][0].plain_pages, 1);
  EXPECT_GT(summaries[0][1].dictionary_page_offset, 0);
  EXPECT_EQ(summaries[0][1].dictionary_data_pages, 1);
  if (!ReadersUnavailableReason().empty()) GTEST_SKIP() << ReadersUnavailableReason();
  ExpectAllReadersAgree({{path, ExpectedRows(schema, rows, false)}});
}

// A column that left its dictionary writes its next three chunks PLAIN without hashing their
// values, then tries the dictionary again; other columns are not affected.
TEST(ParquetEncoderTest, AColumnThatLeftItsDictionaryTriesAgainThreeChunksLater) {
  const schema::TableSchema schema =
      SchemaOf({FieldOf("id", Type(TypeKind::kInt64)), FieldOf("k", Type(TypeKind::kInt64))});
  std::vector<std::vector<TestValue>> rows;
  // Distinct in the first row group only, then three values.
  for (int i = 0; i < 1400; ++i) rows.push_back({Int(i < 200 ? i * 1000003LL : i % 3), Int(i % 3)});
  ParquetOptions options;
  options.row_group_rows = 200;
  const std::string path = MakeTempDir("retry") + "/retry.parquet";
  WriteParquet(path, schema, rows, options);
  const auto summaries = CheckParquetFile(path, schema, rows, options);
  ASSERT_EQ(summaries.size(), 7u);
  for (size_t group = 0; group < 7; ++group) {
    const bool dictionary = group >= 4;
    EXPECT_EQ(summaries[group][0].dictionary_page_offset > 0, dictionary) << group;
    EXPECT_EQ(summaries[group][0].plain_pages > 0, !dictionary) << group;
    EXPECT_GT(summaries[group][1].dictionary_page_offset, 0) << group;
  }
  if (!ReadersUnavailableReason().empty()) GTEST_SKIP() << ReadersUnavailableReason();
  ExpectAllReadersAgree({{path, ExpectedRows(schema, rows, false)}});
}

// A page's levels and dictionary indices grow to page_rows entries, not to the next power of
// two past it: what a column holds while its page fills is what its page needs. With many open
// files, that is the memory a budget counts.
TEST(ParquetEncoderTest, APageFillingHoldsWhatItsRowsNeed) {
  const schema::TableSchema schema = OneColumn(Type(TypeKind::kInt64));
  ParquetOptions options;
  StringSink sink;
  auto encoder = NewParquetEncoder(schema, options, &sink);
  ASSERT_TRUE(encoder.ok());
  Row row;
  uint64_t most = 0;
  for (size_t i = 0; i + 1 < options.page_rows; ++i) {
    row.Clear();
    if (i % 10 == 0) {
      row.AppendNull();
    } else {
      row.AppendInt64(static_cast<int64_t>(i % 100));
    }
    (*encoder)->Append(row);
    most = std::max(most, (*encoder)->BufferedBytes());
  }
  // A definition level byte and a 4-byte index a row, and the dictionary of 100 values (with
  // levels and indices doubled to 32,768 entries, 183 kB).
  EXPECT_LE(most, options.page_rows * (1 + sizeof(uint32_t)) + (32 << 10));
  ASSERT_TRUE((*encoder)->Finish().ok());
}

TEST(ParquetEncoderTest, DefaultsCutPagesAt20000RowsOrAboutAMebibyte) {
  const schema::TableSchema schema =
      SchemaOf({FieldOf("i", Type(TypeKind::kInt64)), FieldOf("s", Type(TypeKind::kString))});
  std::vector<std::vector<TestValue>> rows;
  for (int i = 0; i < 100000; ++i) {
    rows.push_back({Int(static_cast<int64_t>(i) * 1000003),
                    Text(std::string(40, 'a' + i % 26) + std::to_string(i))});
  }
  const std::string path = MakeTempDir("defaults") + "/defaults.parquet";
  WriteParquet(path, schema, rows, ParquetOptions{});
  const auto summaries = CheckParquetFile(path, schema, rows, ParquetOptions{});
  ASSERT_EQ(summaries.size(), 1u);
  // int64: 100,000 rows at 20,000 per page; strings: ~5 MB, past the 1 MiB dictionary limit.
  EXPECT_EQ(summaries[0][0].dictionary_data_pages + summaries[0][0].plain_pages, 5);
  EXPECT_GE(summaries[0][1].plain_pages + summaries[0][1].dictionary_data_pages, 5);
  EXPECT_GT(summaries[0][1].plain_pages, 0);
}

}  // namespace
}  // namespace datalake::format::testing
