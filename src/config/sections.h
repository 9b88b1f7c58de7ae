// Internal to the config module: the parsers for the parts of a config, each filling its part
// of Config and recording every problem it finds. config.cc runs them in spec order.
#pragma once

#include "config/config.h"
#include "config/reader.h"

namespace datalake::config::internal {

// `credentials` (the member of `top`). Required unless `local`; absent means the default chain.
void ParseCredentials(ObjectReader& top, bool local, Violations* violations, Credentials* out);

// `format`: format_type and compression_codec, with the codec default of the chosen format.
void ParseFormat(ObjectReader& top, Violations* violations, Config* out);

// `partitioning`.
void ParsePartitioning(ObjectReader& top, Config* out);

// `partition_by` (after `partitioning`, which it may not be combined with).
void ParsePartitionBy(ObjectReader& top, Violations* violations, Config* out);

// Return the names of `table` as `"a", "b", "c"` for an "is not one of" message.
template <typename Table>
std::string ListNames(const Table& table) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ", ";
    out += QuoteForMessage(entry.name);
  }
  return out;
}

}  // namespace datalake::config::internal
