// Internal to the config module: collects violations and reads typed members of config objects.
//
// Validation reports every problem at once (a user fixing a config should not need one attempt per
// mistake), so readers record a violation and carry on instead of returning on the first error.
// Messages name the field path and the problem; they quote a value only when the caller asks,
// which callers never do for secret fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "json/json.h"

namespace datalake::config::internal {

// The list of problems found in one config document.
class Violations {
 public:
  // Record "<field>: <problem>".
  void Add(std::string_view field, std::string_view problem);
  bool empty() const { return items_.empty(); }
  const std::vector<std::string>& items() const { return items_; }
  // Return OK if there are none, else one kConfigError listing them all.
  Status ToStatus() const;

 private:
  std::vector<std::string> items_;
};

// Return `value` as a quoted JSON string for a message, shortened if long. Never pass a secret.
std::string QuoteForMessage(std::string_view value);

enum class Presence { kOptional, kRequired };

// Reads members of one JSON object. A member that is absent or null counts as not set (UIs send
// null for cleared optional fields); a required member not set is a "required" violation, and a
// member of the wrong type is a "must be a <type>" violation. Either way the result is nullopt.
class ObjectReader {
 public:
  // `path` is the object's field path ("" for the top level, "credentials" for a nested one).
  ObjectReader(const json::Value& object, std::string path, Violations* violations)
      : object_(object), path_(std::move(path)), violations_(violations) {}

  std::optional<std::string> String(std::string_view key, Presence presence = Presence::kOptional);
  // A string that must also be non-empty when set (and is reported as required if absent).
  std::optional<std::string> NonEmptyString(std::string_view key, Presence presence);
  std::optional<bool> Bool(std::string_view key);
  // Any finite JSON number.
  std::optional<double> Number(std::string_view key);
  // A number with no fractional part ("5" or "5.0") that fits in int64.
  std::optional<int64_t> Integer(std::string_view key);
  const json::Value* Object(std::string_view key, Presence presence = Presence::kOptional);
  const json::Value* Array(std::string_view key, Presence presence = Presence::kOptional);

  // True if member `key` is present and not null.
  bool IsSet(std::string_view key) const;
  // The full path of member `key` ("credentials.role_arn").
  std::string PathOf(std::string_view key) const;
  // Record a violation for member `key`.
  void Add(std::string_view key, std::string_view problem) {
    violations_->Add(PathOf(key), problem);
  }

 private:
  // Return the member if set and of kind `kind`; record a violation otherwise.
  const json::Value* Get(std::string_view key, json::Kind kind, std::string_view type_name,
                         Presence presence);

  const json::Value& object_;
  std::string path_;
  Violations* violations_;
};

}  // namespace datalake::config::internal
