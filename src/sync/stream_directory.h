// StreamDirectory: values (a sync's stream writers) found by stream descriptor.
//
// Looked up for every record, from the pool threads that decode (read-only once built). With
// many interleaved streams a node-based hash map cost a chain of cache misses and a division
// per record; this is one flat open-addressing table of (hash, descriptor, value), so a lookup
// touches its slot and the descriptor, which lives in the writer the record needs next anyway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/protocol.h"

namespace datalake::sync {

template <typename T>
class StreamDirectory {
 public:
  // Add `value` under `*stream`, which must stay where it is while the directory is used.
  // REQUIRES: no Find running; no two descriptors equal (the catalog guarantees it).
  void Add(const protocol::StreamDescriptor* stream, T* value) {
    if ((count_ + 1) * 4 > slots_.size()) {
      std::vector<Slot> old = std::move(slots_);
      slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
      for (const Slot& s : old) {
        if (s.stream != nullptr) Place(s);
      }
    }
    Place(Slot{protocol::StreamDescriptorHash()(*stream), stream, value});
    ++count_;
  }

  // The value added under a descriptor equal to `stream`, or nullptr.
  T* Find(const protocol::StreamDescriptor& stream) const {
    if (slots_.empty()) return nullptr;
    const uint64_t hash = protocol::StreamDescriptorHash()(stream);
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask; slots_[i].stream != nullptr; i = (i + 1) & mask) {
      if (slots_[i].hash == hash && *slots_[i].stream == stream) return slots_[i].value;
    }
    return nullptr;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    const protocol::StreamDescriptor* stream = nullptr;  // null: an empty slot
    T* value = nullptr;
  };

  void Place(const Slot& entry) {
    const size_t mask = slots_.size() - 1;
    size_t i = entry.hash & mask;
    while (slots_[i].stream != nullptr) i = (i + 1) & mask;
    slots_[i] = entry;
  }

  std::vector<Slot> slots_;  // size a power of two, at most a quarter full
  size_t count_ = 0;
};

}  // namespace datalake::sync
