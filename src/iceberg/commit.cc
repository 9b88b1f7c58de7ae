// Planning a commit: from the table's current metadata and what a commit adds or removes, the
// manifests, the manifest list and the next metadata file. Nothing here writes; the caller writes
// the objects, then the metadata file, then moves the catalog's pointer (the commit point).
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

// Where the branch's files are: its snapshot, or for a new branch the one it forks from (main).
std::optional<int64_t> BaseSnapshot(const TableMetadata& m, const std::string& branch) {
  if (const SnapshotRef* ref = m.FindRef(branch)) return ref->snapshot_id;
  if (const SnapshotRef* main = m.FindRef("main")) return main->snapshot_id;
  return m.current_snapshot_id;
}

int32_t NextSchemaId(const TableMetadata& m) {
  int32_t most = -1;
  for (const TableMetadata::SchemaEntry& s : m.schemas) most = std::max(most, s.schema_id);
  return most + 1;
}

// The table's schema after a commit with `writer` (ids not set): with `replace`, the writer's
// schema (ids kept where names and types allow); otherwise the current one with the writer's new
// columns and nested fields added and its promotions applied.
Result<schema::TableSchema> EvolvedSchema(const schema::TableSchema& current,
                                          const schema::TableSchema& writer, bool replace,
                                          int32_t* last_column_id) {
  schema::TableSchema ids = writer;
  RETURN_IF_ERROR(AssignFieldIds(&current, last_column_id, &ids));
  if (replace) return ids;
  return MergeSchemas(current, ids);
}

void PutLog(const TableMetadata& base, const std::string& base_uri, TableMetadata* m) {
  if (base_uri.empty()) return;
  m->metadata_log.push_back({base.last_updated_ms, base_uri});
  if (m->metadata_log.size() > kMetadataLogMax) {
    m->metadata_log.erase(m->metadata_log.begin(),
                          m->metadata_log.end() - static_cast<std::ptrdiff_t>(kMetadataLogMax));
  }
}

struct Totals {
  int64_t data_files = 0, records = 0, bytes = 0, delete_files = 0;
};

}  // namespace

std::string MetadataUri(const std::string& location, int64_t version, const std::string& uuid) {
  char number[32];
  std::snprintf(number, sizeof(number), "%05lld", static_cast<long long>(version));
  return location + "/metadata/" + number + "-" + uuid + ".metadata.json";
}

int64_t MetadataVersion(const std::string& uri) {
  const size_t slash = uri.rfind('/');
  const std::string name = slash == std::string::npos ? uri : uri.substr(slash + 1);
  const size_t dash = name.find('-');
  if (dash == std::string::npos || dash == 0) return -1;
  int64_t version = 0;
  for (size_t i = 0; i < dash; ++i) {
    if (name[i] < '0' || name[i] > '9' || version > (INT64_MAX - 9) / 10) return -1;
    version = version * 10 + (name[i] - '0');
  }
  return version;
}

