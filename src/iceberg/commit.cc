// Planning a commit: from the table's current metadata and what a commit adds or removes, the
// manifests, the manifest list and the next metadata file. Nothing here writes; the caller writes
// the objects, then the metadata file, then moves the catalog's pointer (the commit point).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
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

// Extend metadata-log with the metadata this commit replaces; the files that fall off its end
// (past kMetadataLogMax) go to `removable` when they are the table's own.
// The docs of `previous` (a schema's JSON as another writer wrote it) on the fields of `schema`
// (JSON) with the same ids: a schema this destination evolves keeps what people wrote there.
void CarryDocs(const json::Value& previous, json::Value* schema) {
  std::map<int64_t, json::Value> docs;
  auto collect = [&](auto&& self, const json::Value& node) -> void {
    if (!node.is_object()) return;
    if (const json::Value* fields = node.Find("fields"); fields != nullptr && fields->is_array()) {
      for (const json::Value& f : fields->items()) {
        const json::Value* id = f.Find("id");
        const json::Value* doc = f.Find("doc");
        if (id != nullptr && doc != nullptr && id->AsInt64()) docs.emplace(*id->AsInt64(), *doc);
        if (const json::Value* type = f.Find("type")) self(self, *type);
      }
    }
    for (const char* nested : {"element", "key", "value"}) {
      if (const json::Value* type = node.Find(nested)) self(self, *type);
    }
  };
  collect(collect, previous);
  if (docs.empty()) return;
  auto apply = [&](auto&& self, json::Value* node) -> void {
    if (!node->is_object()) return;
    if (json::Value* fields = node->FindMutable("fields");
        fields != nullptr && fields->is_array()) {
      for (json::Value& f : fields->mutable_items()) {
        const json::Value* id = f.Find("id");
        if (id != nullptr && id->AsInt64()) {
          if (auto it = docs.find(*id->AsInt64()); it != docs.end()) f.Set("doc", it->second);
        }
        if (json::Value* type = f.FindMutable("type")) self(self, type);
      }
    }
    for (const char* nested : {"element", "key", "value"}) {
      if (json::Value* type = node->FindMutable(nested)) self(self, type);
    }
  };
  apply(apply, schema);
}

void PutLog(const TableMetadata& base, const std::string& base_uri, TableMetadata* m,
            std::vector<std::string>* removable) {
  if (base_uri.empty()) return;
  m->metadata_log.push_back({base.last_updated_ms, base_uri});
  if (m->metadata_log.size() > kMetadataLogMax) {
    const auto end = m->metadata_log.end() - static_cast<std::ptrdiff_t>(kMetadataLogMax);
    for (auto it = m->metadata_log.begin(); it != end; ++it) {
      if (it->metadata_file.starts_with(m->location + "/metadata/")) {
        removable->push_back(it->metadata_file);
      }
    }
    m->metadata_log.erase(m->metadata_log.begin(), end);
  }
}

struct Totals {
  int64_t data_files = 0, records = 0, bytes = 0, delete_files = 0;
};

}  // namespace

std::pair<const schema::TableSchema*, int32_t> BranchSchema(const TableMetadata& metadata,
                                                            const std::string& branch,
                                                            bool staged) {
  int32_t id = metadata.current_schema_id;
  if (staged) {
    const SnapshotRef* ref = metadata.FindRef(branch);
    const Snapshot* head = ref != nullptr ? metadata.FindSnapshot(ref->snapshot_id) : nullptr;
    if (head != nullptr && head->schema_id.has_value()) id = *head->schema_id;
  }
  for (const TableMetadata::SchemaEntry& entry : metadata.schemas) {
    if (entry.schema_id == id) return {&entry.schema, id};
  }
  return {nullptr, id};
}

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

namespace {

// The state of one commit being planned; each step adds its objects and figures.
class Planner {
 public:
  Planner(const TableMetadata& base, const CommitRequest& request, const CommitIds& ids,
          const ObjectReader& read)
      : base_(base),
        request_(request),
        ids_(ids),
        read_(read),
        sequence_(base.last_sequence_number + 1),
        prefix_(base.location + "/metadata/" + ids.commit_uuid) {}

