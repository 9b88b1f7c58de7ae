#include "sync/checkpoints.h"

namespace datalake::sync {

void Checkpoints::CountRecord(const protocol::StreamDescriptor& stream) {
  if (&stream != last_address_ || !(last_entry_->first == stream)) {
    auto*& entry = counts_by_address_[&stream];
    if (entry == nullptr || !(entry->first == stream)) {
      entry = &*stream_counts_.try_emplace(stream, 0).first;
    }
    last_address_ = &stream;
    last_entry_ = entry;
  }
  ++last_entry_->second;
  ++global_count_;
  ++legacy_count_;
}

void Checkpoints::AddState(const protocol::Message& message) {
  uint64_t count = 0;
  switch (message.state_type) {
    case protocol::StateType::kStream: {
      auto it = stream_counts_.find(message.stream);
      if (it != stream_counts_.end()) {
        count = it->second;
        it->second = 0;
      }
      break;
    }
    case protocol::StateType::kGlobal:
      count = global_count_;
      global_count_ = 0;
      break;
    case protocol::StateType::kLegacy:
      count = legacy_count_;
      legacy_count_ = 0;
      break;
  }
  pending_.push_back(protocol::StateWithRecordCount(message, count));
}

std::vector<std::string> Checkpoints::TakeCommitted() {
  std::vector<std::string> out(std::make_move_iterator(pending_.begin()),
                               std::make_move_iterator(pending_.end()));
  pending_.clear();
  return out;
}

}  // namespace datalake::sync
