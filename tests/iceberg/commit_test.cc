// Planning commits without I/O (objects kept in a map): sequence numbers, the branch a commit
// moves, what an overwrite marks deleted, schema evolution, the capped metadata log, names.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

using schema::DataType;
using schema::Field;
using schema::TypeKind;

class CommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema::TableSchema schema{{Field{"id", "id", DataType::Of(TypeKind::kInt32)}}};
    int32_t last = 0;
    ASSERT_TRUE(AssignFieldIds(nullptr, &last, &schema).ok());
    metadata_ = NewTableMetadata("u", "s3://b/t", schema, PartitionSpec{}, {}, 1);
    uri_ = MetadataUri("s3://b/t", 0, "first");
  }

  DataFileInfo File(const std::string& name, int64_t rows) {
    DataFileInfo f;
    f.file_path = "s3://b/t/data/" + name;
    f.record_count = rows;
    f.file_size_in_bytes = 100 * rows;
    return f;
  }

  Result<PlannedCommit> Plan(const CommitRequest& request) {
    CommitIds ids;
    ids.snapshot_id = ++snapshots_;
    ids.commit_uuid = "u" + std::to_string(snapshots_);
    ids.now_ms = 10 * snapshots_;
    return PlanCommit(metadata_, uri_, request, ids, Reader());
  }

  ObjectReader Reader() {
    return [this](const std::string& uri) -> Result<std::string> {
      auto it = objects_.find(uri);
      if (it == objects_.end()) return Status::NotFound(uri);
      return it->second;
    };
  }

  void Apply(PlannedCommit planned) {
    for (auto& [uri, bytes] : planned.objects) objects_[uri] = std::move(bytes);
    metadata_ = std::move(planned.metadata);
    uri_ = planned.metadata_uri;
  }

  void Commit(const CommitRequest& request) {
    auto planned = Plan(request);
    ASSERT_TRUE(planned.ok()) << planned.status().ToString();
    Apply(std::move(*planned));
  }

  std::vector<ManifestFile> CurrentManifests(const std::string& branch = "main") {
    const Snapshot* s = metadata_.FindSnapshot(metadata_.FindRef(branch)->snapshot_id);
    auto list = ReadManifestList(objects_.at(s->manifest_list));
    EXPECT_TRUE(list.ok());
    return *list;
  }

  TableMetadata metadata_;
  std::string uri_;
  std::map<std::string, std::string> objects_;
  int64_t snapshots_ = 0;
};

TEST_F(CommitTest, AppendsAddAManifestEachAndKeepTheOthers) {
  CommitRequest append;
  append.added = {File("a", 2), File("b", 3)};
  Commit(append);
  append.added = {File("c", 4)};
  Commit(append);
  EXPECT_EQ(metadata_.last_sequence_number, 2);
  EXPECT_EQ(metadata_.current_snapshot_id, 2);
  EXPECT_EQ(metadata_.FindSnapshot(2)->parent_snapshot_id, 1);
  EXPECT_EQ(metadata_.FindRef("main")->snapshot_id, 2);
  EXPECT_EQ(uri_, "s3://b/t/metadata/00002-u2.metadata.json");
  const std::vector<ManifestFile> manifests = CurrentManifests();
  ASSERT_EQ(manifests.size(), 2u);
  EXPECT_EQ(manifests[0].sequence_number, 2);  // this commit's first
  EXPECT_EQ(manifests[0].added_rows_count, 4);
  EXPECT_EQ(manifests[1].sequence_number, 1);
  EXPECT_EQ(manifests[1].added_files_count, 2);
  const StringPairs& summary = metadata_.FindSnapshot(2)->summary;
  EXPECT_EQ(summary[0], (std::pair<std::string, std::string>{"operation", "append"}));
  EXPECT_NE(std::find(summary.begin(), summary.end(),
                      std::pair<std::string, std::string>{"total-records", "9"}),
            summary.end());
  ASSERT_EQ(metadata_.metadata_log.size(), 2u);
  EXPECT_EQ(metadata_.metadata_log[1].metadata_file, "s3://b/t/metadata/00001-u1.metadata.json");
}

