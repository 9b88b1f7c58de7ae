#include "format/parquet/statistics.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "format/parquet/plain_encoder.h"

namespace datalake::format::parquet {

void StatisticsBuilder::UpdateBool(bool v) { UpdateInt(v ? 1 : 0); }

void StatisticsBuilder::UpdateInt(int64_t v) {
  if (!has_value_) {
    min_int_ = max_int_ = v;
    has_value_ = true;
    return;
  }
  if (v < min_int_) min_int_ = v;
  if (v > max_int_) max_int_ = v;
}

void StatisticsBuilder::UpdateDouble(double v) {
  if (std::isnan(v)) {
    has_nan_ = true;
    return;
  }
  if (!has_value_) {
    min_double_ = max_double_ = v;
    has_value_ = true;
    return;
  }
  if (v < min_double_) min_double_ = v;
  if (v > max_double_) max_double_ = v;
}

void StatisticsBuilder::UpdateBytes(std::string_view v) {
  // std::string_view compares as unsigned bytes (char_traits<char>::compare is memcmp), then
  // shorter first: exactly Parquet's UNSIGNED byte-wise order.
  if (!has_value_) {
    min_bytes_.assign(v);
    max_bytes_.assign(v);
    has_value_ = true;
    return;
  }
  if (v < std::string_view(min_bytes_)) min_bytes_.assign(v);
  if (v > std::string_view(max_bytes_)) max_bytes_.assign(v);
}

void StatisticsBuilder::UpdateDecimal(Int128 v) {
  if (!has_value_) {
    min_decimal_ = max_decimal_ = v;
    has_value_ = true;
    return;
  }
  if (v < min_decimal_) min_decimal_ = v;
  if (v > max_decimal_) max_decimal_ = v;
}

void StatisticsBuilder::Merge(const StatisticsBuilder& other) {
  null_count_ += other.null_count_;
  has_nan_ = has_nan_ || other.has_nan_;
  if (!other.has_value_) return;
  if (!has_value_) {
    has_value_ = true;
    min_int_ = other.min_int_;
    max_int_ = other.max_int_;
    min_double_ = other.min_double_;
    max_double_ = other.max_double_;
    min_decimal_ = other.min_decimal_;
    max_decimal_ = other.max_decimal_;
    min_bytes_ = other.min_bytes_;
    max_bytes_ = other.max_bytes_;
    return;
  }
  // Only the members of the column's kind mean anything; the others merge harmlessly.
  min_int_ = std::min(min_int_, other.min_int_);
  max_int_ = std::max(max_int_, other.max_int_);
  min_double_ = std::min(min_double_, other.min_double_);
  max_double_ = std::max(max_double_, other.max_double_);
  min_decimal_ = std::min(min_decimal_, other.min_decimal_);
  max_decimal_ = std::max(max_decimal_, other.max_decimal_);
  if (std::string_view(other.min_bytes_) < std::string_view(min_bytes_)) {
    min_bytes_ = other.min_bytes_;
  }
  if (std::string_view(other.max_bytes_) > std::string_view(max_bytes_)) {
    max_bytes_ = other.max_bytes_;
  }
}

Statistics StatisticsBuilder::Finish() const {
  Statistics out;
  out.null_count = null_count_;  // always, even 0: readers must not assume it
  if (has_value_) EncodeMinMax(&out);
  return out;
}

void StatisticsBuilder::EncodeMinMax(Statistics* out) const {
  std::string min, max;
  switch (column_.kind) {
    case LeafKind::kBoolean:
      min.push_back(static_cast<char>(min_int_));
      max.push_back(static_cast<char>(max_int_));
      break;
    case LeafKind::kDate:
    case LeafKind::kInt32:
      PutInt32(static_cast<int32_t>(min_int_), &min);
      PutInt32(static_cast<int32_t>(max_int_), &max);
      break;
    case LeafKind::kInt64:
    case LeafKind::kTimestampMicros:
      PutInt64(min_int_, &min);
      PutInt64(max_int_, &max);
      break;
    case LeafKind::kDouble:
      // A [min, max] that leaves NaN out lets engines prune rows a predicate like `x <> c`
      // should return, so any NaN drops min/max (DuckDB's rule). Zeros: -0.0 as min, +0.0 as
      // max, so either zero is inside the range.
      if (has_nan_) return;
      PutDouble(min_double_ == 0 ? -0.0 : min_double_, &min);
      PutDouble(max_double_ == 0 ? +0.0 : max_double_, &max);
      break;
    case LeafKind::kFloat:  // the same rules; the values are floats widened exactly
      if (has_nan_) return;
      PutFloat(min_double_ == 0 ? -0.0f : static_cast<float>(min_double_), &min);
      PutFloat(max_double_ == 0 ? +0.0f : static_cast<float>(max_double_), &max);
      break;
    case LeafKind::kString:
    case LeafKind::kBinary:  // unannotated BYTE_ARRAY sorts unsigned byte-wise too
      if (min_bytes_.size() > kMaxStatisticsValueBytes ||
          max_bytes_.size() > kMaxStatisticsValueBytes) {
        return;
      }
      min = min_bytes_;
      max = max_bytes_;
      break;
    case LeafKind::kDecimal:
      min.resize(static_cast<size_t>(column_.type_length));
      max.resize(static_cast<size_t>(column_.type_length));
      PutDecimalBigEndian(min_decimal_, column_.type_length, min.data());
      PutDecimalBigEndian(max_decimal_, column_.type_length, max.data());
      break;
    case LeafKind::kTimestampInt96:
      return;  // INT96 has no usable order
  }
  const Type type = column_.physical_type;
  if (type == Type::kInt32 || type == Type::kInt64 || type == Type::kFloat ||
      type == Type::kDouble) {
    out->min = min;  // deprecated fields: defined as signed order
    out->max = max;
  }
  out->min_value = std::move(min);
  out->max_value = std::move(max);
}

void StatisticsBuilder::Reset() {
  null_count_ = 0;
  has_value_ = false;
  has_nan_ = false;
  min_bytes_.clear();
  max_bytes_.clear();
}

}  // namespace datalake::format::parquet
