// The Parquet FileEncoder: "PAR1", row groups, footer (docs/FORMATS.md#file-layout,
// docs/FORMATS.md#offsets-and-sizes).
//
// Rows are shredded into per-leaf ColumnWriters as they arrive; pages are encoded and
// compressed as they fill. When the open row group reaches row_group_bytes (uncompressed
// encoded size) or row_group_rows, each column's chunk is written to the sink in schema order,
// so memory is bounded by one row group. The footer (FileMetaData, its u32 length, "PAR1") is
// written by Finish. Sticky status as in the JSON Lines encoder: the first error ends all writing.
#include <cassert>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "format/format.h"
#include "format/parquet/column_writer.h"
#include "format/parquet/metadata.h"
#include "format/parquet/page_compressor.h"
#include "format/parquet/schema_converter.h"
#include "format/parquet/shredder.h"

namespace datalake::format {
namespace {

using parquet::ColumnWriter;
using parquet::ParquetSchema;

constexpr std::string_view kMagic = "PAR1";

// Passes writes on and counts the bytes, which are the file offsets the footer records.
class CountingSink final : public Sink {
 public:
  explicit CountingSink(Sink* sink) : sink_(sink) {}
  Status Write(std::string_view bytes) override {
    if (bytes.empty()) return Status::Ok();
    RETURN_IF_ERROR(sink_->Write(bytes));
    bytes_ += bytes.size();
    return Status::Ok();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  Sink* const sink_;
  uint64_t bytes_ = 0;
};

class ParquetEncoder final : public FileEncoder {
 public:
  ParquetEncoder(ParquetSchema schema, const ParquetOptions& options, Sink* sink)
      : schema_(std::move(schema)),
        options_(options),
        compressor_(options.compression, options.compression == Compression::kGzip
                                             ? options.gzip_level
                                             : options.zstd_level),
        sink_(sink),
        shredder_(&schema_, &writers_) {
    writers_.reserve(schema_.columns.size());
    for (const parquet::ColumnDescriptor& column : schema_.columns) {
      writers_.push_back(std::make_unique<ColumnWriter>(&column, &options_, &compressor_));
    }
  }

  void AppendRange(const Row& rows, size_t begin, size_t end) override;
  void AppendRows(const Row& rows, const std::vector<size_t>& ends) override;
  Status Finish() override;
  const FileSummary& summary() const override { return summary_; }
  uint64_t EstimatedSize() const override { return sink_.bytes() + buffered_bytes_; }
  uint64_t rows() const override { return rows_; }
  // What the column writers hold, allocated: a closed row group's pages leave their buffers'
  // capacity behind for the next one, which a budget must count.
  uint64_t BufferedBytes() const override {
    int64_t bytes = 0;
    for (const std::unique_ptr<ColumnWriter>& writer : writers_) bytes += writer->memory_bytes();
    return static_cast<uint64_t>(bytes);
  }
  // Close the row group early and give the buffers back: with many files open, the next row
  // group of this one may be long in coming.
  void FlushBuffers() override {
    if (!status_.ok() || finished_) return;
    Status status = FlushRowGroup();
    if (!status.ok()) return Fail(std::move(status));
    for (const std::unique_ptr<ColumnWriter>& writer : writers_) writer->ReleaseMemory();
  }

 private:
  Status EndRow();
  Status FlushRowGroup();
  Status WriteFooter();
  Status WriteMagicOnce();
  void Summarize();
  void Fail(Status status) {
    status_ = std::move(status);
    writers_.clear();  // nothing more will be written: give the memory back now
    buffered_bytes_ = 0;
  }

