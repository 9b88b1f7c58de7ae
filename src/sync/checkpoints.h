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
  // Count one record of `stream`. Per record, so the count is looked up by the descriptor's
  // address (a writer's: the same object for every record of its stream) and confirmed by
  // comparing names, rather than found by hashing them.
  void CountRecord(const protocol::StreamDescriptor& stream);
  // Queue a STATE; its recordCount is fixed now (records read before it in its scope).
  void AddState(const protocol::Message& state_message);
  bool HasPending() const { return !pending_.empty(); }
  size_t pending() const { return pending_.size(); }
  // Remove and return the waiting STATEs (`state` texts as they came, with
  // destinationStats.recordCount set), in input order. REQUIRES: every record read so far is
  // committed.
  std::vector<std::string> TakeCommitted();

 private:
  std::unordered_map<protocol::StreamDescriptor, uint64_t, protocol::StreamDescriptorHash>
      stream_counts_;
  // Descriptor objects CountRecord has seen, to their stream's entry of stream_counts_ (whose
  // nodes stay where they are); an address may since hold another stream, hence the check.
  std::unordered_map<const protocol::StreamDescriptor*,
                     std::pair<const protocol::StreamDescriptor, uint64_t>*>
      counts_by_address_;
  // The last of them, for runs of records of one stream.
  const protocol::StreamDescriptor* last_address_ = nullptr;
  std::pair<const protocol::StreamDescriptor, uint64_t>* last_entry_ = nullptr;
  uint64_t global_count_ = 0;
  uint64_t legacy_count_ = 0;
  std::deque<std::string> pending_;
};

}  // namespace datalake::sync
