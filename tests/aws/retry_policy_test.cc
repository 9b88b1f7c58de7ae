// The retry rules one by one (docs/AWS-WIRE.md#retries): what is retried, how long to wait, the
// retry quota, HTTP dates and clock skew, and how a final error reads.

#include "aws/retry_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace datalake::aws {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

TEST(RetryPolicyTest, RetriesServerErrorsAndThrottlingStatuses) {
  for (int status : {429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableHttpStatus(status));
  for (int status : {200, 301, 400, 403, 404, 409, 412, 501}) {
    EXPECT_FALSE(IsRetryableHttpStatus(status)) << status;
  }
}

TEST(RetryPolicyTest, RetriesBotocoreTransientAndThrottlingCodes) {
  for (const char* code : {"InternalError",
                           "ServiceUnavailable",
                           "SlowDown",
                           "RequestTimeout",
                           "RequestTimeoutException",
                           "PriorRequestNotComplete",
                           "ThrottlingException",
                           "Throttling",
                           "ThrottledException",
                           "RequestThrottledException",
                           "TooManyRequestsException",
                           "ProvisionedThroughputExceededException",
                           "TransactionInProgressException",
                           "RequestLimitExceeded",
                           "BandwidthLimitExceeded",
                           "LimitExceededException",
                           "RequestThrottled",
                           "EC2ThrottledException",
                           "IDPCommunicationError",
                           "OperationTimeoutException",
                           "FederationSourceRetryableException"}) {
    EXPECT_TRUE(IsRetryableErrorCode(code)) << code;
  }
  for (const char* code :
       {"AccessDenied", "NoSuchKey", "EntityNotFoundException", "AlreadyExistsException",
        "InvalidInputException", "ExpiredToken", "SignatureDoesNotMatch", "", "throttling"}) {
    EXPECT_FALSE(IsRetryableErrorCode(code)) << code;
  }
  EXPECT_TRUE(IsRetryableError({.http_status = 400, .code = "ThrottlingException"}));
  EXPECT_TRUE(IsRetryableError({.http_status = 503}));
  EXPECT_FALSE(IsRetryableError({.http_status = 403, .code = "AccessDenied"}));
}

TEST(RetryPolicyTest, ThrottlingIsA429OrAThrottlingCodeWhateverTheStatus) {
  EXPECT_TRUE(IsThrottlingError({.http_status = 429}));
  EXPECT_TRUE(IsThrottlingError({.http_status = 503, .code = "SlowDown"}));
  for (const char* code :
       {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException"}) {
    EXPECT_TRUE(IsThrottlingError({.http_status = 400, .code = code})) << code;
    EXPECT_TRUE(IsRetryableErrorCode(code)) << code;
  }
  EXPECT_FALSE(IsThrottlingError({.http_status = 503, .code = "ServiceUnavailable"}));
  EXPECT_FALSE(IsThrottlingError({.http_status = 503}));
  EXPECT_FALSE(IsThrottlingError({.http_status = 500, .code = "InternalError"}));
  EXPECT_FALSE(IsThrottlingError({.http_status = 400, .code = "InvalidInputException"}));
}

TEST(RetryPolicyTest, ThrottlingBacksOffFromItsOwnBase) {
  RetryOptions options{.base_delay = 100ms, .max_delay = 20'000ms, .throttle_base_delay = 1'000ms};
  EXPECT_EQ(ThrottleBackoffDelay(options, 0, 1.0), 1'000ms);
  EXPECT_EQ(ThrottleBackoffDelay(options, 3, 1.0), 8'000ms);
  EXPECT_EQ(ThrottleBackoffDelay(options, 4, 0.5), 8'000ms);
  EXPECT_EQ(ThrottleBackoffDelay(options, 5, 1.0), 20'000ms);  // capped
  EXPECT_EQ(ThrottleBackoffDelay(options, 50, 0.25), 5'000ms);
  EXPECT_EQ(BackoffDelay(options, 0, 1.0), 100ms);
}

TEST(RetryPolicyTest, BackoffIsFullJitterOverCappedExponential) {
  RetryOptions options{.base_delay = 100ms, .max_delay = 1000ms};
  EXPECT_EQ(BackoffDelay(options, 0, 1.0), 100ms);
  EXPECT_EQ(BackoffDelay(options, 1, 1.0), 200ms);
  EXPECT_EQ(BackoffDelay(options, 2, 0.5), 200ms);
  EXPECT_EQ(BackoffDelay(options, 3, 1.0), 800ms);
  EXPECT_EQ(BackoffDelay(options, 4, 1.0), 1000ms);  // capped
  EXPECT_EQ(BackoffDelay(options, 100, 0.25), 250ms);
  EXPECT_EQ(BackoffDelay(options, 2, 0.0), 0ms);
}

TEST(RetryPolicyTest, QuotaChargesRetriesAndRefundsSuccesses) {
  RetryQuota quota(20);
  EXPECT_TRUE(quota.Acquire(RetryQuota::kTimeoutRetryCost));
  EXPECT_TRUE(quota.Acquire(RetryQuota::kRetryCost));
  EXPECT_EQ(quota.available(), 5);
  EXPECT_FALSE(quota.Acquire(RetryQuota::kTimeoutRetryCost));  // takes nothing
  EXPECT_EQ(quota.available(), 5);
  quota.Release(15);  // a success after retries gives back what they took
  EXPECT_EQ(quota.available(), 20);
  quota.Release(0);  // a success without retries adds 1, never above capacity
  EXPECT_EQ(quota.available(), 20);
  EXPECT_TRUE(quota.Acquire(5));
  quota.Release(0);
  EXPECT_EQ(quota.available(), 16);
}

TEST(RetryPolicyTest, ParsesImfFixdate) {
  auto parsed = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, sys_days{1994y / std::chrono::November / 6} + 8h + 49min + 37s);
  EXPECT_FALSE(ParseHttpDate("").has_value());
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 28:49:37 GMT").has_value());
}

HttpResponse WithDate(std::string date) {
  HttpResponse response;
  response.status = 403;
  response.headers = {{"Date", std::move(date)}};
  return response;
}

TEST(RetryPolicyTest, ClockSkewCorrectionComesFromTheServerDate) {
  const auto local = sys_days{2024y / std::chrono::March / 1} + 12h;
  const AwsError skewed{.http_status = 403, .code = "RequestTimeTooSkewed"};
  // The server is 20 minutes ahead.
  auto fix = ClockSkewCorrection(skewed, WithDate("Fri, 01 Mar 2024 12:20:00 GMT"), local, 0s);
  ASSERT_TRUE(fix.has_value());
  EXPECT_EQ(*fix, 20min);
  // Already corrected: nothing more to do.
  EXPECT_FALSE(
      ClockSkewCorrection(skewed, WithDate("Fri, 01 Mar 2024 12:20:00 GMT"), local, 20min));
  // Within the threshold it is not skew (a real signature problem, or latency).
  EXPECT_FALSE(ClockSkewCorrection({.code = "SignatureDoesNotMatch"},
                                   WithDate("Fri, 01 Mar 2024 12:01:00 GMT"), local, 0s));
  // Glue's "Signature expired" arrives as InvalidSignatureException; the server is behind.
  auto behind = ClockSkewCorrection({.code = "InvalidSignatureException"},
                                    WithDate("Fri, 01 Mar 2024 11:30:00 GMT"), local, 0s);
  ASSERT_TRUE(behind.has_value());
  EXPECT_EQ(*behind, -30min);
  // Not a skew code, or no usable Date.
  EXPECT_FALSE(ClockSkewCorrection({.code = "AccessDenied"},
                                   WithDate("Fri, 01 Mar 2024 12:20:00 GMT"), local, 0s));
  EXPECT_FALSE(ClockSkewCorrection(skewed, WithDate("yesterday"), local, 0s));
}

TEST(RetryPolicyTest, DescribesErrorsWithEveryPart) {
  const AwsError error{.http_status = 403,
                       .code = "AccessDenied",
                       .message = "Access Denied\nnow",
                       .request_id = "REQ1"};
  EXPECT_EQ(DescribeAwsError("PutObject", "s3://b/k", error),
            "PutObject s3://b/k: HTTP 403 AccessDenied (request id REQ1): Access Denied now");
  EXPECT_EQ(DescribeAwsError("HeadBucket", "s3://b", {.http_status = 404}),
            "HeadBucket s3://b: HTTP 404");
  const std::string long_message(2000, 'x');
  EXPECT_LT(DescribeAwsError("Op", "r", {.http_status = 502, .message = long_message}).size(),
            600u);
}

TEST(RetryPolicyTest, MapsFinalErrorsToStatusCodes) {
  const AwsRequest request{.operation = "GetObject", .resource = "s3://b/k"};
  auto code = [&](AwsError error, bool retryable = false) {
    return AwsErrorStatus(request, error, retryable, "").code();
  };
  EXPECT_EQ(code({.http_status = 403, .code = "AccessDenied"}), StatusCode::kConfigError);
  EXPECT_EQ(code({.http_status = 400, .code = "InvalidArgument"}), StatusCode::kConfigError);
  EXPECT_EQ(code({.http_status = 401}), StatusCode::kConfigError);
  EXPECT_EQ(code({.http_status = 404, .code = "NoSuchKey"}), StatusCode::kNotFound);
  EXPECT_EQ(code({.http_status = 409, .code = "BucketNotEmpty"}), StatusCode::kIOError);
  EXPECT_EQ(code({.http_status = 503, .code = "SlowDown"}, true), StatusCode::kTransient);
  EXPECT_EQ(code({.http_status = 400, .code = "ThrottlingException"}, true),
            StatusCode::kTransient);
}

TEST(RetryPolicyTest, WrongRegionIsLeftToTheServiceClient) {
  // S3Client names the bucket's region (S3ClientTest); here a 301 is just not retryable.
  const AwsRequest request{.operation = "HeadBucket", .resource = "s3://b"};
  Status redirect = AwsErrorStatus(request, {.http_status = 301, .region = "eu-west-1"}, false, "");
  EXPECT_EQ(redirect.code(), StatusCode::kIOError);
  EXPECT_EQ(redirect.message(), "HeadBucket s3://b: HTTP 301");
}

TEST(RetryPolicyTest, NamesWhyCredentialsWereRejectedInEveryServiceDialect) {
  for (const char* code : {"InvalidAccessKeyId", "InvalidClientTokenId"}) {
    EXPECT_EQ(RejectedCredentialsReason(code), "the access key id is not known") << code;
  }
  for (const char* code : {"SignatureDoesNotMatch", "InvalidSignatureException"}) {
    EXPECT_EQ(RejectedCredentialsReason(code),
              "the signature does not match, so the secret access key is wrong")
        << code;
  }
  for (const char* code : {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"}) {
    EXPECT_EQ(RejectedCredentialsReason(code), "the session token has expired") << code;
  }
  EXPECT_EQ(RejectedCredentialsReason("InvalidToken"), "the session token is not valid");
  EXPECT_EQ(RejectedCredentialsReason("UnrecognizedClientException"),
            "the access key id or the session token is not known");
  for (const char* code : {"", "AccessDenied", "AccessDeniedException", "NoSuchBucket"}) {
    EXPECT_EQ(RejectedCredentialsReason(code), "") << code;
  }
  Status rejected = RejectedCredentialsError("the session token has expired", "GetObject s3://b/k");
  EXPECT_EQ(rejected.code(), StatusCode::kConfigError);
  EXPECT_EQ(rejected.message(),
            "the credentials were rejected: the session token has expired (GetObject s3://b/k)");
}

TEST(RetryPolicyTest, RedactsSecretsAndTokens) {
  const Credentials credentials{
      .access_key_id = "AKID", .secret_access_key = "SECRETKEY/abc+1", .session_token = "TOKEN=="};
  EXPECT_EQ(RedactSecrets("a SECRETKEY/abc+1 b TOKEN== c TOKEN==", credentials),
            "a [redacted] b [redacted] c [redacted]");
  EXPECT_EQ(RedactSecrets("nothing here", {}), "nothing here");
}

TEST(RetryPolicyTest, AOneCharacterSecretIsRedactedOnlyWhereItStandsAlone) {
  const Credentials credentials{.access_key_id = "AKID", .secret_access_key = "b"};
  // A request id and a bucket name full of b's stay as they are; the secret by itself does not.
  EXPECT_EQ(RedactSecrets("GetBucketLocation s3://bucket-b1: HTTP 403 (request id tx0b4b1d-006b) "
                          "secret b, 'b'",
                          credentials),
            "GetBucketLocation s3://bucket-b1: HTTP 403 (request id tx0b4b1d-006b) "
            "secret [redacted], '[redacted]'");
}

}  // namespace
}  // namespace datalake::aws
