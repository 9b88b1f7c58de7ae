#include "sync/partitioning.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "format/format.h"

namespace datalake::sync {
namespace {

using iceberg::Transform;
using K = Transform::Kind;
using schema::TypeKind;

// ---- the original's cursor-date keys ----

struct CursorPart {
  PartitionPart part;
  const char* suffix;  // of the key name
  const char* type;    // Glue type of the key
};

constexpr CursorPart kCursorParts[] = {
    {PartitionPart::kCursorYear, "_year", "bigint"},
    {PartitionPart::kCursorMonth, "_month", "bigint"},
    {PartitionPart::kCursorDay, "_day", "bigint"},
    {PartitionPart::kCursorDate, "_date", "date"},
};

const CursorPart& Describe(PartitionPart part) {
  for (const CursorPart& d : kCursorParts) {
    if (d.part == part) return d;
  }
  return kCursorParts[0];
}

std::vector<PartitionPart> PartsOf(config::Partitioning partitioning) {
  using P = config::Partitioning;
  using Part = PartitionPart;
  switch (partitioning) {
    case P::kNone:
      return {};
    case P::kDate:
      return {Part::kCursorDate};
    case P::kYear:
      return {Part::kCursorYear};
    case P::kMonth:
      return {Part::kCursorMonth};
    case P::kDay:
      return {Part::kCursorDay};
    case P::kYearMonth:
      return {Part::kCursorYear, Part::kCursorMonth};
    case P::kYearMonthDay:
      return {Part::kCursorYear, Part::kCursorMonth, Part::kCursorDay};
  }
  return {};
}

// The Iceberg transform a cursor-date option stands for (the finest of its parts).
std::optional<Transform> TransformOf(config::Partitioning partitioning) {
  using P = config::Partitioning;
  switch (partitioning) {
    case P::kNone:
      return std::nullopt;
    case P::kYear:
      return Transform{K::kYear, 0};
    case P::kMonth:
    case P::kYearMonth:
      return Transform{K::kMonth, 0};
    case P::kDate:
    case P::kDay:
    case P::kYearMonthDay:
      return Transform{K::kDay, 0};
  }
  return std::nullopt;
}

bool IsTemporal(TypeKind kind) {
  return kind == TypeKind::kTimestamp || kind == TypeKind::kTimestampNtz || kind == TypeKind::kDate;
}

// Whether a column of `kind` can take `t` (what this destination partitions by: no decimals,
// floats, timestamps as identity, or nested values).
bool Accepts(const Transform& t, TypeKind kind) {
  switch (t.kind) {
    case K::kYear:
    case K::kMonth:
    case K::kDay:
      return IsTemporal(kind);
    case K::kHour:
      return kind == TypeKind::kTimestamp || kind == TypeKind::kTimestampNtz;
    case K::kIdentity:
      return kind == TypeKind::kString || kind == TypeKind::kInt64 || kind == TypeKind::kDate ||
             kind == TypeKind::kBoolean;
    case K::kBucket:
      return kind == TypeKind::kString || kind == TypeKind::kInt64 || IsTemporal(kind);
    case K::kTruncate:
      return kind == TypeKind::kString || kind == TypeKind::kInt64;
    case K::kVoid:
      return false;
  }
  return false;
}

// The key of a transform of column `c`: its name and Glue type.
catalog::Column KeyOf(const Transform& t, const schema::Field& c) {
  switch (t.kind) {
    case K::kIdentity:
      return {c.name, schema::GlueTypeString(c.type)};
    case K::kYear:
      return {c.name + "_year", "bigint"};
    case K::kMonth:
      return {c.name + "_month", "string"};
    case K::kDay:
      return {c.name + "_day", "date"};
    case K::kHour:
      return {c.name + "_hour", "string"};
    case K::kBucket:
      return {c.name + "_bucket_" + std::to_string(t.parameter), "int"};
    case K::kTruncate:
      return {c.name + "_trunc_" + std::to_string(t.parameter), schema::GlueTypeString(c.type)};
    case K::kVoid:
      break;
  }
  return {c.name + "_void", "string"};
}

PartitionScheme MakeScheme(std::vector<PartitionField> fields) {
  PartitionScheme scheme;
  scheme.fields = std::move(fields);
  for (const PartitionField& f : scheme.fields) scheme.keys.push_back(f.key);
  return scheme;
}

PartitionField CursorField(int column, PartitionPart part, const schema::TableSchema& data) {
  const CursorPart& d = Describe(part);
  return {column, part, Transform{}, {data.columns[column].name + d.suffix, d.type}};
}

PartitionField TransformField(int column, const Transform& t, const schema::TableSchema& data) {
  return {column, PartitionPart::kTransform, t, KeyOf(t, data.columns[column])};
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The temporal column named `base` (-1: none).
int TemporalColumn(const schema::TableSchema& data, const std::string& base) {
  for (size_t i = 0; i < data.columns.size(); ++i) {
    if (data.columns[i].name == base && IsTemporal(data.columns[i].type.kind)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The field an existing key stands for, or nullopt.
std::optional<PartitionField> FieldOfKey(const catalog::Column& key,
                                         const schema::TableSchema& data) {
  for (const CursorPart& d : kCursorParts) {
    if (!EndsWith(key.name, d.suffix) || key.type != d.type) continue;
    const int column = TemporalColumn(data, key.name.substr(0, key.name.size() - strlen(d.suffix)));
    if (column >= 0) return CursorField(column, d.part, data);
  }
  // partition_by's keys: "<column>" or "<column>_<transform>" with the type it gives.
  for (size_t i = 0; i < data.columns.size(); ++i) {
    const schema::Field& c = data.columns[i];
    if (key.name.compare(0, c.name.size(), c.name) != 0) continue;
    const std::string rest = key.name.substr(c.name.size());
    std::optional<Transform> t;
    if (rest.empty()) {
      t = Transform{K::kIdentity, 0};
    } else if (rest == "_year" || rest == "_month" || rest == "_day" || rest == "_hour") {
      t = iceberg::ParseTransform(rest.substr(1));
    } else if (rest.starts_with("_bucket_")) {
      t = iceberg::ParseTransform("bucket[" + rest.substr(8) + "]");
    } else if (rest.starts_with("_trunc_")) {
      t = iceberg::ParseTransform("truncate[" + rest.substr(7) + "]");
    }
    if (!t || !Accepts(*t, c.type.kind)) continue;
    PartitionField field = TransformField(static_cast<int>(i), *t, data);
    if (field.key.name == key.name && field.key.type == key.type) return field;
  }
  return std::nullopt;
}

// ---- partition keys of rows ----

// A key is, per field: 'n' (null), 'i' and a zigzag varint (an integer result), or 's', a
// varint length and the bytes (a string result). Varints keep the keys of dates and buckets
// within std::string's inline capacity: routing a row allocates nothing.
void PutNull(std::string* key) { key->push_back('n'); }

void PutVarint(uint64_t v, std::string* key) {
  while (v >= 0x80) {
    key->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  key->push_back(static_cast<char>(v));
}

uint64_t TakeVarint(const std::string& key, size_t* pos) {
  uint64_t v = 0;
  for (int shift = 0; *pos < key.size() && shift < 64; shift += 7) {
    const auto byte = static_cast<unsigned char>(key[(*pos)++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return v;
}

void PutInt(int64_t v, std::string* key) {
  key->push_back('i');
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), key);
}

void PutString(std::string_view s, std::string* key) {
  key->push_back('s');
  PutVarint(s.size(), key);
  key->append(s);
}

struct KeyValue {
  char tag = 'n';
  int64_t i = 0;
  std::string_view s;
};

// Read one field's value at `*pos` of `key`, advancing it.
KeyValue TakeValue(const std::string& key, size_t* pos) {
  KeyValue v;
  if (*pos >= key.size()) return v;
  v.tag = key[*pos];
  ++*pos;
  if (v.tag == 'i') {
    const uint64_t z = TakeVarint(key, pos);
    v.i = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  } else if (v.tag == 's') {
    const uint64_t n = TakeVarint(key, pos);
    v.s = std::string_view(key).substr(*pos, n);
    *pos += v.s.size();
  }
  return v;
}

// A cursor cell's microseconds (timestamps) or days (dates, days = true); nullopt for null and
// for values that are not one. A string cell is a column whose existing type is string (sticky
// types): its text is parsed.
std::optional<int64_t> TimeOfCell(const format::Row& row, const format::Cell& cell, bool* days) {
  *days = false;
  switch (cell.kind) {
    case format::CellKind::kTimestamp:
      return cell.i;
    case format::CellKind::kDate:
      *days = true;
      return cell.i;
    case format::CellKind::kString: {
      std::string_view text = row.bytes(cell);
      if (auto micros = schema::ParseTimestampMicros(text, false)) return micros;
      *days = true;
      return schema::ParseDateDays(text);
    }
    default:
      return std::nullopt;
  }
}

void PutTemporal(const PartitionField& f, const format::Row& row, const format::Cell& cell,
                 std::string* key) {
  bool days = false;
  const std::optional<int64_t> t = TimeOfCell(row, cell, &days);
  if (!t) return PutNull(key);
  const int64_t day = days ? *t : schema::DaysOfMicros(*t);
  switch (f.part) {
    case PartitionPart::kCursorYear:
      return PutInt(schema::DateOfDays(day).year, key);
    case PartitionPart::kCursorMonth:
      return PutInt(schema::DateOfDays(day).month, key);
    case PartitionPart::kCursorDay:
      return PutInt(schema::DateOfDays(day).day, key);
    case PartitionPart::kCursorDate:
      return PutInt(day, key);
    case PartitionPart::kTransform:
      break;
  }
  switch (f.transform.kind) {
    case K::kYear:
      return PutInt(iceberg::YearsOfDays(day), key);
    case K::kMonth:
      return PutInt(iceberg::MonthsOfDays(day), key);
    case K::kDay:
      return PutInt(day, key);
    case K::kHour:
      return days ? PutNull(key) : PutInt(iceberg::HoursOfMicros(*t), key);
    default:
      return PutNull(key);
  }
}

void PutFieldKey(const PartitionField& f, const format::Row& row, const format::Cell& cell,
                 std::string* key) {
  if (cell.kind == format::CellKind::kNull) return PutNull(key);
  if (f.part != PartitionPart::kTransform || f.transform.temporal()) {
    return PutTemporal(f, row, cell, key);
  }
  const bool text = cell.kind == format::CellKind::kString;
  const bool integer = cell.kind == format::CellKind::kInt64 ||
                       cell.kind == format::CellKind::kDate ||
                       cell.kind == format::CellKind::kTimestamp;
  switch (f.transform.kind) {
    case K::kIdentity:
      if (text) return PutString(row.bytes(cell), key);
      if (cell.kind == format::CellKind::kBool) return PutInt(cell.b ? 1 : 0, key);
      if (integer) return PutInt(cell.i, key);
      break;
    case K::kBucket:
      if (text) return PutInt(iceberg::BucketOfBytes(row.bytes(cell), f.transform.parameter), key);
      if (integer) return PutInt(iceberg::BucketOfLong(cell.i, f.transform.parameter), key);
      break;
    case K::kTruncate:
      if (text)
        return PutString(iceberg::TruncateString(row.bytes(cell), f.transform.parameter), key);
      if (integer) return PutInt(iceberg::TruncateInteger(cell.i, f.transform.parameter), key);
      break;
    default:
      break;
  }
  PutNull(key);
}

// The Hive value of one field's key value.
std::string HiveValue(const PartitionField& f, TypeKind source, const KeyValue& v) {
  const bool zero_for_null = f.part == PartitionPart::kCursorYear ||
                             f.part == PartitionPart::kCursorMonth ||
                             f.part == PartitionPart::kCursorDay;
  if (v.tag == 'n') return zero_for_null ? "0" : kHiveNullPartition;
  if (v.tag == 's') return v.s.empty() ? std::string(kHiveNullPartition) : std::string(v.s);
  if (f.part == PartitionPart::kCursorDate) return schema::FormatDateDays(v.i);
  if (f.part != PartitionPart::kTransform) return std::to_string(v.i);
  switch (f.transform.kind) {
    case K::kYear:
      return std::to_string(1970 + v.i);
    case K::kMonth:
    case K::kDay:
    case K::kHour:
      return iceberg::TemporalText(f.transform.kind, v.i);
    case K::kIdentity:
      if (source == TypeKind::kDate) return schema::FormatDateDays(v.i);
      if (source == TypeKind::kBoolean) return v.i != 0 ? "true" : "false";
      return std::to_string(v.i);
    default:
      return std::to_string(v.i);
  }
}

bool Escapes(unsigned char c) {
  return c < 0x20 || c == 0x7f || std::strchr("\"#%'*/:=?\\{[]^", c) != nullptr;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool Applies(const config::PartitionBy& by, const std::string& ns, const std::string& name) {
  if (by.streams.empty()) return true;
  return std::any_of(by.streams.begin(), by.streams.end(), [&](const std::string& s) {
    return s == name || (!ns.empty() && s == ns + "." + name);
  });
}

}  // namespace

PartitionScheme SchemeForStream(config::Partitioning partitioning,
                                const std::vector<std::string>& cursor_field,
                                const schema::TableSchema& data) {
  std::vector<PartitionPart> parts = PartsOf(partitioning);
  if (parts.empty() || cursor_field.size() != 1) return {};
  const int column = data.FindBySource(cursor_field[0]);
  if (column < 0 || !IsTemporal(data.columns[column].type.kind)) return {};
  std::vector<PartitionField> fields;
  for (PartitionPart part : parts) fields.push_back(CursorField(column, part, data));
  return MakeScheme(std::move(fields));
}

Result<PartitionScheme> SchemeForConfig(const config::Config& config, const std::string& ns,
                                        const std::string& name,
                                        const std::vector<std::string>& cursor_field,
                                        const schema::TableSchema& data) {
  const bool iceberg = config.table_format == config::TableFormat::kIceberg;
  if (config.partition_by.empty()) {
    PartitionScheme legacy = SchemeForStream(config.partitioning, cursor_field, data);
    if (!iceberg || !legacy.partitioned()) return legacy;
    const int column = legacy.fields[0].column;
    return MakeScheme({TransformField(column, *TransformOf(config.partitioning), data)});
  }
  const std::string stream = ns.empty() ? name : ns + "." + name;
  std::vector<PartitionField> fields;
  for (const config::PartitionBy& by : config.partition_by) {
    if (!Applies(by, ns, name)) continue;
    const int column = data.FindBySource(by.field);
    if (column < 0) {
      if (by.streams.empty()) continue;
      return Status::ConfigError("partition_by: stream " + stream + " has no top-level field " +
                                 by.field + " to partition by");
    }
    const std::optional<Transform> t = iceberg::ParseTransform(by.transform);
    const schema::DataType& type = data.columns[column].type;
    if (!t || !Accepts(*t, type.kind)) {
      return Status::ConfigError(
          "partition_by: field " + by.field + " of stream " + stream + " is of type " +
          schema::GlueTypeString(type) + ", which " + by.transform +
          " does not take (year, month, day: dates and date-times; hour: date-times; identity: "
          "strings, integers, booleans and dates; bucket[N]: strings, integers, dates and "
          "date-times; truncate[W]: strings and integers)");
    }
    fields.push_back(TransformField(column, *t, data));
  }
  return MakeScheme(std::move(fields));
}

Result<PartitionScheme> SchemeForKeys(const std::vector<catalog::Column>& keys,
                                      const schema::TableSchema& data) {
  std::vector<PartitionField> fields;
  int cursor_column = -1;
  for (const catalog::Column& key : keys) {
    std::optional<PartitionField> field = FieldOfKey(key, data);
    const bool repeated =
        field && std::any_of(fields.begin(), fields.end(),
                             [&](const PartitionField& f) { return f.key.name == key.name; });
    // The original's keys come from one cursor column.
    const bool cursor = field && field->part != PartitionPart::kTransform;
    const bool other_cursor = cursor && cursor_column >= 0 && field->column != cursor_column;
    if (!field || repeated || other_cursor) {
      return Status::ConfigError("partition key " + key.name + " " + key.type +
                                 " is not one this destination derives from a column of the "
                                 "stream (partition_by's transforms, or the cursor-date keys "
                                 "of one date or date-time column)");
    }
    if (cursor) cursor_column = field->column;
    fields.push_back(std::move(*field));
  }
  return MakeScheme(std::move(fields));
}

std::string DescribeKeys(const PartitionScheme& scheme) {
  if (!scheme.partitioned()) return "none";
  std::string out;
  for (const catalog::Column& key : scheme.keys) {
    out += (out.empty() ? "" : ", ") + key.name + " " + key.type;
  }
  return out;
}

void PartitionKeyOf(const PartitionScheme& scheme, const format::Row& row,
                    const schema::TableSchema& data, std::string* key, size_t first) {
  key->clear();
  int column = -1;
  size_t index = 0;
  for (const PartitionField& f : scheme.fields) {
    // Fields of one column (the cursor-date keys) find its cell once.
    if (f.column != column) {
      column = f.column;
      index = format::ColumnCellIndex(row, data, static_cast<size_t>(column), first);
    }
    PutFieldKey(f, row, row.cell(index), key);
  }
}

void PartitionValuesOfKey(const PartitionScheme& scheme, const std::string& key,
                          const schema::TableSchema& data, std::vector<std::string>* values) {
  values->clear();
  size_t pos = 0;
  for (const PartitionField& f : scheme.fields) {
    const KeyValue v = TakeValue(key, &pos);
    values->push_back(HiveValue(f, data.columns[static_cast<size_t>(f.column)].type.kind, v));
  }
}

void PartitionValuesOf(const PartitionScheme& scheme, const format::Row& row,
                       const schema::TableSchema& data, std::vector<std::string>* values) {
  std::string key;
  PartitionKeyOf(scheme, row, data, &key);
  PartitionValuesOfKey(scheme, key, data, values);
}

std::vector<iceberg::PartitionValue> IcebergPartitionOfKey(const PartitionScheme& scheme,
                                                           const std::string& key,
                                                           const schema::TableSchema& data) {
  std::vector<iceberg::PartitionValue> out;
  size_t pos = 0;
  for (const PartitionField& f : scheme.fields) {
    const KeyValue v = TakeValue(key, &pos);
    if (v.tag == 'n') {
      out.emplace_back();
    } else if (v.tag == 's') {
      out.emplace_back(std::string(v.s));
    } else {
      const K kind = f.transform.kind;
      const TypeKind source = data.columns[static_cast<size_t>(f.column)].type.kind;
      const bool same_as_source = kind == K::kIdentity || kind == K::kTruncate;
      if (same_as_source && source == TypeKind::kBoolean) {
        out.emplace_back(v.i != 0);
      } else if (same_as_source && source == TypeKind::kInt64) {
        out.emplace_back(v.i);
      } else {
        out.emplace_back(static_cast<int32_t>(v.i));
      }
    }
  }
  return out;
}

std::string PartitionSubdirectory(const PartitionScheme& scheme,
                                  const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < scheme.keys.size() && i < values.size(); ++i) {
    out += scheme.keys[i].name;
    out += '=';
    for (char c : values[i]) {
      if (Escapes(static_cast<unsigned char>(c))) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        out += '%';
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 15];
      } else {
        out += c;
      }
    }
    out += '/';
  }
  return out;
}

std::string UnescapePartitionValue(std::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '%' && i + 2 < escaped.size() && HexDigit(escaped[i + 1]) >= 0 &&
        HexDigit(escaped[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(escaped[i + 1]) * 16 + HexDigit(escaped[i + 2]));
      i += 2;
    } else {
      out += escaped[i];
    }
  }
  return out;
}

}  // namespace datalake::sync
