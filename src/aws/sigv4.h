// AWS Signature Version 4 (header-based) request signing, as pure functions.
//
// Modelled on aws-c-auth, four things are kept apart: the signable request (what is signed), the
// signing config (region, service, credentials, the injected signing time and the service
// quirks), the signing result (the headers to add, plus the intermediate strings for tests), and
// applying that result to the wire request, which is the HTTP client's job. The signer never
// reads the clock and never touches the transport. Each documented step is one function, as in
// minio-cpp, so tests can check every intermediate string against the official suite
// (docs/AWS-WIRE.md#test-vectors).
//
// Thread-safety: every function is pure and reentrant. Errors: a malformed request (a bug in the
// caller) is kInternal, unusable credentials/region/service are kConfigError, and an OpenSSL
// failure is kInternal. Secrets: nothing here logs, and no error message quotes a secret key, a
// session token, a signing key or a signature. Credentials deliberately have no operator<<.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace datalake::aws {

// One HTTP header as the caller will send it; names are case-insensitive, and a name may repeat.
struct Header {
  std::string name{};
  std::string value{};
};

// One query parameter, NOT encoded: the signer encodes names and values itself
// (docs/AWS-WIRE.md#canonical-query-string). Build the wire query with CanonicalQueryString(query)
// so what is sent is exactly what was signed.
struct QueryParam {
  std::string name{};
  std::string value{};  // empty for a bare "?uploads" (canonical form "uploads=")
};

// Payload hash literals (docs/AWS-WIRE.md#payload-hash). Any other payload hash must be 64
// lowercase hex digits.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
// Hex SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// What is signed.
struct SignableRequest {
  // Upper-case HTTP method ("GET", "PUT", ...).
  std::string method{};
  // The request path exactly as it goes on the wire, starting with '/' ("" means "/"). For S3
  // the caller has already URI-encoded each key segment once (UriEncode(key, false)), and the
  // signer checks it is in that form; for other services (double_uri_encode) the signer encodes
  // it once more, whatever it contains (docs/AWS-WIRE.md#canonical-uri).
  std::string path{};
  // Query parameters, unencoded; order does not matter.
  std::vector<QueryParam> query{};
  // Every header the caller will send, including Host (required, exactly as on the wire, with
  // ":port" when not the default). Must not contain Authorization, X-Amz-Date,
  // X-Amz-Security-Token or X-Amz-Content-SHA256: the signer adds those. Headers that proxies or
  // libcurl may change (Expect, Transfer-Encoding, User-Agent, ...) are left unsigned
  // (docs/AWS-WIRE.md#canonical-headers).
  std::vector<Header> headers{};
  // Lowercase hex SHA-256 of the body (Sha256Hex(body); kEmptyPayloadSha256 without a body), or
  // one of the literals above.
  std::string payload_hash{};
};

// AWS credentials. A plain struct with no operator<< or formatter on purpose: never log it.
struct Credentials {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};  // empty for long-term credentials
};

// Where the session token goes. Every service the connector calls, STS included, signs it
// (docs/AWS-WIRE.md#session-token; suite cases post-sts-header-before,
// get-vanilla-with-session-token), as botocore does. A few endpoints (AWS IoT websockets:
// aws-c-auth's omit_session_token) want it added after signing, unsigned (suite case
// post-sts-header-after); kAppendedAfterSigning exists for those.
enum class SessionTokenMode {
  kSigned,
  kAppendedAfterSigning,
};

// How to sign. Prefer S3SigningConfig / ServiceSigningConfig, which set the quirks.
struct SigningConfig {
  std::string region{};   // "us-east-1"
  std::string service{};  // signing name: "s3", "glue", "lakeformation", "sts"
  Credentials credentials{};
  // The signing time, injected (never read from the clock here); whole seconds are used.
  std::chrono::system_clock::time_point signing_time{};
  // Encode the (wire) path once more to form the canonical URI. False for S3 only
  // (docs/AWS-WIRE.md#canonical-uri).
  bool double_uri_encode = true;
  // Remove dot segments and empty segments from the path first. False for S3 only.
  bool normalize_uri_path = true;
  // Add and sign x-amz-content-sha256 with the payload hash. S3 requires it
  // (docs/AWS-WIRE.md#payload-hash).
  bool add_content_sha256_header = false;
  SessionTokenMode session_token_mode = SessionTokenMode::kSigned;
};

// Return the config S3 needs: path used as sent, no normalization, x-amz-content-sha256 added.
SigningConfig S3SigningConfig(std::string region, Credentials credentials,
                              std::chrono::system_clock::time_point signing_time);
// Return the config of any other service (Glue, Lake Formation, STS): normalized, double-encoded.
SigningConfig ServiceSigningConfig(std::string service, std::string region, Credentials credentials,
                                   std::chrono::system_clock::time_point signing_time);

