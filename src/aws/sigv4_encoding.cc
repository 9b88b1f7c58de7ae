// SigV4 URI encoding, canonical URI and canonical query string (docs/AWS-WIRE.md#canonical-uri,
// docs/AWS-WIRE.md#canonical-query-string).

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/sigv4.h"

namespace datalake::aws {
namespace {

// RFC 3986 §2.3 unreserved characters: the only bytes SigV4 leaves unencoded.
bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool IsUpperHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// Return the byte offset of the first byte that UriEncode(·, false) could not have produced, or
// npos. S3 signs the path as sent (docs/AWS-WIRE.md#canonical-uri), so a path that is not in this
// form (a raw space, '+', lowercase %xx) would be signed differently from what S3 reconstructs.
size_t FindUnencodedByte(std::string_view path) {
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (IsUnreserved(c) || c == '/') continue;
    if (c == '%' && i + 2 < path.size() && IsUpperHexDigit(path[i + 1]) &&
        IsUpperHexDigit(path[i + 2])) {
      i += 2;
      continue;
    }
    return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(c);
      continue;
    }
    const auto b = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0F]);
  }
  return out;
}

// Same result as botocore's remove_dot_segments (RFC 3986 §5.2.4 plus the removal of empty
// segments AWS services require); aws-c-auth agrees on every suite case.
std::string NormalizeUriPath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  // A canonical URI always starts with '/', even for a relative input.
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (!segments.empty() && path.back() == '/') out.push_back('/');
  return out;
}

Result<std::string> CanonicalUri(std::string_view path, bool normalize, bool double_encode) {
  if (!path.empty() && path.front() != '/') {
    return Status::Internal("canonical URI: the request path does not start with '/'");
  }
  std::string base = normalize ? NormalizeUriPath(path) : std::string(path.empty() ? "/" : path);
  if (double_encode) return UriEncode(base, /*encode_slash=*/false);
  const size_t bad = FindUnencodedByte(base);
  if (bad != std::string_view::npos) {
    return Status::Internal("canonical URI: the request path is not URI-encoded (byte " +
                            std::to_string(bad) + ")");
  }
  return base;
}

std::string CanonicalQueryString(const std::vector<QueryParam>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const QueryParam& param : query) {
    encoded.emplace_back(UriEncode(param.name, /*encode_slash=*/true),
                         UriEncode(param.value, /*encode_slash=*/true));
  }
  // Byte order of the encoded forms: by name, then by value for repeated names.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(encoded[i].first);
    out.push_back('=');
    out.append(encoded[i].second);
  }
  return out;
}

}  // namespace datalake::aws
