// Random identifiers: UUID v4 for _airbyte_raw_id, and 32 hex digits for the names of `check`'s
// probe table and file.
// Seeded from the OS once; a fast generator afterwards, since every record needs one.
// Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>
#include <string>

namespace datalake::sync {

class UuidGenerator {
 public:
  UuidGenerator();  // seeded from std::random_device
  explicit UuidGenerator(uint64_t seed);

  // Append a UUID v4 in its 36-character canonical form.
  void AppendV4(std::string* out);
  std::string V4();
  // Return a UUID v4 as 32 lowercase hex digits, as Python's uuid4().hex (check's probe names).
  std::string Hex();

 private:
  uint64_t Next();
  uint64_t state_[4];
};

}  // namespace datalake::sync