TEST_F(CommitTest, AnOverwriteOnABranchMarksEveryLiveFileDeletedThere) {
  CommitRequest append;
  append.added = {File("a", 2), File("b", 3)};
  Commit(append);
  append.added = {File("c", 4)};
  Commit(append);
  CommitRequest truncate;
  truncate.branch = "staging";
  truncate.remove_all = true;
  truncate.added = {File("new", 7)};
  Commit(truncate);
  EXPECT_EQ(metadata_.current_snapshot_id, 2);  // main did not move
  EXPECT_EQ(metadata_.FindRef("staging")->snapshot_id, 3);
  EXPECT_EQ(metadata_.FindSnapshot(3)->parent_snapshot_id, 2);
  EXPECT_EQ(metadata_.snapshot_log.size(), 2u);
  const std::vector<ManifestFile> manifests = CurrentManifests("staging");
  ASSERT_EQ(manifests.size(), 2u);
  EXPECT_EQ(manifests[1].deleted_files_count, 3);
  EXPECT_EQ(manifests[1].deleted_rows_count, 9);
  EXPECT_EQ(manifests[1].min_sequence_number, 1);
  auto deleted = ReadManifest(objects_.at(manifests[1].manifest_path), manifests[1]);
  ASSERT_TRUE(deleted.ok());
  for (const ManifestEntry& e : deleted->entries) {
    EXPECT_EQ(e.status, EntryStatus::kDeleted);
    EXPECT_EQ(e.snapshot_id, 3);
    ASSERT_TRUE(e.sequence_number.has_value());  // kept from when the file was added
    EXPECT_EQ(*e.sequence_number, e.file.file_path.ends_with("c") ? 2 : 1);
  }
  const StringPairs& summary = metadata_.FindSnapshot(3)->summary;
  EXPECT_EQ(summary[0].second, "overwrite");
  EXPECT_NE(std::find(summary.begin(), summary.end(),
                      std::pair<std::string, std::string>{"deleted-records", "9"}),
            summary.end());

  CommitIds ids;
  ids.commit_uuid = "ff";
  ids.now_ms = 99;
  auto switched = PlanFastForward(metadata_, uri_, "staging", "main", ids, Reader());
  ASSERT_TRUE(switched.ok());
  EXPECT_EQ(switched->metadata.current_snapshot_id, 3);
  EXPECT_EQ(switched->metadata.FindRef("staging"), nullptr);
  EXPECT_EQ(switched->metadata.snapshots.size(), 3u);  // no new snapshot
  EXPECT_TRUE(switched->objects.empty());
  EXPECT_FALSE(PlanFastForward(metadata_, uri_, "nope", "main", ids, Reader()).ok());
}

TEST_F(CommitTest, SchemasEvolveByAddingAndPromotingNeverByDropping) {
  schema::TableSchema writer{{Field{"id", "id", DataType::Of(TypeKind::kInt64)},
                              Field{"extra", "extra", DataType::Of(TypeKind::kString)}}};
  CommitRequest append;
  append.schema = &writer;
  append.added = {File("a", 1)};
  Commit(append);
  ASSERT_EQ(metadata_.schemas.size(), 2u);
  const schema::TableSchema* now = metadata_.current_schema();
  ASSERT_EQ(now->columns.size(), 2u);
  EXPECT_EQ(now->columns[0].field_id, 1);
  EXPECT_EQ(now->columns[0].type.kind, TypeKind::kInt64);  // int -> long
  EXPECT_EQ(now->columns[1].field_id, 2);
  EXPECT_EQ(metadata_.FindSnapshot(1)->schema_id, metadata_.current_schema_id);
  // A writer without `extra` and with the same id type changes nothing: no new schema.
  schema::TableSchema narrower{{Field{"id", "id", DataType::Of(TypeKind::kInt64)}}};
  append.schema = &narrower;
  Commit(append);
  EXPECT_EQ(metadata_.schemas.size(), 2u);
  EXPECT_EQ(metadata_.current_schema()->columns.size(), 2u);
  // A truncate takes the writer's schema as it is: `extra` goes, and a new `id` type is a new id.
  schema::TableSchema replaced{{Field{"id", "id", DataType::Of(TypeKind::kString)}}};
  CommitRequest truncate;
  truncate.remove_all = true;
  truncate.schema = &replaced;
  Commit(truncate);
  ASSERT_EQ(metadata_.current_schema()->columns.size(), 1u);
  EXPECT_EQ(metadata_.current_schema()->columns[0].field_id, 3);
  EXPECT_EQ(metadata_.last_column_id, 3);
}

