// StreamWriter: everything one configured stream does during a sync.
//
// It converts records to rows (data columns decoded from the record, Airbyte meta columns
// added), encodes them into the stream's open data file, rotates files at the target size, and
// on commit makes its files visible and its table definition current. At the end of a
// successful overwrite sync it removes the files earlier syncs left in the table.
//
// Not thread-safe: owned by the pipeline thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "decode/decode.h"
#include "format/format.h"
#include "protocol/protocol.h"
#include "schema/schema.h"
#include "storage/storage.h"
#include "sync/uuid.h"

namespace datalake::sync {

// What a StreamWriter needs besides its stream; shared by all streams of a sync.
struct SyncContext {
  const config::Config* config = nullptr;
  storage::ObjectStore* store = nullptr;
  catalog::Catalog* catalog = nullptr;
  decode::RecordDecoder* decoder = nullptr;
  UuidGenerator* uuids = nullptr;
  format::Row* row = nullptr;              // scratch row, reused for every record
  protocol::MessageWriter* out = nullptr;  // for warnings
};

class StreamWriter {
 public:
  // Build the writer for `stream`: table name, schemas, key prefix.
  static Result<std::unique_ptr<StreamWriter>> Create(const protocol::ConfiguredStream& stream,
                                                      const std::string& table_name,
                                                      const SyncContext& context);

  ~StreamWriter();

  // Remove what a crashed earlier run left in staging for this table, and (append modes) keep
  // the column types of an existing table, so that the files already there stay readable.
  Status Prepare();
  // Convert and encode one record.
  Status Append(const protocol::Message& record);
  // Finish the open file (if any) and make it visible.
  Status CommitOpenFile();
  // Make the catalog's table definition current (once per sync, and when it changed).
  Status CommitTable();
  // End of a successful stream: for overwrite, delete data files not written by this sync.
  Status FinishSuccessfully();
  // Discard the open file (the sync failed).
  void Abandon();

  const protocol::StreamDescriptor& descriptor() const { return descriptor_; }
  const std::string& database() const { return database_; }
  const std::string& table() const { return table_; }
  uint64_t records() const { return records_; }
  uint64_t input_bytes() const { return input_bytes_; }
  uint64_t files_committed() const { return committed_keys_.size(); }
  uint64_t bytes_committed() const { return bytes_committed_; }

 private:
  StreamWriter() = default;
  Status OpenFile();
  void BuildFileSchema();
  void KeepExistingColumnTypes(const json::Value& table);
  void AppendMetaColumns(const protocol::Message& record);

  class ObjectSink;

  SyncContext context_;
  protocol::StreamDescriptor descriptor_;
  protocol::DestinationSyncMode sync_mode_ = protocol::DestinationSyncMode::kAppend;
  int64_t generation_id_ = 0;
  int64_t sync_id_ = 0;
  std::string database_;
  std::string table_;
  std::string table_prefix_;
  schema::TableSchema data_schema_;  // what the decoder fills
  schema::TableSchema file_schema_;  // data columns + meta columns: what the encoder writes
  format::FileFormat format_ = format::FileFormat::kJsonl;
  format::EncoderOptions encoder_options_;
  std::string extension_;

  std::unique_ptr<storage::PendingObject> object_;
  std::unique_ptr<ObjectSink> sink_;
  std::unique_ptr<format::FileEncoder> encoder_;

  std::vector<decode::Change> changes_;
  std::vector<std::string> committed_keys_;
  uint64_t records_ = 0;
  uint64_t input_bytes_ = 0;  // bytes of the RECORD lines, for progress reports
  uint64_t bytes_committed_ = 0;
  bool table_committed_ = false;
};

// The Airbyte meta column names, in the order they follow the data columns.
inline constexpr const char* kMetaColumns[] = {"_airbyte_raw_id", "_airbyte_extracted_at",
                                               "_airbyte_meta", "_airbyte_generation_id"};

}  // namespace datalake::sync
