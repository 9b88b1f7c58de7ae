// Reading manifest lists and manifests of any Iceberg writer: fields are found by their field
// ids (names differ between writers), optional ones may be absent.
#include <cstdlib>
#include <string>
#include <utility>

#include "format/avro.h"
#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

using format::avro::SchemaNode;
using format::avro::Value;

Status Bad(std::string_view what) { return Status::InvalidInput("iceberg: " + std::string(what)); }

// A required int or long field.
Result<int64_t> Required(const Value& record, int32_t id, std::string_view what) {
  const Value* v = record.FieldById(id);
  if (v == nullptr || v->is_null())
    return Bad(std::string(what) + " has no field " + std::to_string(id));
  return v->i;
}

std::optional<int64_t> Optional(const Value& record, int32_t id) {
  const Value* v = record.FieldById(id);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return v->i;
}

// An int-keyed map (array of key/value records); `key_id` and `value_id` are its ids.
template <typename T, typename Get>
void IntMap(const Value& record, int32_t id, int32_t key_id, int32_t value_id, Get get,
            std::vector<std::pair<int32_t, T>>* out) {
  const Value* v = record.FieldById(id);
  if (v == nullptr || v->is_null()) return;
  for (const Value& entry : v->items) {
    const Value* key = entry.FieldById(key_id);
    const Value* value = entry.FieldById(value_id);
    if (key == nullptr || value == nullptr) continue;
    out->emplace_back(static_cast<int32_t>(key->i), get(*value));
  }
}