TEST_F(CommitTest, AStagingBranchsSchemaBecomesCurrentOnlyAtTheSwitch) {
  CommitRequest append;
  append.added = {File("old", 2)};
  Commit(append);
  const int32_t main_schema = metadata_.current_schema_id;
  // The truncate's schema changes `id`'s type (a new id) and adds `note`.
  schema::TableSchema replaced{{Field{"id", "id", DataType::Of(TypeKind::kString)},
                                Field{"note", "note", DataType::Of(TypeKind::kString)}}};
  CommitRequest staged;
  staged.branch = "staging";
  staged.remove_all = true;
  staged.stage_schema = true;
  staged.schema = &replaced;
  staged.added = {File("new1", 1)};
  Commit(staged);
  EXPECT_EQ(metadata_.current_schema_id, main_schema);  // readers of main: unchanged
  const Snapshot* head = metadata_.FindSnapshot(metadata_.FindRef("staging")->snapshot_id);
  ASSERT_NE(head, nullptr);
  ASSERT_TRUE(head->schema_id.has_value());
  const int32_t staged_schema = *head->schema_id;  // `head` dies with the next commit
  EXPECT_NE(staged_schema, main_schema);
  const auto [branch_schema, branch_id] = BranchSchema(metadata_, "staging", true);
  ASSERT_NE(branch_schema, nullptr);
  EXPECT_EQ(branch_id, staged_schema);
  ASSERT_EQ(branch_schema->columns.size(), 2u);
  EXPECT_EQ(branch_schema->columns[0].field_id, 2);  // a string id is not the int id 1
  EXPECT_EQ(branch_schema->columns[1].field_id, 3);
  // The manifest of the staged files names the staged schema.
  auto manifest = ReadManifest(objects_.at(CurrentManifests("staging")[0].manifest_path),
                               CurrentManifests("staging")[0]);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->schema_id, staged_schema);
  // A second staged commit evolves from the branch's schema, not main's: nothing new.
  staged.remove_all = false;
  staged.added = {File("new2", 1)};
  const size_t schemas = metadata_.schemas.size();
  Commit(staged);
  EXPECT_EQ(metadata_.schemas.size(), schemas);
  EXPECT_EQ(metadata_.current_schema_id, main_schema);
  // The switch makes the branch's schema current.
  CommitIds ids;
  ids.commit_uuid = "switch";
  ids.now_ms = 1000;
  auto switched = PlanFastForward(metadata_, uri_, "staging", "main", ids, Reader());
  ASSERT_TRUE(switched.ok()) << switched.status().ToString();
  EXPECT_EQ(switched->metadata.current_schema_id, staged_schema);
  EXPECT_EQ(switched->metadata.current_schema()->columns.size(), 2u);
}

