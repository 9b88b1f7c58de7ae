// HiveTable: the table of one stream in the Hive layout (data files below the table's Location,
// partitions registered one by one in the catalog), and every decision a sync makes about it:
// where this sync's files go, which definition readers see while the sync runs, and what a
// truncate removes at its successful end.
//
// Appends add files to the table's Location and columns and partitions to its definition. The
// Location of an existing table is authoritative: an append that the configuration would put
// elsewhere (another bucket or bucket_prefix) is refused with a config_error naming both paths
// and the bucket_name and bucket_prefix that put the stream at the table's Location, as the
// original connector refused it; a truncate moves the table to the configured path, written
// apart and switched when it completes (the files at the old Location are left alone). The
// configured path is base_prefix, in the spelling the table resolution chose (table_names.h),
// so a table at either spelling of the stream's path is at home.
//
// A truncate (overwrite, or a refresh with minimum_generation_id == generation_id) never
// removes anything before it completes, and only what no acknowledged STATE needs:
// - When the new definition can read the old files (same format and partition keys, common
//   columns of the same types), files go into the table's Location next to the old ones; the
//   definition gains the new columns at once and keeps the old ones until the truncate
//   completes.
// - Otherwise its files go into the generation's own directory (lake_layout.h), which readers of
//   the old definition do not see, and the catalog is not touched until the truncate completes:
//   then the old partitions are deregistered, the table is switched to the new Location and
//   definition, and the new partitions are registered.
// At the successful end, files whose generation is below the minimum are deleted, wherever they
// are below the table's path, and partitions left without files are deregistered. Files of the
// minimum generation or newer stay, whichever attempt wrote them: a retry of the same generation
// continues where the failed attempt stopped (into the same generation directory). A platform
// that sends no generations re-sends everything on each attempt: there every file this run did
// not write is older.
//
// Not thread-safe: owned by the pipeline thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "format/format.h"
#include "protocol/protocol.h"
#include "storage/storage.h"
#include "sync/lake_layout.h"
#include "sync/lake_table.h"

namespace datalake::sync {

struct HiveTableOptions {
  catalog::Catalog* catalog = nullptr;
  storage::ObjectStore* store = nullptr;
  protocol::MessageWriter* out = nullptr;  // for warnings; may be null
  std::string bucket;
  std::string database;
  std::string table;
  std::string stream;       // the stream's name for messages
  std::string base_prefix;  // "[prefix/]database/stream/": the table's own path
  // Parameters set on the table besides the format's (the stream binding); other parameters an
  // existing table has (a crawler's, the user's) are kept.
  std::vector<std::pair<std::string, std::string>> parameters;
  // Truncate at the successful end: remove the files of generations below min_generation, or,
  // when min_generation is 0, every file this run did not write.
  bool truncate = false;
  int64_t min_generation = 0;
  FileOrigin origin;  // this run's files
};

class HiveTable : public LakeTable {
 public:
  explicit HiveTable(HiveTableOptions options);

  // Read the table's definition from the catalog (none for a new table).
  Status Load();
  // Take the table's definition as the caller read it from the catalog (none for a new table).
  void Adopt(std::optional<json::Value> definition);
  const std::optional<json::Value>& existing() const override { return existing_; }

  Status Plan(TableShape shape) override;
  const std::string& data_prefix() const override { return data_prefix_; }
  // True when this sync writes a truncate into a directory of its own.
  bool writes_apart() const { return apart_; }

  // Read the table as it is now and decide the definition the first Commit puts (nothing once
  // it is settled, or while writing apart).
  Status ReadForCommit() override;
  Status ReadForCommit(std::optional<json::Value> now) override;
  bool NeedsRead() const override { return !apart_ && !defined_ && !read_; }
  // Make the catalog current after files were committed: the definition (once per sync, when
  // it changes the table), then the partitions of every file committed in this sync that are
  // not registered yet. Nothing while writing apart.
  Status Commit(const std::vector<CommittedFile>& files) override;

  // End of a successful stream: a truncate switches the table if it wrote apart, registers the
  // partitions of every file it keeps, deregisters the others and deletes the old files.
  Status Finish() override;

 private:
  json::Value TableInput(const std::vector<catalog::Column>& columns) const;
  // Settle the definition the first Commit puts from the table as it is `now` (none: absent).
  void Decide(const std::optional<json::Value>& now);
  std::string SettingsFor(const std::string& location) const;
  bool CanReadOldFiles() const;
  bool Keeps(const std::string& key) const;
  Status AddPartitions(const std::map<std::string, std::vector<std::string>>& partitions);
  std::optional<std::vector<std::string>> PartitionValuesOf(const std::string& subdirectory) const;

  HiveTableOptions options_;
  std::optional<json::Value> existing_;
  std::string current_prefix_;    // the existing table's data prefix (base_prefix when new)
  std::string foreign_location_;  // the existing table's Location when outside base_prefix
  TableShape shape_;
  std::string data_prefix_;
  bool apart_ = false;
  bool defined_ = false;  // the definition was put in this sync
  bool read_ = false;     // ReadForCommit decided table_input_ and put_
  bool put_ = false;      // table_input_ changes the table
  json::Value table_input_;
  std::map<std::string, std::vector<std::string>> written_;  // partitions with files, this sync
  std::set<std::string> registered_;  // partition subdirectories registered in this sync
};

}  // namespace datalake::sync
