// Progress: counts what a sync reads and reports it as LOG messages, at most every few seconds,
// plus a summary per stream at the end. Private to the sync module.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/protocol.h"
#include "storage/storage.h"

namespace datalake::sync {

// What one stream has read so far.
struct StreamProgress {
  std::string name;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

class Progress {
 public:
  // Report to `out`, reading the time from `env`'s monotonic clock.
  Progress(protocol::MessageWriter* out, storage::Env* env, double interval_seconds = 10);
  // Count one input line of `bytes` bytes that held a record.
  void CountRecord(size_t bytes) {
    ++records_;
    bytes_ += bytes;
  }
  // True once the report interval has passed since the last report. Cheap: one clock read.
  bool Due() const;
  // Log the totals, and the busiest streams of `streams` (at most 10) with their rates.
  void Report(std::vector<StreamProgress> streams);

 private:
  double Elapsed() const;

  protocol::MessageWriter* out_;
  storage::Env* env_;
  std::chrono::duration<double> interval_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_report_;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace datalake::sync