TEST_F(CommitTest, ATruncateKeepsTheFilesItIsToldToAsExistingEntries) {
  CommitRequest append;
  append.added = {File("old", 2), File("mine", 3)};
  Commit(append);
  const int64_t added_in = metadata_.last_sequence_number;
  CommitRequest truncate;
  truncate.remove_all = true;
  truncate.keeps = [](const DataFileInfo& f) { return f.file_path.ends_with("/mine"); };
  truncate.added = {File("new", 1)};
  Commit(truncate);
  std::map<std::string, std::pair<EntryStatus, int64_t>> entries;
  for (const ManifestFile& m : CurrentManifests()) {
    auto read = ReadManifest(objects_.at(m.manifest_path), m);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    for (const ManifestEntry& e : read->entries) {
      entries[e.file.file_path] = {e.status, e.sequence_number.value_or(-1)};
    }
  }
  EXPECT_EQ(entries["s3://b/t/data/old"].first, EntryStatus::kDeleted);
  EXPECT_EQ(entries["s3://b/t/data/mine"],
            std::make_pair(EntryStatus::kExisting, added_in));  // its own sequence number
  EXPECT_EQ(entries["s3://b/t/data/new"].first, EntryStatus::kAdded);
  const Snapshot* head = metadata_.FindSnapshot(*metadata_.current_snapshot_id);
  auto summary = [&](const std::string& key) {
    for (const auto& [k, v] : head->summary) {
      if (k == key) return v;
    }
    return std::string("?");
  };
  EXPECT_EQ(summary("deleted-data-files"), "1");
  EXPECT_EQ(summary("total-data-files"), "2");
  EXPECT_EQ(summary("total-records"), "4");
}

TEST_F(CommitTest, TheMetadataLogKeepsTheLastHundredFiles) {
  CommitRequest append;
  for (int i = 0; i < 105; ++i) {
    append.added = {File("f" + std::to_string(i), 1)};
    Commit(append);
    if (HasFatalFailure()) return;
  }
  ASSERT_EQ(metadata_.metadata_log.size(), kMetadataLogMax);
  EXPECT_EQ(metadata_.metadata_log.back().metadata_file,
            "s3://b/t/metadata/00104-u104.metadata.json");
  EXPECT_EQ(metadata_.metadata_log.front().metadata_file,
            "s3://b/t/metadata/00005-u5.metadata.json");
  EXPECT_EQ(MetadataVersion(uri_), 105);
  EXPECT_EQ(MetadataVersion("s3://b/t/metadata/v1.metadata.json"), -1);
  EXPECT_EQ(MetadataVersion("00012-abc.metadata.json"), 12);
}

}  // namespace
}  // namespace datalake::iceberg

namespace datalake::iceberg {
namespace {

TEST_F(CommitTest, APartitionSpecChangeAddsASpecAndKeepsOlderManifestsOnTheirs) {
  PartitionSpec by_bucket4{0, {{1, 0, "id", "identity"}, {1, 0, "id_bucket", "bucket[4]"}}};
  CommitRequest append;
  append.spec = &by_bucket4;
  append.added = {File("a", 2)};
  append.added[0].partition = {PartitionValue{int32_t{7}}, PartitionValue{int32_t{3}}};
  Commit(append);
  ASSERT_EQ(metadata_.partition_specs.size(), 2u);  // the unpartitioned first spec, and this
  EXPECT_EQ(metadata_.default_spec_id, 1);
  ASSERT_EQ(metadata_.default_spec()->fields.size(), 2u);
  EXPECT_EQ(metadata_.default_spec()->fields[0].field_id, 1000);
  EXPECT_EQ(metadata_.default_spec()->fields[1].field_id, 1001);

  // Another bucket count: a new spec; identity on the same source keeps its field id.
  PartitionSpec by_bucket8{0, {{1, 0, "id", "identity"}, {1, 0, "id_bucket", "bucket[8]"}}};
  append.spec = &by_bucket8;
  append.added = {File("b", 3)};
  append.added[0].partition = {PartitionValue{int32_t{7}}, PartitionValue{int32_t{5}}};
  Commit(append);
  ASSERT_EQ(metadata_.partition_specs.size(), 3u);
  EXPECT_EQ(metadata_.default_spec_id, 2);
  EXPECT_EQ(metadata_.default_spec()->fields[0].field_id, 1000);
  EXPECT_EQ(metadata_.default_spec()->fields[1].field_id, 1002);
  EXPECT_EQ(metadata_.last_partition_id, 1002);

  // Back to the first: its spec is default again, no new one.
  append.spec = &by_bucket4;
  append.added = {File("c", 1)};
  append.added[0].partition = {PartitionValue{int32_t{1}}, PartitionValue{int32_t{0}}};
  Commit(append);
  EXPECT_EQ(metadata_.partition_specs.size(), 3u);
  EXPECT_EQ(metadata_.default_spec_id, 1);

  // Each manifest names the spec its files were written with, and reads back with its values.
  std::map<std::string, std::pair<int32_t, std::vector<PartitionValue>>> seen;
  for (const ManifestFile& listed : CurrentManifests()) {
    auto read = ReadManifest(objects_.at(listed.manifest_path), listed);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->partition_spec_id, listed.partition_spec_id);
    for (const ManifestEntry& e : read->entries) {
      seen[e.file.file_path] = {listed.partition_spec_id, e.file.partition};
    }
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen["s3://b/t/data/a"].first, 1);
  EXPECT_EQ(seen["s3://b/t/data/b"].first, 2);
  EXPECT_EQ(seen["s3://b/t/data/c"].first, 1);
  EXPECT_EQ(seen["s3://b/t/data/b"].second[1], PartitionValue{int32_t{5}});
  // The metadata JSON round-trips every spec.
  auto reread = MetadataFromJson(MetadataToJson(metadata_));
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->partition_specs.size(), 3u);
  EXPECT_EQ(reread->last_partition_id, 1002);
  EXPECT_EQ(reread->default_spec_id, 1);
}

}  // namespace
}  // namespace datalake::iceberg

