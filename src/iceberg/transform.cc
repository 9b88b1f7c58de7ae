// Partition transforms: the values a partition field takes (Iceberg spec "Partition Transforms"
// and Appendix B for the hash).
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

constexpr int64_t kMicrosPerHour = 3'600'000'000LL;

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

}  // namespace

uint32_t Murmur3X86_32(std::string_view bytes) {
  constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t len = bytes.size();
  const size_t blocks = len / 4;
  uint32_t h = 0;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k = static_cast<uint32_t>(data[4 * i]) | static_cast<uint32_t>(data[4 * i + 1]) << 8 |
                 static_cast<uint32_t>(data[4 * i + 2]) << 16 |
                 static_cast<uint32_t>(data[4 * i + 3]) << 24;
    k *= c1;
    k = Rotl(k, 15);
    k *= c2;
    h ^= k;
    h = Rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const unsigned char* tail = data + blocks * 4;
  uint32_t k = 0;
  switch (len & 3) {
    case 3:
      k ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = Rotl(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

int32_t BucketOfBytes(std::string_view bytes, int32_t buckets) {
  return static_cast<int32_t>((Murmur3X86_32(bytes) & 0x7fffffffu) %
                              static_cast<uint32_t>(buckets));
}

int32_t BucketOfLong(int64_t value, int32_t buckets) {
  char le[8];
  auto u = static_cast<uint64_t>(value);
  for (char& b : le) {
    b = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return BucketOfBytes(std::string_view(le, 8), buckets);
}

int64_t TruncateInteger(int64_t value, int32_t width) {
  return value - (((value % width) + width) % width);
}

std::string_view TruncateString(std::string_view utf8, int32_t width) {
  size_t i = 0;
  for (int32_t points = 0; i < utf8.size() && points < width; ++points) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    i += lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  }
  return utf8.substr(0, std::min(i, utf8.size()));
}

int32_t YearsOfDays(int64_t days) {
  return static_cast<int32_t>(schema::DateOfDays(days).year - 1970);
}

int32_t MonthsOfDays(int64_t days) {
  const schema::CivilDate date = schema::DateOfDays(days);
  return static_cast<int32_t>((date.year - 1970) * 12 + (date.month - 1));
}

int32_t YearsOfMicros(int64_t micros) { return YearsOfDays(schema::DaysOfMicros(micros)); }
int32_t MonthsOfMicros(int64_t micros) { return MonthsOfDays(schema::DaysOfMicros(micros)); }
int32_t DaysOfMicros(int64_t micros) { return static_cast<int32_t>(schema::DaysOfMicros(micros)); }
int32_t HoursOfMicros(int64_t micros) {
  return static_cast<int32_t>(FloorDiv(micros, kMicrosPerHour));
}

std::string TemporalText(Transform::Kind kind, int64_t value) {
  char text[64];
  switch (kind) {
    case Transform::Kind::kYear:
      std::snprintf(text, sizeof(text), "%04lld", static_cast<long long>(1970 + value));
      return text;
    case Transform::Kind::kMonth:
      std::snprintf(text, sizeof(text), "%04lld-%02lld",
                    static_cast<long long>(1970 + FloorDiv(value, 12)),
                    static_cast<long long>(value - FloorDiv(value, 12) * 12 + 1));
      return text;
    case Transform::Kind::kDay:
      return schema::FormatDateDays(value);
    case Transform::Kind::kHour: {
      const int64_t day = FloorDiv(value, 24);
      return schema::FormatDateDays(day) + "-" + (value - day * 24 < 10 ? "0" : "") +
             std::to_string(value - day * 24);
    }
    default:
      return std::to_string(value);
  }
}

}  // namespace datalake::iceberg
