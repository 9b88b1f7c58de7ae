// RecordDecoder: one pass over a record's JSON object in document order, straight onto the Row
// tape.
//
// Field order: the tape needs one subtree per declared field in schema order, while JSON keys may
// come in any order, repeat, or be missing. Values are decoded in document order directly onto
// the tape, and each declared field's cell range is recorded. While keys arrive in schema order
// (gaps allowed: the skipped fields get nulls on the spot) the tape is already right. Only when a
// key goes backwards (out of order, or a duplicate) is the object's part of the tape rebuilt in
// schema order from the recorded ranges (Reorder). Duplicate keys: the last occurrence wins, and
// the changes reported for the earlier ones are withdrawn.
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decode.h"
#include "decode/decoder_impl.h"
#include "json/on_demand.h"

namespace datalake::decode {
namespace {

// Bound on cached field indexes, so a long-lived decoder fed ever-new schemas stays small.
constexpr size_t kMaxCachedIndexes = 4096;
// A parser grown past this by one huge record is dropped after it: its structural index takes
// 4 bytes per bracket, comma or value, and the rest of the sync should not keep hundreds of MB.
constexpr size_t kRetainParserCapacity = size_t{16} << 20;

// simdjson's names for the errors that mean the record data is malformed.
struct DataErrorName {
  simdjson::error_code code;
  const char* name;
};
constexpr DataErrorName kDataErrorNames[] = {
    {simdjson::CAPACITY, "CAPACITY"},
    {simdjson::TAPE_ERROR, "TAPE_ERROR"},
    {simdjson::DEPTH_ERROR, "DEPTH_ERROR"},
    {simdjson::STRING_ERROR, "STRING_ERROR"},
    {simdjson::T_ATOM_ERROR, "T_ATOM_ERROR"},
    {simdjson::F_ATOM_ERROR, "F_ATOM_ERROR"},
    {simdjson::N_ATOM_ERROR, "N_ATOM_ERROR"},
    {simdjson::NUMBER_ERROR, "NUMBER_ERROR"},
    {simdjson::UTF8_ERROR, "UTF8_ERROR"},
    {simdjson::EMPTY, "EMPTY"},
    {simdjson::UNESCAPED_CHARS, "UNESCAPED_CHARS"},
    {simdjson::UNCLOSED_STRING, "UNCLOSED_STRING"},
    {simdjson::INCORRECT_TYPE, "INCORRECT_TYPE"},
    {simdjson::NUMBER_OUT_OF_RANGE, "NUMBER_OUT_OF_RANGE"},
    {simdjson::INCOMPLETE_ARRAY_OR_OBJECT, "INCOMPLETE_ARRAY_OR_OBJECT"},
    {simdjson::TRAILING_CONTENT, "TRAILING_CONTENT"},
};

// True if the key whose raw JSON text (after its opening quote) is `raw` is `name`, compared
// without unescaping the key. Only a name without quotes or backslashes has its own text as its
// one spelling; a key spelled otherwise ("\u0069d" for "id") is not matched here, and is found
// by its unescaped text.
bool RawKeyIs(simdjson::ondemand::raw_json_string raw, const std::string& name) {
  if (!raw.unsafe_is_equal(name)) return false;
  bool special = false;  // a plain loop: find_first_of calls memchr once per character
  for (char c : name) special |= (c == '"') | (c == '\\');
  return !special;
}

}  // namespace

Status JsonError(simdjson::error_code error) {
  for (const DataErrorName& entry : kDataErrorNames) {
    if (entry.code == error) return InvalidJson(entry.name);
  }
  // Not a property of the data (memory, padding, parser misuse, an unexpected library state).
  return Status::Internal(std::string("decode record: ") + simdjson::error_message(error));
}

RecordDecoder::RecordDecoder() : impl_(std::make_unique<Impl>()) {}
RecordDecoder::~RecordDecoder() = default;

template <typename DecodeFn>
Status RecordDecoder::Impl::Run(format::Row* out, std::vector<Change>* out_changes,
                                DecodeFn decode) {
  row = out;
  changes = out_changes;
  ++epoch;
  if (indexes.size() > kMaxCachedIndexes) indexes.clear();
  const size_t cells = row->size();
  const size_t bytes = row->arena()->size();
  const size_t change_count = changes->size();
  Status status = decode();
  if (!status.ok()) {
    // Leave row and changes as they were; the nesting stacks may hold a failed level's entries.
    row->Truncate(cells);
    row->arena()->resize(bytes);
    changes->erase(changes->begin() + static_cast<std::ptrdiff_t>(change_count), changes->end());
    slots.clear();
    dropped.clear();
    path.clear();
    map_entries.clear();
    map_keys.clear();
  }
  return status;
}

Status RecordDecoder::Decode(std::string_view data_json, const schema::TableSchema& schema,
                             format::Row* row, std::vector<Change>* changes) {
  Status status = impl_->Run(row, changes, [&] { return impl_->DecodeRecord(data_json, schema); });
  if (impl_->parser.capacity() > kRetainParserCapacity) impl_->parser = ondemand::parser{};
  return status;
}

Status RecordDecoder::Decode(json::OnDemandValue& data, const schema::TableSchema& schema,
                             format::Row* row, std::vector<Change>* changes) {
  return impl_->Run(row, changes, [&] { return impl_->DecodeObject(data.value, schema); });
}

Status RecordDecoder::Impl::DecodeRecord(std::string_view data_json,
                                         const schema::TableSchema& schema) {
  ondemand::document doc;
  auto error = parser
                   .iterate(data_json.data(), data_json.size(),
                            data_json.size() + simdjson::SIMDJSON_PADDING)
                   .get(doc);
  if (error) return JsonError(error);
  ondemand::object object;
  error = doc.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) {
    return Status::InvalidInput("record data is not a JSON object");
  }
  if (error) return JsonError(error);
  RETURN_IF_ERROR(DecodeFields(object, schema.columns));
  // Anything after the object (the reader hands over exactly one value, but be strict).
  const char* location;
  if (!doc.current_location().get(location)) return JsonError(simdjson::TRAILING_CONTENT);
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeObject(ondemand::value& value,
                                         const schema::TableSchema& schema) {
  ondemand::object object;
  auto error = value.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) {
    return Status::InvalidInput("record data is not a JSON object");
  }
  if (error) return JsonError(error);
  return DecodeFields(object, schema.columns);
}

