// Checkpoints: the ledger between STATE messages read and STATE messages echoed.
//
// Every record is counted in the scopes it belongs to (its stream, GLOBAL, LEGACY). A STATE
// takes its scope's count since the previous STATE of that scope as destinationStats.recordCount
// and waits in order. TakeCommitted hands out every waiting STATE once the pipeline has committed
// all records read before the most recent one: they are echoed in input order, each once.
//
// Not thread-safe: owned by the pipeline thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "protocol/protocol.h"

namespace datalake::sync {

class Checkpoints {
 public:
  // Count one record, for the GLOBAL and LEGACY scopes. A stream's own records are counted by
  // its writer, which the pipeline thread touches for every record anyway: a per-record lookup
  // here cost more than the rest of the bookkeeping with many interleaved streams.
  void CountRecord() {
    ++global_count_;
    ++legacy_count_;
  }
  // Queue a STATE; its recordCount is fixed now (records read before it in its scope).
  // `stream_records`: for a STREAM state, the records of its stream read so far in the sync (0
  // for a stream outside the catalog); the count is what came since its previous STATE.
  void AddState(const protocol::Message& state_message, uint64_t stream_records);
  bool HasPending() const { return !pending_.empty(); }
  size_t pending() const { return pending_.size(); }
  // Remove and return the waiting STATEs (`state` texts as they came, with
  // destinationStats.recordCount set), in input order. REQUIRES: every record read so far is
  // committed.
  std::vector<std::string> TakeCommitted();

 private:
  // Each stream's record total as of its last STATE.
  std::unordered_map<protocol::StreamDescriptor, uint64_t, protocol::StreamDescriptorHash>
      stream_records_at_state_;
  uint64_t global_count_ = 0;
  uint64_t legacy_count_ = 0;
  std::deque<std::string> pending_;
};

}  // namespace datalake::sync
