// Conversions from Row cell values to the bytes of their Parquet physical types: decimal text to
// a big-endian two's-complement FIXED_LEN_BYTE_ARRAY (docs/FORMATS.md#leaf-types), and UTC
// microseconds to the legacy INT96 timestamp layout (docs/FORMATS.md#timestamps).
#pragma once

#include <cstdint>
#include <string_view>

namespace datalake::format::parquet {

// g++ and clang provide a 128-bit integer; decimal(38, s) unscaled values need 127 bits.
__extension__ typedef __int128 Int128;

// The largest decimal precision Parquet FLBA(16) can hold, and Glue's limit too.
constexpr int kMaxDecimalPrecision = 38;

// Parse canonical decimal text (docs/TYPES.md: optional '-', integer digits, optionally '.' and
// fraction digits) into its unscaled value at `scale`: "-12.5" at scale 2 is -1250. Return false
// if the text is malformed, has more than `scale` fraction digits, or needs more than
// `precision` digits.
bool ParseDecimal(std::string_view text, int precision, int scale, Int128* unscaled);

// Return the minimal FIXED_LEN_BYTE_ARRAY length for `precision` digits: the smallest n with
// 10^precision - 1 <= 2^(8n-1) - 1 (the table in docs/FORMATS.md#leaf-types).
// REQUIRES: 1 <= precision <= 38.
int32_t DecimalByteLength(int precision);

// Write the low `length` bytes of `unscaled` big-endian to `out` (two's complement; the value
// must fit, which DecimalByteLength guarantees for values within the precision).
void PutDecimalBigEndian(Int128 unscaled, int32_t length, char* out);

// Write `micros` since the epoch as INT96: nanoseconds within the day (u64 LE), then the Julian
// day number (u32 LE); 1970-01-01 is Julian day 2440588.
constexpr int32_t kInt96Bytes = 12;
void PutInt96Timestamp(int64_t micros, char* out);

}  // namespace datalake::format::parquet