  // The schema of the commit's snapshot (new when the writer's changes it), made current
  // unless the request stages it.
  Status EvolveSchema(TableMetadata* m) {
    const auto [from, from_id] = BranchSchema(base_, request_.branch, request_.stage_schema);
    if (from == nullptr) return Status::InvalidInput("iceberg: a snapshot names no known schema");
    schema_id_ = from_id;
    if (request_.schema == nullptr) return Status::Ok();
    ASSIGN_OR_RETURN(
        schema::TableSchema evolved,
        EvolvedSchema(*from, *request_.schema, request_.remove_all, &m->last_column_id));
    if (json::Serialize(SchemaToJson(evolved, 0)) != json::Serialize(SchemaToJson(*from, 0))) {
      const int32_t new_id = NextSchemaId(*m);
      // Docs another writer gave its fields stay with them.
      json::Value as_json;
      for (const TableMetadata::SchemaEntry& entry : m->schemas) {
        if (entry.schema_id == from_id && !entry.json.is_null()) {
          as_json = SchemaToJson(evolved, new_id);
          CarryDocs(entry.json, &as_json);
        }
      }
      schema_id_ = new_id;
      m->schemas.push_back({schema_id_, std::move(evolved), std::move(as_json)});
      if (!request_.stage_schema) m->current_schema_id = schema_id_;
    }
    return Status::Ok();
  }

  // The spec the added files are written with, made the table's default.
  void EvolveSpec(TableMetadata* m) {
    if (request_.spec == nullptr) return;
    auto same_fields = [&](const PartitionSpec& s) {
      if (s.fields.size() != request_.spec->fields.size()) return false;
      for (size_t i = 0; i < s.fields.size(); ++i) {
        const PartitionField& a = s.fields[i];
        const PartitionField& b = request_.spec->fields[i];
        if (a.source_id != b.source_id || a.transform != b.transform || a.name != b.name) {
          return false;
        }
      }
      return true;
    };
    int32_t next_spec_id = 0;
    for (const PartitionSpec& s : m->partition_specs) {
      if (same_fields(s)) {
        m->default_spec_id = s.spec_id;
        return;
      }
      next_spec_id = std::max(next_spec_id, s.spec_id + 1);
    }
    PartitionSpec spec = *request_.spec;
    spec.spec_id = next_spec_id;
    for (PartitionField& field : spec.fields) {
      field.field_id = 0;
      for (const PartitionSpec& s : m->partition_specs) {
        for (const PartitionField& old : s.fields) {
          const bool taken = std::any_of(spec.fields.begin(), spec.fields.end(),
                                         [&](auto& f) { return f.field_id == old.field_id; });
          if (field.field_id == 0 && !taken && old.source_id == field.source_id &&
              old.transform == field.transform) {
            field.field_id = old.field_id;
          }
        }
      }
      if (field.field_id == 0) field.field_id = ++m->last_partition_id;
    }
    m->partition_specs.push_back(std::move(spec));
    m->default_spec_id = next_spec_id;
  }

  // One manifest of the added files, ADDED, their sequence numbers left to inheritance.
  Status AddFiles(const TableMetadata& m) {
    if (request_.added.empty()) return Status::Ok();
    std::vector<ManifestEntry> entries;
    for (const DataFileInfo& f : request_.added) {
      entries.push_back({EntryStatus::kAdded, ids_.snapshot_id, std::nullopt, std::nullopt, f});
      out_.added_records += f.record_count;
      added_bytes_ += f.file_size_in_bytes;
    }
    RETURN_IF_ERROR(Write(m, *m.default_spec(), entries, sequence_));
    totals_.data_files += static_cast<int64_t>(request_.added.size());
    totals_.records += out_.added_records;
    return Status::Ok();
  }

