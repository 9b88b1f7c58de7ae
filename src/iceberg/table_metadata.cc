// Table metadata JSON, format version 2 (Iceberg spec, "Table Metadata Fields"), written in the
// member order Iceberg Java writes it, and read from any writer's file.
#include <string>
#include <utility>

#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

using json::Value;

// Members this file models; anything else is kept as read.
constexpr std::string_view kModelled[] = {"format-version",
                                          "table-uuid",
                                          "location",
                                          "last-sequence-number",
                                          "last-updated-ms",
                                          "last-column-id",
                                          "current-schema-id",
                                          "schemas",
                                          "partition-specs",
                                          "default-spec-id",
                                          "last-partition-id",
                                          "properties",
                                          "current-snapshot-id",
                                          "refs",
                                          "snapshots",
                                          "snapshot-log",
                                          "metadata-log",
                                          "schema",
                                          "partition-spec"};

Value StringMap(const StringPairs& pairs) {
  std::vector<Value::Member> members;
  for (const auto& [key, value] : pairs) members.emplace_back(key, Value::String(value));
  return Value::Object(std::move(members));
}

Value SpecToJson(const PartitionSpec& spec) {
  std::vector<Value> fields;
  for (const PartitionField& f : spec.fields) {
    fields.push_back(Value::Object({{"name", Value::String(f.name)},
                                    {"transform", Value::String(f.transform)},
                                    {"source-id", Value::Int(f.source_id)},
                                    {"field-id", Value::Int(f.field_id)}}));
  }
  return Value::Object(
      {{"spec-id", Value::Int(spec.spec_id)}, {"fields", Value::Array(std::move(fields))}});
}

Value SnapshotToJson(const Snapshot& s) {
  if (!s.json.is_null()) return s.json;
  std::vector<Value::Member> members;
  members.reserve(7);
  members.emplace_back("sequence-number", Value::Int(s.sequence_number));
  members.emplace_back("snapshot-id", Value::Int(s.snapshot_id));
  if (s.parent_snapshot_id)
    members.emplace_back("parent-snapshot-id", Value::Int(*s.parent_snapshot_id));
  members.emplace_back("timestamp-ms", Value::Int(s.timestamp_ms));
  members.emplace_back("summary", StringMap(s.summary));
  members.emplace_back("manifest-list", Value::String(s.manifest_list));
  if (s.schema_id) members.emplace_back("schema-id", Value::Int(*s.schema_id));
  return Value::Object(std::move(members));
}

// ---- reading ----

Status Missing(std::string_view what) {
  return Status::InvalidInput("iceberg: table metadata has no valid " + std::string(what));
}

Result<int64_t> Int(const Value& object, std::string_view key) {
  const Value* v = object.Find(key);
  std::optional<int64_t> n = v != nullptr ? v->AsInt64() : std::nullopt;
  if (!n) return Missing(key);
  return *n;
}

Result<int32_t> Int32(const Value& object, std::string_view key) {
  ASSIGN_OR_RETURN(int64_t n, Int(object, key));
  if (n < INT32_MIN || n > INT32_MAX) return Missing(key);
  return static_cast<int32_t>(n);
}

Result<std::string> Text(const Value& object, std::string_view key) {
  const Value* v = object.Find(key);
  if (v == nullptr || !v->is_string()) return Missing(key);
  return v->text();
}

Result<StringPairs> Pairs(const Value* object, std::string_view what) {
  StringPairs out;
  if (object == nullptr) return out;
  if (!object->is_object()) return Missing(what);
  for (const auto& [key, value] : object->members()) {
    if (!value.is_string()) return Missing(what);
    out.emplace_back(key, value.text());
  }
  return out;
}

