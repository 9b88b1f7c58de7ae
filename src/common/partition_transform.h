// The grammar of partition transforms (Iceberg spec "Partition Transforms"), shared by the
// config, which checks what users write in `partition_by`, and the table formats, which compute
// the values (iceberg/iceberg.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace datalake {

// What a partition field computes from its source column.
struct Transform {
  enum class Kind { kIdentity, kYear, kMonth, kDay, kHour, kBucket, kTruncate, kVoid };
  Kind kind = Kind::kIdentity;
  int32_t parameter = 0;  // bucket[N]: N; truncate[W]: W

  bool operator==(const Transform&) const = default;
  bool temporal() const {
    return kind == Kind::kYear || kind == Kind::kMonth || kind == Kind::kDay || kind == Kind::kHour;
  }
};

// Parse "identity", "year", "month", "day", "hour", "bucket[N]", "truncate[W]", "void"
// (N, W from 1 to 2^31-1, no sign or leading zero); nullopt otherwise.
std::optional<Transform> ParseTransform(std::string_view text);
// The transform's name as the spec and partition-spec JSON write it ("bucket[16]").
std::string TransformName(const Transform& transform);

}  // namespace datalake
