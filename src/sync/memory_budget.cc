#include "sync/memory_budget.h"

#include <algorithm>
#include <utility>

namespace datalake::sync {

uint64_t MemoryBudget::Add(std::function<uint64_t()> flush, std::function<Status()> close) {
  const uint64_t id = next_id_++;
  holders_.emplace(id, Holder{std::move(flush), std::move(close), 0});
  return id;
}

size_t MemoryBudget::BatchBytes(size_t max) const {
  constexpr size_t kMin = size_t{16} << 10;
  const uint64_t share = limit_ / 8 / std::max<size_t>(holders_.size(), 1);
  return static_cast<size_t>(std::max<uint64_t>(kMin, std::min<uint64_t>(share, max)));
}

void MemoryBudget::Report(uint64_t id, uint64_t bytes) {
  auto it = holders_.find(id);
  if (it == holders_.end()) return;
  total_ = total_ - it->second.bytes + bytes;
  it->second.bytes = bytes;
}

void MemoryBudget::Remove(uint64_t id) {
  auto it = holders_.find(id);
  if (it == holders_.end()) return;
  total_ -= it->second.bytes;
  holders_.erase(it);
}

Status MemoryBudget::Relieve() {
  const uint64_t target = limit_ / 4 * 3;
  while (total_ > target) {
    auto biggest = holders_.end();
    for (auto it = holders_.begin(); it != holders_.end(); ++it) {
      if (biggest == holders_.end() || it->second.bytes > biggest->second.bytes) biggest = it;
    }
    if (biggest == holders_.end() || biggest->second.bytes == 0) break;
    const uint64_t id = biggest->first;
    const uint64_t before = biggest->second.bytes;
    ++flushes_;
    const uint64_t after = biggest->second.flush();
    Report(id, after);
    if (after > before / 2) {
      // Flushing cannot free it: only committing the file does. Closing removes the holder
      // (the file reports its end), so the loop moves on.
      std::function<Status()> close = holders_.at(id).close;
      ++closes_;
      RETURN_IF_ERROR(close());
      Remove(id);
    }
  }
  return Status::Ok();
}

}  // namespace datalake::sync