int RecordDecoder::Impl::FindField(const std::vector<schema::Field>& fields, std::string_view key,
                                   size_t next, FieldIndex** index) {
  // Fast path: the key is the next declared field, as when records follow the schema's order.
  if (next < fields.size() && fields[next].source_name == key) return static_cast<int>(next);
  if (*index == nullptr) {
    std::unique_ptr<FieldIndex>& cached = indexes[&fields];
    if (cached == nullptr) cached = std::make_unique<FieldIndex>(fields);
    *index = cached.get();
  }
  int found = (*index)->Find(fields, key);
  if (found < 0 && (*index)->verified_epoch != epoch) {
    // A miss may come from a stale index (another schema now at the same address): check the
    // index against the live fields once per record before believing it.
    (*index)->verified_epoch = epoch;
    if (!(*index)->Matches(fields)) {
      (*index)->Build(fields);
      found = (*index)->Find(fields, key);
    }
  }
  return found;
}

Status RecordDecoder::Impl::DecodeFields(ondemand::object& object,
                                         const std::vector<schema::Field>& fields) {
  const size_t field_count = fields.size();
  const size_t slot_base = slots.size();
  const size_t dropped_base = dropped.size();
  const size_t first_cell = row->size();
  const size_t first_byte = row->arena()->size();
  slots.resize(slot_base + field_count);
  FieldIndex* index = nullptr;
  size_t next = 0;  // while in order: the first field without a cell yet
  bool in_order = true;
  for (auto field_result : object) {
    ondemand::field field;
    auto error = std::move(field_result).get(field);
    if (error) return JsonError(error);
    int found;
    if (next < field_count && RawKeyIs(field.key(), fields[next].source_name)) {
      found = static_cast<int>(next);  // the next declared field, as records mostly come
    } else {
      std::string_view key;
      error = field.unescaped_key().get(key);
      if (error) return JsonError(error);
      found = FindField(fields, key, next, &index);
    }
    if (found < 0) {  // undeclared: not stored, but checked
      RETURN_IF_ERROR(SkipValue(field.value()));
      continue;
    }
    const auto f = static_cast<size_t>(found);
    if (in_order && f >= next) {
      for (; next < f; ++next) row->AppendNull();
      next = f + 1;
    } else {
      in_order = false;
      const Slot& earlier = slots[slot_base + f];
      if (earlier.present && earlier.change_end > earlier.change_begin) {
        dropped.emplace_back(earlier.change_begin, earlier.change_end);
      }
    }
    const size_t cell_begin = row->size();
    const size_t change_begin = changes->size();
    path.push_back(PathPart{&fields[f].source_name, 0});
    RETURN_IF_ERROR(DecodeValue(field.value(), fields[f].type));
    path.pop_back();
    slots[slot_base + f] = Slot{cell_begin, row->size(), change_begin, changes->size(), true};
  }
  if (in_order) {
    for (; next < field_count; ++next) row->AppendNull();
  } else {
    Reorder(slot_base, field_count, first_cell, first_byte);
  }
  if (dropped.size() > dropped_base) DropChanges(dropped_base);
  slots.resize(slot_base);
  return Status::Ok();
}

