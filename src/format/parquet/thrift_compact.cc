#include "format/parquet/thrift_compact.h"

#include <cassert>
#include <cstring>

namespace datalake::format::parquet {

void CompactWriter::BeginStruct() {
  saved_ids_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::EndStruct() {
  assert(!saved_ids_.empty() && "EndStruct without BeginStruct");
  out_->push_back(static_cast<char>(CompactType::kStop));
  last_id_ = saved_ids_.back();
  saved_ids_.pop_back();
}

// Short form `(delta << 4) | type` when the id grows by 1..15, else the type byte followed by
// the id as a zigzag varint (an i16).
void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  assert(id > last_id_ && "fields must be written in increasing id order");
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag32(id));
  }
  last_id_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::FieldI8(int16_t id, int8_t value) {
  FieldHeader(id, CompactType::kByte);
  out_->push_back(static_cast<char>(value));  // i8 is one raw byte, not a varint
}

void CompactWriter::FieldI16(int16_t id, int16_t value) {
  FieldHeader(id, CompactType::kI16);
  Varint(ZigZag32(value));
}

void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, CompactType::kI32);
  Varint(ZigZag32(value));
}

void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, CompactType::kI64);
  Varint(ZigZag64(value));
}

void CompactWriter::FieldDouble(int16_t id, double value) {
  FieldHeader(id, CompactType::kDouble);
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  for (int i = 0; i < 8; ++i) out_->push_back(static_cast<char>(bits >> (8 * i)));
}

void CompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(id, CompactType::kBinary);
  Binary(value);
}

void CompactWriter::FieldStruct(int16_t id) {
  FieldHeader(id, CompactType::kStruct);
  BeginStruct();
}

// Size <= 14 fits the header byte; otherwise 0xF0 | type, then the size as a varint.
void CompactWriter::FieldList(int16_t id, CompactType element_type, size_t size) {
  FieldHeader(id, CompactType::kList);
  const int type = static_cast<int>(element_type);
  if (size <= 14) {
    out_->push_back(static_cast<char>((size << 4) | type));
  } else {
    out_->push_back(static_cast<char>(0xF0 | type));
    Varint(size);
  }
}

void CompactWriter::Binary(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void CompactWriter::Varint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

}  // namespace datalake::format::parquet
