// MemoryBudget: one bound on what the open files of a sync hold in memory, across all streams
// and partitions: Parquet row groups being built, JSON Lines chunks and gzip members, S3 parts
// being filled, row batches waiting for an encoder.
//
// Each file reports what it holds (sync/data_file.h) whenever it hands a batch to its encoder,
// and whenever it flushes. When the sum passes the limit, Relieve() brings it back to
// three quarters of it, biggest holder first: it asks the file to flush (a Parquet row group
// is closed early, a JSON Lines chunk written); if that frees less than half of what the file
// held (an S3 part below the 5 MiB minimum, batches), it commits the file through its owner.
// So with many streams row groups get smaller (docs/destination-aws-datalake.md#memory-and-cpu),
// never the process bigger.
//
// Used by the pipeline thread only. Every figure it sees is taken at points of the input that
// do not depend on threads, so what it flushes and when is the same with any number of them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "common/status.h"

namespace datalake::sync {

class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t limit_bytes) : limit_(limit_bytes) {}

  // Register a holder: `flush` returns what it holds afterwards, `close` commits it. Returns its
  // id (ids grow, so ties go to the older holder).
  uint64_t Add(std::function<uint64_t()> flush, std::function<Status()> close);
  void Report(uint64_t id, uint64_t bytes);
  void Remove(uint64_t id);

  bool over() const { return total_ > limit_; }
  // The batch size each holder should use (at most `max`): the holders' batches together take
  // about an eighth of the limit, so many open files do not fill it with batches alone (a
  // sixteenth made 200 interleaved streams 4 to 9% slower: twice the hand-overs).
  size_t BatchBytes(size_t max) const;
  // Flush or close the biggest holders until the total is at most 3/4 of the limit.
  Status Relieve();

  uint64_t limit() const { return limit_; }
  uint64_t total() const { return total_; }
  uint64_t flushes() const { return flushes_; }
  uint64_t closes() const { return closes_; }

 private:
  struct Holder {
    std::function<uint64_t()> flush;
    std::function<Status()> close;
    uint64_t bytes = 0;
  };

  const uint64_t limit_;
  std::map<uint64_t, Holder> holders_;
  uint64_t next_id_ = 1;
  uint64_t total_ = 0;
  uint64_t flushes_ = 0;
  uint64_t closes_ = 0;
};

}  // namespace datalake::sync
