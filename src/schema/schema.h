// The schema module turns a stream's JSON schema into a typed table schema: the columns a file
// holds and the Glue catalog declares. It owns the type mapping (JSON schema -> column type ->
// Glue type string) and name sanitising. It does no I/O.
//
// Mapping (docs/TYPES.md has the full table; it follows the original connector):
//   string                                    -> kString        "string"
//   string, format date-time                  -> kTimestamp     "timestamp"  (UTC instant)
//   string, format date-time, airbyte_type timestamp_without_timezone
//                                             -> kTimestampNtz  "timestamp"  (wall clock)
//   string, format date                       -> kDate          "date"
//   integer, or number + airbyte_type integer -> kInt64         "bigint"
//   number                                    -> kDouble        "double"
//                                   (kDecimal "decimal(38,18)" with glue_catalog_float_as_decimal)
//   boolean                                   -> kBoolean       "boolean"
//   object with typable properties            -> kStruct        "struct<a:T,...>" (names keep case)
//   array with typable items                  -> kList          "array<T>"
//   anything untypable (object without properties, additionalProperties, unions, arrays without
//   items or of mixed types, unknown types)   -> kJson          "string" holding JSON text
// Well-known $ref types (WellKnownTypes.json#/definitions/...) map to the same kinds.
//
// Struct field names are made valid Hive identifiers (SanitizeFieldName, UniqueFieldNames) but
// keep their case; the JSON key stays in Field::source_name.
//
// The other Hive types (tinyint, smallint, int, float, char(n), varchar(n), binary, map<k,v>)
// are never mapped from a JSON schema: they come from existing tables (ParseGlueType), whose
// column types an append sync keeps (MergeExistingType).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "json/json.h"

namespace datalake::schema {

enum class TypeKind {
  kString,
  kInt64,
  kDouble,
  kDecimal,
  kBoolean,
  kTimestamp,     // instant; values normalised to UTC
  kTimestampNtz,  // wall-clock timestamp without a zone, stored as given
  kDate,
  kJson,  // any JSON value, stored as its JSON text in a string column
  kStruct,
  kList,
  // Hive types only an existing table declares (ParseGlueType); the mapper never produces them.
  kInt8,     // tinyint
  kInt16,    // smallint
  kInt32,    // int
  kFloat,    // float (32-bit IEEE)
  kChar,     // char(n): text of at most `length` characters
  kVarchar,  // varchar(n): text of at most `length` characters
  kBinary,   // binary: bytes (JSON values: base64 text)
  kMap,      // map<key,value>: `key` and `element` (the value type)
};

struct Field;

struct DataType {
  TypeKind kind = TypeKind::kString;
  int precision = 38;                       // kDecimal only
  int scale = 18;                           // kDecimal only
  int length = 0;                           // kChar / kVarchar only: characters
  std::vector<Field> fields;                // kStruct only, in schema order
  std::shared_ptr<const DataType> element;  // kList: the element; kMap: the value
  std::shared_ptr<const DataType> key;      // kMap only
  // Iceberg field ids of the element (kList) or the value (kMap), and of the key (kMap); 0: none.
  // A Hive table's schema has none; an Iceberg table's has one on every node (field_id below).
  int32_t element_id = 0;
  int32_t key_id = 0;

  // Defined after Field: a DataType is made there, where std::vector<Field> is complete (clang
  // instantiates the vector's destructor where the function body stands).
  static DataType Of(TypeKind kind);
};

struct Field {
  std::string name;         // the column (or struct field) name as stored and declared
  std::string source_name;  // the key in the record's JSON object
  DataType type;
  int32_t field_id = 0;  // the Iceberg field id (Parquet's SchemaElement.field_id); 0: none
};

inline DataType DataType::Of(TypeKind kind) {
  DataType t;
  t.kind = kind;
  return t;
}

// True for the types that are not struct, list or map.
bool IsPrimitive(TypeKind kind);

// The inclusive value range of kInt8, kInt16, kInt32 and kInt64.
struct IntRange {
  int64_t min;
  int64_t max;
};
IntRange IntRangeOf(TypeKind kind);

struct TableSchema {
  std::vector<Field> columns;  // top-level columns in JSON schema property order

