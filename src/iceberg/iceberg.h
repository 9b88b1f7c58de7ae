// Apache Iceberg format-version 2 tables (docs/ICEBERG.md): the bytes of their metadata, without
// any I/O. Schemas with field ids and their JSON form; table metadata JSON; manifests and
// manifest lists as Avro files. The sync module decides what a commit holds and where the bytes
// go; this module only says what they are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// ---- table metadata -------------------------------------------------------------------------

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct PartitionField {
  int32_t source_id = 0;  // the field id of the column it is computed from
  int32_t field_id = 0;   // 1000 and up, unique across all specs of a table
  std::string name;
  std::string transform;  // identity, year, month, day, hour, bucket[N], truncate[W], void
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;  // none: unpartitioned
};

struct Snapshot {
  // As read from another writer's file, written back as it was (members not modelled here
  // included); null for a snapshot this destination made.
  json::Value json;
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  // the manifest list's full URI
  StringPairs summary;        // "operation" first, then the counts
  std::optional<int32_t> schema_id;
};

// A named reference to a snapshot: "main" is the table's current snapshot; other branches hold
// commits readers of main do not see yet.
struct SnapshotRef {
  std::string name;
  int64_t snapshot_id = 0;
  std::string type = "branch";  // or "tag"
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
};

// Table metadata of format version 2 (Iceberg spec, "Table Metadata"). What this destination does
// not model (sort orders, statistics, members a newer writer added) is kept as it was read and
// written back unchanged.
struct TableMetadata {
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  struct SchemaEntry {
    int32_t schema_id = 0;
    schema::TableSchema schema;
    // As read, written back unchanged (required flags, docs, defaults kept); null for a schema
    // this destination added.
    json::Value json;
  };
  std::vector<SchemaEntry> schemas;
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = 999;  // Java's value for a table with no partition field yet
  StringPairs properties;
  std::optional<int64_t> current_snapshot_id;  // none: written as -1, as Java does
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SnapshotRef> refs;
  std::vector<json::Value::Member> kept;  // members not modelled here, in their order

  const schema::TableSchema* current_schema() const;
  const PartitionSpec* default_spec() const;
  const Snapshot* FindSnapshot(int64_t id) const;
  const SnapshotRef* FindRef(std::string_view name) const;
};

// A new table: one schema (ids assigned from 1), one spec, no snapshot, the unsorted order.
TableMetadata NewTableMetadata(std::string table_uuid, std::string location,
                               schema::TableSchema schema, PartitionSpec spec,
                               StringPairs properties, int64_t now_ms);

json::Value MetadataToJson(const TableMetadata& metadata);
// Parse a metadata file (written by any Iceberg writer). Format version 1 and 3 tables are
// kInvalidInput: this destination writes version 2.
Result<TableMetadata> MetadataFromJson(const json::Value& value);

}  // namespace datalake::iceberg