  // The parent snapshot's manifests: kept as they are, or with remove_all, the live files of
  // each data manifest as DELETED entries, or EXISTING ones where the request keeps them (one
  // rewritten manifest per partition spec); delete manifests go with the files they applied to
  // unless some stay.
  Status CarryOrDelete(const TableMetadata& m, const Snapshot& parent) {
    ASSIGN_OR_RETURN(std::string list_bytes, read_(parent.manifest_list));
    ASSIGN_OR_RETURN(std::vector<ManifestFile> carried, ReadManifestList(list_bytes));
    std::map<int32_t, std::vector<ManifestEntry>> deleted;
    if (!request_.remove_all) return CarryOrMerge(m, carried);
    for (const ManifestFile& listed : carried) {
      if (listed.content != 0) {
        // Delete files still apply to the data files that stay.
        if (request_.keeps) {
          manifests_.push_back(listed);
          totals_.delete_files += listed.added_files_count + listed.existing_files_count;
        }
        continue;
      }
      ASSIGN_OR_RETURN(std::string bytes, read_(listed.manifest_path));
      ASSIGN_OR_RETURN(ManifestRead manifest, ReadManifest(bytes, listed));
      for (ManifestEntry& e : manifest.entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        if (request_.keeps && request_.keeps(e.file)) {
          e.status = EntryStatus::kExisting;  // its snapshot and sequence numbers as they were
          ++totals_.data_files;
          totals_.records += e.file.record_count;
        } else {
          e.status = EntryStatus::kDeleted;
          e.snapshot_id = ids_.snapshot_id;
          ++deleted_files_;
          deleted_records_ += e.file.record_count;
          deleted_bytes_ += e.file.file_size_in_bytes;
        }
        deleted[listed.partition_spec_id].push_back(std::move(e));
      }
    }
    return WriteBySpec(m, deleted);
  }

  // The parent's manifests carried as they are, but small data manifests of a spec that has
  // Maintenance::merge_count of them: those become one, their live files EXISTING entries (with
  // their snapshot and sequence numbers) and their DELETED entries dropped (only the snapshot
  // that deleted a file needs them, and it keeps its own manifests).
  Status CarryOrMerge(const TableMetadata& m, const std::vector<ManifestFile>& carried) {
    const Maintenance& maintenance = request_.maintenance;
    auto small = [&](const ManifestFile& f) {
      return f.content == 0 && f.manifest_length < maintenance.merge_below_bytes;
    };
    std::map<int32_t, size_t> small_count;
    for (const ManifestFile& listed : carried) {
      if (small(listed)) ++small_count[listed.partition_spec_id];
    }
    std::map<int32_t, std::vector<ManifestEntry>> merged;
    for (const ManifestFile& listed : carried) {
      if (small(listed) && small_count[listed.partition_spec_id] >= maintenance.merge_count) {
        ASSIGN_OR_RETURN(std::string bytes, read_(listed.manifest_path));
        ASSIGN_OR_RETURN(ManifestRead manifest, ReadManifest(bytes, listed));
        std::vector<ManifestEntry>& into = merged[listed.partition_spec_id];
        for (ManifestEntry& e : manifest.entries) {
          if (e.status == EntryStatus::kDeleted) continue;
          e.status = EntryStatus::kExisting;
          ++totals_.data_files;
          totals_.records += e.file.record_count;
          into.push_back(std::move(e));
        }
        continue;
      }
      manifests_.push_back(listed);
      const int64_t files = listed.added_files_count + listed.existing_files_count;
      if (listed.content == 0) {
        totals_.data_files += files;
        totals_.records += listed.added_rows_count + listed.existing_rows_count;
      } else {
        totals_.delete_files += files;
      }
    }
    std::erase_if(merged, [](const auto& group) { return group.second.empty(); });
    return WriteBySpec(m, merged);
  }

  // One manifest per spec of `entries`.
  Status WriteBySpec(const TableMetadata& m,
                     const std::map<int32_t, std::vector<ManifestEntry>>& by_spec) {
    for (const auto& [spec_id, entries] : by_spec) {
      const PartitionSpec* spec = nullptr;
      for (const PartitionSpec& s : base_.partition_specs) {
        if (s.spec_id == spec_id) spec = &s;
      }
      if (spec == nullptr) {
        return Status::InvalidInput("iceberg: a manifest names an unknown partition spec");
      }
      int64_t min_sequence = sequence_;
      for (const ManifestEntry& e : entries) {
        min_sequence = std::min(min_sequence, e.sequence_number.value_or(sequence_));
      }
      RETURN_IF_ERROR(Write(m, *spec, entries, min_sequence));
    }
    return Status::Ok();
  }

