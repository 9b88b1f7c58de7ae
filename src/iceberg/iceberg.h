// Apache Iceberg format-version 2 tables (docs/ICEBERG.md): the bytes of their metadata, without
// any I/O. Schemas with field ids and their JSON form; table metadata JSON; manifests and
// manifest lists as Avro files. The sync module decides what a commit holds and where the bytes
// go; this module only says what they are.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/partition_transform.h"
#include "common/status.h"
#include "format/format.h"
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

// `current` with what `writer` (ids assigned against `current`) adds: new columns and nested
// fields appended, promoted types taken; everything else of `current` as it is (columns the
// writer lacks stay: other writers and older files have them).
schema::TableSchema MergeSchemas(const schema::TableSchema& current,
                                 const schema::TableSchema& writer);

// The highest field id in `schema` (0 if none).
int32_t MaxFieldId(const schema::TableSchema& schema);

// ---- partition transforms -------------------------------------------------------------------

// Partition transforms (common/partition_transform.h): their values are computed in UTC with
// floor division (pre-1970 values are negative), as the spec and Iceberg Java do.
using ::datalake::ParseTransform;
using ::datalake::Transform;
using ::datalake::TransformName;

// Murmur3 x86 32-bit hash, seed 0: the hash bucket[N] uses.
uint32_t Murmur3X86_32(std::string_view bytes);
// bucket[N] of an int, long, date (days) or timestamp (microseconds): the hash of the value as
// 8 little-endian bytes.
int32_t BucketOfLong(int64_t value, int32_t buckets);
// bucket[N] of a string (its UTF-8 bytes) or binary.
int32_t BucketOfBytes(std::string_view bytes, int32_t buckets);
// truncate[W] of an int or long: the value rounded down to a multiple of W.
int64_t TruncateInteger(int64_t value, int32_t width);
// truncate[W] of a string: its first W code points (UTF-8; the whole string if shorter).
std::string_view TruncateString(std::string_view utf8, int32_t width);
// year, month, day, hour of a date (days since 1970-01-01) or a timestamp (microseconds since
// 1970-01-01T00:00): years, months, days or hours since 1970 (hour of a date is not defined).
int32_t YearsOfDays(int64_t days);
int32_t MonthsOfDays(int64_t days);
int32_t YearsOfMicros(int64_t micros);
int32_t MonthsOfMicros(int64_t micros);
int32_t DaysOfMicros(int64_t micros);
int32_t HoursOfMicros(int64_t micros);
// The text of a temporal transform's value as Iceberg renders it for people ("2023",
// "2023-06", "2023-06-05", "2023-06-05-13"). REQUIRES: a temporal transform.
std::string TemporalText(Transform::Kind kind, int64_t value);

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

// ---- manifests and manifest lists -----------------------------------------------------------

// A partition value of a data file: null, an int (int, date, and the year, month, day, hour and
// bucket transforms), a long (long, timestamps), a string, or a boolean.
using PartitionValue = std::variant<std::monostate, int32_t, int64_t, std::string, bool>;

// What a partition field's values are, from its transform and its source column's type:
// "int", "long", "string", "boolean", "date" (an int of days), or "timestamp"/"timestamptz"
// (a long of microseconds). kInvalidInput for a transform or source this destination does not
// write.
Result<std::string> PartitionResultType(const PartitionField& field,
                                        const schema::DataType& source);

// Iceberg's single-value serialization (spec Appendix D) of a column bound, from the PLAIN
// bytes Parquet's statistics hold for a column of `type`: the same bytes for numbers, dates,
// timestamps, booleans and strings; decimals as their minimal big-endian two's complement.
// Nullopt where no bound can be given.
std::optional<std::string> BoundFromParquet(const schema::DataType& type,
                                            std::string_view parquet_plain);

