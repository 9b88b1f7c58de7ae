// Fuzz target: decode::RecordDecoder against random table schemas, and the encoders behind it.
//
// Input: byte 0 = n, the next n bytes choose the schema (FuzzedDataProvider: column types of
// every kind, nested structs, lists and maps, decimal precisions, char lengths), the rest is the
// record's `data` JSON.
//
// Invariants:
// - a `data` the strict json parser reads as an object decodes; a failure is kInvalidInput and
//   does not quote the data;
// - the row has exactly one subtree per column, every cell of a kind its type allows, and values
//   in their type's range: integers per width, floats representable, timestamps and dates in
//   0001..9999, char/varchar within their length, decimals canonical within precision and
//   scale, text valid UTF-8;
// - nothing is lost silently (docs/TYPES.md): checked against the strict parse of `data`, a
//   present non-null value stored as null has a NULLED change at its path, an absent or null one
//   is null without a change, strings are kept byte for byte, other values in string and json
//   columns as their JSON, integers and booleans exactly, lists keep their length, a truncated
//   char/varchar has a TRUNCATED change;
// - decoding the same data again with the same decoder gives the same row and changes;
// - the JSON Lines and Parquet encoders accept the row (Finish succeeds), and the JSON Lines
//   line is a JSON object with one member per column.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decode.h"
#include "format/format.h"
#include "fuzz_util.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::fuzzing {
namespace {

using json::Value;
using schema::DataType;
using schema::Field;
using schema::TypeKind;

// Source names the data can use; a struct takes distinct ones.
constexpr const char* kNames[] = {"a", "b", "c", "id", "x", "Y", "a b", "\xc3\xa9", "", "a.b"};
constexpr size_t kNameCount = sizeof(kNames) / sizeof(kNames[0]);

DataType RandomType(FuzzedDataProvider& p, int depth);

std::vector<Field> RandomFields(FuzzedDataProvider& p, int depth, size_t min, size_t max,
                                bool top) {
  std::vector<bool> used(kNameCount);
  std::vector<Field> fields;
  const size_t n = p.ConsumeIntegralInRange<size_t>(min, max);
  for (size_t i = 0; i < n; ++i) {
    size_t pick = p.ConsumeIntegralInRange<size_t>(0, kNameCount - 1);
    while (used[pick]) pick = (pick + 1) % kNameCount;
    used[pick] = true;
    Field f;
    f.source_name = kNames[pick];
    f.name = (top ? "c" : "f") + std::to_string(i);
    f.type = RandomType(p, depth + 1);
    fields.push_back(std::move(f));
  }
  return fields;
}

DataType RandomType(FuzzedDataProvider& p, int depth) {
  static constexpr TypeKind kKinds[] = {
      TypeKind::kString,       TypeKind::kInt64, TypeKind::kDouble,  TypeKind::kDecimal,
      TypeKind::kBoolean,      TypeKind::kJson,  TypeKind::kDate,    TypeKind::kTimestamp,
      TypeKind::kTimestampNtz, TypeKind::kInt8,  TypeKind::kInt16,   TypeKind::kInt32,
      TypeKind::kFloat,        TypeKind::kChar,  TypeKind::kVarchar, TypeKind::kBinary,
      TypeKind::kStruct,       TypeKind::kList,  TypeKind::kMap};
  constexpr size_t kScalars = 16;  // the kinds before kStruct
  const size_t limit = depth < 4 ? std::size(kKinds) - 1 : kScalars - 1;
  DataType t = DataType::Of(kKinds[p.ConsumeIntegralInRange<size_t>(0, limit)]);
  switch (t.kind) {
    case TypeKind::kDecimal:
      t.precision = p.ConsumeIntegralInRange(1, 38);
      t.scale = p.ConsumeIntegralInRange(0, t.precision);
      break;
    case TypeKind::kChar:
    case TypeKind::kVarchar:
      t.length = p.ConsumeIntegralInRange(1, 8);
      break;
    case TypeKind::kStruct:
      t.fields = RandomFields(p, depth, 1, 3, false);
      break;
    case TypeKind::kList:
      t.element = std::make_shared<const DataType>(RandomType(p, depth + 1));
      break;
    case TypeKind::kMap: {
      static constexpr TypeKind kKeys[] = {
          TypeKind::kString,  TypeKind::kInt32,   TypeKind::kInt64,  TypeKind::kDate,
          TypeKind::kVarchar, TypeKind::kBoolean, TypeKind::kDecimal};
      DataType key = DataType::Of(kKeys[p.ConsumeIntegralInRange<size_t>(0, std::size(kKeys) - 1)]);
      if (key.kind == TypeKind::kVarchar) key.length = 2;
      if (key.kind == TypeKind::kDecimal) key.precision = 5, key.scale = 2;
      t.key = std::make_shared<const DataType>(key);
      t.element = std::make_shared<const DataType>(RandomType(p, depth + 1));
      break;
    }
    default:
      break;
  }
  return t;
}

bool IsCanonicalDecimal(std::string_view s, int precision, int scale) {
  if (s.starts_with('-')) {
    s.remove_prefix(1);
    if (s == "0") return false;  // no negative zero
  }
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (whole.empty() || !digits(whole) || !digits(frac)) return false;
  if (whole.size() > 1 && whole[0] == '0') return false;
  if (dot != std::string_view::npos && (frac.empty() || frac.back() == '0')) return false;
  const size_t whole_digits = whole == "0" ? 0 : whole.size();
  return whole_digits <= static_cast<size_t>(precision - scale) &&
         frac.size() <= static_cast<size_t>(scale);
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

struct Checker {
  const format::Row& row;
  const std::vector<decode::Change>& changes;
  std::string context;

  bool HasChange(const std::string& path, std::string_view change) const {
    for (const decode::Change& c : changes) {
      if (c.field == path && c.change == change) return true;
    }
    return false;
  }

  std::string Where(const std::string& path) const { return context + " at " + Printable(path); }

  // Check the subtree at `pos` of type `type` against the strict parse `ref` (nullptr: absent
  // or unknown, then only its shape is checked); return the index after it.
  size_t Walk(size_t pos, const DataType& type, const Value* ref, bool ref_known,
              const std::string& path) {
    FUZZ_CHECK(pos < row.size(), Where(path) + ": row ends early");
    const format::Cell& cell = row.cell(pos);
    FUZZ_CHECK(format::CellFitsType(cell.kind, type.kind),
               Where(path) + ": cell kind " + std::to_string(static_cast<int>(cell.kind)));
    const bool ref_null = ref == nullptr || ref->is_null();
    if (ref_known && ref_null) {
      FUZZ_CHECK(cell.kind == format::CellKind::kNull, Where(path) + ": null became a value");
      // A path naming the field "a.b" also names field b of a struct a: a change there may be
      // that other value's (change paths are text, as Airbyte's are).
      FUZZ_CHECK(!HasChange(path, "NULLED") || path.find("a.b") != std::string::npos,
                 Where(path) + ": change for a null");
    }
    if (cell.kind == format::CellKind::kNull) {
      if (ref_known && !ref_null) {
        FUZZ_CHECK(HasChange(path, "NULLED"), Where(path) + ": value " +
                                                  Printable(json::Serialize(*ref)) +
                                                  " dropped without a change");
      }
      return pos + 1;
    }
    const bool known = ref_known && !ref_null;
    switch (type.kind) {
      case TypeKind::kStruct: {
        if (known) FUZZ_CHECK(ref->is_object(), Where(path) + ": struct from a non-object");
        size_t next = pos + 1;
        for (const Field& f : type.fields) {
          const Value* member = known ? ref->Find(f.source_name) : nullptr;
          std::string sub = path;
          if (!sub.empty()) sub += '.';
          sub += f.source_name;
          next = Walk(next, f.type, member, known, sub);
        }
        return next;
      }
      case TypeKind::kList: {
        if (known) {
          FUZZ_CHECK(ref->is_array() && ref->items().size() == cell.count,
                     Where(path) + ": list of " + std::to_string(cell.count));
        }
        size_t next = pos + 1;
        for (uint32_t i = 0; i < cell.count; ++i) {
          next = Walk(next, *type.element, known ? &ref->items()[i] : nullptr, known,
                      path + "[" + std::to_string(i) + "]");
        }
        return next;
      }
      case TypeKind::kMap: {
        if (known) {
          FUZZ_CHECK(ref->is_object() && cell.count <= ref->members().size(),
                     Where(path) + ": map of " + std::to_string(cell.count));
        }
        size_t next = pos + 1;
        for (uint32_t i = 0; i < cell.count; ++i) {
          FUZZ_CHECK(next < row.size() && row.cell(next).kind != format::CellKind::kNull,
                     Where(path) + ": null or missing map key");
          next = Walk(next, *type.key, nullptr, false, path);
          next = Walk(next, *type.element, nullptr, false, path);
        }
        return next;
      }
      default:
        break;
    }
    CheckPrimitive(cell, type, known ? ref : nullptr, path);
    return pos + 1;
  }

  void CheckPrimitive(const format::Cell& cell, const DataType& type, const Value* ref,
                      const std::string& path) {
    const std::string where = Where(path);
    switch (type.kind) {
      case TypeKind::kInt8:
      case TypeKind::kInt16:
      case TypeKind::kInt32:
      case TypeKind::kInt64: {
        const schema::IntRange range = schema::IntRangeOf(type.kind);
        FUZZ_CHECK(cell.i >= range.min && cell.i <= range.max, where);
        if (ref != nullptr && ref->is_number() && ref->AsInt64()) {
          FUZZ_CHECK(cell.i == *ref->AsInt64(), where + ": " + std::to_string(cell.i));
        }
        break;
      }
      case TypeKind::kFloat:
        FUZZ_CHECK(static_cast<double>(static_cast<float>(cell.d)) == cell.d, where);
        [[fallthrough]];
      case TypeKind::kDouble:
        FUZZ_CHECK(std::isfinite(cell.d), where);
        break;
      case TypeKind::kBoolean:
        if (ref != nullptr && ref->is_bool()) FUZZ_CHECK(cell.b == ref->bool_value(), where);
        break;
      case TypeKind::kTimestamp:
      case TypeKind::kTimestampNtz:
        FUZZ_CHECK(schema::TimestampMicrosInRange(cell.i), where);
        break;
      case TypeKind::kDate:
        FUZZ_CHECK(schema::DateDaysInRange(cell.i), where);
        break;
      case TypeKind::kDecimal:
        FUZZ_CHECK(IsCanonicalDecimal(row.bytes(cell), type.precision, type.scale),
                   where + ": " + Printable(row.bytes(cell)));
        break;
      case TypeKind::kString:
      case TypeKind::kJson: {
        const std::string_view text = row.bytes(cell);
        FUZZ_CHECK(json::IsValidUtf8(text), where + ": " + Printable(text));
        if (ref == nullptr) break;
        if (ref->is_string()) {
          FUZZ_CHECK(text == ref->text(), where + ": " + Printable(text));
        } else {
          Result<Value> parsed = json::Parse(text);
          FUZZ_CHECK(parsed.ok() && *parsed == *ref, where + ": " + Printable(text));
        }
        break;
      }
      case TypeKind::kChar:
      case TypeKind::kVarchar: {
        const std::string_view text = row.bytes(cell);
        FUZZ_CHECK(json::IsValidUtf8(text), where + ": " + Printable(text));
        FUZZ_CHECK(CodePoints(text) <= static_cast<size_t>(type.length), where);
        if (ref != nullptr && ref->is_string()) {
          FUZZ_CHECK(std::string_view(ref->text()).starts_with(text), where);
          if (text.size() < ref->text().size()) {
            FUZZ_CHECK(HasChange(path, "TRUNCATED"), where + ": cut without a change");
          }
        }
        break;
      }
      default:
        break;
    }
  }
};

class StringSink : public format::Sink {
 public:
  Status Write(std::string_view bytes) override {
    out.append(bytes);
    return Status::Ok();
  }
  std::string out;
};

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  if (size == 0) return 0;
  const size_t schema_bytes = std::min<size_t>(data[0], size - 1);
  FuzzedDataProvider provider(data + 1, schema_bytes);
  schema::TableSchema table;
  table.columns = RandomFields(provider, 0, 1, 5, true);
  const std::string_view json_text(reinterpret_cast<const char*>(data) + 1 + schema_bytes,
                                   size - 1 - schema_bytes);
  // simdjson reads up to 64 bytes past the end of the text.
  std::string padded(json_text);
  padded.append(64, ' ');
  const std::string_view record(padded.data(), json_text.size());

  decode::RecordDecoder decoder;
  format::Row row;
  std::vector<decode::Change> changes;
  const Status status = decoder.Decode(record, table, &row, &changes);
  Result<json::Value> reference = json::Parse(json_text);
  const bool is_object = reference.ok() && reference->is_object();
  if (!status.ok()) {
    FUZZ_CHECK(!is_object, "a JSON object was rejected: " + status.message());
    FUZZ_CHECK(status.code() == StatusCode::kInvalidInput, status.ToString());
    // Never quoted: a data text with a '"' (a JSON string: customer data) is not in the message.
    FUZZ_CHECK(json_text.find('"') == std::string_view::npos ||
                   status.message().find(json_text) == std::string::npos,
               status.message());
    return 0;
  }
  Checker checker{row, changes, Printable(json_text, 200)};
  size_t pos = 0;
  for (const schema::Field& column : table.columns) {
    const json::Value* member = is_object ? reference->Find(column.source_name) : nullptr;
    pos = checker.Walk(pos, column.type, member, is_object, column.source_name);
  }
  FUZZ_CHECK(pos == row.size(), "cells after the last column");

  // The same decoder, the same data: the same result.
  format::Row again;
  std::vector<decode::Change> changes_again;
  FUZZ_CHECK(decoder.Decode(record, table, &again, &changes_again).ok(), "second decode failed");
  FUZZ_CHECK(again.size() == row.size(), "second decode differs in size");
  for (size_t i = 0; i < row.size(); ++i) {
    const format::Cell& a = row.cell(i);
    const format::Cell& b = again.cell(i);
    bool same = a.kind == b.kind && a.count == b.count;
    if (same && (a.kind == format::CellKind::kString || a.kind == format::CellKind::kJson ||
                 a.kind == format::CellKind::kDecimal || a.kind == format::CellKind::kBinary)) {
      same = row.bytes(a) == again.bytes(b);
    } else if (same && a.kind != format::CellKind::kNull && a.kind != format::CellKind::kStruct &&
               a.kind != format::CellKind::kList && a.kind != format::CellKind::kMap) {
      same = a.i == b.i;  // the union's bits
    }
    FUZZ_CHECK(same, "second decode differs at cell " + std::to_string(i));
  }
  FUZZ_CHECK(changes_again.size() == changes.size(), "second decode differs in changes");
  for (size_t i = 0; i < changes.size(); ++i) {
    FUZZ_CHECK(changes[i].field == changes_again[i].field &&
                   changes[i].change == changes_again[i].change &&
                   changes[i].reason == changes_again[i].reason,
               "second decode differs in change " + std::to_string(i));
  }

  // The encoders take every row the decoder makes.
  {
    StringSink sink;
    auto encoder = format::NewJsonlEncoder(table, format::EncoderOptions{}, &sink);
    FUZZ_CHECK(encoder.ok(), encoder.status().ToString());
    (*encoder)->Append(row);
    const Status finished = (*encoder)->Finish();
    FUZZ_CHECK(finished.ok(), "JSON Lines: " + finished.ToString());
    FUZZ_CHECK(!sink.out.empty() && sink.out.back() == '\n', "JSON Lines: no line");
    Result<json::Value> line =
        json::Parse(std::string_view(sink.out).substr(0, sink.out.size() - 1));
    FUZZ_CHECK(line.ok() && line->is_object() && line->members().size() == table.columns.size(),
               "JSON Lines: " + Printable(sink.out));
  }
  {
    StringSink sink;
    format::ParquetOptions options;
    options.compression = format::Compression::kUncompressed;
    options.page_bytes = 4096;
    options.dictionary_page_limit_bytes = 4096;
    auto encoder = format::NewParquetEncoder(table, options, &sink);
    FUZZ_CHECK(encoder.ok(), encoder.status().ToString());
    (*encoder)->Append(row);
    const Status finished = (*encoder)->Finish();
    FUZZ_CHECK(finished.ok(), "Parquet: " + finished.ToString());
    FUZZ_CHECK(sink.out.starts_with("PAR1") && sink.out.ends_with("PAR1"), "Parquet: no file");
  }
  return 0;
}
