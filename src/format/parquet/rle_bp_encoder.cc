#include "format/parquet/rle_bp_encoder.h"

#include <bit>
#include <cassert>
#include <cstring>

namespace datalake::format::parquet {
namespace {

// A run shorter than this is cheaper (or no dearer) bit-packed.
constexpr size_t kMinRleRun = 8;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// rle-run := varint(count << 1), then the value in ceil(bit_width / 8) little-endian bytes.
void PutRleRun(uint32_t value, size_t count, int bit_width, std::string* out) {
  PutVarint(static_cast<uint64_t>(count) << 1, out);
  for (int byte = 0; byte < (bit_width + 7) / 8; ++byte) {
    out->push_back(static_cast<char>(value >> (8 * byte)));
  }
}

// bit-packed-run := varint((groups << 1) | 1), then groups * 8 values of bit_width bits each,
// packed LSB first. Values past `count` (only in the stream's last run) are zero padding. A
// group of 8 values is exactly bit_width bytes, so the run's bytes are sized up front and
// written a 32-bit little-endian word at a time.
template <typename T>
void PutBitPackedRun(const T* values, size_t count, int bit_width, std::string* out) {
  const size_t groups = (count + 7) / 8;
  PutVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  const size_t at = out->size();
  out->resize(at + groups * static_cast<size_t>(bit_width));
  char* dst = out->data() + at;
  for (size_t first = 0; first < groups * 8; first += 8) {
    uint64_t buffer = 0;  // < 32 pending bits, plus one value of <= 32 bits
    int bits = 0;
    for (size_t i = first; i < first + 8; ++i) {
      const uint64_t v = i < count ? static_cast<uint64_t>(values[i]) : 0;
      buffer |= v << bits;
      bits += bit_width;
      if (bits >= 32) {
        const auto word = static_cast<uint32_t>(buffer);
        std::memcpy(dst, &word, 4);
        dst += 4;
        buffer >>= 32;
        bits -= 32;
      }
    }
    for (; bits > 0; bits -= 8) {  // 8 * bit_width bits in all: whole bytes remain
      *dst++ = static_cast<char>(buffer & 0xFF);
      buffer >>= 8;
    }
  }
  assert(dst == out->data() + out->size());
}

template <typename T>
void Encode(const T* values, size_t count, int bit_width, std::string* out) {
  assert(bit_width >= 0 && bit_width <= 32);
  size_t literal_start = 0;  // values [literal_start, i) wait to be bit-packed
  size_t i = 0;
  while (i < count) {
    size_t end = i + 1;
    while (end < count && values[end] == values[i]) ++end;
    if (end - i < kMinRleRun) {
      i = end;
      continue;
    }
    // A bit-packed run must hold whole groups of 8 unless it is the last run: top the
    // pending literals up to a multiple of 8 with values from the front of this run.
    size_t run_start = i;
    if (run_start > literal_start) {
      run_start += (8 - (run_start - literal_start) % 8) % 8;
      PutBitPackedRun(values + literal_start, run_start - literal_start, bit_width, out);
    }
    if (end > run_start)
      PutRleRun(static_cast<uint32_t>(values[i]), end - run_start, bit_width, out);
    literal_start = i = end;
  }
  if (count > literal_start) {
    PutBitPackedRun(values + literal_start, count - literal_start, bit_width, out);
  }
}

}  // namespace

void EncodeRleBp(const uint8_t* values, size_t count, int bit_width, std::string* out) {
  Encode(values, count, bit_width, out);
}

void EncodeRleBp(const uint32_t* values, size_t count, int bit_width, std::string* out) {
  Encode(values, count, bit_width, out);
}

void EncodeLevels(const std::vector<uint8_t>& levels, int bit_width, std::string* out) {
  const size_t length_at = out->size();
  out->append(4, '\0');
  EncodeRleBp(levels.data(), levels.size(), bit_width, out);
  const auto length = static_cast<uint32_t>(out->size() - length_at - 4);
  std::memcpy(out->data() + length_at, &length, sizeof(length));  // little-endian host
}

}  // namespace datalake::format::parquet