const Value* Array(const Value& object, std::string_view key) {
  const Value* v = object.Find(key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

Result<PartitionSpec> SpecFromJson(const Value& value) {
  PartitionSpec spec;
  ASSIGN_OR_RETURN(spec.spec_id, Int32(value, "spec-id"));
  const Value* fields = Array(value, "fields");
  if (fields == nullptr) return Missing("partition spec fields");
  for (const Value& f : fields->items()) {
    PartitionField field;
    ASSIGN_OR_RETURN(field.name, Text(f, "name"));
    ASSIGN_OR_RETURN(field.transform, Text(f, "transform"));
    ASSIGN_OR_RETURN(field.source_id, Int32(f, "source-id"));
    ASSIGN_OR_RETURN(field.field_id, Int32(f, "field-id"));
    spec.fields.push_back(std::move(field));
  }
  return spec;
}

Result<Snapshot> SnapshotFromJson(const Value& value) {
  Snapshot s;
  s.json = value;
  ASSIGN_OR_RETURN(s.snapshot_id, Int(value, "snapshot-id"));
  if (const Value* parent = value.Find("parent-snapshot-id");
      parent != nullptr && !parent->is_null()) {
    ASSIGN_OR_RETURN(s.parent_snapshot_id, Int(value, "parent-snapshot-id"));
  }
  ASSIGN_OR_RETURN(s.sequence_number, Int(value, "sequence-number"));
  ASSIGN_OR_RETURN(s.timestamp_ms, Int(value, "timestamp-ms"));
  ASSIGN_OR_RETURN(s.manifest_list, Text(value, "manifest-list"));
  ASSIGN_OR_RETURN(s.summary, Pairs(value.Find("summary"), "snapshot summary"));
  if (value.Find("schema-id") != nullptr) {
    ASSIGN_OR_RETURN(s.schema_id, Int32(value, "schema-id"));
  }
  return s;
}

}  // namespace

const schema::TableSchema* TableMetadata::current_schema() const {
  for (const SchemaEntry& entry : schemas) {
    if (entry.schema_id == current_schema_id) return &entry.schema;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::default_spec() const {
  for (const PartitionSpec& spec : partition_specs) {
    if (spec.spec_id == default_spec_id) return &spec;
  }
  return nullptr;
}

const Snapshot* TableMetadata::FindSnapshot(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const SnapshotRef* TableMetadata::FindRef(std::string_view name) const {
  for (const SnapshotRef& ref : refs) {
    if (ref.name == name) return &ref;
  }
  return nullptr;
}

TableMetadata NewTableMetadata(std::string table_uuid, std::string location,
                               schema::TableSchema schema, PartitionSpec spec,
                               StringPairs properties, int64_t now_ms) {
  TableMetadata m;
  m.table_uuid = std::move(table_uuid);
  m.location = std::move(location);
  m.last_updated_ms = now_ms;
  m.last_column_id = MaxFieldId(schema);
  m.schemas.push_back({0, std::move(schema), json::Value()});
  for (const PartitionField& f : spec.fields) {
    m.last_partition_id = std::max(m.last_partition_id, f.field_id);
  }
  m.partition_specs.push_back(std::move(spec));
  m.default_spec_id = m.partition_specs.back().spec_id;
  m.properties = std::move(properties);
  m.kept.emplace_back(
      "sort-orders",
      Value::Array({Value::Object({{"order-id", Value::Int(0)}, {"fields", Value::Array()}})}));
  m.kept.emplace_back("default-sort-order-id", Value::Int(0));
  return m;
}

Value MetadataToJson(const TableMetadata& m) {
  std::vector<Value::Member> out;
  out.reserve(18 + m.kept.size());
  out.emplace_back("format-version", Value::Int(2));
  out.emplace_back("table-uuid", Value::String(m.table_uuid));
  out.emplace_back("location", Value::String(m.location));
  out.emplace_back("last-sequence-number", Value::Int(m.last_sequence_number));
  out.emplace_back("last-updated-ms", Value::Int(m.last_updated_ms));
  out.emplace_back("last-column-id", Value::Int(m.last_column_id));
  out.emplace_back("current-schema-id", Value::Int(m.current_schema_id));
  std::vector<Value> schemas;
  for (const TableMetadata::SchemaEntry& entry : m.schemas) {
    schemas.push_back(entry.json.is_null() ? SchemaToJson(entry.schema, entry.schema_id)
                                           : entry.json);
  }
  out.emplace_back("schemas", Value::Array(std::move(schemas)));
  out.emplace_back("default-spec-id", Value::Int(m.default_spec_id));
  std::vector<Value> specs;
  for (const PartitionSpec& spec : m.partition_specs) specs.push_back(SpecToJson(spec));
  out.emplace_back("partition-specs", Value::Array(std::move(specs)));
  out.emplace_back("last-partition-id", Value::Int(m.last_partition_id));
  out.emplace_back("properties", StringMap(m.properties));
  out.emplace_back("current-snapshot-id", Value::Int(m.current_snapshot_id.value_or(-1)));
  std::vector<Value::Member> refs;
  for (const SnapshotRef& ref : m.refs) {
    refs.emplace_back(ref.name, Value::Object({{"snapshot-id", Value::Int(ref.snapshot_id)},
                                               {"type", Value::String(ref.type)}}));
  }
  out.emplace_back("refs", Value::Object(std::move(refs)));
  std::vector<Value> snapshots;
  for (const Snapshot& s : m.snapshots) snapshots.push_back(SnapshotToJson(s));
  out.emplace_back("snapshots", Value::Array(std::move(snapshots)));
  std::vector<Value> snapshot_log;
  for (const SnapshotLogEntry& e : m.snapshot_log) {
    snapshot_log.push_back(Value::Object({{"timestamp-ms", Value::Int(e.timestamp_ms)},
                                          {"snapshot-id", Value::Int(e.snapshot_id)}}));
  }
  out.emplace_back("snapshot-log", Value::Array(std::move(snapshot_log)));
  std::vector<Value> metadata_log;
  for (const MetadataLogEntry& e : m.metadata_log) {
    metadata_log.push_back(Value::Object({{"timestamp-ms", Value::Int(e.timestamp_ms)},
                                          {"metadata-file", Value::String(e.metadata_file)}}));
  }
  out.emplace_back("metadata-log", Value::Array(std::move(metadata_log)));
  for (const Value::Member& member : m.kept) out.push_back(member);
  return Value::Object(std::move(out));
}

Result<TableMetadata> MetadataFromJson(const Value& value) {
  if (!value.is_object()) return Missing("object");
  ASSIGN_OR_RETURN(int64_t version, Int(value, "format-version"));
  if (version != 2) {
    return Status::InvalidInput("iceberg: the table is format version " + std::to_string(version) +
                                "; this destination writes version 2 tables");
  }
  TableMetadata m;
  ASSIGN_OR_RETURN(m.table_uuid, Text(value, "table-uuid"));
  ASSIGN_OR_RETURN(m.location, Text(value, "location"));
  ASSIGN_OR_RETURN(m.last_sequence_number, Int(value, "last-sequence-number"));
  ASSIGN_OR_RETURN(m.last_updated_ms, Int(value, "last-updated-ms"));
  ASSIGN_OR_RETURN(m.last_column_id, Int32(value, "last-column-id"));
  ASSIGN_OR_RETURN(m.current_schema_id, Int32(value, "current-schema-id"));
  const Value* schemas = Array(value, "schemas");
  if (schemas == nullptr) return Missing("schemas");
  for (const Value& s : schemas->items()) {
    ASSIGN_OR_RETURN(int32_t id, Int32(s, "schema-id"));
    ASSIGN_OR_RETURN(schema::TableSchema schema, SchemaFromJson(s));
    m.schemas.push_back({id, std::move(schema), s});
  }
  if (m.current_schema() == nullptr) return Missing("current-schema-id");
  const Value* specs = Array(value, "partition-specs");
  if (specs == nullptr) return Missing("partition-specs");
  for (const Value& s : specs->items()) {
    ASSIGN_OR_RETURN(PartitionSpec spec, SpecFromJson(s));
    m.partition_specs.push_back(std::move(spec));
  }
  ASSIGN_OR_RETURN(m.default_spec_id, Int32(value, "default-spec-id"));
  if (m.default_spec() == nullptr) return Missing("default-spec-id");
  ASSIGN_OR_RETURN(m.last_partition_id, Int32(value, "last-partition-id"));
  ASSIGN_OR_RETURN(m.properties, Pairs(value.Find("properties"), "properties"));
  if (const Value* current = value.Find("current-snapshot-id");
      current != nullptr && !current->is_null()) {
    ASSIGN_OR_RETURN(int64_t id, Int(value, "current-snapshot-id"));
    if (id != -1) m.current_snapshot_id = id;
  }
  if (const Value* snapshots = Array(value, "snapshots")) {
    for (const Value& s : snapshots->items()) {
      ASSIGN_OR_RETURN(Snapshot snapshot, SnapshotFromJson(s));
      m.snapshots.push_back(std::move(snapshot));
    }
  }
  if (const Value* refs = value.Find("refs"); refs != nullptr && refs->is_object()) {
    for (const auto& [name, ref] : refs->members()) {
      SnapshotRef r;
      r.name = name;
      ASSIGN_OR_RETURN(r.snapshot_id, Int(ref, "snapshot-id"));
      ASSIGN_OR_RETURN(r.type, Text(ref, "type"));
      m.refs.push_back(std::move(r));
    }
  }
  // A v1-style table without refs: main is the current snapshot (spec, "Snapshot References").
  if (m.FindRef("main") == nullptr && m.current_snapshot_id) {
    m.refs.push_back(SnapshotRef{"main", *m.current_snapshot_id, "branch"});
  }
  if (const Value* log = Array(value, "snapshot-log")) {
    for (const Value& e : log->items()) {
      SnapshotLogEntry entry;
      ASSIGN_OR_RETURN(entry.timestamp_ms, Int(e, "timestamp-ms"));
      ASSIGN_OR_RETURN(entry.snapshot_id, Int(e, "snapshot-id"));
      m.snapshot_log.push_back(entry);
    }
  }
  if (const Value* log = Array(value, "metadata-log")) {
    for (const Value& e : log->items()) {
      MetadataLogEntry entry;
      ASSIGN_OR_RETURN(entry.timestamp_ms, Int(e, "timestamp-ms"));
      ASSIGN_OR_RETURN(entry.metadata_file, Text(e, "metadata-file"));
      m.metadata_log.push_back(std::move(entry));
    }
  }
  for (const Value::Member& member : value.members()) {
    bool modelled = false;
    for (std::string_view key : kModelled) modelled = modelled || member.first == key;
    if (!modelled) m.kept.push_back(member);
  }
  return m;
}

}  // namespace datalake::iceberg
