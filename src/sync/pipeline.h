// Pipeline: the `write` loop. Routes each message (RECORD to its stream, STATE to the
// checkpoint ledger, STREAM_STATUS to the stream's state), decides when to commit, and at the
// end finishes every stream. Private to the sync module.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/task_pool.h"
#include "sync/checkpoints.h"
#include "sync/decode_ahead.h"
#include "sync/manifest_cache.h"
#include "sync/memory_budget.h"
#include "sync/progress.h"
#include "sync/stream_directory.h"
#include "sync/stream_writer.h"
#include "sync/sync.h"

namespace datalake::sync {

class Pipeline {
 public:
  Pipeline(const config::Config& config, Destination* destination, protocol::MessageWriter* out);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Build one StreamWriter per configured stream (table names made unique per database).
  Status Open(const protocol::ConfiguredCatalog& catalog);
  // Read and process every message from `input_fd`.
  Status Run(int input_fd);

 private:
  struct StreamState {
    std::unique_ptr<StreamWriter> writer;
    bool complete = false;
    bool incomplete = false;
  };

  Status CheckPartitionBy(const protocol::ConfiguredCatalog& catalog) const;
  Status CheckSyncModes(const protocol::ConfiguredCatalog& catalog);
  Status RemoveDeadStaging(const std::set<int64_t>& sync_ids);
  // Wait for RemoveDeadStaging, report what it removed, and return how it ended.
  Status AwaitStagingCleanup();
  Status OnRecord(DecodedChunk* chunk, const DecodedChunk::Item& item);
  Status OnState(const protocol::Message& m);
  void OnStreamStatus(const protocol::Message& m);
  Status MaybeCommitOnTime();
  void ReportProgress();
  // Make every record read so far durable and visible, then echo the waiting STATEs.
  Status Commit();
  // Step 1 of Commit, while the files upload: read the tables that get files.
  Status ReadTablesForCommit();
  // Step 2 of Commit: the catalog is made current for every table that has files.
  Status CommitTables();
  Status Finish();

  const config::Config& config_;
  Destination* destination_;
  protocol::MessageWriter* out_;
  storage::Env* env_;
  // Encodes the files' row batches while this thread reads and decodes; null: encoding happens
  // on this thread. Declared before the streams, so it outlives their files.
  std::unique_ptr<TaskPool> encode_pool_;
  // Commits files side by side (DataFile::StartCommit); with the encode pool only.
  std::unique_ptr<TaskPool> commit_pool_;
  SyncContext context_;
  Checkpoints checkpoints_;
  Progress progress_;
  MemoryBudget budget_;      // before the streams: their files leave it as they go
  ManifestCache manifests_;  // before the streams: their Iceberg tables use it
  std::unordered_map<protocol::StreamDescriptor, StreamState, protocol::StreamDescriptorHash>
      streams_;
  std::vector<StreamState*> stream_order_;
  StreamDirectory<StreamWriter> writers_;        // the streams' writers, for the decoding threads
  std::map<std::string, size_t> tables_listed_;  // tables each database had when resolved
  // RemoveDeadStaging running on the commit pool while the input is read; null once awaited.
  std::shared_ptr<Job> staging_cleanup_;
  Status staging_cleanup_status_;
  std::vector<std::string> staging_cleanup_logs_;  // written by the job, logged when awaited
  bool saw_stream_status_ = false;
  uint64_t records_since_time_check_ = 0;
  std::chrono::steady_clock::time_point last_commit_;
};

}  // namespace datalake::sync
