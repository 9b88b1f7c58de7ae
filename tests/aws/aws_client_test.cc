// AwsClient::Execute against a scripted transport: retries, backoff, quota, clock skew,
// re-signing, error mapping and secrecy (docs/AWS-WIRE.md#retries).

#include "aws/aws_client.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "aws/fake_http.h"
#include "common/cancel.h"
#include "common/thread_state.h"

namespace datalake::aws {
namespace {

using namespace std::chrono_literals;
using client_testing::FakeHttp;
using client_testing::RecordedRequest;
using client_testing::StaticTestCredentials;
using std::chrono::sys_days;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "FwoGZXIvYXdzEXAMPLETOKEN/with+slash==";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class AwsClientTest : public ::testing::Test {
 protected:
  AwsClientOptions Options(Protocol protocol = Protocol::kRestXml) {
    AwsClientOptions options;
    options.service = protocol == Protocol::kRestXml ? "s3" : "glue";
    options.region = "us-east-1";
    options.endpoint = protocol == Protocol::kRestXml ? "https://b.s3.us-east-1.amazonaws.com"
                                                      : "https://glue.us-east-1.amazonaws.com";
    options.protocol = protocol;
    options.credentials = credentials_;
    options.retry.max_attempts = 3;
    options.retry.base_delay = 100ms;
    options.retry.max_delay = 1000ms;
    options.clock = [this] { return now_; };
    options.jitter = [] { return 0.5; };
    // Waiting takes no time: it moves the clock of the throttling budget.
    options.sleep = [this](std::chrono::milliseconds delay) {
      sleeps_.push_back(delay);
      steady_now_ += delay;
    };
    options.steady_clock = [this] { return steady_now_; };
    options.http_factory = http_->Factory(http_);
    return options;
  }

  static AwsRequest Put(std::string_view body = "data") {
    return {.operation = "PutObject",
            .resource = "s3://b/k",
            .method = "PUT",
            .path = "/k",
            .body = body};
  }

  static std::string S3Error(const std::string& code, const std::string& message = "m") {
    return "<Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>";
  }

  std::shared_ptr<FakeHttp> http_ = std::make_shared<FakeHttp>();
  std::shared_ptr<StaticTestCredentials> credentials_ =
      std::make_shared<StaticTestCredentials>(Credentials{
          .access_key_id = "AKIDEXAMPLE", .secret_access_key = kSecret, .session_token = kToken});
  std::chrono::system_clock::time_point now_ = sys_days{2024y / std::chrono::March / 1} + 12h;
  std::chrono::steady_clock::time_point steady_now_{};
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(AwsClientTest, RetriesServerErrorsThenSucceeds) {
  http_->Push(500, S3Error("InternalError"));
  http_->Push(503, S3Error("ServiceUnavailable"));
  http_->Push(200, "", {{"ETag", "\"abc\""}});
  AwsClientOptions options = Options();
  options.retry.max_attempts = 5;
  AwsClient client(options);
  auto response = client.Execute(Put());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->HeaderValue("etag"), "\"abc\"");
  EXPECT_EQ(http_->requests().size(), 3u);
  EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{50ms, 100ms}));
}

