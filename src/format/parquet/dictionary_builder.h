// The distinct values of one column chunk, for dictionary encoding
// (docs/FORMATS.md#dictionary-encoding).
//
// Entries are kept in first-seen order, already PLAIN-encoded: the buffer *is* the dictionary
// page body, and its size is what the 1 MiB dictionary limit is measured against. Values are
// passed as their PLAIN bytes without the BYTE_ARRAY length prefix (8 bytes for an INT64, the
// FLBA bytes for a decimal), so one open-addressing hash table serves every physical type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datalake::format::parquet {

// The table's hash of a value's `n` bytes at `p`, given its zero-padded first 8 bytes `prefix`.
// It only places values in the table: entries keep first-seen order whatever it returns.
struct FastHash {
  uint64_t operator()(const char* p, size_t n, uint64_t prefix) const;
};
// Every value hashes alike: the tests use it to make every probe a collision.
struct ConstantHashForTesting {
  uint64_t operator()(const char*, size_t, uint64_t) const { return 0; }
};

// Instantiated for the two hashes above only (in dictionary_builder.cc).
template <typename Hash>
class BasicDictionaryBuilder {
 public:
  // `length_prefixed`: entries are BYTE_ARRAY values, written with a u32 length prefix.
  explicit BasicDictionaryBuilder(bool length_prefixed) : length_prefixed_(length_prefixed) {}

  // Return the index of `value`, adding it as a new entry if unseen (then `*inserted` = true).
  uint32_t Insert(std::string_view value, bool* inserted);
  // Start loading the slot where Insert(value) will look first. With many streams the tables
  // of all their columns do not fit in the cache, and each Insert would wait on memory: a
  // caller that knows a value a row ahead overlaps that wait with the row's other work.
  void Prefetch(std::string_view value) const;

  size_t size() const { return entries_.size(); }
  // Entry `index` as PLAIN bytes, with its length prefix if the entries have one.
  std::string_view PlainEntry(uint32_t index) const {
    const Entry& e = entries_[index];
    const size_t prefix = length_prefixed_ ? 4 : 0;
    return {plain_.data() + e.offset - prefix, e.length + prefix};
  }
  // The PLAIN-encoded entries: the dictionary page body.
  const std::string& plain() const { return plain_; }
  // Forget every entry (keeps capacity for the next chunk).
  void Clear();
  // Forget every entry and give all memory back.
  void Release();
  // Bytes allocated: entries, their PLAIN bytes and the slot table.
  size_t memory_bytes() const {
    return plain_.capacity() + entries_.capacity() * sizeof(Entry) +
           slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Entry {
    size_t offset;  // of the value bytes in plain_ (after any length prefix)
    uint32_t length;
  };
  // A hash table slot carries the value's first 8 bytes (zero-padded) and a tag: 27 hash bits
  // over min(length, 31). A value of <= 8 bytes is then decided by the slot alone, without
  // touching the entries, and a longer one only reads its entry when prefix and tag agree.
  struct Slot {
    uint64_t prefix;
    uint32_t tag;
    int32_t index;  // entry index, or -1 for an empty slot
  };
  // Whether entry `index`, whose first 8 bytes are known to equal value's, is `value`.
  bool TailMatches(int32_t index, std::string_view value) const;
  uint32_t Add(std::string_view value, uint64_t prefix, uint32_t tag, size_t slot);
  void Rehash(size_t slot_count);

  const bool length_prefixed_;
  std::string plain_;
  std::vector<Entry> entries_;
  // Size is a power of two, load <= 1/2. Clear() keeps it (a chunk tends to need the table
  // size its predecessor needed, and growing it again rehashes every entry) and only marks it
  // stale; the next Insert empties it. Its memory is held until the column writer goes.
  std::vector<Slot> slots_;
  bool slots_stale_ = true;
  // The last value inserted or found: runs of one value (a constant column, repeated list
  // elements) are answered without hashing.
  uint64_t last_prefix_ = 0;
  size_t last_length_ = 0;
  int32_t last_index_ = -1;
};

using DictionaryBuilder = BasicDictionaryBuilder<FastHash>;

}  // namespace datalake::format::parquet
