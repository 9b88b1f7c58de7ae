// Rows batched one after another in one Row (Row::AppendRow) and encoded with AppendRange, or
// with AppendRows (where Parquet looks a row ahead to prefetch), give the bytes that encoding
// each row on its own gives, in every format: string offsets are rebased into the batch's
// arena, and each row's cells are read only within its range.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "format/format.h"
#include "format_test_util.h"

namespace datalake::format {
namespace {

using schema::DataType;
using schema::TypeKind;

schema::TableSchema BatchSchema() {
  schema::TableSchema schema;
  schema.columns.push_back({"id", "id", DataType::Of(TypeKind::kInt64)});
  schema.columns.push_back({"name", "name", DataType::Of(TypeKind::kString)});
  DataType tags = DataType::Of(TypeKind::kList);
  tags.element = std::make_shared<DataType>(DataType::Of(TypeKind::kString));
  schema.columns.push_back({"tags", "tags", tags});
  DataType address = DataType::Of(TypeKind::kStruct);
  address.fields.push_back({"city", "city", DataType::Of(TypeKind::kString)});
  address.fields.push_back({"raw", "raw", DataType::Of(TypeKind::kJson)});
  schema.columns.push_back({"address", "address", address});
  return schema;
}

void FillRow(int i, Row* row) {
  row->Clear();
  row->AppendInt64(i);
  if (i % 5 == 0) {
    row->AppendNull();
  } else {
    row->AppendString("name-" + std::to_string(i) + std::string(static_cast<size_t>(i % 40), 'x'));
  }
  const size_t list = row->BeginList();
  for (int t = 0; t < i % 3; ++t) row->AppendString("tag" + std::to_string(i + t));
  row->EndList(list, static_cast<uint32_t>(i % 3));
  if (i % 7 == 0) {
    row->AppendNull();
  } else {
    row->AppendStruct();
    row->AppendString("city" + std::to_string(i % 13));
    row->AppendJson("{\"k\":" + std::to_string(i) + "}");
  }
}

enum class Feed { kOneByOne, kRanges, kRows };

std::string Encode(const EncoderOptions& jsonl, FileFormat format, Feed feed) {
  const bool batched = feed != Feed::kOneByOne;
  testing::StringSink sink;
  ParquetOptions parquet;
  parquet.page_rows = 64;
  auto encoder = format == FileFormat::kParquet ? NewParquetEncoder(BatchSchema(), parquet, &sink)
                                                : NewJsonlEncoder(BatchSchema(), jsonl, &sink);
  EXPECT_TRUE(encoder.ok());
  Row row;
  Row batch;
  std::vector<size_t> ends;
  auto flush = [&] {
    if (feed == Feed::kRows) {
      (*encoder)->AppendRows(batch, ends);
    } else {
      size_t begin = 0;
      for (size_t end : ends) {
        (*encoder)->AppendRange(batch, begin, end);
        begin = end;
      }
    }
    batch.Clear();
    ends.clear();
  };
  for (int i = 0; i < 1000; ++i) {
    FillRow(i, &row);
    if (!batched) {
      (*encoder)->Append(row);
      continue;
    }
    batch.AppendRow(row);
    ends.push_back(batch.size());
    if (ends.size() == static_cast<size_t>(1 + i % 37)) flush();
  }
  flush();
  EXPECT_TRUE((*encoder)->Finish().ok());
  return sink.data();
}

TEST(RowBatchTest, BatchedRowsEncodeAsRowsOneByOne) {
  EncoderOptions jsonl;
  const std::string one_by_one = Encode(jsonl, FileFormat::kJsonl, Feed::kOneByOne);
  EXPECT_NE(one_by_one.find("\"name\":\"name-999xxxxxxxxxxxxxxxxxxx"), std::string::npos);
  EXPECT_EQ(Encode(jsonl, FileFormat::kJsonl, Feed::kRanges), one_by_one);
  EXPECT_EQ(Encode(jsonl, FileFormat::kJsonl, Feed::kRows), one_by_one);
  const std::string parquet = Encode(jsonl, FileFormat::kParquet, Feed::kOneByOne);
  EXPECT_EQ(Encode(jsonl, FileFormat::kParquet, Feed::kRanges), parquet);
  EXPECT_EQ(Encode(jsonl, FileFormat::kParquet, Feed::kRows), parquet);
}

TEST(RowBatchTest, AppendRowRebasesStringCellsIntoTheArena) {
  Row a, b, batch;
  FillRow(1, &a);
  FillRow(2, &b);
  batch.AppendRow(a);
  batch.AppendRow(b);
  ASSERT_EQ(batch.size(), a.size() + b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    const Cell& cell = batch.cell(a.size() + i);
    ASSERT_EQ(cell.kind, b.cell(i).kind);
    if (Row::HasBytes(cell.kind)) {
      EXPECT_EQ(batch.bytes(cell), b.bytes(b.cell(i)));
    }
  }
}

}  // namespace
}  // namespace datalake::format
