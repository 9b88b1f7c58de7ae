// Apache Iceberg format-version 2 tables (docs/ICEBERG.md): the bytes of their metadata, without
// any I/O. Schemas with field ids and their JSON form; table metadata JSON; manifests and
// manifest lists as Avro files. The sync module decides what a commit holds and where the bytes
// go; this module only says what they are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::iceberg {

// ---- schemas --------------------------------------------------------------------------------

// The Iceberg type name of a primitive kind ("long", "timestamptz", "decimal(38,18)", ...).
// Hive-only kinds map to the Iceberg type that holds them (tinyint/smallint/int -> int,
// char/varchar/json -> string). REQUIRES: a primitive kind.
std::string PrimitiveTypeName(const schema::DataType& type);

// Give every field, list element and map key/value of `schema` a field id. A node found in
// `previous` (a table's current schema, ids set) at the same path of names keeps its id when
// its type is the same Iceberg type or one Iceberg may promote it to (int -> long, float ->
// double, decimal(P,S) -> decimal(P',S) with P' > P, a struct/list/map to the same kind); any
// other node gets `*last_column_id + 1`, and `*last_column_id` grows (ids are never reused).
// Returns kInvalidInput past Iceberg's largest field id.
Status AssignFieldIds(const schema::TableSchema* previous, int32_t* last_column_id,
                      schema::TableSchema* schema);

// The schema's JSON for table metadata: {"type":"struct","schema-id":N,"fields":[...]}. Every
// field is optional ("required": false) but map keys, which Iceberg requires.
// REQUIRES: ids assigned.
json::Value SchemaToJson(const schema::TableSchema& schema, int32_t schema_id);

// The schema of a metadata JSON "schemas" entry, ids included (names as they are: Iceberg's
// names are free). Unknown types are kInvalidInput naming the field.
Result<schema::TableSchema> SchemaFromJson(const json::Value& value);

// The highest field id in `schema` (0 if none).
int32_t MaxFieldId(const schema::TableSchema& schema);

}  // namespace datalake::iceberg
