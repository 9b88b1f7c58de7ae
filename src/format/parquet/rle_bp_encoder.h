// The RLE / bit-packing hybrid (docs/FORMATS.md#rle-and-bit-packing-hybrid), used for
// definition/repetition levels and dictionary indices.
//
// The encoder works on a whole page's values at once (the column writer buffers them anyway),
// which keeps the run decisions simple to check: runs of >= 8 equal values become RLE runs,
// everything else goes into bit-packed groups of 8. Only the final run of a stream is ever
// padded, since readers would decode a non-final run's padding as values.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace datalake::format::parquet {

// Return the number of bits needed to represent `max_value` (0 for 0).
inline int BitWidth(uint32_t max_value) { return std::bit_width(max_value); }

// Append the hybrid encoding of `values` (each < 2^bit_width), without any length prefix.
// REQUIRES: 0 <= bit_width <= 32.
void EncodeRleBp(const uint8_t* values, size_t count, int bit_width, std::string* out);
void EncodeRleBp(const uint32_t* values, size_t count, int bit_width, std::string* out);

// Append levels as a data page v1 level stream: u32 little-endian byte length, then the hybrid
// encoding (v1 levels carry the length prefix).
void EncodeLevels(const std::vector<uint8_t>& levels, int bit_width, std::string* out);

}  // namespace datalake::format::parquet