namespace datalake::iceberg {
namespace {

// A thousand commits (appends, and an overwrite every 250) with the default maintenance: what a
// reader of the table reads (the metadata file, the manifest list, the manifests) and what the
// table keeps in storage stop growing, every snapshot kept stays readable to its data files, and
// no file a kept snapshot reads is ever deleted.
TEST_F(CommitTest, AThousandCommitsKeepMetadataAndReadsFlatAndEveryKeptSnapshotReadable) {
  std::set<std::string> live;  // the data files main should show
  struct Sample {
    size_t metadata_bytes = 0, read_bytes = 0, manifests = 0, objects = 0, snapshots = 0;
  };
  std::vector<Sample> samples;
  size_t removed_data_files = 0;
  objects_[uri_] = json::Serialize(MetadataToJson(metadata_));
  for (int i = 0; i < 1000; ++i) {
    CommitRequest request;
    request.added = {File("f" + std::to_string(i), 1)};
    objects_[request.added[0].file_path] = "data";
    request.remove_all = i > 0 && i % 250 == 0;
    if (request.remove_all) live.clear();
    live.insert(request.added[0].file_path);
    auto planned = Plan(request);
    ASSERT_TRUE(planned.ok()) << i << ": " << planned.status().ToString();
    const std::string metadata_json = json::Serialize(MetadataToJson(planned->metadata));
    const std::vector<std::string> removable = planned->removable;
    objects_[planned->metadata_uri] = metadata_json;
    Apply(std::move(*planned));
    for (const std::string& uri : removable) {
      ASSERT_EQ(objects_.count(uri), 1u) << i << ": removes what is not there: " << uri;
      ASSERT_EQ(live.count(uri), 0u) << i << ": removes a live file: " << uri;
      if (uri.find("/data/") != std::string::npos) ++removed_data_files;
      objects_.erase(uri);
    }

    // What a reader of main reads, and that it finds exactly the live files (every fifth
    // commit, and the last ones).
    if (i % 5 != 0 && i < 995) continue;
    Sample sample;
    sample.metadata_bytes = metadata_json.size();
    const Snapshot* head = metadata_.FindSnapshot(*metadata_.current_snapshot_id);
    const std::string& list_bytes = objects_.at(head->manifest_list);
    sample.read_bytes = metadata_json.size() + list_bytes.size();
    std::set<std::string> seen;
    auto list = ReadManifestList(list_bytes);
    ASSERT_TRUE(list.ok());
    for (const ManifestFile& listed : *list) {
      const std::string& bytes = objects_.at(listed.manifest_path);
      sample.read_bytes += bytes.size();
      auto manifest = ReadManifest(bytes, listed);
      ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
      for (const ManifestEntry& e : manifest->entries) {
        if (e.status != EntryStatus::kDeleted) seen.insert(e.file.file_path);
      }
    }
    ASSERT_EQ(seen, live) << "commit " << i;
    sample.manifests = list->size();
    sample.objects = objects_.size();
    sample.snapshots = metadata_.snapshots.size();
    samples.push_back(sample);
  }
  ASSERT_EQ(samples.size(), 204u);
  // Every snapshot the table keeps is readable down to its data files (time travel).
  for (const Snapshot& s : metadata_.snapshots) {
    ASSERT_EQ(objects_.count(s.manifest_list), 1u) << s.snapshot_id;
    auto list = ReadManifestList(objects_.at(s.manifest_list));
    ASSERT_TRUE(list.ok());
    for (const ManifestFile& listed : *list) {
      ASSERT_EQ(objects_.count(listed.manifest_path), 1u) << listed.manifest_path;
      auto manifest = ReadManifest(objects_.at(listed.manifest_path), listed);
      ASSERT_TRUE(manifest.ok());
      for (const ManifestEntry& e : manifest->entries) {
        if (e.status != EntryStatus::kDeleted) {
          EXPECT_EQ(objects_.count(e.file.file_path), 1u) << e.file.file_path;
        }
      }
    }
  }
  // Flat: no figure of the second half exceeds the first half's largest by more than 10%.
  auto largest = [&](size_t from, size_t to, size_t Sample::*field) {
    size_t most = 0;
    for (size_t i = from; i < to; ++i) most = std::max(most, samples[i].*field);
    return most;
  };
  for (auto [name, field] : std::vector<std::pair<const char*, size_t Sample::*>>{
           {"metadata bytes", &Sample::metadata_bytes},
           {"bytes a reader reads", &Sample::read_bytes},
           {"manifests", &Sample::manifests},
           {"objects stored", &Sample::objects},
           {"snapshots", &Sample::snapshots}}) {
    const size_t first = largest(20, 100, field);
    const size_t second = largest(100, samples.size(), field);
    std::printf("%-22s commit 100: %7zu  largest 100-499: %7zu  500-999: %7zu  at 1000: %7zu\n",
                name, samples[20].*field, first, second, samples.back().*field);
    EXPECT_LE(second, first + first / 10) << name;
  }
  const Maintenance defaults;
  EXPECT_LE(samples.back().snapshots, defaults.snapshots_kept + defaults.expire_batch);
  EXPECT_LE(largest(0, samples.size(), &Sample::manifests), defaults.merge_count + 1);
  // The overwritten generations' files went once no kept snapshot read them.
  EXPECT_GE(removed_data_files, 500u);

  // The same thousand commits without maintenance, for comparison: the metadata grows with
  // every snapshot, and a reader of main opens a manifest per commit since the last overwrite.
  const size_t metadata_bytes = samples.back().metadata_bytes;
  SetUp();
  objects_.clear();
  CommitRequest request;
  request.maintenance.merge_count = SIZE_MAX;
  request.maintenance.snapshots_kept = SIZE_MAX;
  size_t manifests_without = 0;
  for (int i = 0; i < 1000; ++i) {
    request.added = {File("f" + std::to_string(i), 1)};
    request.remove_all = i > 0 && i % 250 == 0;
    auto planned = Plan(request);
    ASSERT_TRUE(planned.ok()) << planned.status().ToString();
    EXPECT_TRUE(planned->removable.size() <= 1);  // a metadata file off the log, nothing else
    Apply(std::move(*planned));
  }
  manifests_without = CurrentManifests().size();
  const size_t metadata_bytes_without = json::Serialize(MetadataToJson(metadata_)).size();
  std::printf("without maintenance at 1000: metadata bytes %zu (%.1fx), manifests %zu\n",
              metadata_bytes_without,
              static_cast<double>(metadata_bytes_without) / static_cast<double>(metadata_bytes),
              manifests_without);
  EXPECT_GT(metadata_bytes_without, 4 * metadata_bytes);
  EXPECT_EQ(manifests_without, 251u);  // 250 appends since the overwrite, and its own
}

}  // namespace
}  // namespace datalake::iceberg
