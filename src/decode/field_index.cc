#include "decode/field_index.h"

#include <string_view>
#include <vector>

namespace datalake::decode {

uint64_t FieldIndex::Hash(std::string_view key) {
  // FNV-1a: keys are short, and this is only reached when keys come out of schema order.
  uint64_t h = 14695981039346656037ull;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h ^ (h >> 32);
}

void FieldIndex::Build(const std::vector<schema::Field>& fields) {
  names_.clear();
  for (const schema::Field& field : fields) names_.push_back(field.source_name);
  size_t capacity = 8;
  while (capacity < fields.size() * 2) capacity *= 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (size_t f = 0; f < fields.size(); ++f) {
    const uint64_t h = Hash(fields[f].source_name);
    size_t i = h & mask_;
    while (slots_[i].field_plus_one != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{static_cast<uint32_t>(h), static_cast<uint32_t>(f + 1)};
  }
}

int FieldIndex::Find(const std::vector<schema::Field>& fields, std::string_view key) const {
  const uint64_t h = Hash(key);
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.field_plus_one == 0) return -1;
    const size_t f = slot.field_plus_one - 1;
    if (slot.hash == static_cast<uint32_t>(h) && f < fields.size() &&
        fields[f].source_name == key) {
      return static_cast<int>(f);
    }
  }
}

bool FieldIndex::Matches(const std::vector<schema::Field>& fields) const {
  if (fields.size() != names_.size()) return false;
  for (size_t f = 0; f < fields.size(); ++f) {
    if (fields[f].source_name != names_[f]) return false;
  }
  return true;
}

}  // namespace datalake::decode
