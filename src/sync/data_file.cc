#include "sync/data_file.h"

#include <utility>

#include "common/cancel.h"

namespace datalake::sync {

class DataFile::ObjectSink : public format::Sink {
 public:
  explicit ObjectSink(storage::PendingObject* object) : object_(object) {}
  Status Write(std::string_view bytes) override { return object_->Write(bytes); }

 private:
  storage::PendingObject* object_;
};

DataFile::DataFile(const DataFileOptions& options)
    : max_batch_bytes_(options.batch_bytes),
      batch_bytes_(options.batch_bytes),
      pool_(options.encode_pool),
      commit_pool_(options.commit_pool != nullptr ? options.commit_pool : options.encode_pool),
      budget_(options.budget) {}

Result<std::unique_ptr<DataFile>> DataFile::Open(storage::ObjectStore* store,
                                                 const std::string& key,
                                                 const schema::TableSchema& schema,
                                                 const DataFileOptions& options) {
  std::unique_ptr<DataFile> file(new DataFile(options));
  ASSIGN_OR_RETURN(file->object_, store->Create(key));
  file->sink_ = std::make_unique<ObjectSink>(file->object_.get());
  if (options.format == format::FileFormat::kParquet) {
    ASSIGN_OR_RETURN(file->encoder_,
                     format::NewParquetEncoder(schema, options.parquet, file->sink_.get()));
  } else {
    // The encode pool also compresses the file's gzip members.
    format::EncoderOptions jsonl = options.jsonl;
    jsonl.compress_pool = options.encode_pool;
    ASSIGN_OR_RETURN(file->encoder_, format::NewJsonlEncoder(schema, jsonl, file->sink_.get()));
  }
  file->RecordAll();
  return file;
}

DataFile::~DataFile() {
  if (commit_job_ != nullptr) commit_job_->RunOrWait();
  WaitForEncoder();
  LeaveBudget();
}

void DataFile::JoinBudget(std::function<Status()> close) {
  if (budget_ == nullptr || budget_id_ != 0) return;
  budget_id_ = budget_->Add([this] { return FlushForBudget(); }, std::move(close));
  batch_bytes_ = budget_->BatchBytes(max_batch_bytes_);
}

void DataFile::LeaveBudget() {
  if (budget_id_ == 0) return;
  budget_->Remove(budget_id_);
  budget_id_ = 0;
}

void DataFile::Append(format::Row* row) {
  const size_t bytes = row->size() * sizeof(format::Cell) + row->arena_size();
  if (bytes < batch_bytes_) return Append(*row, row->span());
  if (!filling_.ends.empty()) HandOver();
  // A batch of its own, swapped in: a huge record is never held twice.
  Batch& b = filling_;
  std::swap(b.rows, *row);
  b.ends.push_back(b.rows.size());
  b.bytes += bytes;
  HandOver();
}

void DataFile::Append(const format::Row& rows, const format::RowSpan& span) {
  const size_t bytes =
      (span.cell_end - span.cell_begin) * sizeof(format::Cell) + span.byte_end - span.byte_begin;
  // A row as big as a batch starts a batch (as Append(Row*) does when it swaps one in).
  if (bytes >= batch_bytes_ && !filling_.ends.empty()) HandOver();
  Batch& b = filling_;
  b.rows.AppendRow(rows, span);
  b.ends.push_back(b.rows.size());
  b.bytes += bytes;
  if (b.bytes >= batch_bytes_) HandOver();
}

// The batch being filled counts as a full one: its capacity depends on which spare batch it
// is, and so on timing, and the budget's figures must not (sync/memory_budget.h).
uint64_t DataFile::HeldBytes() const {
  return encoder_->BufferedBytes() + object_->buffered_bytes() + batch_bytes_;
}

void DataFile::RecordAll() {
  for (uint64_t i = 0; i < kRecorded; ++i) {
    size_after_[i] = encoder_->EstimatedSize();
    held_after_[i] = encoder_->BufferedBytes() + object_->buffered_bytes();
  }
}

uint64_t DataFile::FlushForBudget() {
  WaitForEncoder();
  Encode(&filling_);
  encoder_->FlushBuffers();
  // Everything is encoded: the sizes to come start from here (a flush comes at the same point of
  // the input whatever the threads).
  RecordAll();
  for (size_t& bytes : handed_bytes_) bytes = 0;
  size_as_of_batch_ = encoder_->EstimatedSize();
  return HeldBytes();
}

// Hand the filled batch to the encoder, once it has encoded all but kQueuedBatches - 1 of the
// batches before it. The size and the memory reported are as of batch n - kQueuedBatches, which
// is encoded by then, whatever the encoder has done since.
void DataFile::HandOver() {
  const uint64_t n = handed_over_++;
  const uint64_t as_of = n + kRecorded - kQueuedBatches;  // batch n - kQueuedBatches, in the ring
  uint64_t held = 0;
  bool start = false;
  handed_bytes_[n % kRecorded] = filling_.bytes;
  {
    std::unique_lock<std::mutex> lock(mu_);
    encoded_.wait(lock, [&] { return encoded_count_ + kQueuedBatches > n; });
    size_as_of_batch_ = size_after_[as_of % kRecorded];
    held = held_after_[as_of % kRecorded];
    queue_.push_back(std::move(filling_));
    if (!spare_.empty()) {
      filling_ = std::move(spare_.back());
      spare_.pop_back();
    } else {
      filling_ = Batch();
    }
    start = !encoder_busy_;
    encoder_busy_ = true;
  }
  if (budget_id_ != 0) {
    // The batches that may not be encoded yet count at their size, not their capacity, which
    // depends on which spare batch took which rows.
    for (uint64_t i = 0; i < kQueuedBatches; ++i) {
      held += handed_bytes_[(n + kRecorded - i) % kRecorded];
    }
    budget_->Report(budget_id_, held + batch_bytes_);
    batch_bytes_ = budget_->BatchBytes(max_batch_bytes_);
  }
  if (!start) return;
  if (pool_ == nullptr) {
    DrainQueue();
  } else {
    pool_->Submit([this] { DrainQueue(); });
  }
}

void DataFile::DrainQueue() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!queue_.empty()) {
    Batch* batch = &queue_.front();  // stays put while others are pushed behind it
    lock.unlock();
    Encode(batch);
    const uint64_t size = encoder_->EstimatedSize();
    const uint64_t held = encoder_->BufferedBytes() + object_->buffered_bytes();
    lock.lock();
    size_after_[encoded_count_ % kRecorded] = size;
    held_after_[encoded_count_ % kRecorded] = held;
    ++encoded_count_;
    if (spare_.empty()) spare_.push_back(std::move(queue_.front()));  // one is enough to reuse
    queue_.pop_front();
    encoded_.notify_all();
  }
  encoder_busy_ = false;
  encoded_.notify_all();
}

