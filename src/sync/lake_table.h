// LakeTable: the table of one stream in one table format, as a sync sees it. The stream's writer
// asks it where files go, hands it the files it committed, and tells it when the stream ended
// well; the table decides what readers see and when (the catalog, and for a truncate, what
// older generations left). HiveTable (sync/hive_table.h) is the Hive layout.
//
// Order of calls: Plan once, then any number of Commit (each after the files it names are
// visible in the store), then Finish at the successful end of the stream.
//
// Not thread-safe: owned by the pipeline thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "format/format.h"
#include "json/json.h"
#include "schema/schema.h"
#include "sync/partitioning.h"

namespace datalake::sync {

// What this sync writes: the table definition it needs.
struct TableShape {
  std::vector<catalog::Column> columns;         // data and meta columns, in order
  std::vector<catalog::Column> partition_keys;  // Hive's keys: partitioning.keys
  PartitionScheme partitioning{};
  format::FileFormat format = format::FileFormat::kJsonl;
  format::Compression compression = format::Compression::kUncompressed;
  schema::TableSchema schema{};  // what the files hold: `columns` as the encoder sees them
};

// A data file made visible in the store, for its table to record.
struct CommittedFile {
  std::string key{};
  std::string subdirectory{};         // its partition's subdirectory ("" when unpartitioned)
  std::vector<std::string> values{};  // its partition's values (empty when unpartitioned)
  std::string partition{};            // its partition's key (sync/partitioning.h)
  format::FileSummary summary{};      // rows, bytes, column statistics
};

// True if a catalog definition (TableInput) is an Iceberg table (table_type ICEBERG, any case).
bool IsIcebergDefinition(const json::Value& table);

class LakeTable {
 public:
  virtual ~LakeTable() = default;

  // The table's definition in the catalog when the sync started (none for a new table).
  virtual const std::optional<json::Value>& existing() const = 0;
  // Decide where this sync's files go, given the definition it writes.
  virtual Status Plan(TableShape shape) = 0;
  // The key prefix below which this sync's files go (partition subdirectories follow).
  virtual const std::string& data_prefix() const = 0;
  // The schema files must be written with, when the format adds to the shape's (Iceberg: field
  // ids); nullptr: the shape's as it is.
  virtual const schema::TableSchema* file_schema() const { return nullptr; }

  // Read ahead what Plan reads beyond the table's definition (an Iceberg table's metadata
  // file), so that a sync's tables are read side by side rather than one after another (200
  // tables on S3 took seconds of round trips in a row). Best effort: Plan reads again what this
  // could not, and reports the failure. May run on another thread, before Plan only.
  virtual void Preload() {}

  // Read the table as it is now, for the next Commit. The pipeline calls it while the files of
  // a commit upload; Commit reads itself otherwise.
  virtual Status ReadForCommit() = 0;
  // The same from the table's definition as a listing of its database just returned it.
  virtual Status ReadForCommit(std::optional<json::Value> now) = 0;
  // Whether ReadForCommit would read anything.
  virtual bool NeedsRead() const = 0;
  // Make `files` (committed since the last successful Commit) part of the table as readers
  // see it; on failure the caller hands them again with the next ones.
  virtual Status Commit(const std::vector<CommittedFile>& files) = 0;
  // End of a successful stream: a truncate makes the new generation the table's only data.
  virtual Status Finish() = 0;
};

}  // namespace datalake::sync
