// Avro: the binary encoding and the object container file (Avro specification 1.11), written
// by hand because Iceberg's manifests need what Debian's Avro C library cannot write: the
// writer's schema kept verbatim in the header (with Iceberg's field-id, element-id and
// logicalType attributes, which Avro C drops when it parses a schema) and header metadata of
// the writer's own (schema, partition-spec, format-version, content).
//
// The caller encodes each record with Encoder in the field order of the schema it passes; the
// container does not check records against the schema (its text is only carried).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace datalake::format::avro {

// Appends Avro's binary encoding of values to a string.
class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  void Boolean(bool v) { out_->push_back(v ? '\1' : '\0'); }
  void Int(int32_t v) { Long(v); }  // the same zig-zag varint as long
  void Long(int64_t v);
  void Float(float v);    // 4 bytes, little-endian
  void Double(double v);  // 8 bytes, little-endian
  void Bytes(std::string_view v);
  void String(std::string_view v) { Bytes(v); }
  // A union's branch: the value (nothing for null) follows.
  void Branch(int64_t index) { Long(index); }
  // Arrays and maps: a block of `count` items (each item, or key then value, follows), then
  // End() after the last block. An empty array or map is End() alone.
  void Block(int64_t count) {
    if (count > 0) Long(count);
  }
  void End() { Long(0); }

 private:
  std::string* out_;
};

// deflate: raw RFC 1951, as Avro defines it. A file asked for deflate whose records take less
// than kDeflateMinBytes is written with the null codec instead: deflate saves little there, and
// readers with naive inflaters fail on the stored and fixed-Huffman blocks small inputs become
// (icebird 0.3.1 recurses until its stack overflows).
enum class Codec { kNull, kDeflate };
inline constexpr size_t kDeflateMinBytes = size_t{4} << 10;

// An object container file built in memory: Magic "Obj\1", a header map of metadata (avro.schema,
// avro.codec, then the caller's keys in order), a 16-byte sync marker, then blocks of records,
// each block ending with the marker.
class ContainerWriter {
 public:
  // `sync` is the file's sync marker (random for files that are written once).
  ContainerWriter(std::string schema_json,
                  std::vector<std::pair<std::string, std::string>> metadata, Codec codec,
                  const std::array<uint8_t, 16>& sync);

  // The buffer to encode the next record into; EndRecord() counts it.
  std::string* record() { return &block_; }
  void EndRecord();
  uint64_t records() const { return records_; }

  // Return the whole file. The writer must not be used after.
  Result<std::string> Finish();

 private:
  Status FlushBlock(bool last);
  void WriteHeader();

  const std::string schema_json_;
  const std::vector<std::pair<std::string, std::string>> metadata_;
  Codec codec_;
  const std::array<uint8_t, 16> sync_;
  std::string file_;   // header and finished blocks, once the first block decided the codec
  std::string block_;  // encoded records of the open block
  int64_t block_records_ = 0;
  uint64_t records_ = 0;
  Status status_;
};

// ---- reading --------------------------------------------------------------------------------

// A schema node, parsed from a writer's schema JSON. Named types may be referred to by name;
// the reference resolves to the node defined first.
struct SchemaNode {
  enum class Kind {
    kNull,
    kBoolean,
    kInt,
    kLong,
    kFloat,
    kDouble,
    kBytes,
    kString,
    kRecord,
    kEnum,
    kArray,
    kMap,
    kUnion,
    kFixed
  };
  Kind kind = Kind::kNull;
  std::string name;  // records, enums, fixed
  struct Field {
    std::string name;
    int32_t field_id = -1;  // Iceberg's "field-id" attribute; -1 when absent
    const SchemaNode* type = nullptr;
  };
  std::vector<Field> fields;                // kRecord
  const SchemaNode* items = nullptr;        // kArray items, kMap values
  std::vector<const SchemaNode*> branches;  // kUnion
  int64_t size = 0;                         // kFixed
  std::vector<std::string> symbols;         // kEnum
};

// A decoded value: numbers in `i` (booleans, ints, longs, enum indexes, union branches are not
// kept: a union decodes to its branch's value) or `d`; bytes, strings, fixed and enum symbols
// in `s`; array items, map values and record fields in `items` (map keys in `keys`).
struct Value {
  const SchemaNode* schema = nullptr;  // never a union
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<std::string> keys;
  std::vector<Value> items;

  bool is_null() const { return schema == nullptr || schema->kind == SchemaNode::Kind::kNull; }
  // The field of a record with Iceberg field id `id`, or nullptr.
  const Value* FieldById(int32_t id) const;
};

// Reads an object container file held in memory: every record decoded by the writer's schema.
// Malformed input (truncated, lengths past the end, unknown codec, bad sync markers, unions
// out of range, nesting past 64 levels) is kInvalidInput naming what is wrong.
class ContainerReader {
 public:
  static Result<std::unique_ptr<ContainerReader>> Open(std::string_view file);

  // The header's metadata (avro.schema and avro.codec included), in file order.
  const std::vector<std::pair<std::string, std::string>>& metadata() const { return metadata_; }
  const std::string* Metadata(std::string_view key) const;
  const SchemaNode& schema() const { return *root_; }

  // Decode the next record into `*out`; false at the end of the file.
  Result<bool> Next(Value* out);

 private:
  ContainerReader() = default;
  Status ParseSchema(std::string_view json);
  Status ReadBlock();

  std::string_view file_;
  size_t pos_ = 0;  // in file_: the next block
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::vector<std::unique_ptr<SchemaNode>> nodes_;
  const SchemaNode* root_ = nullptr;
  bool deflate_ = false;
  std::array<uint8_t, 16> sync_{};
  std::string block_;           // the open block, decompressed
  std::string_view remaining_;  // what of it is not decoded yet
  int64_t block_left_ = 0;      // records left in it
};

// Records go into blocks of about this many encoded bytes (before deflate).
inline constexpr size_t kAvroBlockBytes = size_t{1} << 20;

}  // namespace datalake::format::avro