void RecordDecoder::Impl::Reorder(size_t slot_base, size_t field_count, size_t first_cell,
                                  size_t first_byte) {
  // Move this object's cells and bytes aside, then put back each field's range in schema order.
  // Cells of a field reference arena offsets, so its bytes are re-appended with it.
  const std::vector<format::Cell>& cells = row->cells();
  scratch_cells.assign(cells.begin() + static_cast<std::ptrdiff_t>(first_cell), cells.end());
  std::string* arena = row->arena();
  scratch_bytes.assign(*arena, first_byte);
  row->Truncate(first_cell);
  arena->resize(first_byte);
  for (size_t f = 0; f < field_count; ++f) {
    const Slot& slot = slots[slot_base + f];
    if (!slot.present) {
      row->AppendNull();
      continue;
    }
    for (size_t c = slot.cell_begin; c < slot.cell_end; ++c) {
      ReemitCell(scratch_cells[c - first_cell], first_byte);
    }
  }
}

void RecordDecoder::Impl::ReemitCell(const format::Cell& cell, size_t first_byte) {
  switch (cell.kind) {
    case format::CellKind::kNull:
      row->AppendNull();
      break;
    case format::CellKind::kBool:
      row->AppendBool(cell.b);
      break;
    case format::CellKind::kInt64:
      row->AppendInt64(cell.i);
      break;
    case format::CellKind::kDouble:
      row->AppendDouble(cell.d);
      break;
    case format::CellKind::kTimestamp:
      row->AppendTimestamp(cell.i);
      break;
    case format::CellKind::kDate:
      row->AppendDate(cell.i);
      break;
    case format::CellKind::kStruct:
      row->AppendStruct();
      break;
    case format::CellKind::kList:
      row->EndList(row->BeginList(), cell.count);
      break;
    case format::CellKind::kMap:
      row->EndMap(row->BeginMap(), cell.count);
      break;
    case format::CellKind::kDecimal:
    case format::CellKind::kString:
    case format::CellKind::kJson:
    case format::CellKind::kBinary: {
      const size_t index = row->BeginString(cell.kind);
      row->arena()->append(scratch_bytes, cell.offset - first_byte, cell.count);
      row->EndString(index);
      break;
    }
  }
}

void RecordDecoder::Impl::DropChanges(size_t dropped_base) {
  // The ranges are disjoint; erasing from the back keeps the earlier ones valid.
  std::sort(dropped.begin() + static_cast<std::ptrdiff_t>(dropped_base), dropped.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = dropped_base; i < dropped.size(); ++i) {
    changes->erase(changes->begin() + static_cast<std::ptrdiff_t>(dropped[i].first),
                   changes->begin() + static_cast<std::ptrdiff_t>(dropped[i].second));
  }
  dropped.resize(dropped_base);
}

