// Test-only: a generic Thrift compact-protocol *reader* (docs/FORMATS.md#thrift-compact-protocol)
// that decodes any struct into a tree keyed by field id, without knowing the IDL, plus a walker
// that checks a Parquet file's bookkeeping (docs/FORMATS.md#offsets-and-sizes) against the pages
// actually on disk. Written independently of the writer's serialiser so it can catch mistakes the
// writer would repeat.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace datalake::format::testing {

struct ThriftValue {
  enum class Kind { kInt, kBool, kDouble, kBinary, kList, kStruct };
  Kind kind = Kind::kInt;
  int wire_type = 0;  // the compact type code it arrived with
  int64_t i = 0;
  bool b = false;
  double d = 0;
  std::string binary;
  std::vector<ThriftValue> items;
  std::map<int, ThriftValue> fields;

  bool Has(int id) const { return fields.count(id) != 0; }
  const ThriftValue& At(int id) const {
    static const ThriftValue kMissing;
    auto it = fields.find(id);
    EXPECT_NE(it, fields.end()) << "missing field " << id;
    return it == fields.end() ? kMissing : it->second;
  }
  int64_t Int(int id) const { return At(id).i; }
};

class CompactReader {
 public:
  CompactReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  ThriftValue ReadStruct() {
    ThriftValue s;
    s.kind = ThriftValue::Kind::kStruct;
    s.wire_type = 12;
    int last = 0;
    while (ok_) {
      const uint8_t header = Byte();
      if (header == 0) break;
      const int type = header & 0x0F;
      const int delta = header >> 4;
      const int id = delta != 0 ? last + delta : static_cast<int>(ZigZag(Varint()));
      if (delta == 0 || id <= last) ++long_form_headers;
      last = id;
      if (type == 1 || type == 2) {  // bool in the header
        ThriftValue v;
        v.kind = ThriftValue::Kind::kBool;
        v.wire_type = type;
        v.b = type == 1;
        s.fields[id] = v;
      } else {
        s.fields[id] = ReadValue(type);
      }
    }
    return s;
  }
  bool ok() const { return ok_; }
  size_t consumed(std::string_view from) const { return static_cast<size_t>(p_ - from.data()); }
  int long_form_headers = 0;

 private:
  uint8_t Byte() {
    if (p_ >= end_) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint8_t>(*p_++);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; ok_ && shift < 64; shift += 7) {
      const uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }
  static int64_t ZigZag(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  ThriftValue ReadValue(int type) {
    ThriftValue v;
    v.wire_type = type;
    switch (type) {
      case 3:  // i8: one raw byte
        v.i = static_cast<int8_t>(Byte());
        return v;
      case 4:
      case 5:
      case 6:
        v.i = ZigZag(Varint());
        return v;
      case 7: {
        v.kind = ThriftValue::Kind::kDouble;
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(Byte()) << (8 * i);
        std::memcpy(&v.d, &bits, 8);
        return v;
      }
      case 8: {
        v.kind = ThriftValue::Kind::kBinary;
        const uint64_t n = Varint();
        if (n > static_cast<uint64_t>(end_ - p_)) {
          ok_ = false;
          return v;
        }
        v.binary.assign(p_, n);
        p_ += n;
        return v;
      }
      case 9:
      case 10: {
        v.kind = ThriftValue::Kind::kList;
        const uint8_t header = Byte();
        uint64_t size = header >> 4;
        if (size == 15) size = Varint();
        const int element = header & 0x0F;
        for (uint64_t i = 0; i < size && ok_; ++i) {
          if (element == 1 || element == 2) {
            ThriftValue b;
            b.kind = ThriftValue::Kind::kBool;
            b.b = Byte() == 1;
            v.items.push_back(b);
          } else {
            v.items.push_back(ReadValue(element));
          }
        }
        v.wire_type = element;  // for lists: the element type
        return v;
      }
      case 12:
        return ReadStruct();
      default:
        ADD_FAILURE() << "unexpected compact type " << type;
        ok_ = false;
        return v;
    }
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
};

// Decode the footer of `file`: FileMetaData as a tree. Fails the test on a malformed trailer.
inline ThriftValue DecodeFooter(const std::string& file) {
  EXPECT_GE(file.size(), 12u);
  if (file.size() < 12) return {};
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t length = 0;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  EXPECT_LE(length + 12u, file.size());
  const std::string_view footer(file.data() + file.size() - 8 - length, length);
  CompactReader reader(footer);
  ThriftValue meta = reader.ReadStruct();
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(reader.consumed(footer), footer.size()) << "bytes after FileMetaData";
  return meta;
}

}  // namespace datalake::format::testing
