// The libcurl HttpClient against a local server that records the bytes it receives: exact
// headers (no Expect, Accept or default Content-Type), Content-Length, HEAD, connection reuse,
// and transport errors that name the origin only.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "aws/http.h"
#include "aws/local_http_server.h"
#include "common/cancel.h"

namespace datalake::aws {
namespace {

using client_testing::LocalHttpServer;
using client_testing::ReceivedRequest;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::optional<std::string> Ok(const ReceivedRequest&) {
  return LocalHttpServer::Response("200 OK", "X-Amz-Request-Id: R1\r\nETag: \"e\"\r\n", "done");
}

TEST(CurlHttpClientTest, SendsExactlyTheGivenHeadersAndBody) {
  LocalHttpServer server(&Ok);
  auto client = NewCurlHttpClient();
  auto response = client->Send({.method = "PUT",
                                .url = server.Url("/b/k%20x?partNumber=1"),
                                .headers = {{"Host", "b.example"}, {"x-amz-date", "20240301"}},
                                .body = "hello"});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->HeaderValue("x-amz-request-id"), "R1");
  EXPECT_EQ(response->HeaderValue("etag"), "\"e\"");
  const ReceivedRequest request = server.requests().at(0);
  EXPECT_TRUE(request.head.starts_with("PUT /b/k%20x?partNumber=1 HTTP/1.1\r\n")) << request.head;
  EXPECT_TRUE(Contains(request.head, "\r\nHost: b.example\r\n"));
  EXPECT_TRUE(Contains(request.head, "\r\nx-amz-date: 20240301\r\n"));
  EXPECT_TRUE(Contains(request.head, "\r\nContent-Length: 5\r\n"));
  EXPECT_TRUE(
      Contains(request.head, "\r\nUser-Agent: destination-aws-datalake/" DATALAKE_VERSION "\r\n"));
  EXPECT_FALSE(Contains(request.head, "Expect"));
  EXPECT_FALSE(Contains(request.head, "Accept"));
  EXPECT_FALSE(Contains(request.head, "Content-Type"));
  EXPECT_EQ(request.body, "hello");
}

TEST(CurlHttpClientTest, LargeBodiesGoWithoutExpectContinue) {
  LocalHttpServer server(&Ok);
  auto client = NewCurlHttpClient();
  const std::string body(3 << 20, 'x');
  ASSERT_TRUE(client->Send({.method = "PUT", .url = server.Url("/big"), .body = body}).ok());
  const ReceivedRequest request = server.requests().at(0);
  EXPECT_FALSE(Contains(request.head, "Expect"));
  EXPECT_TRUE(Contains(request.head, "\r\nContent-Length: 3145728\r\n"));
  EXPECT_EQ(request.body.size(), body.size());
}

TEST(CurlHttpClientTest, PostKeepsTheGivenContentTypeAndEmptyBodiesHaveLengthZero) {
  LocalHttpServer server(&Ok);
  auto client = NewCurlHttpClient();
  ASSERT_TRUE(client
                  ->Send({.method = "POST",
                          .url = server.Url("/"),
                          .headers = {{"Content-Type", "application/x-amz-json-1.1"}},
                          .body = "{}"})
                  .ok());
  ASSERT_TRUE(client->Send({.method = "POST", .url = server.Url("/k?uploads=")}).ok());
  ASSERT_TRUE(client->Send({.method = "DELETE", .url = server.Url("/k")}).ok());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_TRUE(Contains(requests[0].head, "\r\nContent-Type: application/x-amz-json-1.1\r\n"));
  EXPECT_EQ(requests[0].body, "{}");
  EXPECT_TRUE(requests[1].head.starts_with("POST /k?uploads= HTTP/1.1"));
  EXPECT_TRUE(Contains(requests[1].head, "\r\nContent-Length: 0\r\n"));
  EXPECT_FALSE(Contains(requests[1].head, "Content-Type"));
  EXPECT_TRUE(requests[2].head.starts_with("DELETE /k HTTP/1.1"));
}

TEST(CurlHttpClientTest, HeadReadsNoBodyAndTheConnectionIsReused) {
  LocalHttpServer server([](const ReceivedRequest& request) -> std::optional<std::string> {
    if (request.head.starts_with("HEAD")) {
      return "HTTP/1.1 404 Not Found\r\nContent-Length: 120\r\nx-amz-request-id: H\r\n\r\n";
    }
    return LocalHttpServer::Response("500 Internal Server Error", "", "<Error/>");
  });
  auto client = NewCurlHttpClient();
  auto head = client->Send({.method = "HEAD", .url = server.Url("/bucket")});
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->status, 404);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->HeaderValue("X-Amz-Request-Id"), "H");
  auto get = client->Send({.method = "GET", .url = server.Url("/bucket/k")});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 500);  // statuses are responses, not transport errors
  EXPECT_EQ(get->body, "<Error/>");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection, requests[1].connection);
}