Status RecordDecoder::Impl::DecodeValue(ondemand::value& value, const schema::DataType& type) {
  ondemand::json_type json_type;
  if (auto error = value.type().get(json_type)) return JsonError(error);
  if (json_type == ondemand::json_type::null) {
    bool is_null = false;
    if (value.is_null().get(is_null) || !is_null) return JsonError(simdjson::N_ATOM_ERROR);
    row->AppendNull();
    return Status::Ok();
  }
  switch (type.kind) {
    case schema::TypeKind::kString:
      return DecodeString(value, json_type);
    case schema::TypeKind::kInt64:
    case schema::TypeKind::kInt32:
    case schema::TypeKind::kInt16:
    case schema::TypeKind::kInt8:
      return DecodeInteger(value, json_type, type.kind);
    case schema::TypeKind::kDouble:
      return DecodeDouble(value, json_type, /*single=*/false);
    case schema::TypeKind::kFloat:
      return DecodeDouble(value, json_type, /*single=*/true);
    case schema::TypeKind::kChar:
    case schema::TypeKind::kVarchar:
      return DecodeBoundedString(value, json_type, type);
    case schema::TypeKind::kBinary:
      return DecodeBinary(value, json_type);
    case schema::TypeKind::kMap:
      return DecodeMap(value, json_type, type);
    case schema::TypeKind::kDecimal:
      return DecodeDecimal(value, json_type, type);
    case schema::TypeKind::kBoolean:
      return DecodeBool(value, json_type);
    case schema::TypeKind::kTimestamp:
    case schema::TypeKind::kTimestampNtz:
    case schema::TypeKind::kDate:
      return DecodeTemporal(value, json_type, type.kind);
    case schema::TypeKind::kJson:
      return DecodeJson(value, json_type);
    case schema::TypeKind::kStruct:
      return DecodeStruct(value, json_type, type);
    case schema::TypeKind::kList:
      return DecodeList(value, json_type, type);
  }
  return Status::Internal("decode record: unknown column type");
}

Status RecordDecoder::Impl::DecodeStruct(ondemand::value& value, ondemand::json_type json_type,
                                         const schema::DataType& type) {
  if (json_type != ondemand::json_type::object) return Reject(value);
  ondemand::object object;
  if (auto error = value.get_object().get(object)) return JsonError(error);
  row->AppendStruct();
  return DecodeFields(object, type.fields);
}

Status RecordDecoder::Impl::DecodeList(ondemand::value& value, ondemand::json_type json_type,
                                       const schema::DataType& type) {
  if (json_type != ondemand::json_type::array) return Reject(value);
  ondemand::array array;
  if (auto error = value.get_array().get(array)) return JsonError(error);
  // A list type without an element type cannot come from MapJsonSchema; treat it as JSON.
  static const schema::DataType kJsonElement = schema::DataType::Of(schema::TypeKind::kJson);
  const schema::DataType& element_type = type.element ? *type.element : kJsonElement;
  const size_t list = row->BeginList();
  uint32_t count = 0;
  for (auto element_result : array) {
    ondemand::value element;
    if (auto error = std::move(element_result).get(element)) return JsonError(error);
    path.push_back(PathPart{nullptr, count});
    RETURN_IF_ERROR(DecodeValue(element, element_type));
    path.pop_back();
    ++count;
  }
  row->EndList(list, count);
  return Status::Ok();
}

namespace {

// True if two map key cells hold the same key.
bool SameKey(const format::Row& row, const format::Cell& a, const format::Cell& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case format::CellKind::kBool:
      return a.b == b.b;
    case format::CellKind::kDouble:
      return a.d == b.d;
    case format::CellKind::kDecimal:
    case format::CellKind::kString:
    case format::CellKind::kJson:
    case format::CellKind::kBinary:
      return row.bytes(a) == row.bytes(b);
    default:
      return a.i == b.i;
  }
}

}  // namespace

