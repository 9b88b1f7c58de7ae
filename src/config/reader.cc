#include "config/reader.h"

#include <cmath>

namespace datalake::config::internal {
namespace {

// Long enough to recognise a value, short enough that a message stays one readable line.
constexpr size_t kMaxQuotedBytes = 64;

}  // namespace

void Violations::Add(std::string_view field, std::string_view problem) {
  std::string item(field);
  item += ": ";
  item += problem;
  items_.push_back(std::move(item));
}

Status Violations::ToStatus() const {
  if (items_.empty()) return Status::Ok();
  std::string message = "invalid configuration (";
  message += std::to_string(items_.size());
  message += items_.size() == 1 ? " problem): " : " problems): ";
  for (size_t i = 0; i < items_.size(); ++i) {
    if (i > 0) message += "; ";
    message += items_[i];
  }
  return Status::ConfigError(std::move(message));
}

std::string QuoteForMessage(std::string_view value) {
  bool shortened = false;
  if (value.size() > kMaxQuotedBytes) {
    size_t end = kMaxQuotedBytes;
    // Back up to a UTF-8 lead byte so the quoted text stays valid UTF-8.
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
    value = value.substr(0, end);
    shortened = true;
  }
  std::string out;
  json::AppendQuoted(value, &out);
  if (shortened) out.insert(out.size() - 1, "...");
  return out;
}

bool ObjectReader::IsSet(std::string_view key) const {
  const json::Value* value = object_.Find(key);
  return value != nullptr && !value->is_null();
}

std::string ObjectReader::PathOf(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string path = path_;
  path += '.';
  path += key;
  return path;
}

const json::Value* ObjectReader::Get(std::string_view key, json::Kind kind,
                                     std::string_view type_name, Presence presence) {
  const json::Value* value = object_.Find(key);
  if (value == nullptr || value->is_null()) {
    if (presence == Presence::kRequired) Add(key, "required");
    return nullptr;
  }
  if (value->kind() != kind) {
    // Only the expected type is named, never the value: the field may hold a secret.
    Add(key, std::string("must be ") + std::string(type_name));
    return nullptr;
  }
  return value;
}

std::optional<std::string> ObjectReader::String(std::string_view key, Presence presence) {
  const json::Value* value = Get(key, json::Kind::kString, "a string", presence);
  if (value == nullptr) return std::nullopt;
  return value->text();
}

std::optional<std::string> ObjectReader::NonEmptyString(std::string_view key, Presence presence) {
  std::optional<std::string> value = String(key, presence);
  if (value.has_value() && value->empty()) {
    Add(key, "must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ObjectReader::Bool(std::string_view key) {
  const json::Value* value = Get(key, json::Kind::kBool, "a boolean", Presence::kOptional);
  if (value == nullptr) return std::nullopt;
  return value->bool_value();
}

std::optional<double> ObjectReader::Number(std::string_view key) {
  const json::Value* value = Get(key, json::Kind::kNumber, "a number", Presence::kOptional);
  if (value == nullptr) return std::nullopt;
  std::optional<double> number = value->AsDouble();
  if (!number.has_value() || !std::isfinite(*number)) {
    Add(key, "must be a finite number");
    return std::nullopt;
  }
  return number;
}

std::optional<int64_t> ObjectReader::Integer(std::string_view key) {
  const json::Value* value = Get(key, json::Kind::kNumber, "an integer", Presence::kOptional);
  if (value == nullptr) return std::nullopt;
  if (std::optional<int64_t> exact = value->AsInt64()) return exact;
  // JSON Schema counts 5.0 as an integer; accept it when it is exactly representable.
  std::optional<double> number = value->AsDouble();
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  if (number.has_value() && std::isfinite(*number) && std::trunc(*number) == *number &&
      std::fabs(*number) <= kLimit) {
    return static_cast<int64_t>(*number);
  }
  Add(key, "must be an integer");
  return std::nullopt;
}

const json::Value* ObjectReader::Object(std::string_view key, Presence presence) {
  return Get(key, json::Kind::kObject, "an object", presence);
}

const json::Value* ObjectReader::Array(std::string_view key, Presence presence) {
  return Get(key, json::Kind::kArray, "a list", presence);
}

}  // namespace datalake::config::internal