struct DataFileInfo {
  int32_t content = 0;    // 0: data
  std::string file_path;  // full URI
  std::string file_format = "PARQUET";
  std::vector<PartitionValue> partition;  // one per field of the manifest's spec
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::vector<std::pair<int32_t, int64_t>> column_sizes;
  std::vector<std::pair<int32_t, int64_t>> value_counts;
  std::vector<std::pair<int32_t, int64_t>> null_value_counts;
  std::vector<std::pair<int32_t, int64_t>> nan_value_counts;  // kept from other writers' files
  std::vector<std::pair<int32_t, std::string>> lower_bounds;
  std::vector<std::pair<int32_t, std::string>> upper_bounds;
  std::vector<int64_t> split_offsets;
  std::optional<int32_t> sort_order_id = 0;  // 0: unsorted
};

// A written Parquet file as a manifest records it: sizes, counts and offsets from the encoder's
// summary; per column of `schema` (by field id) sizes, value and null counts, and bounds for
// the columns outside lists and maps, in Iceberg's serialization.
DataFileInfo DataFileFrom(const format::FileSummary& summary, const schema::TableSchema& schema,
                          std::string file_path, std::vector<PartitionValue> partition);

enum class EntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  // Null for ADDED entries (inherited from the manifest list when read); explicit otherwise.
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFileInfo file;
};

// The manifest_file record of a manifest list.
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  int32_t content = 0;  // 0: data
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  struct FieldSummary {
    bool contains_null = false;
    std::optional<std::string> lower_bound;  // single-value serialization
    std::optional<std::string> upper_bound;
  };
  std::optional<std::vector<FieldSummary>> partitions;  // one per spec field
};

// The bytes of a data manifest of `spec` (Avro, deflate) holding `entries`, with the header
// metadata readers need: the table's schema and its id, the spec and its id, format version,
// content. `sync` is the file's Avro sync marker. Also fills `*summary` (counts, partition
// summaries) for the manifest list, all but its path, length and sequence numbers.
Result<std::string> WriteManifest(const schema::TableSchema& schema, int32_t schema_id,
                                  const PartitionSpec& spec,
                                  const std::vector<ManifestEntry>& entries,
                                  const std::array<uint8_t, 16>& sync, ManifestFile* summary);

// A manifest as read: its header's ids and content, and its entries (ADDED entries' null
// sequence numbers filled in from the manifest list's, as readers inherit them).
struct ManifestRead {
  int32_t schema_id = -1;  // -1: the header does not say
  int32_t partition_spec_id = 0;
  int32_t content = 0;
  std::vector<ManifestEntry> entries;
};

// Read a manifest list or a manifest written by any Iceberg writer (fields found by field id).
// Partition values of types this destination does not write (decimal, binary, float) are
// kInvalidInput, as are files that are not Avro or lack required fields.
Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes);
Result<ManifestRead> ReadManifest(std::string_view bytes, const ManifestFile& listed);

// The bytes of a manifest list (Avro, deflate) of snapshot `snapshot_id`.
Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number,
                                      const std::vector<ManifestFile>& manifests,
                                      const std::array<uint8_t, 16>& sync);

// ---- commits --------------------------------------------------------------------------------

// What keeps a table's metadata small as commits accumulate (docs/ICEBERG.md, "Maintenance"),
// applied by every commit. The defaults are Iceberg Java's where it has one.
struct Maintenance {
  // When a spec's data manifests smaller than `merge_below_bytes` number this many, an append
  // rewrites them as one (commit.manifest.min-count-to-merge, commit.manifest.target-size-bytes).
  size_t merge_count = 100;
  int64_t merge_below_bytes = 8 << 20;
  // Each branch keeps its head and its newest ancestors, this many snapshots in all (and a tag
  // its snapshot); older snapshots are expired once `expire_batch` of them are expirable.
  size_t snapshots_kept = 100;
  size_t expire_batch = 10;
};