TEST_F(AwsClientTest, RetriesGlueThrottlingSentAs400) {
  http_->Push(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})");
  http_->Push(200, "{}");
  AwsClient client(Options(Protocol::kJson));
  auto response = client.Execute({.operation = "GetDatabase",
                                  .resource = "glue database db",
                                  .method = "POST",
                                  .path = "/",
                                  .headers = {{"X-Amz-Target", "AWSGlue.GetDatabase"}},
                                  .body = "{}"});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(AwsClientTest, GivesUpAfterMaxAttemptsWithEverythingInTheMessage) {
  for (int i = 1; i <= 3; ++i) {
    http_->Push(503, S3Error("ServiceUnavailable", "Please reduce your request rate."),
                {{"x-amz-request-id", "REQ" + std::to_string(i)}});
  }
  AwsClient client(Options());
  auto response = client.Execute(Put());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_EQ(response.status().message(),
            "PutObject s3://b/k: HTTP 503 ServiceUnavailable (request id REQ3): Please reduce "
            "your request rate. (gave up after 3 attempts)");
  EXPECT_EQ(http_->requests().size(), 3u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(AwsClientTest, DoesNotRetryAccessDenied) {
  http_->Push(403, S3Error("AccessDenied", "Access Denied"), {{"x-amz-request-id", "R1"}});
  AwsClient client(Options());
  AwsError error;
  auto response = client.Execute(Put(), &error);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(response.status().message(),
            "PutObject s3://b/k: HTTP 403 AccessDenied (request id R1): Access Denied");
  EXPECT_EQ(error.code, "AccessDenied");
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(http_->requests().size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AwsClientTest, NotFoundIsNotRetried) {
  http_->Push(404, S3Error("NoSuchKey"));
  AwsClient client(Options());
  auto response = client.Execute({.operation = "GetObject", .method = "GET", .path = "/k"});
  EXPECT_EQ(response.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(http_->requests().size(), 1u);
}

TEST_F(AwsClientTest, RetriesTransportErrors) {
  http_->PushTransportError();
  http_->Push(200);
  AwsClient client(Options());
  ASSERT_TRUE(client.Execute(Put()).ok());
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(AwsClientTest, TransportErrorsOfNonIdempotentRequestsAreFinal) {
  http_->PushTransportError();
  AwsClient client(Options());
  AwsRequest request = Put();
  request.idempotent = false;
  AwsError error;
  auto response = client.Execute(request, &error);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(Contains(response.status().message(), "PutObject s3://b/k: PUT https://"));
  EXPECT_EQ(error.http_status, 0);
  EXPECT_EQ(http_->requests().size(), 1u);
}

TEST_F(AwsClientTest, StopsWhenTheRetryQuotaIsEmpty) {
  for (int i = 0; i < 10; ++i) http_->Push(500, S3Error("InternalError"));
  AwsClientOptions options = Options();
  options.retry.max_attempts = 10;
  options.retry.retry_quota = 12;  // two retries at 5 tokens each
  AwsClient client(options);
  auto response = client.Execute(Put());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(Contains(response.status().message(), "retry quota exhausted after 3 attempts"));
  EXPECT_EQ(http_->requests().size(), 3u);
}

TEST_F(AwsClientTest, TimeoutsCostMoreQuotaAndSuccessRefundsIt) {
  AwsClientOptions options = Options();
  options.retry.max_attempts = 10;
  options.retry.retry_quota = 10;
  AwsClient client(options);
  // One timeout retry takes all 10 tokens; the success gives them back.
  http_->PushTransportError(/*timeout=*/true);
  http_->Push(200);
  ASSERT_TRUE(client.Execute(Put()).ok());
  // So the next call can again retry once after a timeout, and no more.
  http_->PushTransportError(true);
  http_->PushTransportError(true);
  auto response = client.Execute(Put());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(Contains(response.status().message(), "timed out"));
  EXPECT_TRUE(Contains(response.status().message(), "retry quota exhausted after 2 attempts"));
  EXPECT_EQ(http_->requests().size(), 4u);
}

TEST_F(AwsClientTest, BacksOffExponentiallyWithInjectedJitter) {
  for (int i = 0; i < 5; ++i) http_->Push(503);
  AwsClientOptions options = Options();
  options.retry.max_attempts = 6;
  options.retry.max_delay = 300ms;
  std::vector<double> jitters = {1.0, 0.5, 0.25, 1.0, 0.1};
  size_t next = 0;
  options.jitter = [&] { return jitters[next++]; };
  AwsClient client(options);
  ASSERT_TRUE(client.Execute(Put()).ok());
  // jitter * min(100ms * 2^retry, 300ms)
  EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{100ms, 100ms, 75ms, 300ms, 30ms}));
}

// The default schedule: transient failures get 5 attempts, throttling 90 s.
AwsClientOptions WithDefaultRetries(AwsClientOptions options) {
  options.retry = RetryOptions{};
  return options;
}

std::vector<std::chrono::milliseconds> Repeat(std::chrono::milliseconds delay, int times) {
  return std::vector<std::chrono::milliseconds>(static_cast<size_t>(times), delay);
}

std::vector<std::chrono::milliseconds> Concat(std::vector<std::chrono::milliseconds> a,
                                              const std::vector<std::chrono::milliseconds>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(AwsClientTest, ThrottlingIsRetriedUntilItsBudgetIsSpent) {
  for (int i = 0; i < 40; ++i) {
    http_->Push(503, S3Error("SlowDown", "Please reduce your request rate."),
                {{"x-amz-request-id", "REQ" + std::to_string(i + 1)}});
  }
  AwsClientOptions options = WithDefaultRetries(Options());
  options.retry.retry_quota = 5;  // one ordinary retry: throttled retries do not draw on it
  AwsClient client(options);
  auto response = client.Execute(Put());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  // Jitter 0.5 of min(1 s * 2^retry, 20 s), the last wait cut to end at 90 s: 14 attempts.
  EXPECT_EQ(sleeps_,
            Concat({500ms, 1000ms, 2000ms, 4000ms, 8000ms}, Concat(Repeat(10s, 7), {4500ms})));
  EXPECT_EQ(http_->requests().size(), 14u);
  EXPECT_EQ(response.status().message(),
            "PutObject s3://b/k: HTTP 503 SlowDown (request id REQ14): Please reduce your request "
            "rate. (throttled for 90.0 s, gave up after 14 attempts)");
}

TEST_F(AwsClientTest, ThrottlingBacksOffExponentiallyUpToTwentySeconds) {
  for (int i = 0; i < 40; ++i) http_->Push(429, "");
  AwsClientOptions options = WithDefaultRetries(Options());
  options.jitter = [] { return 1.0; };
  AwsClient client(options);
  auto response = client.Execute(Put());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 16s, 20s, 20s, 19s}));
  EXPECT_EQ(http_->requests().size(), 9u);
  EXPECT_TRUE(
      Contains(response.status().message(), "throttled for 90.0 s, gave up after 9 attempts"))
      << response.status().message();
}

TEST_F(AwsClientTest, ACallRidesOutEightySecondsOfThrottling) {
  // Glue throttles with 400 ThrottlingException, named in its JSON error type.
  for (int i = 0; i < 12; ++i) {
    http_->Push(400,
                R"({"__type":"com.amazonaws.glue#ThrottlingException","message":"Rate exceeded"})");
  }
  http_->Push(200, "{}");
  AwsClient client(WithDefaultRetries(Options(Protocol::kJson)));
  auto response = client.Execute({.operation = "CreatePartition",
                                  .resource = "glue table db.t",
                                  .method = "POST",
                                  .path = "/",
                                  .headers = {{"X-Amz-Target", "AWSGlue.CreatePartition"}},
                                  .body = "{}"});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(http_->requests().size(), 13u);
  EXPECT_EQ(steady_now_ - std::chrono::steady_clock::time_point{}, 85'500ms);
}

TEST_F(AwsClientTest, TransientFailuresKeepTheirFiveAttempts) {
  // S3's 503 ServiceUnavailable, a 503 without a body (a HEAD, a load balancer), a 500: not
  // throttling.
  for (auto push : std::vector<std::function<void()>>{
           [&] { http_->Push(503, S3Error("ServiceUnavailable")); }, [&] { http_->Push(503); },
           [&] { http_->Push(500, S3Error("InternalError")); }}) {
    sleeps_.clear();
    for (int i = 0; i < 10; ++i) push();
    AwsClient client(WithDefaultRetries(Options()));
    auto response = client.Execute(Put());
    EXPECT_EQ(response.status().code(), StatusCode::kTransient);
    EXPECT_TRUE(Contains(response.status().message(), "(gave up after 5 attempts)"))
        << response.status().message();
    EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{50ms, 100ms, 200ms, 400ms}));
    http_ = std::make_shared<FakeHttp>();
  }
}

TEST_F(AwsClientTest, ThrottlingDoesNotUseUpTheAttemptsOfTransientFailures) {
  // Four transient failures, throttling in between: the fifth attempt's budget is still there.
  for (int i = 0; i < 2; ++i) http_->Push(500, S3Error("InternalError"));
  for (int i = 0; i < 6; ++i) http_->Push(503, S3Error("SlowDown"));
  for (int i = 0; i < 2; ++i) http_->Push(500, S3Error("InternalError"));
  http_->Push(200);
  AwsClient client(WithDefaultRetries(Options()));
  ASSERT_TRUE(client.Execute(Put()).ok());
  EXPECT_EQ(http_->requests().size(), 11u);
  // Each kind backs off on its own count.
  EXPECT_EQ(sleeps_,
            (std::vector<std::chrono::milliseconds>{50ms, 100ms, 500ms, 1000ms, 2000ms, 4000ms,
                                                    8000ms, 10000ms, 200ms, 400ms}));
}

TEST_F(AwsClientTest, CorrectsClockSkewFromTheDateHeaderAndKeepsIt) {
  now_ = sys_days{2015y / std::chrono::August / 30} + 12h;  // the server says 2024
  http_->Push(403, S3Error("RequestTimeTooSkewed"), {{"Date", "Fri, 01 Mar 2024 12:00:05 GMT"}});
  http_->Push(200);
  AwsClientOptions options = Options();
  options.retry.max_attempts = 1;  // the re-sign is not a retry
  AwsClient client(options);
  ASSERT_TRUE(client.Execute(Put()).ok());
  ASSERT_TRUE(client.Execute(Put()).ok());
  const std::vector<RecordedRequest> requests = http_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].HeaderValue("X-Amz-Date"), "20150830T120000Z");
  EXPECT_EQ(requests[1].HeaderValue("X-Amz-Date"), "20240301T120005Z");
  EXPECT_EQ(requests[2].HeaderValue("X-Amz-Date"), "20240301T120005Z");
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AwsClientTest, CorrectsSkewOnlyOncePerCall) {
  now_ = sys_days{2015y / std::chrono::August / 30} + 12h;
  const Header date{"Date", "Fri, 01 Mar 2024 12:00:05 GMT"};
  http_->Push(403, S3Error("RequestTimeTooSkewed"), {date});
  http_->Push(403, S3Error("RequestTimeTooSkewed"), {{"Date", "Sat, 01 Mar 2025 12:00:05 GMT"}});
  AwsClient client(Options());
  auto response = client.Execute(Put());
  EXPECT_EQ(response.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(AwsClientTest, ResignsEveryAttemptWithFreshTimeAndCredentials) {
  http_->Push(500);
  http_->Push(200);
  AwsClientOptions options = Options();
  options.sleep = [this](std::chrono::milliseconds) {
    now_ += 2s;
    credentials_->Set({.access_key_id = "AKIDROTATED", .secret_access_key = "other-secret"});
  };
  AwsClient client(options);
  ASSERT_TRUE(client.Execute(Put()).ok());
  const std::vector<RecordedRequest> requests = http_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].HeaderValue("Authorization"), requests[1].HeaderValue("Authorization"));
  EXPECT_EQ(requests[0].HeaderValue("X-Amz-Date"), "20240301T120000Z");
  EXPECT_EQ(requests[1].HeaderValue("X-Amz-Date"), "20240301T120002Z");
  EXPECT_TRUE(Contains(std::string(requests[0].HeaderValue("Authorization")), "AKIDEXAMPLE/"));
  EXPECT_TRUE(Contains(std::string(requests[1].HeaderValue("Authorization")), "AKIDROTATED/"));
  EXPECT_EQ(requests[0].HeaderValue("X-Amz-Security-Token"), kToken);
  EXPECT_EQ(requests[1].HeaderValue("X-Amz-Security-Token"), "");
  EXPECT_EQ(credentials_->gets(), 2);
}

