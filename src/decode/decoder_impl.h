// Internal: the state of a RecordDecoder, shared by record_decoder.cc (records, objects, lists,
// reordering) and value_conversion.cc (one value -> one cell, per column type).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "decode/decode.h"
#include "decode/field_index.h"
#include "decode/json_text.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::decode {

// Internal header (only the decode module's .cc files include it), so the alias is contained.
namespace ondemand = simdjson::ondemand;

// Why a value was nulled or truncated (docs/TYPES.md).
enum class Reason { kSerialization, kFieldSize };

// Return the decoder's status for a simdjson error met while reading record data.
Status JsonError(simdjson::error_code error);

struct RecordDecoder::Impl {
  // Where one declared field of the object being decoded landed on the tape.
  struct Slot {
    size_t cell_begin = 0;
    size_t cell_end = 0;
    size_t change_begin = 0;  // the changes its value added
    size_t change_end = 0;
    bool present = false;
  };
  // One step of the current field path: a field's source name, or a list position.
  struct PathPart {
    const std::string* name;
    size_t index;
  };

  // record_decoder.cc
  Status DecodeRecord(std::string_view data_json, const schema::TableSchema& schema);
  Status DecodeFields(ondemand::object& object, const std::vector<schema::Field>& fields);
  Status DecodeValue(ondemand::value& value, const schema::DataType& type);
  Status DecodeStruct(ondemand::value& value, ondemand::json_type json_type,
                      const schema::DataType& type);
  Status DecodeList(ondemand::value& value, ondemand::json_type json_type,
                    const schema::DataType& type);
  int FindField(const std::vector<schema::Field>& fields, std::string_view key, size_t next,
                FieldIndex** index);
  void Reorder(size_t slot_base, size_t field_count, size_t first_cell, size_t first_byte);
  void ReemitCell(const format::Cell& cell, size_t first_byte);
  void DropChanges(size_t dropped_base);

  // value_conversion.cc
  Status DecodeString(ondemand::value& value, ondemand::json_type json_type);
  Status DecodeInt64(ondemand::value& value, ondemand::json_type json_type);
  Status DecodeDouble(ondemand::value& value, ondemand::json_type json_type);
  Status DecodeDecimal(ondemand::value& value, ondemand::json_type json_type,
                       const schema::DataType& type);
  Status DecodeBool(ondemand::value& value, ondemand::json_type json_type);
  Status DecodeTemporal(ondemand::value& value, ondemand::json_type json_type,
                        schema::TypeKind kind);
  Status DecodeJson(ondemand::value& value, ondemand::json_type json_type);
  Status AppendJsonText(ondemand::value& value, ondemand::json_type json_type,
                        format::CellKind kind);
  // Read a string value (unescaped); a well-formed string simdjson cannot unescape (a lone
  // surrogate) sets *ok = false instead of failing the record.
  Status ReadString(ondemand::value& value, std::string_view* out, bool* ok);
  // Read the text of a number, or of a string that may hold one. A value of any other shape is
  // nulled (SERIALIZATION change) and `convertible` is false.
  Status ReadNumberText(ondemand::value& value, ondemand::json_type type, std::string_view* text,
                        bool* convertible);
  // Append a null cell and a NULLED change for the current path.
  void Nullify(Reason reason);
  void AddChange(std::string_view change, Reason reason);

  ondemand::parser parser;
  format::Row* row = nullptr;
  std::vector<Change>* changes = nullptr;
  uint64_t epoch = 0;  // counts Decode calls

  // Field indexes keyed by the address of the field vector they were built from.
  std::unordered_map<const void*, std::unique_ptr<FieldIndex>> indexes;
  // Stacks shared by the nesting levels (each level owns the entries above its base).
  std::vector<Slot> slots;
  std::vector<std::pair<size_t, size_t>> dropped;  // change ranges of overridden duplicates
  std::vector<PathPart> path;
  // Scratch space, reused.
  std::vector<format::Cell> scratch_cells;
  std::string scratch_bytes;
  std::string scratch_text;
  JsonCompactor compactor;
};

}  // namespace datalake::decode
