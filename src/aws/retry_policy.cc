// Retry classification, backoff, retry quota and clock skew (docs/AWS-WIRE.md#retries).

#include "aws/retry_policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "common/redact.h"

namespace datalake::aws {
namespace {

// botocore retries/standard.py: TransientRetryableChecker codes, plus the retryable Glue codes
// (docs/AWS-WIRE.md#glue-errors) and STS's IDPCommunicationError.
constexpr std::array<std::string_view, 8> kTransientCodes = {
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "ServiceUnavailable",
    "InternalServiceException",
    "OperationTimeoutException",
    "FederationSourceRetryableException",
    "IDPCommunicationError",
};

// botocore retries/standard.py: ThrottledRetryableChecker codes. JSON services' error types
// ("com.amazonaws...#ThrottlingException") arrive here as their last segment (ParseAwsError).
constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

constexpr std::array<std::string_view, 6> kClockSkewCodes = {
    "RequestTimeTooSkewed",      "RequestExpired",        "RequestInTheFuture",
    "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure",
};

constexpr size_t kMaxMessageChars = 512;

bool Contains(const auto& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Return the month 1-12 of "Jan".."Dec", or 0.
unsigned MonthNumber(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == name) return static_cast<unsigned>(i + 1);
  }
  return 0;
}

}  // namespace

bool IsRetryableHttpStatus(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool IsRetryableErrorCode(std::string_view code) {
  return Contains(kTransientCodes, code) || Contains(kThrottlingCodes, code);
}

bool IsRetryableError(const AwsError& error) {
  return IsRetryableHttpStatus(error.http_status) || IsRetryableErrorCode(error.code);
}

bool IsThrottlingError(const AwsError& error) {
  return error.http_status == 429 || Contains(kThrottlingCodes, error.code);
}

bool IsClockSkewErrorCode(std::string_view code) { return Contains(kClockSkewCodes, code); }

bool IsExpiredTokenErrorCode(std::string_view code) {
  return code == "ExpiredToken" || code == "ExpiredTokenException";
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view value) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, 29 characters.
  if (value.size() != 29 || value[3] != ',' || value[4] != ' ' || value[7] != ' ' ||
      value[11] != ' ' || value[16] != ' ' || value[19] != ':' || value[22] != ':' ||
      value.substr(25) != " GMT") {
    return std::nullopt;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const unsigned month = MonthNumber(value.substr(8, 3));
  if (month == 0 || !ParseInt(value.substr(5, 2), &day) || !ParseInt(value.substr(12, 4), &year) ||
      !ParseInt(value.substr(17, 2), &hour) || !ParseInt(value.substr(20, 2), &minute) ||
      !ParseInt(value.substr(23, 2), &second) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

std::optional<std::chrono::seconds> ClockSkewCorrection(
    const AwsError& error, const HttpResponse& response,
    std::chrono::system_clock::time_point local_now, std::chrono::seconds current_offset) {
  if (!IsClockSkewErrorCode(error.code)) return std::nullopt;
  const auto server_time = ParseHttpDate(response.HeaderValue("Date"));
  if (!server_time) return std::nullopt;
  const auto skew =
      std::chrono::duration_cast<std::chrono::seconds>(*server_time - (local_now + current_offset));
  if (std::chrono::abs(skew) < kClockSkewThreshold) return std::nullopt;
  return current_offset + skew;
}

namespace {

std::chrono::milliseconds FullJitterDelay(std::chrono::milliseconds base,
                                          std::chrono::milliseconds cap, int retry, double jitter) {
  // Capping the exponent keeps 2^retry finite; the cap on the delay then applies as usual.
  const double exponential =
      static_cast<double>(base.count()) * std::ldexp(1.0, std::clamp(retry, 0, 40));
  const double capped = std::min(exponential, static_cast<double>(cap.count()));
  const double scaled = std::clamp(jitter, 0.0, 1.0) * capped;
  return std::chrono::milliseconds(static_cast<int64_t>(scaled));
}

}  // namespace

std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double jitter) {
  return FullJitterDelay(options.base_delay, options.max_delay, retry, jitter);
}

std::chrono::milliseconds ThrottleBackoffDelay(const RetryOptions& options, int retry,
                                               double jitter) {
  return FullJitterDelay(options.throttle_base_delay, options.max_delay, retry, jitter);
}

bool RetryQuota::Acquire(int cost) {
  std::lock_guard<std::mutex> lock(mu_);
  if (available_ < cost) return false;
  available_ -= cost;
  return true;
}

void RetryQuota::Release(int taken) {
  std::lock_guard<std::mutex> lock(mu_);
  available_ = std::min(capacity_, available_ + (taken > 0 ? taken : kNoRetryRefund));
}

int RetryQuota::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return available_;
}

std::string DescribeAwsError(std::string_view operation, std::string_view resource,
                             const AwsError& error) {
  std::string out = std::string(operation) + " " + std::string(resource) + ": HTTP " +
                    std::to_string(error.http_status);
  if (!error.code.empty()) out += " " + error.code;
  if (!error.request_id.empty()) out += " (request id " + error.request_id + ")";
  if (!error.message.empty()) {
    std::string message = error.message.substr(0, kMaxMessageChars);
    for (char& c : message) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    }
    if (error.message.size() > kMaxMessageChars) message += "...";
    out += ": " + message;
  }
  return out;
}

Status AwsErrorStatus(const AwsRequest& request, const AwsError& error, bool retryable,
                      std::string_view note) {
  std::string message = DescribeAwsError(request.operation, request.resource, error);
  if (!note.empty()) message += " (" + std::string(note) + ")";
  if (retryable) return Status::Transient(std::move(message));
  switch (error.http_status) {
    case 400:
    case 401:
    case 403:
      return Status::ConfigError(std::move(message));
    case 404:
      return Status::NotFound(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

std::string_view RejectedCredentialsReason(std::string_view code) {
  if (code == "InvalidAccessKeyId" || code == "InvalidClientTokenId") {
    return "the access key id is not known";
  }
  // Glue and Lake Formation say this of an unknown access key id and of a forged session token.
  if (code == "UnrecognizedClientException") {
    return "the access key id or the session token is not known";
  }
  if (code == "SignatureDoesNotMatch" || code == "InvalidSignatureException") {
    return "the signature does not match, so the secret access key is wrong";
  }
  // AwsClient fetched the credentials again once before giving up.
  if (IsExpiredTokenErrorCode(code) || code == "TokenRefreshRequired") {
    return "the session token has expired";
  }
  if (code == "InvalidToken") return "the session token is not valid";
  return {};
}

Status RejectedCredentialsError(std::string_view reason, std::string_view detail) {
  return Status::ConfigError("the credentials were rejected: " + std::string(reason) + " (" +
                             std::string(detail) + ")");
}

std::string RedactSecrets(std::string message, const Credentials& credentials) {
  for (const std::string* secret : {&credentials.secret_access_key, &credentials.session_token}) {
    message = MaskSecret(message, *secret, "[redacted]");
  }
  return message;
}

}  // namespace datalake::aws