  const ParquetSchema schema_;  // the writers point into it: never moved after construction
  const ParquetOptions options_;
  const parquet::PageCompressor compressor_;
  CountingSink sink_;
  std::vector<std::unique_ptr<ColumnWriter>> writers_;  // one per leaf
  parquet::Shredder shredder_;
  std::vector<parquet::RowGroup> row_groups_;  // metadata of the written row groups
  FileSummary summary_;                        // filled by Finish
  Status status_;
  uint64_t buffered_bytes_ = 0;
  uint64_t rows_ = 0;
  uint64_t group_rows_ = 0;
  bool magic_written_ = false;
  bool finished_ = false;
};

void ParquetEncoder::AppendRange(const Row& rows, size_t begin, size_t end) {
  assert(!finished_ && "Append after Finish");
  if (!status_.ok() || finished_) return;
  Status status = shredder_.Shred(rows, begin, end);
  if (status.ok()) status = EndRow();
  if (!status.ok()) Fail(std::move(status));
}

// While a row is shredded, the next one's dictionary slots load: with many streams open the
// tables are cold, and a miss per value was most of the cost of interleaved input.
void ParquetEncoder::AppendRows(const Row& rows, const std::vector<size_t>& ends) {
  size_t begin = 0;
  for (size_t k = 0; k < ends.size(); ++k) {
    if (k + 1 < ends.size()) shredder_.Prefetch(rows, ends[k], ends[k + 1]);
    AppendRange(rows, begin, ends[k]);
    begin = ends[k];
  }
}

// Let every column cut its page, then close the row group if it is full.
Status ParquetEncoder::EndRow() {
  ++rows_;
  ++group_rows_;
  int64_t uncompressed = 0;
  int64_t buffered = 0;
  for (const std::unique_ptr<ColumnWriter>& writer : writers_) {
    RETURN_IF_ERROR(writer->EndRow());
    uncompressed += writer->uncompressed_bytes();
    buffered += writer->buffered_bytes();
  }
  buffered_bytes_ = static_cast<uint64_t>(buffered);
  if (static_cast<uint64_t>(uncompressed) >= options_.row_group_bytes ||
      group_rows_ >= options_.row_group_rows) {
    return FlushRowGroup();
  }
  return Status::Ok();
}

Status ParquetEncoder::WriteMagicOnce() {
  if (magic_written_) return Status::Ok();
  magic_written_ = true;
  return sink_.Write(kMagic);
}

// Write each column chunk, in schema order, contiguously, and record the row group.
Status ParquetEncoder::FlushRowGroup() {
  if (group_rows_ == 0) return Status::Ok();  // never an empty row group
  RETURN_IF_ERROR(WriteMagicOnce());
  parquet::RowGroup group;
  group.num_rows = static_cast<int64_t>(group_rows_);
  group.file_offset = static_cast<int64_t>(sink_.bytes());  // first page of the first column
  if (row_groups_.size() <= static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    group.ordinal = static_cast<int16_t>(row_groups_.size());
  }
  group.total_compressed_size = 0;
  group.columns.resize(writers_.size());
  for (size_t i = 0; i < writers_.size(); ++i) {
    const auto offset = static_cast<int64_t>(sink_.bytes());
    RETURN_IF_ERROR(writers_[i]->FinishChunk(offset, &sink_, &group.columns[i]));
    const parquet::ColumnMetaData& meta = group.columns[i].meta_data;
    assert(static_cast<int64_t>(sink_.bytes()) - offset == meta.total_compressed_size);
    group.total_byte_size += meta.total_uncompressed_size;
    *group.total_compressed_size += meta.total_compressed_size;
  }
  row_groups_.push_back(std::move(group));
  group_rows_ = 0;
  buffered_bytes_ = 0;
  return Status::Ok();
}

// The file's summary from the row groups' metadata and the columns' merged statistics, taken
// before the footer takes the row groups.
void ParquetEncoder::Summarize() {
  summary_.rows = rows_;
  for (const parquet::RowGroup& group : row_groups_) {
    summary_.row_group_offsets.push_back(group.file_offset.value_or(0));  // always set here
  }
  for (size_t i = 0; i < writers_.size(); ++i) {
    const parquet::ColumnDescriptor& column = schema_.columns[i];
    if (column.field_id == 0) continue;
    ColumnSummary out;
    out.field_id = column.field_id;
    out.repeated = column.max_rep > 0;
    for (const parquet::RowGroup& group : row_groups_) {
      const parquet::ColumnMetaData& meta = group.columns[i].meta_data;
      out.compressed_bytes += meta.total_compressed_size;
      out.values += meta.num_values;
    }
    parquet::Statistics statistics = writers_[i]->FileStatistics();
    out.nulls = statistics.null_count.value_or(0);
    out.min = std::move(statistics.min_value);
    out.max = std::move(statistics.max_value);
    summary_.columns.push_back(std::move(out));
  }
}

Status ParquetEncoder::WriteFooter() {
  RETURN_IF_ERROR(WriteMagicOnce());
  parquet::FileMetaData meta;
  meta.schema = schema_.elements;
  meta.num_rows = static_cast<int64_t>(rows_);
  meta.row_groups = std::move(row_groups_);
  for (const auto& [key, value] : options_.key_value_metadata) {
    meta.key_value_metadata.push_back({key, value});
  }
  meta.created_by = options_.created_by;
  meta.num_leaf_columns = static_cast<int32_t>(schema_.columns.size());
  std::string footer;
  parquet::SerializeFileMetaData(meta, &footer);
  const auto length = static_cast<uint32_t>(footer.size());
  for (int i = 0; i < 4; ++i) footer.push_back(static_cast<char>(length >> (8 * i)));
  footer.append(kMagic);
  return sink_.Write(footer);
}

Status ParquetEncoder::Finish() {
  if (finished_) return status_;
  finished_ = true;
  if (status_.ok()) status_ = FlushRowGroup();
  if (status_.ok()) Summarize();
  if (status_.ok()) status_ = WriteFooter();
  if (status_.ok()) summary_.bytes = sink_.bytes();
  writers_.clear();
  buffered_bytes_ = 0;
  return status_;
}

Status ValidateOptions(const ParquetOptions& o) {
  if (o.row_group_bytes == 0 || o.row_group_rows == 0 || o.page_bytes == 0 || o.page_rows == 0) {
    return Status::ConfigError("parquet: row group and page limits must be positive");
  }
  if (o.dictionary && o.dictionary_page_limit_bytes == 0) {
    return Status::ConfigError("parquet: the dictionary page limit must be positive");
  }
  if (o.compression == Compression::kGzip && (o.gzip_level < 1 || o.gzip_level > 9)) {
    return Status::ConfigError("parquet: gzip level must be 1..9");
  }
  if (o.compression == Compression::kZstd && (o.zstd_level < 1 || o.zstd_level > 19)) {
    return Status::ConfigError("parquet: zstd level must be 1..19");
  }
  if (o.created_by.empty()) {
    return Status::ConfigError("parquet: created_by must not be empty");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FileEncoder>> NewParquetEncoder(const schema::TableSchema& schema,
                                                       const ParquetOptions& options, Sink* sink) {
  assert(sink != nullptr);
  RETURN_IF_ERROR(ValidateOptions(options));
  ASSIGN_OR_RETURN(ParquetSchema parquet_schema,
                   parquet::ConvertSchema(schema, options.timestamp_int96));
  return std::unique_ptr<FileEncoder>(
      std::make_unique<ParquetEncoder>(std::move(parquet_schema), options, sink));
}

}  // namespace datalake::format
