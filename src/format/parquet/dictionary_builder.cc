#include "format/parquet/dictionary_builder.h"

#include <cstring>
#include <utility>

#include "format/parquet/plain_encoder.h"

namespace datalake::format::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// A fast non-cryptographic hash over 8-byte words (the common INT64/DOUBLE case is one word).
uint32_t HashBytes(std::string_view v) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ v.size();
  size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, v.data() + i, 8);
    h = Mix(h ^ word) + 0x9E3779B97F4A7C15ULL;
  }
  if (i < v.size()) {
    uint64_t word = 0;
    std::memcpy(&word, v.data() + i, v.size() - i);
    h = Mix(h ^ word);
  }
  return static_cast<uint32_t>(Mix(h));
}

uint64_t Prefix(std::string_view v) {
  uint64_t prefix = 0;
  std::memcpy(&prefix, v.data(), v.size() < 8 ? v.size() : 8);
  return prefix;
}

}  // namespace

bool DictionaryBuilder::Matches(const Slot& slot, uint64_t prefix, uint32_t hash,
                                std::string_view value) const {
  if (slot.hash != hash || slot.prefix != prefix) return false;
  const Entry& e = entries_[static_cast<size_t>(slot.index)];
  if (e.length != value.size()) return false;
  return value.size() <= 8 || Value(e) == value;  // the prefix already compared 8 bytes
}

uint32_t DictionaryBuilder::Insert(std::string_view value, bool* inserted) {
  if (slots_.empty()) Rehash(kInitialSlots);
  const uint32_t hash = HashBytes(value);
  const uint64_t prefix = Prefix(value);
  const size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (slots_[slot].index >= 0) {
    if (Matches(slots_[slot], prefix, hash, value)) {
      *inserted = false;
      return static_cast<uint32_t>(slots_[slot].index);
    }
    slot = (slot + 1) & mask;
  }
  if (length_prefixed_) PutUint32(static_cast<uint32_t>(value.size()), &plain_);
  entries_.push_back(Entry{plain_.size(), static_cast<uint32_t>(value.size())});
  plain_.append(value);
  const auto index = static_cast<int32_t>(entries_.size() - 1);
  slots_[slot] = Slot{prefix, hash, index};
  if (entries_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  *inserted = true;
  return static_cast<uint32_t>(index);
}

void DictionaryBuilder::Rehash(size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{0, 0, -1});
  const size_t mask = slot_count - 1;
  for (const Slot& s : old) {
    if (s.index < 0) continue;
    size_t slot = s.hash & mask;
    while (slots_[slot].index >= 0) slot = (slot + 1) & mask;
    slots_[slot] = s;
  }
}

void DictionaryBuilder::Clear() {
  plain_.clear();
  entries_.clear();
  slots_.clear();
}

}  // namespace datalake::format::parquet