TEST(CurlHttpClientTest, ConnectionRefusedIsTransientAndNamesOnlyTheOrigin) {
  int port = 0;
  {
    LocalHttpServer server(&Ok);
    port = server.port();
  }  // closed: nothing listens there now
  auto client = NewCurlHttpClient();
  auto response = client->Send(
      {.method = "GET",
       .url = "http://127.0.0.1:" + std::to_string(port) + "/k?X-Amz-Signature=secret"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(response.status().message().starts_with(
      "GET http://127.0.0.1:" + std::to_string(port) + ": "))
      << response.status().message();
  EXPECT_FALSE(Contains(response.status().message(), "secret"));
  EXPECT_FALSE(Contains(response.status().message(), "/k"));
  EXPECT_FALSE(IsTimeout(response.status()));
}

// AWS_CA_BUNDLE names the CA bundle servers are verified with; a bundle that cannot be used is
// the user's to fix: a config error naming it, not a transport error to retry.
TEST(CurlHttpClientTest, TheCaBundleComesFromAwsCaBundleAndAnUnusableOneIsAConfigError) {
  LocalHttpServer server(&Ok);
  const char* previous = std::getenv("AWS_CA_BUNDLE");
  const std::optional<std::string> saved =
      previous != nullptr ? std::optional<std::string>(previous) : std::nullopt;
  setenv("AWS_CA_BUNDLE", "/nonexistent/ca.pem", 1);
  auto client = NewCurlHttpClient();
  if (saved) {
    setenv("AWS_CA_BUNDLE", saved->c_str(), 1);
  } else {
    unsetenv("AWS_CA_BUNDLE");
  }
  auto response = client->Send(
      {.method = "GET", .url = "https://127.0.0.1:" + std::to_string(server.port()) + "/k"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kConfigError) << response.status().message();
  EXPECT_TRUE(Contains(response.status().message(), "the CA bundle /nonexistent/ca.pem"))
      << response.status().message();
}

TEST(CurlHttpClientTest, ASilentServerTimesOut) {
  LocalHttpServer server([](const ReceivedRequest&) { return std::optional<std::string>(); });
  auto client = NewCurlHttpClient({.total_timeout_ms = 300});
  auto response = client->Send({.method = "GET", .url = server.Url("/slow")});
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(IsTimeout(response.status())) << response.status().message();
}

// A body that went out at once and an answer that never comes: the transfer is abandoned once
// nothing moved for the stall time, not after curl's averaging window of several seconds more.
TEST(CurlHttpClientTest, AnUploadWhoseAnswerNeverComesIsAbandonedAfterTheStallTime) {
  LocalHttpServer server([](const ReceivedRequest&) { return std::optional<std::string>(); });
  auto client = NewCurlHttpClient({.low_speed_time_s = 1});
  const std::string body(256 << 10, 'x');
  const auto start = std::chrono::steady_clock::now();
  auto response = client->Send({.method = "PUT", .url = server.Url("/b/k"), .body = body});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(IsTimeout(response.status())) << response.status().ToString();
  EXPECT_EQ(response.status().code(), StatusCode::kTransient);
  EXPECT_TRUE(Contains(response.status().message(), "no byte sent or received for 1 s"))
      << response.status().message();
  // curl's own check alone takes 1 s after its five-second window has emptied (about 6 s).
  EXPECT_LT(took, std::chrono::milliseconds(4500));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].body.size(), body.size());
}

// Cancellation is process-wide (common/cancel.h): these tests request it and clear it again.
class CurlCancelTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetCancelForTesting(); }
  void TearDown() override { ResetCancelForTesting(); }
};

TEST_F(CurlCancelTest, ARequestInFlightIsAbortedWhenTheSyncIsCancelled) {
  // The server receives the request, the sync is cancelled, and no answer ever comes.
  LocalHttpServer server([](const ReceivedRequest&) {
    RequestCancel();
    return std::optional<std::string>();
  });
  auto client = NewCurlHttpClient();  // no total timeout; a stall is noticed only after 60 s
  const auto start = std::chrono::steady_clock::now();
  auto response = client->Send({.method = "PUT", .url = server.Url("/b/k"), .body = "part"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled) << response.status().ToString();
  EXPECT_TRUE(Contains(response.status().message(), "PUT http://127.0.0.1:"));
  EXPECT_LT(took, std::chrono::seconds(10));
  ASSERT_EQ(server.requests().size(), 1u);
}

TEST_F(CurlCancelTest, ACleanUpRequestIsSentAndAnsweredWhenCancelled) {
  LocalHttpServer server(&Ok);
  RequestCancel();
  auto client = NewCurlHttpClient();
  auto cancelled = client->Send({.method = "PUT", .url = server.Url("/b/k"), .body = "x"});
  EXPECT_EQ(cancelled.status().code(), StatusCode::kCancelled) << cancelled.status().ToString();
  auto response = client->Send(
      {.method = "DELETE", .url = server.Url("/b/k?uploadId=U"), .runs_when_cancelled = true});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  ASSERT_EQ(server.requests().size(), 1u);  // only the clean-up request reached the server
  EXPECT_TRUE(server.requests()[0].head.starts_with("DELETE /b/k?uploadId=U HTTP/1.1\r\n"));
}

TEST(HttpTest, OriginsHaveExplicitPortsAndNoUserinfo) {
  EXPECT_EQ(UrlOrigin("https://b.s3.amazonaws.com/k?x=1"), "https://b.s3.amazonaws.com:443");
  EXPECT_EQ(UrlOrigin("http://127.0.0.1:9000/b"), "http://127.0.0.1:9000");
  EXPECT_EQ(UrlOrigin("http://user:pw@[::1]/b"), "http://[::1]:80");
  EXPECT_EQ(UrlOrigin("nonsense"), "");
}

}  // namespace
}  // namespace datalake::aws
