// IcebergTable: the table of one stream as an Apache Iceberg format-version 2 table
// (docs/ICEBERG.md), registered in the catalog as Iceberg's GlueCatalog registers it
// (Parameters table_type=ICEBERG and metadata_location, columns for display).
//
// Layout below the table's path: data/ holds the data files (Parquet with field ids), metadata/
// the manifests, manifest lists and metadata files. Every Commit is one snapshot: the manifests
// and the metadata file are written first, then the catalog's metadata_location is swapped from
// the metadata this commit was planned on to the new one (Catalog::SwapTable), which is the
// commit point. A lost race re-reads the table and plans again on what the other writer
// committed; the objects of the lost attempt are deleted (nothing names them). When the swap's
// outcome is unknown, the table is read again: if it names the new metadata the commit
// happened; otherwise the commit fails and nothing is deleted (apache/iceberg#9618).
//
// Field ids are decided when the sync plans the table (they are written into the data files):
// against the table's current schema, or for a truncate against the schema of its staging
// branch. If another writer changes the schema so that the same ids no longer hold before this
// sync commits, the commit fails with a transient error and the retry plans afresh.
//
// A truncate commits to a staging branch named after its generation: readers of main see the
// old data (and schema) until the stream completes, when main is pointed at the branch's
// snapshot in one metadata-only commit. The branch's first commit marks main's files of older
// generations as deleted in it, so the switch leaves only the new generation (files of this
// generation that main already has stay: an attempt that switched and was then killed before
// its STATEs were echoed). A retried truncate of the same generation continues on the same
// branch. Old files stay in storage, referenced by older
// snapshots, until snapshots expire.
//
// Not thread-safe: owned by the pipeline thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "iceberg/iceberg.h"
#include "sync/hive_table.h"
#include "sync/lake_table.h"
#include "sync/manifest_cache.h"
#include "sync/uuid.h"

namespace datalake::sync {

class IcebergTable : public LakeTable {
 public:
  // `cache`: where manifests are kept for the next commits (shared by the sync's tables); may
  // be null.
  explicit IcebergTable(HiveTableOptions options, ManifestCache* cache = nullptr);

  // Take the table's definition as the caller read it from the catalog (none for a new table).
  void Adopt(std::optional<json::Value> definition);
  const std::optional<json::Value>& existing() const override { return existing_; }

  // Refuses a Hive table (never converted); reads the table's metadata, gives the shape's
  // schema its field ids (file_schema()) and its partitioning a spec (sync/partitioning.h).
  Status Plan(TableShape shape) override;
  // Reads the metadata file the listed definition names.
  void Preload() override;
  const std::string& data_prefix() const override { return data_prefix_; }
  const schema::TableSchema* file_schema() const override { return &file_schema_; }

  // Commits read the table themselves, just before they plan.
  Status ReadForCommit() override { return Status::Ok(); }
  Status ReadForCommit(std::optional<json::Value>) override { return Status::Ok(); }
  bool NeedsRead() const override { return false; }
  // One snapshot holding `files` (none: nothing is committed).
  Status Commit(const std::vector<CommittedFile>& files) override;
  // A truncate: main switches to the staging branch (to an empty snapshot when the stream
  // wrote nothing).
  Status Finish() override;

  // The metadata file the catalog names after this sync's last commit ("" before any).
  const std::string& metadata_uri() const { return base_uri_; }

 private:
  // Read the catalog's definition (or take `listed`, the definition a listing returned) and the
  // metadata it names into base_ / base_uri_ (a new table's first metadata when there is none).
  Status ReadTable(const std::optional<json::Value>* listed = nullptr);
  // The object key of an s3://bucket/key URI of this table's bucket.
  Result<std::string> KeyOf(const std::string& uri) const;
  // The object of this table's bucket at `uri` (metadata, manifest lists, manifests).
  Result<std::string> ReadObject(const std::string& uri) const;
  // Read the metadata file at `uri` into base_ (and base_uri_).
  Status LoadMetadata(const std::string& uri);
  // Keep a manifest or manifest list read or written, for the next commits.
  void Remember(const std::string& uri, const std::string& bytes) const;
  // Delete what a commit that happened left unreferenced (iceberg::PlannedCommit::removable).
  void RemoveUnreferenced(const std::vector<std::string>& uris);
  // Fail when the current base would give the file schema other field ids than the files have.
  Status CheckFieldIds() const;
  // Write the planned objects and metadata, then swap the catalog's pointer; retried on a
  // lost race with `plan` run again on the table as re-read.
  Status CommitPlanned(
      const std::function<Result<iceberg::PlannedCommit>(const iceberg::CommitIds&)>& plan);
  json::Value TableInput(const iceberg::TableMetadata& metadata, const std::string& uri) const;
  iceberg::CommitIds NewIds();
  // Whether a truncate keeps a file main has (TruncateKeeps: an earlier attempt's of this
  // generation may hold acknowledged rows).
  bool Keeps(const iceberg::DataFileInfo& file) const;
  // The partition spec of the shape's partitioning, source ids from `schema` (field ids 0).
  iceberg::PartitionSpec SpecOf(const schema::TableSchema& schema) const;
  std::string Location() const;  // s3://bucket/<base_prefix without its final '/'>
  std::string Branch() const;

  HiveTableOptions options_;
  std::optional<json::Value> existing_;  // as listed when the sync started
  std::optional<json::Value> now_;       // as read by the last ReadTable
  TableShape shape_;
  std::string data_prefix_;
  schema::TableSchema file_schema_;  // the shape's schema with field ids
  iceberg::PartitionSpec spec_;      // what the files are partitioned by (field ids 0)
  iceberg::TableMetadata base_;
  std::string base_uri_;  // "" while the table has no metadata in the catalog
  ManifestCache* cache_ = nullptr;
  std::mt19937_64 random_;
  UuidGenerator uuids_;
};

}  // namespace datalake::sync
