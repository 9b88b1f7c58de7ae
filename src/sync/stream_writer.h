// StreamWriter: everything one configured stream does during a sync.
//
// It converts records to rows (data columns decoded from the record, Airbyte meta columns
// added), encodes them into the open data file of the row's partition (one file when the table
// is not partitioned), rotates files at the target size, and on commit makes its files visible
// and hands them to its table (sync/lake_table.h), which keeps the catalog current and, at the
// end of a successful truncate, removes what older generations left.
//
// Files still open when the writer is destroyed (a failed sync) are discarded: their pending
// objects abort themselves, so nothing of them becomes visible.
//
// Not thread-safe: owned by the pipeline thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "decode/decode.h"
#include "format/format.h"
#include "protocol/protocol.h"
#include "schema/schema.h"
#include "storage/storage.h"
#include "sync/data_file.h"
#include "sync/hive_table.h"
#include "sync/lake_table.h"
#include "sync/manifest_cache.h"
#include "sync/partitioning.h"
#include "sync/table_names.h"
#include "sync/uuid.h"

namespace datalake::sync {

// What converting a record to a row takes besides the stream: one per thread that converts.
struct RecordScratch {
  decode::RecordDecoder decoder;
  UuidGenerator uuids;
  std::vector<decode::Change> changes;
};

// What a StreamWriter needs besides its stream; shared by all streams of a sync.
struct SyncContext {
  const config::Config* config = nullptr;
  storage::ObjectStore* store = nullptr;
  catalog::Catalog* catalog = nullptr;
  protocol::MessageWriter* out = nullptr;  // for warnings
  std::string run_id;                      // this process' run id (lake_layout.h)
  TaskPool* encode_pool = nullptr;         // where files encode their rows; null: inline
  TaskPool* commit_pool = nullptr;         // where files commit; null: the encode pool
  MemoryBudget* budget = nullptr;          // what open files may hold; null: no bound
  ManifestCache* manifests = nullptr;      // Iceberg tables' manifests; null: none kept
};

// True if the stream truncates its table at its successful end: `overwrite`, or a refresh that
// asks to drop every older generation (minimum_generation_id == generation_id > 0), whatever the
// sync mode it comes with (a platform that knows refreshes sends truncates as `append`).
bool Truncates(const protocol::ConfiguredStream& stream);

class StreamWriter {
 public:
  // Build the writer for `stream`: table name, schemas, key prefix.
  static Result<std::unique_ptr<StreamWriter>> Create(const protocol::ConfiguredStream& stream,
                                                      const StreamTable& table,
                                                      const SyncContext& context);

  ~StreamWriter();

  // Read ahead what the table format reads to plan (LakeTable::Preload); may run on another
  // thread, before Prepare only.
  void PreloadTable() { lake_table_->Preload(); }
  // Given the table as listed, choose the partitioning, and (appends) keep the column types and
  // partition keys of an existing table, so that the files already there stay readable; then let
  // the table decide where this sync's files go.
  Status Prepare();
  // Convert one record: append its row (data columns, then meta columns) to `rows`, and set
  // *partition to its partition's key (sync/partitioning.h). On failure `rows` may hold part of the
  // row. Thread-safe once Prepare is done: it reads only what Prepare settled, and `scratch` is the
  // caller's.
  Status Convert(const protocol::Message& record, RecordScratch* scratch, format::Row* rows,
                 std::string* partition) const;
  // Convert in two halves, for a record whose data is met while its line is parsed
  // (protocol::RecordDataReader): first its data columns, which on failure leave `rows` as it
  // was; then, once the line is parsed, its meta columns and *partition, for the row whose data
  // columns start at cell `first_cell`. Thread-safe as Convert is.
  Status ConvertData(json::OnDemandValue& data, RecordScratch* scratch, format::Row* rows) const;
  void FinishConvert(const protocol::Message& record, RecordScratch* scratch, format::Row* rows,
                     size_t first_cell, std::string* partition) const;
  // Encode a converted row, the `span` of `rows`, into the file of its partition (rotating
  // files at the target size). A span that is the whole of `rows` may be swapped out of it.
  // `line_bytes`: the record's input line, for progress.
  Status AppendConverted(format::Row* rows, const format::RowSpan& span,
                         const std::string& partition, size_t line_bytes);
  // Convert and encode one record, on the writer's thread.
  Status Append(const protocol::Message& record);
  // Finish the open files (if any) and make them visible. CommitOpenFiles does it at once;
  // StartCommitOpenFiles hands them to the commit pool and FinishCommitOpenFiles waits for them
  // (DataFile::StartCommit), so that a commit of many streams finishes their files side by
  // side. Between the two, the writer takes no records.
  Status CommitOpenFiles() {
    StartCommitOpenFiles();
    return FinishCommitOpenFiles();
  }
  void StartCommitOpenFiles();
  Status FinishCommitOpenFiles();
  // Read what CommitTable needs from the catalog, if the table has files or is getting some
  // (between StartCommitOpenFiles and FinishCommitOpenFiles: while they upload).
  Status ReadTableForCommit();
  // The same from the table's definition as a listing of its database just returned it.
  Status ReadTableForCommit(std::optional<json::Value> listed);
  // Whether ReadTableForCommit would read anything.
  bool NeedsTableRead() const;
  // Make the catalog current: the table definition (once per sync), then every partition that
  // received committed files and is not registered yet.
  Status CommitTable();
  // End of a successful stream: commit, and for a truncate remove older generations.
  Status FinishSuccessfully();