// A JSON object into map<K,V>: each member is an entry whose key is the member name converted to
// K (entries whose key does not convert are dropped, with a change) and whose value is converted
// to V. Keys are unique: when two members give the same key the last one wins, as for duplicate
// struct fields; when their JSON keys differ ("1" and "01" for an int key) the dropped entry is
// reported.
Status RecordDecoder::Impl::DecodeMap(ondemand::value& value, ondemand::json_type json_type,
                                      const schema::DataType& type) {
  if (json_type != ondemand::json_type::object) return Reject(value);
  ondemand::object object;
  if (auto error = value.get_object().get(object)) return JsonError(error);
  const size_t map_cell = row->BeginMap();
  const size_t first_cell = row->size();
  const size_t first_byte = row->arena()->size();
  const size_t entry_base = map_entries.size();
  const size_t dropped_base = dropped.size();
  bool any_dropped = false;
  for (auto field_result : object) {
    ondemand::field field;
    auto error = std::move(field_result).get(field);
    std::string_view key;
    if (!error) error = field.unescaped_key().get(key);
    if (error) return JsonError(error);
    map_keys.emplace_back(key);
    path.push_back(PathPart{&map_keys.back(), 0});
    MapEntry entry;
    entry.cell_begin = row->size();
    entry.change_begin = changes->size();
    bool ok;
    DecodeKey(key, *type.key, &ok);
    RETURN_IF_ERROR(ok ? DecodeValue(field.value(), *type.element) : SkipValue(field.value()));
    path.pop_back();
    map_keys.pop_back();
    if (!ok) continue;  // the key's change stays; the entry is gone
    entry.cell_end = row->size();
    entry.change_end = changes->size();
    const format::Cell& this_key = row->cell(entry.cell_begin);
    for (size_t e = entry_base; e < map_entries.size(); ++e) {
      MapEntry& earlier = map_entries[e];
      if (earlier.dropped || !SameKey(*row, row->cell(earlier.cell_begin), this_key)) continue;
      earlier.dropped = true;
      any_dropped = true;
      if (earlier.key == key) {
        // A repeated JSON member: JSON's last-wins, nothing lost to report.
        if (earlier.change_end > earlier.change_begin) {
          dropped.emplace_back(earlier.change_begin, earlier.change_end);
        }
      } else {
        map_keys.emplace_back(earlier.key);
        path.push_back(PathPart{&map_keys.back(), 0});
        AddChange("NULLED", Reason::kSerialization);
        path.pop_back();
        map_keys.pop_back();
      }
    }
    entry.key.assign(key);
    map_entries.push_back(std::move(entry));
  }
  uint32_t count = 0;
  for (size_t e = entry_base; e < map_entries.size(); ++e) count += map_entries[e].dropped ? 0 : 1;
  if (any_dropped) RebuildMap(entry_base, first_cell, first_byte);
  row->EndMap(map_cell, count);
  if (dropped.size() > dropped_base) DropChanges(dropped_base);
  map_entries.resize(entry_base);
  return Status::Ok();
}

// Rebuild the map's part of the tape without its dropped entries (as Reorder does for fields).
void RecordDecoder::Impl::RebuildMap(size_t entry_base, size_t first_cell, size_t first_byte) {
  const std::vector<format::Cell>& cells = row->cells();
  scratch_cells.assign(cells.begin() + static_cast<std::ptrdiff_t>(first_cell), cells.end());
  std::string* arena = row->arena();
  scratch_bytes.assign(*arena, first_byte);
  row->Truncate(first_cell);
  arena->resize(first_byte);
  for (size_t e = entry_base; e < map_entries.size(); ++e) {
    const MapEntry& entry = map_entries[e];
    if (entry.dropped) continue;
    for (size_t c = entry.cell_begin; c < entry.cell_end; ++c) {
      ReemitCell(scratch_cells[c - first_cell], first_byte);
    }
  }
}

}  // namespace datalake::decode
