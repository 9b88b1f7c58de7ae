// Private to the aws module: the retry decisions of AwsClient, as botocore's "standard" retry
// mode makes them (docs/AWS-WIRE.md#retries) but for throttling, which has its own back-off and
// a time budget (RetryOptions), plus the clock-skew and error-message helpers.
// Pure functions and one small thread-safe token bucket, so each rule is testable alone.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "aws/sigv4.h"
#include "common/status.h"

namespace datalake::aws {

// True for HTTP statuses retried whatever the code: 500, 502, 503, 504, and 429, which
// botocore's legacy mode also retries and which only ever means "slow down".
bool IsRetryableHttpStatus(int status);
// True for botocore's transient and throttling error codes and the retryable Glue codes
// (docs/AWS-WIRE.md#what-is-retried).
bool IsRetryableErrorCode(std::string_view code);
bool IsRetryableError(const AwsError& error);
// True when the service asks us to slow down: HTTP 429, or one of botocore's throttling codes
// (SlowDown, Throttling, ThrottlingException, TooManyRequestsException, RequestLimitExceeded,
// PriorRequestNotComplete, ...; docs/AWS-WIRE.md#what-is-retried) whatever the status (S3 sends 503
// SlowDown, Glue 400 ThrottlingException). An S3 503 ServiceUnavailable, or a 503 without a body,
// is not: it is retried as a transient failure.
bool IsThrottlingError(const AwsError& error);
// True for codes that may mean "your clock is off": RequestTimeTooSkewed, RequestExpired,
// RequestInTheFuture, InvalidSignatureException ("Signature expired"), SignatureDoesNotMatch,
// AuthFailure. Whether it is skew is decided by comparing with the server's Date.
bool IsClockSkewErrorCode(std::string_view code);
// True for ExpiredToken / ExpiredTokenException: fetch credentials again and re-sign once.
bool IsExpiredTokenErrorCode(std::string_view code);

// The smallest difference between our clock and the server's Date that counts as skew. S3
// rejects requests 15 minutes off and Glue 5, so anything that far is real skew, not latency.
inline constexpr std::chrono::minutes kClockSkewThreshold{4};

// Return the clock offset (server minus local) to use from now on, or nullopt when `response`
// does not show skew: not a skew code, no parseable Date, or within kClockSkewThreshold of
// `local_now + current_offset`.
std::optional<std::chrono::seconds> ClockSkewCorrection(
    const AwsError& error, const HttpResponse& response,
    std::chrono::system_clock::time_point local_now, std::chrono::seconds current_offset);

// Parse an HTTP date in the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110
// §5.6.7); nullopt if it is not one.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view value);

// Return the delay before retry number `retry` (0 for the first retry): full jitter over an
// exponential backoff, jitter * min(base_delay * 2^retry, max_delay).
std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double jitter);
// The same for retry number `retry` of throttling: throttle_base_delay instead of base_delay.
std::chrono::milliseconds ThrottleBackoffDelay(const RetryOptions& options, int retry,
                                               double jitter);

// The client-wide retry token bucket (docs/AWS-WIRE.md#backoff-and-retry-quota): a retry costs
// kRetryCost tokens, or kTimeoutRetryCost after a timeout; a success gives back what its retries
// took, or 1 token when it needed none. When the bucket cannot pay, retrying stops.
class RetryQuota {
 public:
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr int kNoRetryRefund = 1;

  explicit RetryQuota(int capacity) : capacity_(capacity), available_(capacity) {}

  // Take `cost` tokens; false (taking nothing) if fewer are left.
  bool Acquire(int cost);
  // Give tokens back after a success: `taken` if retries took some, else kNoRetryRefund.
  void Release(int taken);
  int available() const;

 private:
  mutable std::mutex mu_;
  const int capacity_;
  int available_;
};

// Return "<Operation> <resource>: HTTP <status> <Code> (request id <id>): <message>", leaving
// out the parts that are empty; the message is cut to a sane length and control characters
// become spaces.
std::string DescribeAwsError(std::string_view operation, std::string_view resource,
                             const AwsError& error);

// Return the Status of a final error response: kTransient when `retryable`, kConfigError for
// 400/401/403, kNotFound for 404, kIOError otherwise. `note` ("after 5 attempts") is appended
// when not empty. What a code means for the user (a missing bucket, a wrong region) is for the
// service's client to explain: S3Client, ExecuteJsonRequest.
Status AwsErrorStatus(const AwsRequest& request, const AwsError& error, bool retryable,
                      std::string_view note);

// Return why the service rejected the request's credentials when `code` says it did ("the access
// key id is not known"), else "". Each service names these its own way: InvalidAccessKeyId (S3),
// InvalidClientTokenId (STS), UnrecognizedClientException (JSON services), and so on.
std::string_view RejectedCredentialsReason(std::string_view code);

// Return the config error "the credentials were rejected: <reason> (<detail>)", the one wording
// of every service for rejected credentials (`reason` from RejectedCredentialsReason).
Status RejectedCredentialsError(std::string_view reason, std::string_view detail);

// Return `message` with every occurrence of the secret key and session token of `credentials`
// replaced by "[redacted]" (a server may echo them; they must never reach a log), by
// MaskSecret's rule: a secret shorter than kMinSubstringSecretBytes only where it stands alone.
std::string RedactSecrets(std::string message, const Credentials& credentials);

}  // namespace datalake::aws
