// Base64 (RFC 4648, standard alphabet) for binary columns: JSON carries bytes as base64 text,
// which is what the JSON SerDes (OpenX, and Trino's reimplementation Athena uses) decode.
#pragma once

#include <string>
#include <string_view>

namespace datalake::format {

// Append the base64 text of `bytes` to `out`, with '=' padding.
void AppendBase64(std::string_view bytes, std::string* out);

// Decode `text` and append the bytes to `out`. Accepts the standard alphabet with or without
// '=' padding (as Java's Base64.getDecoder() does); no whitespace, no URL-safe alphabet. Return
// false (with `out` holding a partial result) for anything else.
bool DecodeBase64(std::string_view text, std::string* out);

}  // namespace datalake::format
