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

class DictionaryBuilder {
 public:
  // `length_prefixed`: entries are BYTE_ARRAY values, written with a u32 length prefix.
  explicit DictionaryBuilder(bool length_prefixed) : length_prefixed_(length_prefixed) {}

  // Return the index of `value`, adding it as a new entry if unseen (then `*inserted` = true).
  uint32_t Insert(std::string_view value, bool* inserted);

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

 private:
  struct Entry {
    size_t offset;  // of the value bytes in plain_ (after any length prefix)
    uint32_t length;
  };
  // A hash table slot carries the hash and the value's first 8 bytes, so a probe for a fixed-
  // width value of <= 8 bytes (INT32/INT64/DOUBLE) is decided without touching the entries.
  struct Slot {
    uint64_t prefix;
    uint32_t hash;
    int32_t index;  // entry index, or -1 for an empty slot
  };
  std::string_view Value(const Entry& e) const { return {plain_.data() + e.offset, e.length}; }
  bool Matches(const Slot& slot, uint64_t prefix, uint32_t hash, std::string_view value) const;
  void Rehash(size_t slot_count);

  const bool length_prefixed_;
  std::string plain_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;  // size is a power of two, load <= 1/2
};

}  // namespace datalake::format::parquet
