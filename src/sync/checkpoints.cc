#include "sync/checkpoints.h"

namespace datalake::sync {

void Checkpoints::AddState(const protocol::Message& message, uint64_t stream_records) {
  uint64_t count = 0;
  switch (message.state_type) {
    case protocol::StateType::kStream: {
      uint64_t& at_state = stream_records_at_state_[message.stream];
      count = stream_records - at_state;
      at_state = stream_records;
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
