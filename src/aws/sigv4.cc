// SigV4 canonical headers, canonical request, string to sign and Sign()
// (docs/AWS-WIRE.md#signing-sigv4). Encoding lives in sigv4_encoding.cc, hashing and keys in
// sigv4_crypto.cc.

#include "aws/sigv4.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace datalake::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kDateHeader = "X-Amz-Date";
constexpr std::string_view kTokenHeader = "X-Amz-Security-Token";
constexpr std::string_view kContentSha256Header = "X-Amz-Content-SHA256";
constexpr std::string_view kAuthorizationHeader = "Authorization";

// Headers that the signer itself adds; a caller that sets one would be signing twice (aws-c-auth
// rejects them as AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER for the same reason).
constexpr std::array<std::string_view, 4> kReservedHeaders = {
    "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"};

// botocore SIGNED_HEADERS_BLACKLIST (docs/AWS-WIRE.md#canonical-headers): headers proxies or the
// HTTP library may change.
constexpr std::array<std::string_view, 11> kUnsignedHeaders = {"connection",
                                                               "expect",
                                                               "keep-alive",
                                                               "proxy-authenticate",
                                                               "proxy-authorization",
                                                               "te",
                                                               "trailer",
                                                               "transfer-encoding",
                                                               "upgrade",
                                                               "user-agent",
                                                               "x-amzn-trace-id"};

bool IsHeaderWhitespace(char c) { return c == ' ' || c == '\t'; }

// RFC 9110 §5.6.2 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsValidPayloadHash(std::string_view hash) {
  return IsLowerHex64(hash) || hash == kUnsignedPayload || hash == kStreamingSignedPayload ||
         hash == kStreamingSignedPayloadTrailer || hash == kStreamingUnsignedPayloadTrailer;
}

// Region and service go into the credential scope, which '/' separates.
bool IsScopePart(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// The access key id goes into "Credential=<id>/<scope>," of the Authorization header.
bool IsValidAccessKeyId(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c > ' ' && c < 0x7F && c != '/' && c != ',';
  });
}

Status ValidateConfig(const SigningConfig& config) {
  if (!IsScopePart(config.region)) return Status::ConfigError("SigV4: invalid signing region");
  if (!IsScopePart(config.service)) return Status::ConfigError("SigV4: invalid signing service");
  const Credentials& creds = config.credentials;
  if (!IsValidAccessKeyId(creds.access_key_id)) {
    return Status::ConfigError("SigV4: the access key id is empty or malformed");
  }
  if (creds.secret_access_key.empty()) {
    return Status::ConfigError("SigV4: the secret access key is empty");
  }
  if (HasLineBreakOrNul(creds.session_token)) {
    return Status::ConfigError("SigV4: the session token contains a line break or NUL");
  }
  return Status::Ok();
}

Status ValidateRequest(const SignableRequest& request) {
  if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Status::Internal("SigV4: the HTTP method must be upper-case letters");
  }
  if (!IsValidPayloadHash(request.payload_hash)) {
    return Status::Internal("SigV4: the payload hash is neither hex SHA-256 nor a known literal");
  }
  int hosts = 0;
  for (const Header& header : request.headers) {
    const std::string name = ToLower(header.name);
    if (std::find(kReservedHeaders.begin(), kReservedHeaders.end(), name) !=
        kReservedHeaders.end()) {
      return Status::Internal("SigV4: the request already has header " + name);
    }
    if (name == "host") {
      ++hosts;
      if (CanonicalHeaderValue(header.value).empty()) {
        return Status::Internal("SigV4: the Host header is empty");
      }
    }
  }
  if (hosts != 1) return Status::Internal("SigV4: the request needs exactly one Host header");
  return Status::Ok();
}

void AppendDigits(int value, int width, std::string* out) {
  std::string digits(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0 && value > 0; --i, value /= 10) {
    digits[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
  }
  out->append(digits);
}

// Return "AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<sig>".
std::string AuthorizationValue(std::string_view access_key_id, std::string_view scope,
                               std::string_view signed_headers, std::string_view signature) {
  std::string out(kAlgorithm);
  out.append(" Credential=").append(access_key_id).append("/").append(scope);
  out.append(", SignedHeaders=").append(signed_headers);
  out.append(", Signature=").append(signature);
  return out;
}

}  // namespace

SigningConfig S3SigningConfig(std::string region, Credentials credentials,
                              std::chrono::system_clock::time_point signing_time) {
  return SigningConfig{.region = std::move(region),
                       .service = "s3",
                       .credentials = std::move(credentials),
                       .signing_time = signing_time,
                       .double_uri_encode = false,
                       .normalize_uri_path = false,
                       .add_content_sha256_header = true};
}

SigningConfig ServiceSigningConfig(std::string service, std::string region, Credentials credentials,
                                   std::chrono::system_clock::time_point signing_time) {
  return SigningConfig{.region = std::move(region),
                       .service = std::move(service),
                       .credentials = std::move(credentials),
                       .signing_time = signing_time};
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsHeaderWhitespace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsSignableHeader(std::string_view lowercase_name) {
  return std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(), lowercase_name) ==
         kUnsignedHeaders.end();
}

