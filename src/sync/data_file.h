// DataFile: one data file being written: a pending object in the store and the encoder that
// fills it. Nothing of it is visible until Commit succeeds.
//
// Rows reach the encoder in batches (docs/ARCHITECTURE.md#threads): Append copies a row into the
// batch being filled; a full batch is handed to the encoder, on a thread of the encode pool if
// there is one (the caller goes on decoding the next rows meanwhile), else at once on the
// caller's thread. Up to three batches may wait for the encoder, so the caller does not wait for
// it at each batch. Either way the encoder sees the same rows in the same order, and the file's
// size as the caller sees it (EstimatedSize) is taken at the same points: as of the third batch
// before the one handed over last (recorded when that batch was encoded). So where files are
// closed, and every byte written, does not depend on threads or timing.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/task_pool.h"
#include "format/format.h"
#include "storage/storage.h"
#include "sync/memory_budget.h"

namespace datalake::sync {

struct DataFileOptions {
  format::FileFormat format = format::FileFormat::kJsonl;
  format::EncoderOptions jsonl;    // for JSON Lines files
  format::ParquetOptions parquet;  // for Parquet files
  // A batch is handed to the encoder once its rows hold this many bytes (cells and strings). A
  // file holds at most four batches besides what its encoder buffers: one being filled, three
  // handed over (one of them being encoded).
  size_t batch_bytes = size_t{128} << 10;
  // Where batches are encoded, and gzip members compressed (jsonl.compress_pool is set from it);
  // nullptr: on the caller's thread.
  TaskPool* encode_pool = nullptr;
  // Where a file's commit runs (DataFile::StartCommit): it waits on I/O (fsync, the upload's
  // last requests), so more of them at once than there are CPUs; nullptr: the encode pool.
  TaskPool* commit_pool = nullptr;
  // The budget the file reports what it holds to (sync/memory_budget.h); nullptr: none.
  MemoryBudget* budget = nullptr;
};

class DataFile {
 public:
  // Start the object `key` in `store` and an encoder of `schema` writing into it.
  static Result<std::unique_ptr<DataFile>> Open(storage::ObjectStore* store, const std::string& key,
                                                const schema::TableSchema& schema,
                                                const DataFileOptions& options);
  ~DataFile();  // waits for a batch being encoded

  // Add the row to the batch being filled. `row` may be left holding other contents (a row of
  // a batch's size or more is swapped in, not copied): clear it before reuse.
  void Append(format::Row* row);
  // Add the row `span` of `rows` (rows one after another) to the batch being filled. Where
  // batches end does not depend on which Append a row came through.
  void Append(const format::Row& rows, const format::RowSpan& span);
  // Report to the budget, which may commit the file through `close` to keep its limit.
  void JoinBudget(std::function<Status()> close);
  // The file's size so far, roughly: as of the third batch before the last one handed to the
  // encoder.
  uint64_t EstimatedSize() const { return size_as_of_batch_; }
  // Finish the encoding and make the object visible, durably. On failure the object is
  // discarded. Commit does it all at once; StartCommit leaves the budget and hands the work to
  // the commit pool (without pools: does it), and FinishCommit waits for it and returns how it
  // went, so that the files of many streams commit side by side: the final row group of each
  // is compressed, and its upload or fsync made, while the others' are. After StartCommit
  // nothing but FinishCommit (or destruction, which waits) is allowed.
  Status Commit() {
    StartCommit();
    return FinishCommit();
  }
  void StartCommit();
  Status FinishCommit();
  // Discard the object.
  void Abort();

  const std::string& key() const { return object_->key(); }
  uint64_t size() const { return object_->size(); }
  // What the file holds (rows, bytes, column statistics); complete once Commit succeeded.
  const format::FileSummary& summary() const { return encoder_->summary(); }

 private:
  class ObjectSink;
  // Rows one after another in one Row (two allocations for the whole batch); row i is cells
  // [ends[i-1], ends[i]).
  struct Batch {
    format::Row rows;
    std::vector<size_t> ends;
    size_t bytes = 0;
  };
  explicit DataFile(const DataFileOptions& options);

  void HandOver();
  // Encode the queued batches in order, recording what each leaves (a pool task, or inline).
  void DrainQueue();
  void Encode(Batch* batch);
  void WaitForEncoder();
  // Set every record to the encoder's state now. REQUIRES: encoder idle.
  void RecordAll();
  // What the file holds in memory. REQUIRES: encoder idle.
  uint64_t HeldBytes() const;
  // Encode what is batched and flush the encoder; return what the file then holds.
  uint64_t FlushForBudget();
  void LeaveBudget();
  Status CommitNow();

  // Batches handed to the encoder but not yet encoded, at most: the pipeline thread goes on
  // while the encoder catches up with a few batches, instead of waiting at each one.
  static constexpr uint64_t kQueuedBatches = 3;
  // What is recorded after each encoded batch, kept for the last kRecorded batches.
  static constexpr uint64_t kRecorded = kQueuedBatches + 1;

  std::unique_ptr<storage::PendingObject> object_;
  std::unique_ptr<ObjectSink> sink_;
  std::unique_ptr<format::FileEncoder> encoder_;
  const size_t max_batch_bytes_;
  size_t batch_bytes_;  // smaller when the memory budget is shared by many files
  TaskPool* const pool_;
  TaskPool* const commit_pool_;  // never null when pool_ is not
  MemoryBudget* const budget_;
  uint64_t budget_id_ = 0;  // 0: not in the budget
  Batch filling_;
  uint64_t handed_over_ = 0;             // batches handed to the encoder so far
  size_t handed_bytes_[kRecorded] = {};  // bytes of batch n at [n % kRecorded]
  uint64_t size_as_of_batch_ = 0;

  std::mutex mu_;
  std::condition_variable encoded_;
  std::deque<Batch> queue_;   // handed over, not yet encoded (the front is being encoded)
  std::vector<Batch> spare_;  // one encoded batch, kept for reuse
  uint64_t encoded_count_ = 0;
  // The encoder's size, and what it and the object hold, after batch n at [n % kRecorded]
  // (before the first batch: at Open).
  uint64_t size_after_[kRecorded] = {};
  uint64_t held_after_[kRecorded] = {};
  bool encoder_busy_ = false;  // a pool task is draining queue_

  std::shared_ptr<Job> commit_job_;  // between StartCommit and FinishCommit, with a pool
  Status commit_status_;
};

}  // namespace datalake::sync