Result<PlannedCommit> PlanCommit(const TableMetadata& base, const std::string& base_uri,
                                 const CommitRequest& request, const CommitIds& ids,
                                 const ObjectReader& read) {
  PlannedCommit out;
  TableMetadata& m = out.metadata;
  m = base;
  const schema::TableSchema* current = base.current_schema();
  if (current == nullptr) return Status::InvalidInput("iceberg: the table has no current schema");
  const PartitionSpec* spec = base.default_spec();
  if (spec == nullptr) return Status::InvalidInput("iceberg: the table has no default spec");

  // Schema first: the manifests carry the schema they were written with.
  if (request.schema != nullptr) {
    ASSIGN_OR_RETURN(
        schema::TableSchema evolved,
        EvolvedSchema(*current, *request.schema, request.remove_all, &m.last_column_id));
    if (json::Serialize(SchemaToJson(evolved, 0)) != json::Serialize(SchemaToJson(*current, 0))) {
      const int32_t id = NextSchemaId(m);
      m.schemas.push_back({id, std::move(evolved), json::Value()});
      m.current_schema_id = id;
    }
  }
  const schema::TableSchema& schema = *m.current_schema();
  const int64_t sequence = base.last_sequence_number + 1;
  const std::string prefix = base.location + "/metadata/" + ids.commit_uuid;
  std::vector<ManifestFile> manifests;
  Totals totals;
  int64_t added_bytes = 0, deleted_files = 0, deleted_records = 0, deleted_bytes = 0;

  if (!request.added.empty()) {
    std::vector<ManifestEntry> entries;
    for (const DataFileInfo& f : request.added) {
      entries.push_back({EntryStatus::kAdded, ids.snapshot_id, std::nullopt, std::nullopt, f});
      out.added_records += f.record_count;
      added_bytes += f.file_size_in_bytes;
    }
    ManifestFile listed;
    ASSIGN_OR_RETURN(std::string bytes,
                     WriteManifest(schema, m.current_schema_id, *spec, entries, ids.sync, &listed));
    listed.manifest_path = prefix + "-m0.avro";
    listed.manifest_length = static_cast<int64_t>(bytes.size());
    listed.sequence_number = sequence;
    listed.min_sequence_number = sequence;
    listed.added_snapshot_id = ids.snapshot_id;
    out.objects.emplace_back(listed.manifest_path, std::move(bytes));
    manifests.push_back(std::move(listed));
    totals.data_files += static_cast<int64_t>(request.added.size());
    totals.records += out.added_records;
    totals.bytes += added_bytes;
  }

  const std::optional<int64_t> parent = BaseSnapshot(base, request.branch);
  if (parent) {
    const Snapshot* previous = base.FindSnapshot(*parent);
    if (previous == nullptr)
      return Status::InvalidInput("iceberg: a branch names a snapshot the table lacks");
    ASSIGN_OR_RETURN(std::string list_bytes, read(previous->manifest_list));
    ASSIGN_OR_RETURN(std::vector<ManifestFile> carried, ReadManifestList(list_bytes));
    // With remove_all, the live files of each data manifest become DELETED entries, one
    // rewritten manifest per partition spec; delete manifests go with the files they applied to.
    std::map<int32_t, std::vector<ManifestEntry>> deleted;
    for (const ManifestFile& listed : carried) {
      if (!request.remove_all) {
        manifests.push_back(listed);
        if (listed.content == 0) {
          totals.data_files += listed.added_files_count + listed.existing_files_count;
          totals.records += listed.added_rows_count + listed.existing_rows_count;
        } else {
          totals.delete_files += listed.added_files_count + listed.existing_files_count;
        }
        continue;
      }
      if (listed.content != 0) continue;
      ASSIGN_OR_RETURN(std::string bytes, read(listed.manifest_path));
      ASSIGN_OR_RETURN(ManifestRead manifest, ReadManifest(bytes, listed));
      for (ManifestEntry& e : manifest.entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        e.status = EntryStatus::kDeleted;
        e.snapshot_id = ids.snapshot_id;
        ++deleted_files;
        deleted_records += e.file.record_count;
        deleted_bytes += e.file.file_size_in_bytes;
        deleted[listed.partition_spec_id].push_back(std::move(e));
      }
    }
    int n = 1;
    for (auto& [spec_id, entries] : deleted) {
      const PartitionSpec* old_spec = nullptr;
      for (const PartitionSpec& s : base.partition_specs) {
        if (s.spec_id == spec_id) old_spec = &s;
      }
      if (old_spec == nullptr)
        return Status::InvalidInput("iceberg: a manifest names an unknown partition spec");
      ManifestFile listed;
      ASSIGN_OR_RETURN(std::string bytes, WriteManifest(schema, m.current_schema_id, *old_spec,
                                                        entries, ids.sync, &listed));
      listed.manifest_path = prefix + "-m" + std::to_string(n++) + ".avro";
      listed.manifest_length = static_cast<int64_t>(bytes.size());
      listed.sequence_number = sequence;
      int64_t min_sequence = sequence;
      for (const ManifestEntry& e : entries)
        min_sequence = std::min(min_sequence, e.sequence_number.value_or(sequence));
      listed.min_sequence_number = min_sequence;
      listed.added_snapshot_id = ids.snapshot_id;
      out.objects.emplace_back(listed.manifest_path, std::move(bytes));
      manifests.push_back(std::move(listed));
    }
  }

  const std::string list_uri = base.location + "/metadata/snap-" + std::to_string(ids.snapshot_id) +
                               "-1-" + ids.commit_uuid + ".avro";
  ASSIGN_OR_RETURN(std::string list,
                   WriteManifestList(ids.snapshot_id, parent, sequence, manifests, ids.sync));
  out.objects.emplace_back(list_uri, std::move(list));

  Snapshot snapshot;
  snapshot.snapshot_id = ids.snapshot_id;
  snapshot.parent_snapshot_id = parent;
  snapshot.sequence_number = sequence;
  snapshot.timestamp_ms = ids.now_ms;
  snapshot.manifest_list = list_uri;
  snapshot.schema_id = m.current_schema_id;
  snapshot.summary = {{"operation", request.remove_all ? "overwrite" : "append"},
                      {"added-data-files", std::to_string(request.added.size())},
                      {"added-records", std::to_string(out.added_records)},
                      {"added-files-size", std::to_string(added_bytes)}};
  if (request.remove_all) {
    snapshot.summary.push_back({"deleted-data-files", std::to_string(deleted_files)});
    snapshot.summary.push_back({"deleted-records", std::to_string(deleted_records)});
    snapshot.summary.push_back({"removed-files-size", std::to_string(deleted_bytes)});
  }
  // Sizes of carried files are not in the manifest list: the total size counts this commit's.
  snapshot.summary.push_back({"total-records", std::to_string(totals.records)});
  snapshot.summary.push_back({"total-data-files", std::to_string(totals.data_files)});
  snapshot.summary.push_back({"total-delete-files", std::to_string(totals.delete_files)});
  for (const auto& entry : request.summary) snapshot.summary.push_back(entry);
  m.snapshots.push_back(std::move(snapshot));
  m.last_sequence_number = sequence;
  m.last_updated_ms = ids.now_ms;
  bool found = false;
  for (SnapshotRef& ref : m.refs) {
    if (ref.name == request.branch) {
      ref.snapshot_id = ids.snapshot_id;
      found = true;
    }
  }
  if (!found) m.refs.push_back({request.branch, ids.snapshot_id, "branch"});
  if (request.branch == "main") {
    m.current_snapshot_id = ids.snapshot_id;
    m.snapshot_log.push_back({ids.now_ms, ids.snapshot_id});
  }
  PutLog(base, base_uri, &m);
  out.metadata_uri = MetadataUri(base.location, MetadataVersion(base_uri) + 1, ids.commit_uuid);
  return out;
}

Result<PlannedCommit> PlanFastForward(const TableMetadata& base, const std::string& base_uri,
                                      const std::string& from, const std::string& to,
                                      const CommitIds& ids) {
  const int64_t now_ms = ids.now_ms;
  const SnapshotRef* source = base.FindRef(from);
  if (source == nullptr) return Status::InvalidInput("iceberg: the table has no branch " + from);
  PlannedCommit out;
  TableMetadata& m = out.metadata;
  m = base;
  const int64_t snapshot = source->snapshot_id;
  std::erase_if(m.refs, [&](const SnapshotRef& ref) { return ref.name == from; });
  bool found = false;
  for (SnapshotRef& ref : m.refs) {
    if (ref.name == to) {
      ref.snapshot_id = snapshot;
      found = true;
    }
  }
  if (!found) m.refs.push_back({to, snapshot, "branch"});
  if (to == "main") {
    m.current_snapshot_id = snapshot;
    m.snapshot_log.push_back({now_ms, snapshot});
  }
  m.last_updated_ms = now_ms;
  PutLog(base, base_uri, &m);
  out.metadata_uri = MetadataUri(base.location, MetadataVersion(base_uri) + 1, ids.commit_uuid);
  return out;
}

}  // namespace datalake::iceberg
