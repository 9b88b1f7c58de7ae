#include "common/partition_transform.h"

#include <charconv>

namespace datalake {
namespace {

std::optional<int32_t> Parameter(std::string_view text, std::string_view name) {
  if (!text.starts_with(name) || text.size() < name.size() + 3 || text[name.size()] != '[' ||
      text.back() != ']') {
    return std::nullopt;
  }
  const std::string_view digits = text.substr(name.size() + 1, text.size() - name.size() - 2);
  if (digits.empty() || digits[0] == '0' || digits[0] == '+') return std::nullopt;
  int32_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value < 1) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Transform> ParseTransform(std::string_view text) {
  using K = Transform::Kind;
  if (text == "identity") return Transform{K::kIdentity, 0};
  if (text == "year") return Transform{K::kYear, 0};
  if (text == "month") return Transform{K::kMonth, 0};
  if (text == "day") return Transform{K::kDay, 0};
  if (text == "hour") return Transform{K::kHour, 0};
  if (text == "void") return Transform{K::kVoid, 0};
  if (auto n = Parameter(text, "bucket")) return Transform{K::kBucket, *n};
  if (auto w = Parameter(text, "truncate")) return Transform{K::kTruncate, *w};
  return std::nullopt;
}

std::string TransformName(const Transform& t) {
  using K = Transform::Kind;
  switch (t.kind) {
    case K::kIdentity:
      return "identity";
    case K::kYear:
      return "year";
    case K::kMonth:
      return "month";
    case K::kDay:
      return "day";
    case K::kHour:
      return "hour";
    case K::kBucket:
      return "bucket[" + std::to_string(t.parameter) + "]";
    case K::kTruncate:
      return "truncate[" + std::to_string(t.parameter) + "]";
    case K::kVoid:
      return "void";
  }
  return "void";
}

}  // namespace datalake
