// Parquet footer and page-header structures (parquet.thrift, docs/FORMATS.md#footer-structures),
// reduced to the fields this writer sets, and their Thrift compact serialisation.
//
// Enum values and field ids are copied from apache/parquet-format's parquet.thrift. Optional
// fields are std::optional (or empty containers) and are written only when set; required fields
// are always written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace datalake::format::parquet {

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kList = 3,
  kDecimal = 5,
  kDate = 6,
  kTimestampMicros = 10,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kRleDictionary = 8,
};

enum class Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

enum class PageType : int32_t { kDataPage = 0, kDictionaryPage = 2 };

// The LogicalType union; only the members this writer emits.
struct LogicalType {
  enum class Kind { kNone, kString, kMap, kList, kDecimal, kDate, kTimestampMicros, kInteger };
  Kind kind = Kind::kNone;
  int32_t scale = 0;             // kDecimal
  int32_t precision = 0;         // kDecimal
  bool adjusted_to_utc = false;  // kTimestampMicros
  int8_t bit_width = 0;          // kInteger
  bool is_signed = true;         // kInteger
};

struct SchemaElement {
  std::optional<Type> type;  // leaves only
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition;  // unset on the root
  std::string name;
  std::optional<int32_t> num_children;  // groups only
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;  // Iceberg's column id (readers of Iceberg tables project by it)
  LogicalType logical_type;
};

// Column-chunk statistics (docs/FORMATS.md#statistics). Values are PLAIN-encoded without length
// prefix.
struct Statistics {
  std::optional<std::string> max;  // deprecated, signed-order columns only
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

struct ColumnMetaData {
  Type type = Type::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
};

struct ColumnChunk {
  int64_t file_offset = 0;  // deprecated but required: always 0
  ColumnMetaData meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;  // optional in the IDL; the file writer always sets it
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;  // i16: left out past 32767 row groups
};

struct KeyValue {
  std::string key;
  std::string value;
};

struct FileMetaData {
  int32_t version = 1;  // the specification: "writers should always populate 1"
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;
  int32_t num_leaf_columns = 0;  // column_orders: one TYPE_ORDER per leaf
};

struct DataPageHeader {
  int32_t num_values = 0;  // level entries, nulls included
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;  // always RLE, even when not written
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
};

// Append the compact-protocol encoding of each structure to `out`.
void SerializePageHeader(const PageHeader& header, std::string* out);
void SerializeFileMetaData(const FileMetaData& metadata, std::string* out);

}  // namespace datalake::format::parquet