Result<PartitionValue> PartitionValueOf(const Value& v) {
  if (v.is_null()) return PartitionValue{};
  switch (v.schema->kind) {
    case SchemaNode::Kind::kInt:
      return PartitionValue{static_cast<int32_t>(v.i)};
    case SchemaNode::Kind::kLong:
      return PartitionValue{v.i};
    case SchemaNode::Kind::kString:
      return PartitionValue{v.s};
    case SchemaNode::Kind::kBoolean:
      return PartitionValue{v.i != 0};
    default:
      return Bad("a partition value of a type this destination does not write");
  }
}

}  // namespace

Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<format::avro::ContainerReader> reader,
                   format::avro::ContainerReader::Open(bytes));
  std::vector<ManifestFile> out;
  Value record;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) break;
    ManifestFile m;
    const Value* path = record.FieldById(500);
    if (path == nullptr || path->is_null()) return Bad("a manifest list entry has no path");
    m.manifest_path = path->s;
    ASSIGN_OR_RETURN(m.manifest_length, Required(record, 501, "a manifest list entry"));
    ASSIGN_OR_RETURN(int64_t spec, Required(record, 502, "a manifest list entry"));
    m.partition_spec_id = static_cast<int32_t>(spec);
    m.content = static_cast<int32_t>(Optional(record, 517).value_or(0));
    m.sequence_number = Optional(record, 515).value_or(0);
    m.min_sequence_number = Optional(record, 516).value_or(0);
    ASSIGN_OR_RETURN(m.added_snapshot_id, Required(record, 503, "a manifest list entry"));
    m.added_files_count = static_cast<int32_t>(Optional(record, 504).value_or(0));
    m.existing_files_count = static_cast<int32_t>(Optional(record, 505).value_or(0));
    m.deleted_files_count = static_cast<int32_t>(Optional(record, 506).value_or(0));
    m.added_rows_count = Optional(record, 512).value_or(0);
    m.existing_rows_count = Optional(record, 513).value_or(0);
    m.deleted_rows_count = Optional(record, 514).value_or(0);
    if (const Value* partitions = record.FieldById(507);
        partitions != nullptr && !partitions->is_null()) {
      std::vector<ManifestFile::FieldSummary> summaries;
      for (const Value& s : partitions->items) {
        ManifestFile::FieldSummary summary;
        summary.contains_null = Optional(s, 509).value_or(1) != 0;
        if (const Value* low = s.FieldById(510); low != nullptr && !low->is_null())
          summary.lower_bound = low->s;
        if (const Value* high = s.FieldById(511); high != nullptr && !high->is_null())
          summary.upper_bound = high->s;
        summaries.push_back(std::move(summary));
      }
      m.partitions = std::move(summaries);
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<ManifestRead> ReadManifest(std::string_view bytes, const ManifestFile& listed) {
  ASSIGN_OR_RETURN(std::unique_ptr<format::avro::ContainerReader> reader,
                   format::avro::ContainerReader::Open(bytes));
  ManifestRead out;
  out.partition_spec_id = listed.partition_spec_id;
  out.content = listed.content;
  if (const std::string* id = reader->Metadata("schema-id")) out.schema_id = std::atoi(id->c_str());
  if (const std::string* content = reader->Metadata("content")) {
    out.content = *content == "deletes" ? 1 : 0;
  }
  Value record;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) break;
    ManifestEntry entry;
    ASSIGN_OR_RETURN(int64_t status, Required(record, 0, "a manifest entry"));
    if (status < 0 || status > 2)
      return Bad("a manifest entry has status " + std::to_string(status));
    entry.status = static_cast<EntryStatus>(status);
    entry.snapshot_id = Optional(record, 1).value_or(listed.added_snapshot_id);
    entry.sequence_number = Optional(record, 3);
    entry.file_sequence_number = Optional(record, 4);
    // Sequence number inheritance (spec): ADDED entries written with nulls take the manifest's.
    if (entry.status == EntryStatus::kAdded) {
      if (!entry.sequence_number) entry.sequence_number = listed.sequence_number;
      if (!entry.file_sequence_number) entry.file_sequence_number = listed.sequence_number;
    }
    const Value* file = record.FieldById(2);
    if (file == nullptr || file->is_null()) return Bad("a manifest entry has no data file");
    DataFileInfo& f = entry.file;
    f.content = static_cast<int32_t>(Optional(*file, 134).value_or(0));
    const Value* path = file->FieldById(100);
    const Value* format = file->FieldById(101);
    if (path == nullptr || format == nullptr) return Bad("a data file has no path or format");
    f.file_path = path->s;
    f.file_format = format->s;
    if (const Value* partition = file->FieldById(102); partition != nullptr) {
      for (const Value& v : partition->items) {
        ASSIGN_OR_RETURN(PartitionValue value, PartitionValueOf(v));
        f.partition.push_back(std::move(value));
      }
    }
    ASSIGN_OR_RETURN(f.record_count, Required(*file, 103, "a data file"));
    ASSIGN_OR_RETURN(f.file_size_in_bytes, Required(*file, 104, "a data file"));
    auto as_long = [](const Value& v) { return v.i; };
    auto as_bytes = [](const Value& v) { return v.s; };
    IntMap<int64_t>(*file, 108, 117, 118, as_long, &f.column_sizes);
    IntMap<int64_t>(*file, 109, 119, 120, as_long, &f.value_counts);
    IntMap<int64_t>(*file, 110, 121, 122, as_long, &f.null_value_counts);
    IntMap<int64_t>(*file, 137, 138, 139, as_long, &f.nan_value_counts);
    IntMap<std::string>(*file, 125, 126, 127, as_bytes, &f.lower_bounds);
    IntMap<std::string>(*file, 128, 129, 130, as_bytes, &f.upper_bounds);
    if (const Value* splits = file->FieldById(132); splits != nullptr && !splits->is_null()) {
      for (const Value& s : splits->items) f.split_offsets.push_back(s.i);
    }
    f.sort_order_id.reset();
    if (std::optional<int64_t> order = Optional(*file, 140))
      f.sort_order_id = static_cast<int32_t>(*order);
    out.entries.push_back(std::move(entry));
  }
  return out;
}

}  // namespace datalake::iceberg
