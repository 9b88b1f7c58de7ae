// The EC2 instance metadata provider (docs/AWS-WIRE.md#instance-metadata-imdsv2) against a fake
// IMDS.

#include <gtest/gtest.h>

#include <atomic>
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

constexpr char kCredentialsPath[] = "/latest/meta-data/iam/security-credentials/";
constexpr char kBody[] =
    R"({"Code":"Success","LastUpdated":"2026-11-25T11:00:00Z","Type":"AWS-HMAC",)"
    R"("AccessKeyId":"ASIAIMDS","SecretAccessKey":"ISECRET","Token":"ITOKEN",)"
    R"("Expiration":"2026-11-25T18:00:00Z"})";

// A scriptable IMDS. token_status 0 means "the PUT never gets an answer".
struct ImdsScript {
  int token_status = 200;
  bool reachable = true;
  int role_status = 200;
  std::string role = "writer-role";
  std::string credentials = kBody;
  std::atomic<int> tokens_issued{0};
  std::atomic<bool> revoke_tokens{false};  // answer 401 to tokens issued so far

  Result<HttpResponse> Handle(const SeenRequest& request) {
    if (!reachable) return credentials_testing::ConnectFailure(request);
    const std::string path = request.url.substr(request.url.find('/', 8));
    if (request.method == "PUT" && path == "/latest/api/token") {
      if (token_status == 0) {
        return TransportError(request.method, request.url, "Operation timed out", true);
      }
      if (token_status != 200) return Response(token_status);
      return Response(200, "TOKEN-" + std::to_string(++tokens_issued));
    }
    const std::optional<std::string> token = request.HeaderValue("x-aws-ec2-metadata-token");
    if (token_status == 200 && !token) return Response(401);
    if (revoke_tokens && token && *token != "TOKEN-" + std::to_string(tokens_issued.load())) {
      return Response(401);
    }
    if (path == kCredentialsPath) return Response(role_status, role + "\n");
    if (path == kCredentialsPath + role) return Response(200, credentials);
    return Response(404);
  }
};

std::shared_ptr<CredentialsProvider> Provider(ImdsScript* /*script*/, FakeHttp* http,
                                              FakeClock* clock,
                                              std::map<std::string, std::string> env = {}) {
  return NewImdsCredentialsProvider(credentials_testing::FakeOptions(http, clock, FakeEnv(env)));
}

FakeHttp Serve(ImdsScript* script) {
  return FakeHttp([script](const SeenRequest& request) { return script->Handle(request); });
}

TEST(CredentialsImdsTest, FetchesWithIMDSv2) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  FakeHttp http = Serve(&script);
  Result<ExpiringCredentials> got = Provider(&script, &http, &clock)->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASIAIMDS");
  EXPECT_EQ(got->credentials.secret_access_key, "ISECRET");
  EXPECT_EQ(got->credentials.session_token, "ITOKEN");
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(requests[0].HeaderValue("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(requests[1].HeaderValue("x-aws-ec2-metadata-token"), "TOKEN-1");
  EXPECT_EQ(requests[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/writer-role");
  EXPECT_EQ(http.client_options().at(0).connect_timeout_ms, 1000);
  EXPECT_EQ(http.client_options().at(0).total_timeout_ms, 1000);
}

TEST(CredentialsImdsTest, UnreachableIsNotFoundAfterTwoRequests) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  script.reachable = false;
  FakeHttp http = Serve(&script);
  Result<ExpiringCredentials> got = Provider(&script, &http, &clock)->Get();
  EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
  EXPECT_EQ(http.count(), 2u);  // the PUT and one IMDSv1 probe
}

TEST(CredentialsImdsTest, DisabledMakesNoRequest) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  FakeHttp http = Serve(&script);
  auto provider = Provider(&script, &http, &clock, {{"AWS_EC2_METADATA_DISABLED", "True"}});
  EXPECT_TRUE(provider->Get().status().IsNotFound());
  EXPECT_EQ(http.count(), 0u);
}

TEST(CredentialsImdsTest, CustomAndIpv6Endpoints) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  FakeHttp http = Serve(&script);
  ASSERT_TRUE(Provider(&script, &http, &clock,
                       {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}})
                  ->Get()
                  .ok());
  EXPECT_EQ(http.requests().at(0).url, "http://127.0.0.1:1338/latest/api/token");
  FakeHttp http6 = Serve(&script);
  ASSERT_TRUE(
      Provider(&script, &http6, &clock, {{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}})
          ->Get()
          .ok());
  EXPECT_EQ(http6.requests().at(0).url, "http://[fd00:ec2::254]/latest/api/token");
}