  // The manifest list and the snapshot that names it.
  Result<Snapshot> Finish(std::optional<int64_t> parent) {
    const std::string list_uri = base_.location + "/metadata/snap-" +
                                 std::to_string(ids_.snapshot_id) + "-1-" + ids_.commit_uuid +
                                 ".avro";
    ASSIGN_OR_RETURN(std::string list,
                     WriteManifestList(ids_.snapshot_id, parent, sequence_, manifests_, ids_.sync));
    out_.objects.emplace_back(list_uri, std::move(list));
    Snapshot snapshot;
    snapshot.snapshot_id = ids_.snapshot_id;
    snapshot.parent_snapshot_id = parent;
    snapshot.sequence_number = sequence_;
    snapshot.timestamp_ms = ids_.now_ms;
    snapshot.manifest_list = list_uri;
    snapshot.schema_id = schema_id_;
    snapshot.summary = Summary();
    return snapshot;
  }

  int64_t sequence() const { return sequence_; }
  PlannedCommit* out() { return &out_; }

 private:
  int32_t schema_id_ = 0;  // the snapshot's schema
  Status Write(const TableMetadata& m, const PartitionSpec& spec,
               const std::vector<ManifestEntry>& entries, int64_t min_sequence) {
    ManifestFile listed;
    const schema::TableSchema* schema = nullptr;
    for (const TableMetadata::SchemaEntry& entry : m.schemas) {
      if (entry.schema_id == schema_id_) schema = &entry.schema;
    }
    if (schema == nullptr) return Status::Internal("iceberg: the commit's schema is missing");
    ASSIGN_OR_RETURN(std::string bytes,
                     WriteManifest(*schema, schema_id_, spec, entries, ids_.sync, &listed));
    listed.manifest_path = prefix_ + "-m" + std::to_string(manifests_written_++) + ".avro";
    listed.manifest_length = static_cast<int64_t>(bytes.size());
    listed.sequence_number = sequence_;
    listed.min_sequence_number = min_sequence;
    listed.added_snapshot_id = ids_.snapshot_id;
    out_.objects.emplace_back(listed.manifest_path, std::move(bytes));
    manifests_.push_back(std::move(listed));
    return Status::Ok();
  }

  StringPairs Summary() const {
    StringPairs summary = {{"operation", request_.remove_all ? "overwrite" : "append"},
                           {"added-data-files", std::to_string(request_.added.size())},
                           {"added-records", std::to_string(out_.added_records)},
                           {"added-files-size", std::to_string(added_bytes_)}};
    if (request_.remove_all) {
      summary.push_back({"deleted-data-files", std::to_string(deleted_files_)});
      summary.push_back({"deleted-records", std::to_string(deleted_records_)});
      summary.push_back({"removed-files-size", std::to_string(deleted_bytes_)});
    }
    // Sizes of carried files are not in the manifest list: there is no total size.
    summary.push_back({"total-records", std::to_string(totals_.records)});
    summary.push_back({"total-data-files", std::to_string(totals_.data_files)});
    summary.push_back({"total-delete-files", std::to_string(totals_.delete_files)});
    for (const auto& entry : request_.summary) summary.push_back(entry);
    return summary;
  }

