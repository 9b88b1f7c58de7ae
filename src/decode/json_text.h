// JSON text of values stored in JSON and string columns: validated and compact.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace datalake::decode {

// The status the decoder returns for malformed record data: kInvalidInput naming the problem
// (a simdjson error name such as "TAPE_ERROR"), never quoting the data.
Status InvalidJson(std::string_view error_name);

// Drop trailing JSON whitespace (simdjson's raw tokens run up to the next structural character).
std::string_view TrimTrailingWhitespace(std::string_view text);

// Validates JSON text and appends it without insignificant whitespace. Owns a reusable nesting
// stack, so it allocates nothing once warmed up. simdjson's on-demand API skips the insides of a
// value taken with raw_json() without validating them; this pass is what validates them.
class JsonCompactor {
 public:
  // Append `text`, which must be exactly one JSON value (RFC 8259; surrounding whitespace
  // allowed), to `out` with whitespace outside strings removed. Strings are copied as written
  // (escapes are kept). On malformed text return InvalidJson(...); `out` then holds a partial copy.
  Status Append(std::string_view text, std::string* out);
  // Check `text` as Append does, copying nothing.
  Status Check(std::string_view text) { return Append(text, nullptr); }

 private:
  // What the text at pos_ must be next.
  enum class Step { kValue, kKey, kAfterValue, kDone };

  Step ScanValue();
  Step ScanKey();
  Step ScanAfterValue();
  Step EndValue();
  // Skip whitespace at pos_, first flushing the text before it to out_.
  void SkipWhitespace();

  // The call in progress.
  std::string_view text_;
  std::string* out_ = nullptr;
  size_t pos_ = 0;
  size_t copied_ = 0;            // text_[copied_, pos_) is not yet in out_
  const char* error_ = nullptr;  // simdjson name of the problem found
  std::string stack_;            // '{' or '[' per open container
};

}  // namespace datalake::decode