Result<CanonicalHeaderBlock> CanonicalHeaders(const std::vector<Header>& headers) {
  std::vector<Header> entries;
  entries.reserve(headers.size());
  for (const Header& header : headers) {
    if (header.name.empty() || !std::all_of(header.name.begin(), header.name.end(), IsTokenChar)) {
      return Status::Internal("SigV4: invalid header name");
    }
    std::string name = ToLower(header.name);
    if (HasLineBreakOrNul(header.value)) {
      return Status::Internal("SigV4: header " + name + " has a line break or NUL in its value");
    }
    if (!IsSignableHeader(name)) continue;
    entries.push_back({std::move(name), CanonicalHeaderValue(header.value)});
  }
  // Stable, so values of a repeated name keep their order of appearance.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Header& a, const Header& b) { return a.name < b.name; });
  CanonicalHeaderBlock block;
  for (size_t i = 0; i < entries.size(); ++i) {
    const bool repeat = i > 0 && entries[i].name == entries[i - 1].name;
    if (repeat) {
      block.canonical.pop_back();  // the '\n' of the previous value
      block.canonical.append(",").append(entries[i].value).append("\n");
      continue;
    }
    if (!block.signed_headers.empty()) block.signed_headers.push_back(';');
    block.signed_headers.append(entries[i].name);
    block.canonical.append(entries[i].name).append(":").append(entries[i].value).append("\n");
  }
  return block;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 5);
  out.append(method).append("\n");
  out.append(canonical_uri).append("\n");
  out.append(canonical_query).append("\n");
  out.append(canonical_headers).append("\n");
  out.append(signed_headers).append("\n");
  out.append(payload_hash);
  return out;
}

Result<std::string> FormatAmzDate(std::chrono::system_clock::time_point time) {
  using std::chrono::days;
  using std::chrono::seconds;
  const auto secs = std::chrono::floor<seconds>(time);
  const auto day = std::chrono::floor<days>(secs);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss<seconds> hms(secs - day);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return Status::Internal("SigV4: signing time out of range");
  std::string out;
  out.reserve(16);
  AppendDigits(year, 4, &out);
  AppendDigits(static_cast<int>(static_cast<unsigned>(ymd.month())), 2, &out);
  AppendDigits(static_cast<int>(static_cast<unsigned>(ymd.day())), 2, &out);
  out.push_back('T');
  AppendDigits(static_cast<int>(hms.hours().count()), 2, &out);
  AppendDigits(static_cast<int>(hms.minutes().count()), 2, &out);
  AppendDigits(static_cast<int>(hms.seconds().count()), 2, &out);
  out.push_back('Z');
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out(date);
  out.append("/").append(region).append("/").append(service).append("/aws4_request");
  return out;
}

Result<std::string> StringToSign(std::string_view amz_date, std::string_view credential_scope,
                                 std::string_view canonical_request) {
  ASSIGN_OR_RETURN(std::string request_hash, Sha256Hex(canonical_request));
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date);
  out.append("\n").append(credential_scope);
  out.append("\n").append(request_hash);
  return out;
}

Result<SigningResult> Sign(const SignableRequest& request, const SigningConfig& config) {
  RETURN_IF_ERROR(ValidateConfig(config));
  RETURN_IF_ERROR(ValidateRequest(request));
  const Credentials& creds = config.credentials;
  ASSIGN_OR_RETURN(std::string amz_date, FormatAmzDate(config.signing_time));

  // Headers the signer adds (date, session token, S3's content hash), in the documented order;
  // all of them are signed except an appended-after-signing token.
  SigningResult result;
  std::vector<Header> to_sign = request.headers;
  result.headers.push_back({std::string(kDateHeader), amz_date});
  to_sign.push_back(result.headers.back());
  if (!creds.session_token.empty()) {
    result.headers.push_back({std::string(kTokenHeader), creds.session_token});
    if (config.session_token_mode == SessionTokenMode::kSigned) {
      to_sign.push_back(result.headers.back());
    }
  }
  if (config.add_content_sha256_header) {
    result.headers.push_back({std::string(kContentSha256Header), request.payload_hash});
    to_sign.push_back(result.headers.back());
  }

  ASSIGN_OR_RETURN(CanonicalHeaderBlock header_block, CanonicalHeaders(to_sign));
  ASSIGN_OR_RETURN(std::string canonical_uri,
                   CanonicalUri(request.path, config.normalize_uri_path, config.double_uri_encode));
  result.canonical_request =
      CanonicalRequest(request.method, canonical_uri, CanonicalQueryString(request.query),
                       header_block.canonical, header_block.signed_headers, request.payload_hash);
  const std::string scope =
      CredentialScope(std::string_view(amz_date).substr(0, 8), config.region, config.service);
  ASSIGN_OR_RETURN(result.string_to_sign, StringToSign(amz_date, scope, result.canonical_request));

  ASSIGN_OR_RETURN(
      Sha256Digest signing_key,
      SigningKey(creds.secret_access_key, amz_date.substr(0, 8), config.region, config.service));
  Result<std::string> signature = Signature(signing_key, result.string_to_sign);
  OPENSSL_cleanse(signing_key.data(), signing_key.size());
  if (!signature.ok()) return signature.status();
  result.signature = std::move(signature).value();
  result.signed_headers = std::move(header_block.signed_headers);
  result.headers.push_back(
      {std::string(kAuthorizationHeader),
       AuthorizationValue(creds.access_key_id, scope, result.signed_headers, result.signature)});
  return result;
}

}  // namespace datalake::aws
