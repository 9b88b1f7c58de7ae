// FieldIndex: finds the declared field of an object key (by source_name) in one hash probe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schema/schema.h"

namespace datalake::decode {

// An open-addressing table over the source names of one field list (a table's columns or a
// struct's fields). The decoder caches one per field list, keyed by its address; because a
// cached index could outlive its schema (a new schema may later occupy the same address), every
// hit is confirmed against the live field list, and Matches() detects a changed list.
class FieldIndex {
 public:
  explicit FieldIndex(const std::vector<schema::Field>& fields) { Build(fields); }

  void Build(const std::vector<schema::Field>& fields);

  // Return the index in `fields` of the field whose source_name is `key`, or -1.
  int Find(const std::vector<schema::Field>& fields, std::string_view key) const;

  // True if `fields` still has the source names this index was built from.
  bool Matches(const std::vector<schema::Field>& fields) const;

  // The decoder's record counter when Matches() last held (checked at most once per record).
  uint64_t verified_epoch = 0;

 private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t field_plus_one = 0;  // 0: empty
  };

  static uint64_t Hash(std::string_view key);

  std::vector<std::string> names_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace datalake::decode