  const protocol::StreamDescriptor& descriptor() const { return descriptor_; }
  const std::string& database() const { return database_; }
  const std::string& table() const { return table_; }
  uint64_t records() const { return records_; }
  uint64_t input_bytes() const { return input_bytes_; }
  uint64_t files_committed() const { return files_committed_; }
  uint64_t bytes_committed() const { return bytes_committed_; }
  const PartitionScheme& partitioning() const { return partitioning_; }

 private:
  // A data file being written, with the partition it belongs to.
  struct OpenFile {
    std::unique_ptr<DataFile> file;
    std::vector<std::string> values;  // partition values (empty when unpartitioned)
    std::string partition;            // the partition's key
    uint64_t last_use = 0;            // records_ when a row last went into it
  };

  StreamWriter() = default;
  Status ChoosePartitioning(const std::optional<json::Value>& existing);
  void ReservePartitionKeyNames();
  Result<OpenFile*> FileFor(const std::string& subdirectory);
  // A file on its way to being committed (DataFile::StartCommit called).
  struct CommittingFile {
    std::unique_ptr<DataFile> file;
    std::vector<std::string> values;
    std::string partition;
    std::string subdirectory;
  };
  Status CommitFile(std::map<std::string, OpenFile>::iterator it);
  // Take the open file out of open_files_ and start its commit.
  CommittingFile StartCommit(std::map<std::string, OpenFile>::iterator it);
  // Wait for the commit and record the committed file.
  Status FinishCommit(CommittingFile* committing);
  void BuildFileSchema();
  Status KeepExistingColumnTypes(const json::Value& table);
  void AppendMetaColumns(const protocol::Message& record,
                         const std::vector<decode::Change>& changes, UuidGenerator* uuids,
                         format::Row* row) const;

  SyncContext context_;
  protocol::StreamDescriptor descriptor_;
  bool truncate_ = false;
  FileOrigin origin_;  // generation, sync and run of this sync's files
  uint64_t files_opened_ = 0;
  std::vector<std::string> cursor_field_;
  std::string database_;
  std::string table_;
  std::unique_ptr<LakeTable> lake_table_;
  schema::TableSchema data_schema_;  // what the decoder fills
  schema::TableSchema file_schema_;  // data columns + meta columns: what the encoder writes
  DataFileOptions file_options_;
  std::string extension_;
  PartitionScheme partitioning_;

  // Open files by partition subdirectory ("" when unpartitioned), and the last one used.
  std::map<std::string, OpenFile> open_files_;
  std::vector<CommittingFile> committing_;  // between StartCommitOpenFiles and its Finish
  OpenFile* last_file_ = nullptr;
  std::string last_subdirectory_;
  std::vector<std::string> values_;  // scratch: the current row's partition values
  std::string subdirectory_;         // scratch: the current row's partition subdirectory
  std::optional<std::string> subdirectory_partition_;  // the partition subdirectory_ is for
  bool warned_evictions_ = false;

  // Files committed and not yet handed to the table by a successful CommitTable.
  std::vector<CommittedFile> unrecorded_;

  std::unique_ptr<RecordScratch> scratch_;  // Append's
  format::Row row_;                         // Append's
  std::string partition_;                   // Append's
  uint64_t records_ = 0;
  uint64_t input_bytes_ = 0;  // bytes of the RECORD lines, for progress reports
  uint64_t files_committed_ = 0;
  uint64_t bytes_committed_ = 0;
};

// The Airbyte meta column names, in the order they follow the data columns.
inline constexpr const char* kMetaColumns[] = {"_airbyte_raw_id", "_airbyte_extracted_at",
                                               "_airbyte_meta", "_airbyte_generation_id"};

}  // namespace datalake::sync