// What signing produced. The headers are to be added to the request as given; the other fields
// exist for tests. canonical_request may contain the session token: do not log it either.
struct SigningResult {
  // X-Amz-Date, X-Amz-Security-Token (with a token), X-Amz-Content-SHA256 (when configured),
  // Authorization, in this order.
  std::vector<Header> headers{};
  std::string canonical_request{};
  std::string string_to_sign{};
  std::string signed_headers{};
  std::string signature{};
};

// Sign `request` (docs/AWS-WIRE.md#signing-steps): run every step below and build the headers to
// add.
Result<SigningResult> Sign(const SignableRequest& request, const SigningConfig& config);

// ---- Encoding ----

// Return `s` with every byte but A-Z a-z 0-9 - _ . ~ written as %XX (uppercase hex); '/' is kept
// unless `encode_slash`. Bytes are taken as they are (UTF-8 for text), space becomes %20.
std::string UriEncode(std::string_view s, bool encode_slash);

// Return `path` with "." and ".." segments and empty segments ("//") removed, keeping a leading
// and (when something remains) a trailing '/', as botocore's normalize_url_path does. "" -> "/".
std::string NormalizeUriPath(std::string_view path);

// Return the canonical URI of a wire path under the given flags (docs/AWS-WIRE.md#canonical-uri).
// Without double encoding the path must already be URI-encoded (only unreserved bytes, '/' and %XX
// with uppercase hex).
Result<std::string> CanonicalUri(std::string_view path, bool normalize, bool double_encode);

// Return name=value pairs, each part UriEncode(·, true), sorted by encoded name then encoded
// value, joined with '&' (docs/AWS-WIRE.md#canonical-query-string). Also the right query string
// to send.
std::string CanonicalQueryString(const std::vector<QueryParam>& query);

// ---- Headers (docs/AWS-WIRE.md#canonical-headers) ----

// Return `value` with leading and trailing spaces and tabs removed and each inner run of them
// replaced by one space (the SigV4 "Trimall").
std::string CanonicalHeaderValue(std::string_view value);

// True unless `lowercase_name` is one of the headers never signed (botocore's
// SIGNED_HEADERS_BLACKLIST, which covers aws-c-auth's skip list).
bool IsSignableHeader(std::string_view lowercase_name);

struct CanonicalHeaderBlock {
  std::string canonical{};       // "name:value\n" per signed name, sorted
  std::string signed_headers{};  // "name1;name2"
};

// Return the canonical headers and SignedHeaders of `headers`: names lowercased, unsignable ones
// dropped, values Trimall-ed, repeated names joined with ',' in order of appearance, sorted by
// name. Fails on an invalid name (not an RFC 9110 token) or a value with CR, LF or NUL.
Result<CanonicalHeaderBlock> CanonicalHeaders(const std::vector<Header>& headers);

// ---- Request, string to sign, key, signature (docs/AWS-WIRE.md#signing-steps) ----

// Return the six parts joined with '\n' (canonical_headers already ends in '\n').
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash);

// Return the X-Amz-Date form of `time`: "YYYYMMDDTHHMMSSZ" in UTC (seconds truncated).
Result<std::string> FormatAmzDate(std::chrono::system_clock::time_point time);

// Return "<yyyymmdd>/<region>/<service>/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// Return "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical_request>".
Result<std::string> StringToSign(std::string_view amz_date, std::string_view credential_scope,
                                 std::string_view canonical_request);

using Sha256Digest = std::array<std::uint8_t, 32>;

// Return kSigning = HMAC chain over "AWS4"+secret, date (yyyymmdd), region, service,
// "aws4_request". A pure function of its inputs, so callers may cache it per UTC day and drop it
// when credentials rotate. The result is secret.
Result<Sha256Digest> SigningKey(std::string_view secret_access_key, std::string_view date,
                                std::string_view region, std::string_view service);

// Return lowercase hex HMAC-SHA256(signing_key, string_to_sign).
Result<std::string> Signature(const Sha256Digest& signing_key, std::string_view string_to_sign);

// ---- Crypto primitives (OpenSSL EVP) ----

// Return the lowercase hex SHA-256 of `bytes`.
Result<std::string> Sha256Hex(std::string_view bytes);
// Return HMAC-SHA256(key, data).
Result<Sha256Digest> HmacSha256(std::string_view key, std::string_view data);
Result<Sha256Digest> HmacSha256(const Sha256Digest& key, std::string_view data);
// Return `bytes` as lowercase hex.
std::string HexEncode(std::string_view bytes);
std::string HexEncode(const Sha256Digest& digest);

}  // namespace datalake::aws
