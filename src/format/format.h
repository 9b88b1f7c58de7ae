// File encoders: turn Rows of one table into the bytes of one data file.
//
// An encoder writes to a Sink as it goes (in chunks of roughly `chunk_bytes`), so memory is
// bounded by the chunk, not the file. Encoders keep a sticky status: Append stays cheap and
// returns nothing; the first error (from the sink) is returned by Finish.
//
// Not thread-safe: one encoder per open file, used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/task_pool.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::format {

enum class FileFormat { kJsonl, kParquet };
enum class Compression { kUncompressed, kGzip, kZstd, kSnappy };

// Where an encoder's bytes go.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

// What a finished file holds, for a table format that records it next to the file (Iceberg's
// manifest entries): its rows and size, where its row groups start, and, for each Parquet leaf
// column that carries a field id, what the footer says of it over all row groups.
struct ColumnSummary {
  int32_t field_id = 0;
  bool repeated = false;  // inside a list or a map
  int64_t compressed_bytes = 0;
  int64_t values = 0;  // Parquet's num_values: entries, nulls included
  int64_t nulls = 0;
  // Smallest and largest value in the column's sort order, PLAIN-encoded without length prefix
  // as Parquet's statistics are (decimals: big-endian, the column's fixed width). Unset where
  // Parquet's statistics have none (all null, a NaN, a string over 4 KiB, INT96).
  std::optional<std::string> min;
  std::optional<std::string> max;
};

struct FileSummary {
  uint64_t rows = 0;
  uint64_t bytes = 0;                      // the whole file, as written to the sink
  std::vector<int64_t> row_group_offsets;  // Parquet: each row group's first byte, ascending
  std::vector<ColumnSummary> columns;      // Parquet leaves with a field id, in schema order
};

class FileEncoder {
 public:
  virtual ~FileEncoder() = default;
  // Encode one row. REQUIRES: `row` matches the schema the encoder was made for.
  void Append(const Row& row) { AppendRange(row, 0, row.size()); }
  // Encode the row made of cells [begin, end) of `rows`: a batch of rows one after another,
  // sharing one arena (sync/data_file.h), so that a batch costs two allocations, not two a row.
  virtual void AppendRange(const Row& rows, size_t begin, size_t end) = 0;
  // Encode every row of a batch: row k is cells [ends[k-1], ends[k]) of `rows` (from 0 for the
  // first). An encoder that looks a row ahead (Parquet prefetches dictionary slots) does it here.
  virtual void AppendRows(const Row& rows, const std::vector<size_t>& ends) {
    size_t begin = 0;
    for (size_t end : ends) {
      AppendRange(rows, begin, end);
      begin = end;
    }
  }
  // Flush everything (compressed trailer, footer) to the sink. Return the first error.
  virtual Status Finish() = 0;
  // What the file holds. REQUIRES: Finish returned Ok.
  virtual const FileSummary& summary() const = 0;
  // Bytes handed to the sink so far plus bytes still buffered (the file's size so far, roughly).
  virtual uint64_t EstimatedSize() const = 0;
  virtual uint64_t rows() const = 0;
  // Bytes the encoder has allocated for what has not reached the sink yet: capacity, not use,
  // since buffers keep their memory from chunk to chunk (what a memory budget must count).
  virtual uint64_t BufferedBytes() const = 0;
  // Hand what the encoder holds to the sink now, as far as the format allows (Parquet closes
  // its row group early; JSON Lines writes its chunk), so that a memory budget can be kept.
  // Errors are sticky, as for Append.
  virtual void FlushBuffers() = 0;
};

struct EncoderOptions {
  Compression compression = Compression::kUncompressed;
  size_t chunk_bytes = 4 << 20;  // hand bytes to the sink in chunks of about this size
  int gzip_level = 6;
  int zstd_level = 3;
  // Threads that compress gzip members while the encoder renders the next rows; null: the
  // encoder's thread. The bytes are the same either way.
  TaskPool* compress_pool = nullptr;
};

// Return a JSON Lines encoder: one object per line, keys = column names, values per
// docs/TYPES.md#json-lines-rendering (timestamps "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, dates
// "YYYY-MM-DD", JSON columns as strings holding JSON text, nulls as null). Compression: none, gzip
// or zstd (kSnappy is rejected with kConfigError).
Result<std::unique_ptr<FileEncoder>> NewJsonlEncoder(const schema::TableSchema& schema,
                                                     const EncoderOptions& options, Sink* sink);