TEST(CredentialsImdsTest, FallsBackToIMDSv1WhenTheTokenIsRefusedOrLost) {
  for (int token_status : {403, 404, 405, 0}) {
    FakeClock clock(credentials_testing::TestNow());
    ImdsScript script;
    script.token_status = token_status;
    FakeHttp http = Serve(&script);
    Result<ExpiringCredentials> got = Provider(&script, &http, &clock)->Get();
    ASSERT_TRUE(got.ok()) << token_status << ": " << got.status().ToString();
    const auto requests = http.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_FALSE(requests[1].HeaderValue("x-aws-ec2-metadata-token").has_value());
  }
}

TEST(CredentialsImdsTest, IMDSv1CanBeDisabled) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  script.token_status = 403;
  FakeHttp http = Serve(&script);
  Result<ExpiringCredentials> got =
      Provider(&script, &http, &clock, {{"AWS_EC2_METADATA_V1_DISABLED", "true"}})->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kIOError);
  EXPECT_EQ(http.count(), 1u);
}

TEST(CredentialsImdsTest, BadTokenRequestIsAnError) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  script.token_status = 400;
  FakeHttp http = Serve(&script);
  EXPECT_EQ(Provider(&script, &http, &clock)->Get().status().code(), StatusCode::kIOError);
}

TEST(CredentialsImdsTest, NoRoleAttachedIsNotFound) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  script.role_status = 404;
  FakeHttp http = Serve(&script);
  EXPECT_TRUE(Provider(&script, &http, &clock)->Get().status().IsNotFound());
}

TEST(CredentialsImdsTest, MalformedCredentialsAreIOErrorsWithoutSecrets) {
  for (const char* body :
       {"not json", R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"SECRETX"})",
        R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"SECRETX"})"}) {
    FakeClock clock(credentials_testing::TestNow());
    ImdsScript script;
    script.credentials = body;
    FakeHttp http = Serve(&script);
    Result<ExpiringCredentials> got = Provider(&script, &http, &clock)->Get();
    EXPECT_EQ(got.status().code(), StatusCode::kIOError) << body;
    EXPECT_EQ(got.status().message().find("SECRETX"), std::string::npos) << body;
  }
}

TEST(CredentialsImdsTest, ReusesTheTokenWithinItsTtl) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  FakeHttp http = Serve(&script);
  auto provider = Provider(&script, &http, &clock);
  ASSERT_TRUE(provider->Get().ok());
  clock.Advance(std::chrono::hours(5) + std::chrono::minutes(50));  // in the refresh window
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(script.tokens_issued, 1);
  EXPECT_EQ(http.count(), 5u);
}

TEST(CredentialsImdsTest, RenewsARejectedToken) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  FakeHttp http = Serve(&script);
  auto provider = Provider(&script, &http, &clock);
  ASSERT_TRUE(provider->Get().ok());
  script.revoke_tokens = true;
  ++script.tokens_issued;  // the cached TOKEN-1 is no longer the current one
  clock.Advance(std::chrono::hours(5) + std::chrono::minutes(50));
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(script.tokens_issued, 3);
  EXPECT_EQ(http.requests().back().HeaderValue("x-aws-ec2-metadata-token"), "TOKEN-3");
}

TEST(CredentialsImdsTest, RetriesAServerErrorOnceAfterContact) {
  FakeClock clock(credentials_testing::TestNow());
  ImdsScript script;
  int failures = 1;
  FakeHttp http([&](const SeenRequest& request) -> Result<HttpResponse> {
    if (request.method == "GET" && failures > 0) {
      --failures;
      return Response(503);
    }
    return script.Handle(request);
  });
  ASSERT_TRUE(Provider(&script, &http, &clock)->Get().ok());
  EXPECT_EQ(http.count(), 4u);
}

}  // namespace
}  // namespace datalake::aws