  const TableMetadata& base_;
  const CommitRequest& request_;
  const CommitIds& ids_;
  const ObjectReader& read_;
  const int64_t sequence_;
  const std::string prefix_;
  PlannedCommit out_;
  std::vector<ManifestFile> manifests_;  // of the new snapshot, this commit's first
  int manifests_written_ = 0;
  Totals totals_;
  int64_t added_bytes_ = 0, deleted_files_ = 0, deleted_records_ = 0, deleted_bytes_ = 0;
};

// Point `branch` at `snapshot_id` (main: also the current snapshot and its log).
void MoveBranch(const std::string& branch, int64_t snapshot_id, int64_t now_ms, TableMetadata* m) {
  bool found = false;
  for (SnapshotRef& ref : m->refs) {
    if (ref.name == branch) {
      ref.snapshot_id = snapshot_id;
      found = true;
    }
  }
  if (!found) m->refs.push_back({branch, snapshot_id, "branch"});
  if (branch == "main") {
    m->current_snapshot_id = snapshot_id;
    m->snapshot_log.push_back({now_ms, snapshot_id});
  }
}

// Expire the snapshots no branch keeps (Maintenance::snapshots_kept of each branch's history,
// a tag's snapshot) once expire_batch of them are expirable: out of `m`, their snapshot-log
// entries with them, and into out->removable the manifest lists, manifests and data files of the
// table's location that no kept snapshot references. The new snapshot's objects are read from
// out->objects.
Status ExpireSnapshots(const Maintenance& maintenance, const ObjectReader& read, TableMetadata* m,
                       PlannedCommit* out) {
  std::set<int64_t> kept;
  for (const SnapshotRef& ref : m->refs) {
    std::optional<int64_t> id = ref.snapshot_id;
    const size_t depth = ref.type == "tag" ? 1 : maintenance.snapshots_kept;
    for (size_t n = 0; n < depth && id.has_value(); ++n) {
      const Snapshot* s = m->FindSnapshot(*id);
      if (s == nullptr) break;
      kept.insert(*id);
      id = s->parent_snapshot_id;
    }
  }
  if (m->current_snapshot_id) kept.insert(*m->current_snapshot_id);
  std::vector<const Snapshot*> expired;
  for (const Snapshot& s : m->snapshots) {
    if (kept.count(s.snapshot_id) == 0) expired.push_back(&s);
  }
  if (expired.empty() || expired.size() < maintenance.expire_batch) return Status::Ok();

  auto fetch = [&](const std::string& uri) -> Result<std::string> {
    for (const auto& [object_uri, bytes] : out->objects) {
      if (object_uri == uri) return bytes;
    }
    return read(uri);
  };
  // The manifests of a set of snapshots, by path.
  auto manifests_of = [&](auto&& snapshots, std::map<std::string, ManifestFile>* into) -> Status {
    for (const Snapshot* s : snapshots) {
      ASSIGN_OR_RETURN(std::string bytes, fetch(s->manifest_list));
      ASSIGN_OR_RETURN(std::vector<ManifestFile> listed, ReadManifestList(bytes));
      for (ManifestFile& f : listed) into->emplace(f.manifest_path, std::move(f));
    }
    return Status::Ok();
  };
  std::vector<const Snapshot*> kept_snapshots;
  for (const Snapshot& s : m->snapshots) {
    if (kept.count(s.snapshot_id) != 0) kept_snapshots.push_back(&s);
  }
  std::map<std::string, ManifestFile> kept_manifests, expired_manifests;
  RETURN_IF_ERROR(manifests_of(kept_snapshots, &kept_manifests));
  RETURN_IF_ERROR(manifests_of(expired, &expired_manifests));
  const std::string own = m->location + "/";
  std::set<std::string> removable, candidates;
  for (const Snapshot* s : expired) removable.insert(s->manifest_list);
  for (const auto& [path, listed] : expired_manifests) {
    if (kept_manifests.count(path) != 0) continue;
    removable.insert(path);
    ASSIGN_OR_RETURN(std::string bytes, fetch(path));
    ASSIGN_OR_RETURN(ManifestRead manifest, ReadManifest(bytes, listed));
    // A DELETED entry's file was live in an older manifest: it is a candidate through that one
    // (or was removed with it already).
    for (const ManifestEntry& e : manifest.entries) {
      if (e.status != EntryStatus::kDeleted) candidates.insert(e.file.file_path);
    }
  }
  if (!candidates.empty()) {
    // A file a kept snapshot still reads stays.
    for (const auto& [path, listed] : kept_manifests) {
      ASSIGN_OR_RETURN(std::string bytes, fetch(path));
      ASSIGN_OR_RETURN(ManifestRead manifest, ReadManifest(bytes, listed));
      for (const ManifestEntry& e : manifest.entries) {
        if (e.status != EntryStatus::kDeleted) candidates.erase(e.file.file_path);
      }
    }
    removable.insert(candidates.begin(), candidates.end());
  }
  for (const std::string& uri : removable) {
    if (uri.starts_with(own)) out->removable.push_back(uri);
  }

  std::set<int64_t> gone;
  for (const Snapshot* s : expired) gone.insert(s->snapshot_id);
  std::erase_if(m->snapshots, [&](const Snapshot& s) { return gone.count(s.snapshot_id) != 0; });
  // The snapshot log holds the main history after its last expired entry only (as Java keeps it).
  size_t start = 0;
  for (size_t i = 0; i < m->snapshot_log.size(); ++i) {
    if (gone.count(m->snapshot_log[i].snapshot_id) != 0) start = i + 1;
  }
  m->snapshot_log.erase(m->snapshot_log.begin(),
                        m->snapshot_log.begin() + static_cast<std::ptrdiff_t>(start));
  return Status::Ok();
}

}  // namespace

