#include "format/parquet/dictionary_builder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "format/parquet/plain_encoder.h"

namespace datalake::format::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The value's first 8 bytes, zero-padded, built from at most two overlapping loads (the
// overlapping bytes are the same bytes at the same positions, so OR-ing them is exact).
uint64_t Prefix(const char* p, size_t n) {
  if (n >= 8) return Load64(p);
  if (n >= 4) return Load32(p) | Load32(p + n - 4) << (8 * (n - 4));
  if (n == 0) return 0;
  const auto byte = [p](size_t i) { return static_cast<uint64_t>(static_cast<uint8_t>(p[i])); };
  return byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1));
}

// The high and low halves of a 64x64 -> 128-bit product, folded: one multiply mixes every
// input bit into every output bit (the wyhash/rapidhash step).
uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kSeed0 = 0xa0761d6478bd642fULL;
constexpr uint64_t kSeed1 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kSeed2 = 0x8ebc6af09c88c6e3ULL;

}  // namespace

// One folded multiply for <= 16 bytes, one more per further 16 bytes: a 44-byte value costs three
// dependent multiplies, where a two-multiply mix per 8-byte word chained fourteen.
uint64_t FastHash::operator()(const char* p, size_t n, uint64_t prefix) const {
  uint64_t seed = kSeed0 ^ n;
  uint64_t a = prefix;
  uint64_t b = 0;
  if (n > 16) {
    const char* const end = p + n;
    for (; end - p > 16; p += 16) seed = Fold(Load64(p) ^ kSeed1, Load64(p + 8) ^ seed);
    a = Load64(end - 16);
    b = Load64(end - 8);
  } else if (n > 8) {
    b = Load64(p + n - 8);
  }
  return Fold(a ^ kSeed1, b ^ seed ^ kSeed2);
}

namespace {

// 27 hash bits above the value's length capped at 31: the length is exact for the <= 8-byte
// values a slot decides alone. Slot placement uses the hash bits (so Rehash needs no value).
constexpr int kLengthBits = 5;
uint32_t Tag(uint64_t hash, size_t n) {
  const auto length = static_cast<uint32_t>(std::min<size_t>(n, (1u << kLengthBits) - 1));
  return (static_cast<uint32_t>(hash >> 32) & ~((1u << kLengthBits) - 1)) | length;
}
size_t Home(uint32_t tag, size_t mask) { return (tag >> kLengthBits) & mask; }

}  // namespace

template <typename Hash>
bool BasicDictionaryBuilder<Hash>::TailMatches(int32_t index, std::string_view value) const {
  const Entry& e = entries_[static_cast<size_t>(index)];
  if (e.length != value.size()) return false;
  const char* a = value.data();
  const char* b = plain_.data() + e.offset;
  const size_t n = value.size();
  for (size_t i = 8; i + 8 < n; i += 8) {
    if (Load64(a + i) != Load64(b + i)) return false;
  }
  return Load64(a + n - 8) == Load64(b + n - 8);
}

template <typename Hash>
uint32_t BasicDictionaryBuilder<Hash>::Insert(std::string_view value, bool* inserted) {
  const size_t n = value.size();
  const uint64_t prefix = Prefix(value.data(), n);
  *inserted = false;
  if (prefix == last_prefix_ && n == last_length_ && last_index_ >= 0 &&
      (n <= 8 || TailMatches(last_index_, value))) {
    return static_cast<uint32_t>(last_index_);
  }
  if (slots_stale_) {
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0, -1});
    if (slots_.empty()) slots_.assign(kInitialSlots, Slot{0, 0, -1});
    slots_stale_ = false;
  }
  const uint32_t tag = Tag(Hash()(value.data(), n, prefix), n);
  const size_t mask = slots_.size() - 1;
  size_t slot = Home(tag, mask);
  while (slots_[slot].index >= 0) {
    const Slot& s = slots_[slot];
    if (s.tag == tag && s.prefix == prefix && (n <= 8 || TailMatches(s.index, value))) {
      last_prefix_ = prefix;
      last_length_ = n;
      last_index_ = s.index;
      return static_cast<uint32_t>(s.index);
    }
    slot = (slot + 1) & mask;
  }
  *inserted = true;
  return Add(value, prefix, tag, slot);
}

template <typename Hash>
void BasicDictionaryBuilder<Hash>::Prefetch(std::string_view value) const {
  if (slots_stale_) return;  // emptied by the next Insert anyway
  const size_t n = value.size();
  const uint32_t tag = Tag(Hash()(value.data(), n, Prefix(value.data(), n)), n);
  __builtin_prefetch(&slots_[Home(tag, slots_.size() - 1)]);
}

template <typename Hash>
uint32_t BasicDictionaryBuilder<Hash>::Add(std::string_view value, uint64_t prefix, uint32_t tag,
                                           size_t slot) {
  if (length_prefixed_) PutUint32(static_cast<uint32_t>(value.size()), &plain_);
  entries_.push_back(Entry{plain_.size(), static_cast<uint32_t>(value.size())});
  plain_.append(value);
  const auto index = static_cast<int32_t>(entries_.size() - 1);
  slots_[slot] = Slot{prefix, tag, index};
  if (entries_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  last_prefix_ = prefix;
  last_length_ = value.size();
  last_index_ = index;
  return static_cast<uint32_t>(index);
}

template <typename Hash>
void BasicDictionaryBuilder<Hash>::Rehash(size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{0, 0, -1});
  const size_t mask = slot_count - 1;
  for (const Slot& s : old) {
    if (s.index < 0) continue;
    size_t slot = Home(s.tag, mask);
    while (slots_[slot].index >= 0) slot = (slot + 1) & mask;
    slots_[slot] = s;
  }
}

template <typename Hash>
void BasicDictionaryBuilder<Hash>::Clear() {
  plain_.clear();
  entries_.clear();
  slots_stale_ = true;
  last_index_ = -1;
}

template <typename Hash>
void BasicDictionaryBuilder<Hash>::Release() {
  Clear();
  std::string().swap(plain_);
  std::vector<Entry>().swap(entries_);
  std::vector<Slot>().swap(slots_);
}

template class BasicDictionaryBuilder<FastHash>;
template class BasicDictionaryBuilder<ConstantHashForTesting>;

}  // namespace datalake::format::parquet