TEST_F(AwsClientTest, FetchesCredentialsAgainOnceAfterExpiredToken) {
  http_->Push(400, S3Error("ExpiredToken", "The provided token has expired."));
  http_->Push(200);
  AwsClientOptions options = Options();
  options.retry.max_attempts = 1;
  AwsClient client(options);
  ASSERT_TRUE(client.Execute(Put()).ok());
  EXPECT_EQ(credentials_->gets(), 2);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AwsClientTest, Treats200WithErrorBodyAsARetryableError) {
  const std::string error =
      "<?xml version=\"1.0\"?>\n\n  <Error><Code>InternalError</Code>"
      "<Message>We encountered an internal error.</Message></Error>";
  http_->Push(200, error);
  http_->Push(200, error);
  http_->Push(200, error);
  AwsClient client(Options());
  auto response = client.Execute({.operation = "CompleteMultipartUpload",
                                  .resource = "s3://b/k",
                                  .method = "POST",
                                  .path = "/k",
                                  .query = {{"uploadId", "U"}},
                                  .body = "<CompleteMultipartUpload/>"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(Contains(response.status().message(), "HTTP 200 InternalError"));
  EXPECT_EQ(http_->requests().size(), 3u);
}

TEST_F(AwsClientTest, Accepts200WithResultAfterA200WithError) {
  http_->Push(200, "<Error><Code>InternalError</Code></Error>");
  http_->Push(200,
              "<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag>"
              "</CompleteMultipartUploadResult>");
  AwsClient client(Options());
  auto response = client.Execute({.operation = "CompleteMultipartUpload",
                                  .method = "POST",
                                  .path = "/k",
                                  .query = {{"uploadId", "U"}}});
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(Contains(response->body, "x-2"));
}

TEST_F(AwsClientTest, GetObjectBodyThatLooksLikeAnErrorIsData) {
  http_->Push(200, "<Error><Code>InternalError</Code></Error>");
  AwsClient client(Options());
  auto response = client.Execute({.operation = "GetObject", .method = "GET", .path = "/e.xml"});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(http_->requests().size(), 1u);
}

TEST_F(AwsClientTest, NoErrorMessageCarriesASecret) {
  // A hostile or buggy server echoing the secrets back (S3's SignatureDoesNotMatch carries the
  // canonical request, which holds the session token).
  const std::string echo = std::string(kSecret) + " " + kToken;
  http_->Push(403, S3Error("SignatureDoesNotMatch", echo));
  http_->Push(503, S3Error("InternalError", echo));
  http_->Push(503, S3Error("InternalError", echo));
  http_->Push(503, S3Error("InternalError", echo));
  http_->Push(
      Result<HttpResponse>(TransportError("PUT", "https://h/k?X-Amz-Signature=abc", echo, false)));
  AwsClientOptions options = Options();
  AwsClient client(options);
  AwsRequest not_retried = Put();
  not_retried.idempotent = false;
  for (const AwsRequest& request : {Put(), Put(), not_retried}) {
    auto response = client.Execute(request);
    ASSERT_FALSE(response.ok());
    EXPECT_FALSE(Contains(response.status().message(), kSecret)) << response.status().message();
    EXPECT_FALSE(Contains(response.status().message(), kToken)) << response.status().message();
    EXPECT_FALSE(Contains(response.status().message(), "X-Amz-Signature"));
  }
}

TEST_F(AwsClientTest, BuildsTheUrlAndHostFromEndpointPathAndQuery) {
  AwsClientOptions options = Options();
  options.endpoint = "http://127.0.0.1:9000/";
  AwsClient client(options);
  ASSERT_TRUE(client
                  .Execute({.operation = "ListObjectsV2",
                            .method = "GET",
                            .path = "/bucket",
                            .query = {{"prefix", "a b/c"}, {"list-type", "2"}}})
                  .ok());
  ASSERT_TRUE(
      client.Execute({.endpoint = "https://other.example.com:443", .method = "HEAD", .path = "/"})
          .ok());
  const std::vector<RecordedRequest> requests = http_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9000/bucket?list-type=2&prefix=a%20b%2Fc");
  EXPECT_EQ(requests[0].HeaderValue("Host"), "127.0.0.1:9000");
  EXPECT_EQ(requests[0].HeaderValue("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(requests[1].url, "https://other.example.com:443/");
  EXPECT_EQ(requests[1].HeaderValue("Host"), "other.example.com");
}

TEST_F(AwsClientTest, SignsUnsignedPayloadWhenAsked) {
  AwsClient client(Options());
  AwsRequest request = Put();
  request.sign_payload = false;
  ASSERT_TRUE(client.Execute(request).ok());
  EXPECT_EQ(http_->requests()[0].HeaderValue("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
}

TEST_F(AwsClientTest, JsonServicesSignTheTargetWithoutContentSha) {
  AwsClient client(Options(Protocol::kJson));
  ASSERT_TRUE(client
                  .Execute({.operation = "GetTable",
                            .method = "POST",
                            .path = "/",
                            .headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                        {"X-Amz-Target", "AWSGlue.GetTable"}},
                            .body = "{}"})
                  .ok());
  const RecordedRequest request = http_->requests()[0];
  EXPECT_EQ(request.HeaderValue("x-amz-content-sha256"), "");
  EXPECT_EQ(request.HeaderValue("X-Amz-Target"), "AWSGlue.GetTable");
  EXPECT_TRUE(Contains(std::string(request.HeaderValue("Authorization")),
                       "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                       "x-amz-target,"));
  EXPECT_TRUE(
      Contains(std::string(request.HeaderValue("Authorization")), "/us-east-1/glue/aws4_request"));
  EXPECT_EQ(request.body, "{}");
}

TEST_F(AwsClientTest, SendsUnsignedWithoutCredentials) {
  AwsClientOptions options = Options();
  options.credentials = nullptr;
  AwsClient client(options);
  ASSERT_TRUE(client.Execute(Put()).ok());
  EXPECT_EQ(http_->requests()[0].HeaderValue("Authorization"), "");
}

TEST_F(AwsClientTest, ReusesOneHttpClientPerConcurrentCaller) {
  AwsClient client(Options());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.Execute(Put()).ok());
  EXPECT_EQ(http_->clients_made(), 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&client] {
      for (int i = 0; i < 25; ++i) EXPECT_TRUE(client.Execute(Put()).ok());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(http_->clients_made(), 4);
  EXPECT_EQ(http_->requests().size(), 105u);
}

// Cancellation is process-wide (common/cancel.h): these tests request it and clear it again.
class AwsClientCancelTest : public AwsClientTest {
 protected:
  void SetUp() override { ResetCancelForTesting(); }
  void TearDown() override { ResetCancelForTesting(); }

  static AwsRequest Abort() {
    return {.operation = "AbortMultipartUpload",
            .resource = "s3://b/k",
            .method = "DELETE",
            .path = "/k",
            .query = {{"uploadId", "U"}},
            .runs_when_cancelled = true};
  }
};

// A transport whose request is in flight when the sync is cancelled.
class CancelDuringSend : public HttpClient {
 public:
  explicit CancelDuringSend(std::shared_ptr<FakeHttp> http) : http_(std::move(http)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    RequestCancel();
    return http_->Answer(request);
  }

 private:
  std::shared_ptr<FakeHttp> http_;
};

// A transport that runs `after` once it has answered (the first time only).
class AfterSend : public HttpClient {
 public:
  AfterSend(std::shared_ptr<FakeHttp> http, std::function<void()> after)
      : http_(std::move(http)), after_(std::move(after)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    Result<HttpResponse> answer = http_->Answer(request);
    if (after_) std::exchange(after_, nullptr)();
    return answer;
  }

 private:
  std::shared_ptr<FakeHttp> http_;
  std::function<void()> after_;
};

TEST_F(AwsClientCancelTest, ACancelledSyncSendsNothing) {
  RequestCancel();
  AwsClient client(Options());
  auto response = client.Execute(Put());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_TRUE(Contains(response.status().message(), "PutObject s3://b/k"));
  EXPECT_TRUE(http_->requests().empty());
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AwsClientCancelTest, AFailureAfterCancellationIsNeitherRetriedNorWaitedFor) {
  http_->Push(503, S3Error("SlowDown"));
  http_->Push(200);
  AwsClientOptions options = Options();
  options.http_factory = [this] { return std::make_unique<CancelDuringSend>(http_); };
  AwsClient client(options);
  auto response = client.Execute(Put());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  // The failure that was not retried is still named.
  EXPECT_TRUE(Contains(response.status().message(), "HTTP 503 SlowDown"))
      << response.status().message();
  EXPECT_EQ(http_->requests().size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AwsClientCancelTest, CancellationDuringABackOffEndsTheCall) {
  http_->Push(500, S3Error("InternalError"));
  http_->Push(200);
  AwsClientOptions options = Options();
  options.sleep = [this](std::chrono::milliseconds delay) {
    sleeps_.push_back(delay);
    RequestCancel();  // the signal arrives while the client waits to retry
  };
  AwsClient client(options);
  auto response = client.Execute(Put());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(http_->requests().size(), 1u);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(AwsClientCancelTest, TheDefaultBackOffWakesUpWhenCancelled) {
  http_->Push(500, S3Error("InternalError"));
  http_->Push(200);
  AwsClientOptions options = Options();
  options.sleep = nullptr;  // the real, cancellable sleep: here 30 s (jitter 0.5 of 60 s)
  options.retry.base_delay = 60'000ms;
  options.retry.max_delay = 60'000ms;
  std::promise<void> first_answered;
  options.http_factory = [this, &first_answered] {
    return std::make_unique<AfterSend>(http_, [&first_answered] { first_answered.set_value(); });
  };
  // Once the client sleeps before its retry, the sync is cancelled from another thread.
  const pid_t client_thread = ::gettid();
  std::thread canceller([&] {
    first_answered.get_future().wait();
    EXPECT_TRUE(thread_testing::WaitUntilBlocked(client_thread));
    RequestCancel();
  });
  AwsClient client(options);
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Execute(Put());
  const auto took = std::chrono::steady_clock::now() - start;
  canceller.join();
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(http_->requests().size(), 1u);
  EXPECT_LT(took, 10s);
}

TEST_F(AwsClientCancelTest, CancellationDuringAThrottledBackOffEndsTheCall) {
  for (int i = 0; i < 3; ++i) http_->Push(503, S3Error("SlowDown"));
  AwsClientOptions options = WithDefaultRetries(Options());
  options.sleep = [this](std::chrono::milliseconds delay) {
    sleeps_.push_back(delay);
    if (sleeps_.size() == 2) RequestCancel();
  };
  AwsClient client(options);
  auto response = client.Execute(Put());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(http_->requests().size(), 2u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(AwsClientCancelTest, TheDefaultThrottledBackOffWakesUpWhenCancelled) {
  http_->Push(503, S3Error("SlowDown"));
  http_->Push(200);
  AwsClientOptions options = WithDefaultRetries(Options());
  options.sleep = nullptr;  // the real, cancellable sleep: here 30 s (jitter 0.5 of 60 s)
  options.steady_clock = nullptr;
  options.retry.throttle_base_delay = 60'000ms;
  options.retry.max_delay = 60'000ms;
  std::promise<void> first_answered;
  options.http_factory = [this, &first_answered] {
    return std::make_unique<AfterSend>(http_, [&first_answered] { first_answered.set_value(); });
  };
  const pid_t client_thread = ::gettid();
  std::thread canceller([&] {
    first_answered.get_future().wait();
    EXPECT_TRUE(thread_testing::WaitUntilBlocked(client_thread));
    RequestCancel();
  });
  AwsClient client(options);
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Execute(Put());
  const auto took = std::chrono::steady_clock::now() - start;
  canceller.join();
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(http_->requests().size(), 1u);
  EXPECT_LT(took, 10s);
}

TEST_F(AwsClientCancelTest, AThrottledCleanUpRequestGetsOrdinaryAttemptsOnceCancelled) {
  // It cannot wait (the grace period before SIGKILL is short), so no 90 s of retries either.
  RequestCancel();
  for (int i = 0; i < 10; ++i) http_->Push(503, S3Error("SlowDown"));
  AwsClient client(Options());
  auto response = client.Execute(Abort());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(Contains(response.status().message(), "(gave up after 3 attempts)"))
      << response.status().message();
  EXPECT_EQ(http_->requests().size(), 3u);
}

TEST_F(AwsClientCancelTest, ACleanUpRequestStillRunsAndRetriesWhenCancelled) {
  RequestCancel();
  http_->Push(503, S3Error("SlowDown"));
  http_->Push(204);
  AwsClient client(Options());
  auto response = client.Execute(Abort());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  const std::vector<RecordedRequest> sent = http_->requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].method, "DELETE");
  // The transport is told too, so that it does not abort the transfer.
  EXPECT_TRUE(sent[0].runs_when_cancelled);
  EXPECT_TRUE(sent[1].runs_when_cancelled);
}

TEST_F(AwsClientCancelTest, OrdinaryRequestsAreNotMarkedAsCleanUp) {
  AwsClient client(Options());
  ASSERT_TRUE(client.Execute(Put()).ok());
  ASSERT_EQ(http_->requests().size(), 1u);
  EXPECT_FALSE(http_->requests()[0].runs_when_cancelled);
}

}  // namespace
}  // namespace datalake::aws
