// Column-chunk statistics (docs/FORMATS.md#statistics): null_count always; min_value/max_value in
// the column's sort order, PLAIN-encoded without length prefix; the deprecated min/max only for
// signed-order physical types (INT32/INT64/FLOAT/DOUBLE), as Arrow does.
//
// Sort orders: signed for INT32, INT64, DATE and TIMESTAMP; IEEE for FLOAT and DOUBLE; false <
// true for BOOLEAN; unsigned byte-wise for strings and binary; by signed value for decimals (never
// memcmp of the two's- complement bytes: Trino rejects min > max as corrupted); none for
// INT96 (null_count only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "format/parquet/metadata.h"
#include "format/parquet/schema_converter.h"
#include "format/parquet/value_conversion.h"

namespace datalake::format::parquet {

// Strings longer than this get no min/max at all: truncating a max correctly means rounding it
// up, leaving it out is simpler and always safe. Arrow's limit.
constexpr size_t kMaxStatisticsValueBytes = 4096;

class StatisticsBuilder {
 public:
  explicit StatisticsBuilder(const ColumnDescriptor& column) : column_(column) {}

  void AddNulls(int64_t count) { null_count_ += count; }
  void UpdateBool(bool v);
  void UpdateInt(int64_t v);    // INT32 (ints, dates) and INT64 (ints, timestamps)
  void UpdateDouble(double v);  // also FLOAT
  void UpdateBytes(std::string_view v);
  void UpdateDecimal(Int128 v);

  // Add what `other` (of the same column) saw: a file's statistics from its chunks'.
  void Merge(const StatisticsBuilder& other);
  // Return the statistics of everything added since construction or Reset.
  Statistics Finish() const;
  void Reset();

 private:
  void EncodeMinMax(Statistics* out) const;

  const ColumnDescriptor& column_;
  int64_t null_count_ = 0;
  bool has_value_ = false;  // some non-null value (other than NaN) was seen
  bool has_nan_ = false;
  int64_t min_int_ = 0, max_int_ = 0;  // also booleans (0/1)
  double min_double_ = 0, max_double_ = 0;
  Int128 min_decimal_ = 0, max_decimal_ = 0;
  std::string min_bytes_, max_bytes_;
};

}  // namespace datalake::format::parquet
