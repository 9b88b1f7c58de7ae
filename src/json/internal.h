// Helpers shared by the json module's parsers. Not part of the public interface.
#pragma once

#include <string>
#include <string_view>

namespace datalake::json::internal {

// Read the JSON string whose opening quote is at s[*pos], checking its escapes (surrogates must
// pair unless `lone_surrogates`) and its UTF-8. On success return nullptr with *pos just after the
// closing quote and, when `out` is not null, the unescaped string appended to *out. On failure
// return the reason ("unterminated string", ...) with *pos at or near the problem.
// `lone_surrogates` (RFC 8259's grammar allows "\ud800" alone) requires `out` == nullptr: such
// a string has no UTF-8 form.
const char* ReadString(std::string_view s, size_t* pos, std::string* out,
                       bool lone_surrogates = false);

}  // namespace datalake::json::internal
