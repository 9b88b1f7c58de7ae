// Internal: the state of a RecordDecoder, shared by record_decoder.cc (records, objects, lists,
// reordering) and value_conversion.cc (one value -> one cell, per column type).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "decode/decimal.h"
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
  // One step of the current field path: a field's source name (or map key), or a list position.
  struct PathPart {
    const std::string* name;
    size_t index;
  };
  // One entry of the map being decoded.
  struct MapEntry {
    size_t cell_begin = 0;  // the key cell, then the value's subtree, up to cell_end
    size_t cell_end = 0;
    size_t change_begin = 0;  // the changes its key and value added
    size_t change_end = 0;
    std::string key;  // the JSON key
    bool dropped = false;
  };

  // record_decoder.cc
  // Decode into `out` with `decode`; on failure leave `out` and `out_changes` as they were.
  template <typename DecodeFn>
  Status Run(format::Row* out, std::vector<Change>* out_changes, DecodeFn decode);
  Status DecodeRecord(std::string_view data_json, const schema::TableSchema& schema);
  Status DecodeObject(ondemand::value& value, const schema::TableSchema& schema);
  Status DecodeFields(ondemand::object& object, const std::vector<schema::Field>& fields);
  Status DecodeValue(ondemand::value& value, const schema::DataType& type);
  Status DecodeStruct(ondemand::value& value, ondemand::json_type json_type,
                      const schema::DataType& type);
  Status DecodeList(ondemand::value& value, ondemand::json_type json_type,
                    const schema::DataType& type);
  Status DecodeMap(ondemand::value& value, ondemand::json_type json_type,
                   const schema::DataType& type);
  void RebuildMap(size_t entry_base, size_t first_cell, size_t first_byte);
  int FindField(const std::vector<schema::Field>& fields, std::string_view key, size_t next,
                FieldIndex** index);
  void Reorder(size_t slot_base, size_t field_count, size_t first_cell, size_t first_byte);
  void ReemitCell(const format::Cell& cell, size_t first_byte);
  void DropChanges(size_t dropped_base);

  // value_conversion.cc
  Status DecodeString(ondemand::value& value, ondemand::json_type json_type);
  // Integers of any width (tinyint .. bigint): out of the kind's range is FIELD_SIZE.
  Status DecodeInteger(ondemand::value& value, ondemand::json_type json_type,
                       schema::TypeKind kind);
  // `single`: a float column (the value rounded to a float; beyond its range is FIELD_SIZE).
  Status DecodeDouble(ondemand::value& value, ondemand::json_type json_type, bool single);
  // char(n) / varchar(n): as a string, longer text truncated to n characters.
  Status DecodeBoundedString(ondemand::value& value, ondemand::json_type json_type,
                             const schema::DataType& type);
  Status DecodeBinary(ondemand::value& value, ondemand::json_type json_type);
  Status DecodeDecimal(ondemand::value& value, ondemand::json_type json_type,
                       const schema::DataType& type);
  // Append the number `text` as a decimal of `type` when it fits (rounded to the scale with a
  // TRUNCATED change); return how it fits (nothing appended for kTooLarge / kInvalid).
  DecimalFit AppendDecimalText(std::string_view text, const schema::DataType& type);
  Status DecodeBool(ondemand::value& value, ondemand::json_type json_type);
  Status DecodeTemporal(ondemand::value& value, ondemand::json_type json_type,
                        schema::TypeKind kind);
  Status DecodeJson(ondemand::value& value, ondemand::json_type json_type);
  Status AppendJsonText(ondemand::value& value, ondemand::json_type json_type,
                        format::CellKind kind);
  // Append a map key cell converted from the JSON key `text` to `type` (as a string value of
  // that type would convert). If it does not convert, append nothing, add a NULLED change and
  // set *ok = false.
  void DecodeKey(std::string_view text, const schema::DataType& type, bool* ok);
  // Cut the last cell (a string) to `length` characters (code points), adding a TRUNCATED
  // change if it was longer.
  void LimitLength(int length);
  // Read a string value (unescaped); a well-formed string simdjson cannot unescape (a lone
  // surrogate) sets *ok = false instead of failing the record.
  Status ReadString(ondemand::value& value, std::string_view* out, bool* ok);
  // Read the text of a number, or of a string that may hold one. A value of any other shape is
  // nulled (SERIALIZATION change) and `convertible` is false.
  Status ReadNumberText(ondemand::value& value, ondemand::json_type type, std::string_view* text,
                        bool* convertible);
  // Append a null cell and a NULLED change for the current path.
  void Nullify(Reason reason);
  // Check a value nothing reads (an undeclared field, a value of the wrong shape): on-demand
  // skips values unchecked, counting brackets only, and malformed data must fail the record.
  Status SkipValue(ondemand::value& value);
  // SkipValue, then Nullify: a value whose shape cannot convert to its column.
  Status Reject(ondemand::value& value);
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
  std::vector<MapEntry> map_entries;
  std::deque<std::string> map_keys;  // the keys on the path (stable addresses)
  // Scratch space, reused.
  std::vector<format::Cell> scratch_cells;
  std::string scratch_bytes;
  std::string scratch_text;
  JsonCompactor compactor;
};

}  // namespace datalake::decode
