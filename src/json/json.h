// A small JSON document model for the documents that are read whole and must round-trip
// faithfully: config, configured catalog, JSON schemas, table definitions.
//
// Faithful means: object member order is kept, duplicate keys are rejected, and numbers keep
// their exact source text (a 40-digit cursor survives unchanged). Records do not go through
// this model (the decode module converts them on the fly, decode/decode.h), nor do STATE
// payloads, which are echoed as they came (json/raw.h).
//
// Values are plain data, safe to share between threads when not mutated.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace datalake::json {

enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

class Value {
 public:
  using Member = std::pair<std::string, Value>;

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  // REQUIRES: `text` is a valid JSON number (see IsValidNumber).
  static Value NumberText(std::string text);
  static Value Int(int64_t v);
  // Return a number whose text has a decimal point or exponent ("1.0" for 1), as the Airbyte
  // protocol asks for doubles such as recordCount. Non-finite values become null.
  static Value Double(double v);
  static Value String(std::string s);
  static Value Array(std::vector<Value> items = {});
  static Value Object(std::vector<Member> members = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // REQUIRES: is_bool()
  bool bool_value() const { return bool_; }
  // The string of a string, or the source text of a number. REQUIRES: is_string() || is_number()
  const std::string& text() const { return text_; }
  // REQUIRES: is_array()
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& mutable_items() { return items_; }
  // REQUIRES: is_object()
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& mutable_members() { return members_; }

  // Return the member named `key`, or nullptr (also when this is not an object).
  const Value* Find(std::string_view key) const;
  Value* FindMutable(std::string_view key);
  // Set member `key` (replacing an existing one in place, else appending). REQUIRES: is_object()
  void Set(std::string_view key, Value value);
  // Remove member `key` if present. REQUIRES: is_object()
  void Remove(std::string_view key);

  // Return the number as an exact int64 if its text is an integer in range ("1.0" is not).
  std::optional<int64_t> AsInt64() const;
  // Return the number as the nearest double (nullopt if not a number or out of range).
  std::optional<double> AsDouble() const;
  // Return the string, or nullopt if this is not a string.
  std::optional<std::string_view> AsString() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

struct ParseOptions {
  int max_depth = 256;
};

// Parse one JSON document. Errors say what and at which byte offset, never quote the input.
Result<Value> Parse(std::string_view text, const ParseOptions& options = {});

// Serialise compactly (no spaces). Strings are escaped per RFC 8259; non-ASCII UTF-8 is kept.
std::string Serialize(const Value& value);
void SerializeTo(const Value& value, std::string* out);
// Serialise with two-space indentation and a trailing newline (for files people read).
std::string SerializePretty(const Value& value);

// Append `s` as a quoted, escaped JSON string. `s` must be valid UTF-8.
void AppendQuoted(std::string_view s, std::string* out);

// True if `text` is exactly a JSON number per RFC 8259 (no leading '+', no leading zeros).
bool IsValidNumber(std::string_view text);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace datalake::json