Result<PlannedCommit> PlanCommit(const TableMetadata& base, const std::string& base_uri,
                                 const CommitRequest& request, const CommitIds& ids,
                                 const ObjectReader& read) {
  if (base.current_schema() == nullptr) {
    return Status::InvalidInput("iceberg: the table has no current schema");
  }
  if (base.default_spec() == nullptr) {
    return Status::InvalidInput("iceberg: the table has no default spec");
  }
  Planner planner(base, request, ids, read);
  TableMetadata m = base;
  // Schema first: the manifests carry the schema they were written with.
  RETURN_IF_ERROR(planner.EvolveSchema(&m));
  planner.EvolveSpec(&m);
  RETURN_IF_ERROR(planner.AddFiles(m));
  const std::optional<int64_t> parent = BaseSnapshot(base, request.branch);
  if (parent) {
    const Snapshot* previous = base.FindSnapshot(*parent);
    if (previous == nullptr) {
      return Status::InvalidInput("iceberg: a branch names a snapshot the table lacks");
    }
    RETURN_IF_ERROR(planner.CarryOrDelete(m, *previous));
  }
  ASSIGN_OR_RETURN(Snapshot snapshot, planner.Finish(parent));
  m.snapshots.push_back(std::move(snapshot));
  m.last_sequence_number = planner.sequence();
  m.last_updated_ms = ids.now_ms;
  MoveBranch(request.branch, ids.snapshot_id, ids.now_ms, &m);
  PlannedCommit out = std::move(*planner.out());
  RETURN_IF_ERROR(ExpireSnapshots(request.maintenance, read, &m, &out));
  PutLog(base, base_uri, &m, &out.removable);
  out.metadata = std::move(m);
  out.metadata_uri = MetadataUri(base.location, MetadataVersion(base_uri) + 1, ids.commit_uuid);
  return out;
}

Result<PlannedCommit> PlanFastForward(const TableMetadata& base, const std::string& base_uri,
                                      const std::string& from, const std::string& to,
                                      const CommitIds& ids, const ObjectReader& read,
                                      const Maintenance& maintenance) {
  const int64_t now_ms = ids.now_ms;
  const SnapshotRef* source = base.FindRef(from);
  if (source == nullptr) return Status::InvalidInput("iceberg: the table has no branch " + from);
  PlannedCommit out;
  TableMetadata& m = out.metadata;
  m = base;
  const int64_t snapshot = source->snapshot_id;
  const Snapshot* head = base.FindSnapshot(snapshot);
  if (head == nullptr)
    return Status::InvalidInput("iceberg: branch " + from + " names no snapshot");
  if (head->schema_id.has_value()) m.current_schema_id = *head->schema_id;
  std::erase_if(m.refs, [&](const SnapshotRef& ref) { return ref.name == from; });
  MoveBranch(to, snapshot, now_ms, &m);
  m.last_updated_ms = now_ms;
  RETURN_IF_ERROR(ExpireSnapshots(maintenance, read, &m, &out));
  PutLog(base, base_uri, &m, &out.removable);
  out.metadata_uri = MetadataUri(base.location, MetadataVersion(base_uri) + 1, ids.commit_uuid);
  return out;
}

}  // namespace datalake::iceberg