// Parquet writer settings (docs/FORMATS.md#writer-settings). The defaults are the compatibility
// profile: SNAPPY, ~128 MiB row groups, ~1 MiB / 20,000-row pages, dictionary
// encoding with a 1 MiB limit, INT64 microsecond timestamps.
struct ParquetOptions {
  static constexpr uint64_t kDefaultRowGroupBytes = 128 << 20;
  static constexpr uint64_t kDefaultRowGroupRows = 1 << 20;
  static constexpr size_t kDefaultPageBytes = 1 << 20;
  static constexpr size_t kDefaultPageRows = 20'000;
  static constexpr size_t kDefaultDictionaryPageLimitBytes = 1 << 20;

  Compression compression = Compression::kSnappy;
  // A row group is closed once its columns' uncompressed encoded size reaches row_group_bytes,
  // or it holds row_group_rows rows.
  uint64_t row_group_bytes = kDefaultRowGroupBytes;
  uint64_t row_group_rows = kDefaultRowGroupRows;
  // A data page is closed (between rows) at page_bytes of encoded data or page_rows rows.
  size_t page_bytes = kDefaultPageBytes;
  size_t page_rows = kDefaultPageRows;
  // Dictionary-encode columns (not booleans); a column chunk whose dictionary reaches
  // dictionary_page_limit_bytes continues with PLAIN pages, and one whose first page shows the
  // dictionary does not pay off (high cardinality) is written PLAIN throughout.
  bool dictionary = true;
  size_t dictionary_page_limit_bytes = kDefaultDictionaryPageLimitBytes;
  // Store timestamps as legacy INT96 (for Hive <= 3.1) instead of INT64 TIMESTAMP(MICROS).
  bool timestamp_int96 = false;
  int gzip_level = 6;
  int zstd_level = 3;  // 1..19: Trino cannot read level >= 20 (docs/FORMATS.md#compression)
  // FileMetaData.created_by, "<app> version <semver> (build <hash>)": parquet-java ignores the
  // string statistics of files without a parsable one (docs/FORMATS.md#the-created_by-string).
  std::string created_by = "destination-aws-datalake version " DATALAKE_VERSION;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

// Return a Parquet encoder (data page v1, PLAIN/RLE_DICTIONARY values, RLE levels, every column
// OPTIONAL, statistics per column chunk). Memory is bounded by the open row group. Fails with
// kConfigError for invalid options and kInvalidInput for a schema Parquet cannot hold (no
// columns, an empty struct, a decimal precision over 38). Append fails the file (sticky
// kInternal) if a row does not match the schema.
Result<std::unique_ptr<FileEncoder>> NewParquetEncoder(const schema::TableSchema& schema,
                                                       const ParquetOptions& options, Sink* sink);

// True if a cell of kind `cell` may stand in a column of type `type` (null fits every type).
// Encoders check it, since a mismatch is a bug upstream that must not corrupt a file. Inline:
// they check every cell.
inline bool CellFitsType(CellKind cell, schema::TypeKind type) {
  using schema::TypeKind;
  switch (cell) {
    case CellKind::kNull:
      return true;
    case CellKind::kBool:
      return type == TypeKind::kBoolean;
    case CellKind::kInt64:
      return type == TypeKind::kInt64 || type == TypeKind::kInt32 || type == TypeKind::kInt16 ||
             type == TypeKind::kInt8;
    case CellKind::kDouble:
      return type == TypeKind::kDouble || type == TypeKind::kFloat;
    case CellKind::kDecimal:
      return type == TypeKind::kDecimal;
    case CellKind::kString:
      return type == TypeKind::kString || type == TypeKind::kChar || type == TypeKind::kVarchar;
    case CellKind::kJson:
      return type == TypeKind::kJson;
    case CellKind::kTimestamp:
      return type == TypeKind::kTimestamp || type == TypeKind::kTimestampNtz;
    case CellKind::kDate:
      return type == TypeKind::kDate;
    case CellKind::kStruct:
      return type == TypeKind::kStruct;
    case CellKind::kList:
      return type == TypeKind::kList;
    case CellKind::kBinary:
      return type == TypeKind::kBinary;
    case CellKind::kMap:
      return type == TypeKind::kMap;
  }
  return false;
}

// Return the index just past the subtree of `row` that starts at cell `pos` and holds a value
// of type `type` (a null cell is a whole subtree of any type).
size_t SkipSubtree(const Row& row, size_t pos, const schema::DataType& type);

// Return the index of the first cell of top-level column `column` in a finished row of `schema`
// that starts at cell `first` (rows one after another: a batch).
size_t ColumnCellIndex(const Row& row, const schema::TableSchema& schema, size_t column,
                       size_t first = 0);

// Return the file name suffix the original connector uses: ".json", ".json.gz", ".json.zst";
// ".parquet", ".snappy.parquet", ".gz.parquet", ".zstd.parquet".
std::string FileExtension(FileFormat format, Compression compression);

}  // namespace datalake::format
