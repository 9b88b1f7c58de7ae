#include "format/parquet/value_conversion.h"

#include <cassert>
#include <cstring>

namespace datalake::format::parquet {

bool ParseDecimal(std::string_view text, int precision, int scale, Int128* unscaled) {
  assert(precision >= 1 && precision <= kMaxDecimalPrecision && scale >= 0 && scale <= precision);
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  Int128 value = 0;
  int digits = 0;  // significant digits so far (leading zeros don't count)
  int int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    value = value * 10 + (text[i] - '0');
    if (value != 0 && ++digits > precision) return false;
  }
  if (int_digits == 0) return false;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits == scale) return false;
      value = value * 10 + (text[i] - '0');
      if (value != 0 && ++digits > precision) return false;
    }
    if (frac_digits == 0) return false;
  }
  if (i != text.size()) return false;
  for (; frac_digits < scale; ++frac_digits) {
    value *= 10;
    if (value != 0 && ++digits > precision) return false;
  }
  *unscaled = negative ? -value : value;
  return true;
}

int32_t DecimalByteLength(int precision) {
  assert(precision >= 1 && precision <= kMaxDecimalPrecision);
  // Largest precision per byte length, 1..16 bytes (floor(log10(2^(8n-1) - 1))).
  static constexpr int kMaxPrecision[] = {2,  4,  6,  9,  11, 14, 16, 18,
                                          21, 23, 26, 28, 31, 33, 35, 38};
  int32_t length = 1;
  while (kMaxPrecision[length - 1] < precision) ++length;
  return length;
}

void PutDecimalBigEndian(Int128 unscaled, int32_t length, char* out) {
  auto bits = static_cast<unsigned __int128>(unscaled);
  for (int32_t i = length - 1; i >= 0; --i) {
    out[i] = static_cast<char>(static_cast<uint8_t>(bits & 0xFF));
    bits >>= 8;
  }
}

void PutInt96Timestamp(int64_t micros, char* out) {
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  constexpr int64_t kJulianDayOfEpoch = 2'440'588;
  int64_t days = micros / kMicrosPerDay;
  int64_t micros_of_day = micros % kMicrosPerDay;
  if (micros_of_day < 0) {  // floor division: the time of day is never negative
    micros_of_day += kMicrosPerDay;
    --days;
  }
  const uint64_t nanos = static_cast<uint64_t>(micros_of_day) * 1000;
  const auto julian_day = static_cast<uint32_t>(days + kJulianDayOfEpoch);
  std::memcpy(out, &nanos, 8);  // little-endian host (plain_encoder.h asserts it)
  std::memcpy(out + 8, &julian_day, 4);
}

}  // namespace datalake::format::parquet
