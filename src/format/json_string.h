// JSON string escaping for JSON Lines output (private to the format module).
#pragma once

#include <string>
#include <string_view>

namespace datalake::format {

// Append `s` (valid UTF-8) to `out` as a quoted JSON string. Escapes what RFC 8259 requires
// ('"', '\\', U+0000-U+001F; the usual short forms \n \r \t \b \f, else \u00XX) and also U+2028
// and U+2029: they are legal in JSON, but readers that split lines on Unicode line breaks (e.g.
// Python's str.splitlines) would otherwise cut a record in two. Other non-ASCII is kept as is.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace datalake::format
