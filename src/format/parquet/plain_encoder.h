// PLAIN encoding (docs/FORMATS.md#plain-encoding): values back to back, little-endian, no padding.
// Used for data pages without a dictionary, for dictionary page bodies and for statistics values.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace datalake::format::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding below copies native integers: little-endian hosts only");

inline void PutInt32(int32_t v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

inline void PutInt64(int64_t v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

inline void PutFloat(float v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

inline void PutDouble(double v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

inline void PutUint32(uint32_t v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

// BYTE_ARRAY: u32 length, then the bytes.
inline void PutByteArray(std::string_view v, std::string* out) {
  PutUint32(static_cast<uint32_t>(v.size()), out);
  out->append(v);
}

// BOOLEAN values bit-packed LSB first: value i is bit i % 8 of byte i / 8.
class BooleanPacker {
 public:
  void Put(bool v) {
    if (count_ % 8 == 0) bytes_.push_back(0);
    if (v) bytes_.back() = static_cast<char>(bytes_.back() | (1 << (count_ % 8)));
    ++count_;
  }
  const std::string& bytes() const { return bytes_; }
  size_t count() const { return count_; }
  void Clear() {
    bytes_.clear();
    count_ = 0;
  }
  void Release() {
    Clear();
    std::string().swap(bytes_);
  }

 private:
  std::string bytes_;
  size_t count_ = 0;
};

}  // namespace datalake::format::parquet