void DataFile::Encode(Batch* batch) {
  encoder_->AppendRows(batch->rows, batch->ends);
  // A batch that held a huge record gives its memory back rather than keep it for small ones.
  if (batch->rows.memory_bytes() > 4 * max_batch_bytes_) {
    batch->rows.Release();
  } else {
    batch->rows.Clear();
  }
  batch->ends.clear();
  batch->bytes = 0;
}

void DataFile::WaitForEncoder() {
  std::unique_lock<std::mutex> lock(mu_);
  encoded_.wait(lock, [this] { return !encoder_busy_; });
}

void DataFile::StartCommit() {
  LeaveBudget();  // the budget belongs to the pipeline thread
  if (commit_pool_ == nullptr) {
    commit_status_ = CommitNow();
    return;
  }
  // Posted, not submitted: FinishCommit runs it itself if no pool thread has started it. It
  // waits for the file's encoder, whose task was queued on the encode pool before: never a
  // cycle, whichever pool runs it.
  commit_job_ = commit_pool_->Post([this] { commit_status_ = CommitNow(); });
}

Status DataFile::FinishCommit() {
  if (commit_job_ != nullptr) {
    commit_job_->RunOrWait();
    commit_job_.reset();
  }
  return commit_status_;
}

Status DataFile::CommitNow() {
  // A commit of many files queued on the pool: those not begun when a cancel comes are dropped
  // (nothing in them is acknowledged), so that the cancel does not wait for them all.
  if (CancelRequested()) {
    Abort();
    return Status::Cancelled("cancelled before this file was committed");
  }
  WaitForEncoder();
  Encode(&filling_);
  Status s = encoder_->Finish();
  if (s.ok()) s = object_->Commit();
  if (!s.ok()) Abort();
  return s;
}

void DataFile::Abort() {
  WaitForEncoder();
  LeaveBudget();
  if (object_ != nullptr) object_->Abort();
}

}  // namespace datalake::sync