// What one commit changes on one branch of a table.
struct CommitRequest {
  std::string branch = "main";
  std::vector<DataFileInfo> added;
  // Every file live on the branch leaves it (a truncate): in the same snapshot, as DELETED
  // entries, so that readers switch at once and snapshot expiry finds the old files.
  bool remove_all = false;
  // With remove_all: the files that stay anyway (EXISTING entries of the rewritten manifest; a
  // truncate keeps what its own generation already committed). Null: none stays. Delete files
  // (other writers') stay with them.
  std::function<bool(const DataFileInfo&)> keeps;
  // The writer's schema, ids not yet assigned: the table's schema evolves to it (a new schema
  // when anything changed). Null: the current schema.
  const schema::TableSchema* schema = nullptr;
  // A staging branch's commit: the evolved schema is added and named by the snapshot, but the
  // table's current schema (what readers of main use) stays; it evolves from the schema of the
  // branch's snapshot when the branch exists. PlanFastForward makes it current.
  bool stage_schema = false;
  // The partition spec the added files are written with (fields' source ids, transforms and
  // names; field ids not yet assigned). It becomes the table's default spec: an existing spec
  // with the same fields, or a new one whose fields keep the ids of the same source and
  // transform in older specs (partition spec evolution). Null: the default spec.
  const PartitionSpec* spec = nullptr;
  StringPairs summary;  // extra summary entries (after the counts)
  Maintenance maintenance{};
};

// The schema a commit on `branch` evolves from, and its id: the current one, or with
// `staged`, that of the branch's snapshot when the branch exists and names one.
std::pair<const schema::TableSchema*, int32_t> BranchSchema(const TableMetadata& metadata,
                                                            const std::string& branch, bool staged);

// What this commit's snapshot is named and stamped with (random and clock values, given so that
// tests can pin them).
struct CommitIds {
  int64_t snapshot_id = 0;  // positive, below 2^53 (JavaScript readers hold ids as doubles)
  std::string commit_uuid;  // names the manifests and the manifest list
  int64_t now_ms = 0;
  std::array<uint8_t, 16> sync{};  // the Avro files' sync marker
};

// The files of a commit, to be written before the table's pointer moves to `metadata_uri`.
struct PlannedCommit {
  std::vector<std::pair<std::string, std::string>> objects;  // uri, bytes (manifests, list)
  TableMetadata metadata;
  std::string metadata_uri;
  int64_t added_records = 0;
  // Objects of the table's location that nothing the new metadata keeps names: the manifest
  // lists, manifests and data files of expired snapshots that no kept snapshot references, and
  // metadata files dropped from metadata-log. To be deleted only once the commit is known to
  // have happened (never after an unknown outcome: the old metadata may still be current).
  std::vector<std::string> removable;
};

// Reads an object of the table (a manifest list, a manifest) by URI.
using ObjectReader = std::function<Result<std::string>(const std::string& uri)>;

// Plan a commit on `base` (the metadata the table's pointer names now, at `base_uri`; empty for
// a table whose first metadata this is): new schema if the request's differs, one manifest for
// the added files, the branch's previous manifests kept (or, with remove_all, rewritten with
// DELETED entries; or merged, see Maintenance), a manifest list, a snapshot with its summary,
// the branch moved to it, old snapshots expired, the logs extended (metadata-log capped at
// `kMetadataLogMax` entries).
Result<PlannedCommit> PlanCommit(const TableMetadata& base, const std::string& base_uri,
                                 const CommitRequest& request, const CommitIds& ids,
                                 const ObjectReader& read);

// Point `to` at the snapshot `from` points at and drop the `from` branch: the switch of a
// truncate that committed to a staging branch. A metadata-only change (no snapshot); the
// snapshot's schema becomes the current one; snapshots the move leaves beyond what `to` keeps
// are expired (`read` reads their manifests).
Result<PlannedCommit> PlanFastForward(const TableMetadata& base, const std::string& base_uri,
                                      const std::string& from, const std::string& to,
                                      const CommitIds& ids, const ObjectReader& read,
                                      const Maintenance& maintenance = {});

// Metadata files kept in metadata-log (Iceberg Java's write.metadata.previous-versions-max).
inline constexpr size_t kMetadataLogMax = 100;

// The URI of metadata file number `version` of a table:
// <location>/metadata/NNNNN-<uuid>.metadata.json.
std::string MetadataUri(const std::string& location, int64_t version, const std::string& uuid);
// The version number in such a URI (-1 if it has none).
int64_t MetadataVersion(const std::string& uri);

}  // namespace datalake::iceberg
