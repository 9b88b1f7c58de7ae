// A minimal Thrift compact-protocol *writer*: just what Parquet's footer and page headers need
// (docs/FORMATS.md#thrift-compact-protocol; the specification is
// https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
//
// The writer appends to a caller-owned string. Structs are written field by field in increasing
// id order; BeginStruct/EndStruct bracket each struct (top level, nested field or list element)
// and save/restore the last field id, as TCompactProtocol does. No reader: tests check the bytes
// against hand-computed examples and independent Parquet readers.
//
// Field types must match the IDL exactly: callers pick FieldI32 vs FieldI64
// etc. from parquet.thrift, never from the value's magnitude.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datalake::format::parquet {

// Compact-protocol type codes (the low nibble of a field header, or a list element type).
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // Open a struct: the top-level one, a list element, or (after FieldStruct) a nested one.
  void BeginStruct();
  // Write the STOP byte and restore the enclosing struct's last field id.
  void EndStruct();

  // Field writers: a field header (short form when 0 < delta <= 15) then the value.
  void FieldBool(int16_t id, bool value);  // the value lives in the header's type nibble
  void FieldI8(int16_t id, int8_t value);
  void FieldI16(int16_t id, int16_t value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldDouble(int16_t id, double value);
  void FieldBinary(int16_t id, std::string_view value);
  // Write the header of a struct field and open it; close it with EndStruct.
  void FieldStruct(int16_t id);
  // Write the header of a list field; the `size` elements follow (I32/I64/Binary, or structs
  // each bracketed by BeginStruct/EndStruct).
  void FieldList(int16_t id, CompactType element_type, size_t size);

  // List element values.
  void I32(int32_t value) { Varint(ZigZag32(value)); }
  void I64(int64_t value) { Varint(ZigZag64(value)); }
  void Binary(std::string_view value);

  // Primitive encodings, public for tests.
  void Varint(uint64_t value);
  static uint32_t ZigZag32(int32_t n) {
    return (static_cast<uint32_t>(n) << 1) ^ static_cast<uint32_t>(n >> 31);
  }
  static uint64_t ZigZag64(int64_t n) {
    return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
  }

 private:
  void FieldHeader(int16_t id, CompactType type);

  std::string* const out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> saved_ids_;  // last ids of the enclosing structs
};

}  // namespace datalake::format::parquet