  // Return the index of the column whose source_name is `key`, or -1.
  int FindBySource(std::string_view key) const;
};

struct MappingOptions {
  bool number_as_decimal = false;  // glue_catalog_float_as_decimal
  int decimal_precision = 38;
  int decimal_scale = 18;
};

// Map a stream's json_schema to a table schema. Top-level names are sanitised (SanitizeName) and
// made unique (UniqueColumnNames); nested struct field names are sanitised keeping their case
// (UniqueFieldNames), as the original connector's Glue types keep it. A schema without
// `properties` yields zero columns.
Result<TableSchema> MapJsonSchema(const json::Value& json_schema, const MappingOptions& options);

// Return the Glue/Hive type string of `type` ("bigint", "struct<a:string,b:array<bigint>>").
std::string GlueTypeString(const DataType& type);

// Parse a Glue/Hive type string: the inverse of GlueTypeString, for every type in TypeKind
// (tinyint, smallint, int/integer, bigint, float, double, decimal[(p[,s])], char(n),
// varchar(n), string, boolean, date, timestamp, binary, array<T>, map<K,V> with a primitive
// K, struct<name:T,...>). Struct field names come back as both name and source_name.
// kInvalidInput for anything else (uniontype, interval, void, map keys that are not primitive).
Result<DataType> ParseGlueType(std::string_view text);

// Reconcile the type an existing table declares for a column (`existing`) with the type the
// stream maps it to now (`wanted`), for an append sync: the existing type wins, so that files
// written earlier stay readable ("sticky types"), except that a struct gains the fields the
// stream added, at any depth (also inside arrays), after its own. Struct fields match by name
// ignoring ASCII case, as Hive does; a matched field keeps the table's name and takes the
// stream's source_name. Where both types have the same Glue type string the stream's
// type is taken (timestamp_ntz and json semantics survive). `path` names the column; every place
// where the table's type was kept over a different one the stream declares is added to `kept`
// ({path, table type, stream type}), and every added field's path to `added`.
struct KeptType {
  std::string path;
  std::string table_type;
  std::string stream_type;
};
DataType MergeExistingType(const DataType& existing, const DataType& wanted,
                           const std::string& path, std::vector<KeptType>* kept,
                           std::vector<std::string>* added);

// Glue's limit for database, table and column names.
inline constexpr size_t kMaxNameBytes = 255;

// Return `name` if it has at most `max_bytes` bytes, else its first bytes (cut at a character
// boundary), "_" and 16 hex digits of a hash of the whole name, `max_bytes` in all: long names
// fit a limit and stay distinct. The hash is persisted in names: never change it.
std::string ShortenedName(std::string_view name, size_t max_bytes);

// Lowercase, strip accents from Latin letters, replace each run of characters outside
// [a-z0-9_] by one '_', as the original connector (awswrangler's sanitize) does. An empty
// result becomes "_"; a result over kMaxNameBytes is shortened (ShortenedName).
std::string SanitizeName(std::string_view name);

// Sanitise `names` and resolve collisions deterministically: among raw names sanitising to the
// same result, the one that already equals its sanitised form keeps it (else the smallest raw
// name in byte order); every other one gets "_" + 8 hex digits of a hash of its raw name.
std::vector<std::string> UniqueColumnNames(const std::vector<std::string>& names);

// UniqueColumnNames, where the names in `taken` are not free either (tables that exist).
std::vector<std::string> UniqueNames(const std::vector<std::string>& names,
                                     const std::unordered_set<std::string>& taken);

// Sanitise a struct field name into a Hive identifier: as SanitizeName (accents stripped, runs of
// characters outside [A-Za-z0-9_] -> '_', "" -> "_"), but ASCII letters keep their case (an
// accented letter becomes its lowercase base letter).
std::string SanitizeFieldName(std::string_view name);

// Sanitise the field names of one struct (SanitizeFieldName) and resolve collisions as
// UniqueColumnNames does, where names equal ignoring ASCII case collide: Hive, Athena and the
// JSON SerDes match struct fields case-insensitively. Suffixes are "_" + 8 hex digits of the
// same hash of the raw name.
std::vector<std::string> UniqueFieldNames(const std::vector<std::string>& names);

// True if `name` is a non-empty run of [A-Za-z0-9_]: a name every Hive type parser reads.
bool IsHiveIdentifier(std::string_view name);

// Temporal values (implemented in temporal.cc). Each parser returns nullopt if `s` is invalid.
// Parse an RFC 3339 date-time (see docs/TYPES.md) to microseconds since the epoch, UTC. With
// `keep_wall_clock`, a zone offset is ignored instead of applied (timestamp_ntz).
// A leap second (":60") becomes :59.999999 of its minute; `*leap_second` (if given) tells.
std::optional<int64_t> ParseTimestampMicros(std::string_view s, bool keep_wall_clock,
                                            bool* leap_second = nullptr);
// Parse "YYYY-MM-DD", or the date part of a date-time as written, to days since 1970-01-01.
std::optional<int64_t> ParseDateDays(std::string_view s);
// Render microseconds since the epoch as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
std::string FormatTimestampMicros(int64_t micros);
// Append the same rendering to `out` without allocating.
void AppendTimestampMicros(int64_t micros, std::string* out);
// Render days since the epoch as "YYYY-MM-DD".
std::string FormatDateDays(int64_t days);
void AppendDateDays(int64_t days, std::string* out);
// The range of every timestamp and date cell written: 0001-01-01T00:00:00.000000 ..
// 9999-12-31T23:59:59.999999, what Hive, Athena and the java.sql.Timestamp form can read. The
// parsers only produce values inside it; other producers (a record's emitted_at) check with these.
bool TimestampMicrosInRange(int64_t micros);
bool DateDaysInRange(int64_t days);
// Epoch milliseconds as timestamp microseconds, or nullopt when the instant is outside the range
// above (without overflowing for any int64).
std::optional<int64_t> MillisToTimestampMicros(int64_t millis);

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
// Return the proleptic Gregorian date of a day number (days since 1970-01-01).
CivilDate DateOfDays(int64_t days);
// Return the day number of the UTC day (or, for a wall-clock timestamp, the day) that holds
// `micros` since the epoch (floor division: negative instants fall on earlier days).
int64_t DaysOfMicros(int64_t micros);

}  // namespace datalake::schema
