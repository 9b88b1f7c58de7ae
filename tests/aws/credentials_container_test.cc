// The container provider (docs/AWS-WIRE.md#container-credentials) against a fake endpoint.

#include <gtest/gtest.h>

#include <string>

#include "aws/credential_providers.h"
#include "aws/credentials_fakes.h"

namespace datalake::aws {
namespace {

using credentials_testing::FakeClock;
using credentials_testing::FakeEnv;
using credentials_testing::FakeHttp;
using credentials_testing::Response;
using credentials_testing::SeenRequest;

constexpr char kBody[] =
    R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"CSECRET","Token":"CTOKEN",)"
    R"("Expiration":"2026-11-25T18:00:00Z","RoleArn":"arn:aws:iam::1:role/task"})";

FakeHttp OkServer() {
  return FakeHttp([](const SeenRequest&) { return Response(200, kBody); });
}

std::shared_ptr<CredentialsProvider> Provider(FakeHttp* http, FakeClock* clock,
                                              std::map<std::string, std::string> env) {
  return NewContainerCredentialsProvider(
      credentials_testing::FakeOptions(http, clock, FakeEnv(env)));
}

TEST(CredentialsContainerTest, NotFoundWithoutTheVariables) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http = OkServer();
  EXPECT_TRUE(Provider(&http, &clock, {})->Get().status().IsNotFound());
  EXPECT_EQ(http.count(), 0u);
}

TEST(CredentialsContainerTest, RelativeUriGoesToTheEcsAddress) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http = OkServer();
  auto provider =
      Provider(&http, &clock, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}});
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASIACONTAINER");
  EXPECT_EQ(got->credentials.session_token, "CTOKEN");
  ASSERT_TRUE(got->expiration.has_value());
  const SeenRequest request = http.requests().at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(request.HeaderValue("Accept"), "application/json");
  EXPECT_FALSE(request.HeaderValue("Authorization").has_value());
  // Cached: a second Get does not call the endpoint again.
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(http.count(), 1u);
  EXPECT_EQ(http.client_options().at(0).connect_timeout_ms, 2000);
}

TEST(CredentialsContainerTest, FullUriWithTokenFileReReadEachTime) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http = OkServer();
  credentials_testing::TempDir dir;
  const std::string token_file = dir.Write("token", "first-token\n");
  auto provider =
      Provider(&http, &clock,
               {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/creds"},
                {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token"},
                {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}});
  ASSERT_TRUE(provider->Get().ok());
  dir.Write("token", "second-token");
  clock.Advance(std::chrono::hours(5) + std::chrono::minutes(50));  // in the refresh window
  ASSERT_TRUE(provider->Get().ok());
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].url, "http://169.254.170.23/v1/creds");
  EXPECT_EQ(requests[0].HeaderValue("Authorization"), "first-token");
  EXPECT_EQ(requests[1].HeaderValue("Authorization"), "second-token");
}

TEST(CredentialsContainerTest, TokenFromEnvironment) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http = OkServer();
  auto provider = Provider(&http, &clock,
                           {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:8080/c"},
                            {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token"}});
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(http.requests().at(0).HeaderValue("Authorization"), "env-token");
}

TEST(CredentialsContainerTest, FullUriHostRules) {
  FakeClock clock(credentials_testing::TestNow());
  for (const char* allowed :
       {"http://127.0.0.1/x", "http://127.5.6.7:99/x", "http://localhost:8080/x", "http://[::1]/x",
        "http://169.254.170.2/x", "http://[fd00:ec2::23]/x", "https://creds.example.com/x"}) {
    FakeHttp http = OkServer();
    EXPECT_TRUE(
        Provider(&http, &clock, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", allowed}})->Get().ok())
        << allowed;
  }
  for (const char* denied :
       {"http://169.254.169.254/x", "http://example.com/x", "http://10.0.0.1/x",
        "ftp://127.0.0.1/x", "http://user@evil.com/x", "http://127.0.0.1.evil.com/x"}) {
    FakeHttp http = OkServer();
    Result<ExpiringCredentials> got =
        Provider(&http, &clock, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", denied}})->Get();
    EXPECT_EQ(got.status().code(), StatusCode::kConfigError) << denied;
    EXPECT_EQ(http.count(), 0u) << denied;
  }
}

TEST(CredentialsContainerTest, BadTokensAreConfigErrorsWithoutTheToken) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http = OkServer();
  Result<ExpiringCredentials> got =
      Provider(&http, &clock,
               {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"},
                {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "SECRET\r\nX-Injected: 1"}})
          ->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(got.status().message().find("SECRET"), std::string::npos);
  got = Provider(&http, &clock,
                 {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"},
                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/token"}})
            ->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(http.count(), 0u);
}

TEST(CredentialsContainerTest, RetriesServerErrorsThreeTimes) {
  FakeClock clock(credentials_testing::TestNow());
  int calls = 0;
  FakeHttp http([&calls](const SeenRequest& request) -> Result<HttpResponse> {
    ++calls;
    if (calls == 1) return credentials_testing::ConnectFailure(request);
    if (calls == 2) return Response(503);
    return Response(200, kBody);
  });
  auto provider = Provider(&http, &clock, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}});
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(calls, 3);

  FakeHttp down([](const SeenRequest&) { return Response(500, "{\"secret\":\"SECRETX\"}"); });
  Result<ExpiringCredentials> got =
      Provider(&down, &clock, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}})->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kTransient);
  EXPECT_EQ(down.count(), 3u);
  EXPECT_EQ(got.status().message().find("SECRETX"), std::string::npos);
}

TEST(CredentialsContainerTest, ClientErrorsAndMalformedBodiesAreNotRetried) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp denied([](const SeenRequest&) { return Response(401, "bad token"); });
  Result<ExpiringCredentials> got =
      Provider(&denied, &clock, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}})->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(denied.count(), 1u);
  FakeHttp garbled([](const SeenRequest&) {
    return Response(200, R"({"AccessKeyId":"A","SecretAccessKey":"SECRETX","Token":)");
  });
  got = Provider(&garbled, &clock, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}})->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kIOError);
  EXPECT_EQ(got.status().message().find("SECRETX"), std::string::npos);
}

}  // namespace
}  // namespace datalake::aws
