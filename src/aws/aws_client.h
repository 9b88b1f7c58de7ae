// AwsClient: one AWS service endpoint, and everything every call to it needs: signing (SigV4,
// re-signed on every attempt with fresh credentials), sending, retrying like the SDKs' standard
// mode (throttling with a longer budget, RetryOptions), correcting clock skew, and turning an AWS
// error response into one final Status.
//
// Final failures name the operation, the resource, the HTTP status, the AWS error code and the
// request id ("PutObject s3://b/k: HTTP 403 SignatureDoesNotMatch (request id 1234): ..."),
// and never a secret, a signature or a session token. Status codes: kConfigError for 400, 401
// and 403 (credentials, permissions), kTransient when retries ran out on a retryable failure,
// kNotFound for 404 (callers often expect it), else kIOError. The service clients then explain
// the codes the user must act on (S3Client: a missing bucket, a wrong region).
//
// Cancellation (common/cancel.h): once requested, a call sends nothing more, retries nothing and
// does not sleep; it returns kCancelled (a transfer in flight is aborted by the transport).
// Requests marked runs_when_cancelled are exempt.
//
// Thread-safety: Execute may be called from several threads; each call borrows an HttpClient
// from the client's pool (made on demand, returned after the call), so concurrent workers each
// reuse their own connection and nothing outlives the AwsClient.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "common/status.h"

namespace datalake::aws {

// How the service encodes errors and signs payloads.
enum class Protocol {
  kRestXml,   // S3: XML errors, single-encoded paths, x-amz-content-sha256
  kQuery,     // STS: form-encoded POST, XML errors
  kJson,      // Glue: JSON 1.1, X-Amz-Target, {"__type":...} errors
  kRestJson,  // Lake Formation: REST paths, JSON errors
};

// Transient failures (5xx, resets, timeouts) are retried up to max_attempts with full-jitter
// exponential backoff from base_delay. Throttling (IsThrottlingError: S3 SlowDown, 429, Glue's
// ThrottlingException, ...) is AWS asking for a slower rate, not an outage: it is retried with
// backoff from throttle_base_delay for as long as the call is within throttle_budget of its
// first attempt, however many attempts that takes, and costs no retry quota. Both back-offs are
// capped at max_delay. With the defaults a call rides out 90 s of throttling (waits of up to 1,
// 2, 4, 8, 16, then 20 s each: 14 attempts typically, 9 at the fewest) and gives up on a
// transient failure after 5 attempts and at most 1.5 s of waiting.
struct RetryOptions {
  int max_attempts = 5;  // attempts that fail transiently, first included
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{20'000};
  int retry_quota = 500;  // tokens; a retry costs 5, a timeout retry 10, a throttled one 0
  std::chrono::milliseconds throttle_base_delay{1'000};
  std::chrono::milliseconds throttle_budget{90'000};
};

struct AwsClientOptions {
  std::string service{};  // signing name: "s3", "sts", "glue", "lakeformation"
  std::string region{};
  std::string endpoint{};  // "https://host[:port]" (no path)
  Protocol protocol = Protocol::kRestXml;
  std::shared_ptr<CredentialsProvider> credentials{};  // nullptr: send unsigned
  RetryOptions retry{};
  HttpOptions http{};
  // Injected for tests: the clock used for signing and the source of retry jitter.
  std::function<std::chrono::system_clock::time_point()> clock{};
  std::function<double()> jitter{};  // uniform in [0, 1)
  // Injected for tests: how to wait before a retry (default: SleepUnlessCancelled), and the
  // clock that measures a call's throttle_budget (default: steady_clock::now).
  std::function<void(std::chrono::milliseconds)> sleep{};
  std::function<std::chrono::steady_clock::time_point()> steady_clock{};
  // Injected for tests: how HTTP clients are made (default: NewCurlHttpClient(http)).
  std::function<std::unique_ptr<HttpClient>()> http_factory{};
};

struct AwsRequest {
  std::string operation{};  // "PutObject", for messages
  std::string resource{};   // "s3://bucket/key", for messages
  std::string endpoint{};   // overrides options.endpoint when set (virtual-hosted S3 buckets)
  std::string method{};
  std::string path{};               // wire-encoded, starting with '/'
  std::vector<QueryParam> query{};  // unencoded
  std::vector<Header> headers{};    // extra headers (Content-Type, x-amz-target, ...); no Host
  std::string_view body{};          // not owned
  // S3: sign the body's SHA-256 (true) or send UNSIGNED-PAYLOAD over TLS (false).
  bool sign_payload = true;
  // Whether the request may be retried after a transport error (not idempotent otherwise).
  bool idempotent = true;
  // A clean-up request (AbortMultipartUpload): sent, retried and let finish even after
  // cancellation was requested, so that a cancelled sync leaves nothing billed behind. Its
  // back-off sleeps are skipped then: the grace period before SIGKILL is short.
  bool runs_when_cancelled = false;
};

// A parsed AWS error response.
struct AwsError {
  int http_status = 0;
  std::string code{};  // "NoSuchBucket", "ThrottlingException", ...
  std::string message{};
  std::string request_id{};
  // The bucket's region on S3 wrong-region answers (<Region>, else x-amz-bucket-region).
  std::string region{};
};

class AwsClient {
 public:
  explicit AwsClient(AwsClientOptions options);
  ~AwsClient();

  // Send `request`, retrying per the options. Returns the 2xx response, or the final error.
  // A 200 response whose body is an S3 <Error> document (CompleteMultipartUpload,
  // CopyObject) is treated as that error.
  Result<HttpResponse> Execute(const AwsRequest& request);
  // As above; on an AWS error response also fill `*error` (when not null) with the final parsed
  // error, for callers that branch on the code (AlreadyExistsException, NoSuchUpload, ...).
  // `*error` is left with http_status 0 on transport and signing failures.
  Result<HttpResponse> Execute(const AwsRequest& request, AwsError* error);

  const AwsClientOptions& options() const { return options_; }

 private:
  struct Impl;
  AwsClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Parse an error body of `protocol` (XML <Error> or <ErrorResponse>, JSON __type/message with
// the X-Amzn-ErrorType header) into an AwsError.
AwsError ParseAwsError(Protocol protocol, const HttpResponse& response);

// The AWS error code at the start of `text`: its leading run of letters, digits, '_' and '.',
// when that starts with a letter ("" otherwise). Codes are read by this one rule both from
// responses (ParseAwsError) and back from failures' messages (AwsErrorCodeOf), so a garbled code
// is classified by the same word its message shows.
std::string_view AwsCodeWord(std::string_view text);

}  // namespace datalake::aws
