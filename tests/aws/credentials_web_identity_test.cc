// Web identity from the environment (EKS IRSA) and the IAM Role mode provider over a fake STS.

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
using credentials_testing::StsErrorXml;
using credentials_testing::StsResponseXml;
using namespace std::chrono_literals;

constexpr char kRoleArn[] = "arn:aws:iam::123456789012:role/irsa";

HttpResponse Ok(const std::string& action, const std::string& key) {
  return Response(200, StsResponseXml(action, key, "SECRET", "TOKEN", "2026-11-25T13:00:00Z"));
}

TEST(CredentialsWebIdentityTest, NotFoundWithoutTheTokenFileVariable) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) { return Response(500); });
  auto provider = NewWebIdentityCredentialsProvider(
      credentials_testing::FakeOptions(&http, &clock, FakeEnv({{"AWS_ROLE_ARN", kRoleArn}})));
  EXPECT_TRUE(provider->Get().status().IsNotFound());
  EXPECT_EQ(http.count(), 0u);
}

TEST(CredentialsWebIdentityTest, MissingRoleOrTokenFileIsAConfigError) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) { return Response(500); });
  auto no_role = NewWebIdentityCredentialsProvider(credentials_testing::FakeOptions(
      &http, &clock, FakeEnv({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"}})));
  EXPECT_EQ(no_role->Get().status().code(), StatusCode::kConfigError);
  auto no_file = NewWebIdentityCredentialsProvider(credentials_testing::FakeOptions(
      &http, &clock,
      FakeEnv(
          {{"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"}, {"AWS_ROLE_ARN", kRoleArn}})));
  Result<ExpiringCredentials> got = no_file->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_NE(got.status().message().find("/nonexistent/token"), std::string::npos);
  EXPECT_EQ(http.count(), 0u);
}

TEST(CredentialsWebIdentityTest, AssumesTheRoleUnsignedAndRereadsTheTokenOnRefresh) {
  FakeClock clock(credentials_testing::TestNow());
  credentials_testing::TempDir dir;
  const std::string token_file = dir.Write("token", "jwt-one\n");
  FakeHttp http([](const SeenRequest&) { return Ok("AssumeRoleWithWebIdentity", "ASIAWEB"); });
  auto provider = NewWebIdentityCredentialsProvider(
      credentials_testing::FakeOptions(&http, &clock,
                                       FakeEnv({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                                                {"AWS_ROLE_ARN", kRoleArn},
                                                {"AWS_ROLE_SESSION_NAME", "pod-1"},
                                                // Present but irrelevant: the call is unsigned.
                                                {"AWS_ACCESS_KEY_ID", "AKID"}})));
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASIAWEB");
  dir.Write("token", "jwt-two");
  clock.Advance(50min);  // 10 min left: refresh
  ASSERT_TRUE(provider->Get().ok());
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Firsa&RoleSessionName=pod-1"
            "&WebIdentityToken=jwt-one");
  EXPECT_FALSE(requests[0].HeaderValue("Authorization").has_value());
  EXPECT_NE(requests[1].body.find("WebIdentityToken=jwt-two"), std::string::npos);
}

TEST(CredentialsWebIdentityTest, RereadsTheTokenOnceWhenStsRejectsIt) {
  FakeClock clock(credentials_testing::TestNow());
  credentials_testing::TempDir dir;
  const std::string token_file = dir.Write("token", "stale-jwt");
  int calls = 0;
  FakeHttp http([&](const SeenRequest& request) {
    if (++calls == 1) {
      dir.Write("token", "fresh-jwt");  // kubelet rotates it meanwhile
      return Response(400, StsErrorXml("InvalidIdentityToken", "Token expired"));
    }
    EXPECT_NE(request.body.find("fresh-jwt"), std::string::npos);
    return Ok("AssumeRoleWithWebIdentity", "ASIAFRESH");
  });
  auto provider = NewWebIdentityCredentialsProvider(credentials_testing::FakeOptions(
      &http, &clock,
      FakeEnv({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}, {"AWS_ROLE_ARN", kRoleArn}})));
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASIAFRESH");

  // A token that stays invalid is reported after the one re-read, without the token.
  FakeHttp rejecting([](const SeenRequest&) {
    return Response(400, StsErrorXml("InvalidIdentityToken", "Incorrect token audience"));
  });
  auto rejected = NewWebIdentityCredentialsProvider(credentials_testing::FakeOptions(
      &rejecting, &clock,
      FakeEnv({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}, {"AWS_ROLE_ARN", kRoleArn}})));
  got = rejected->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(rejecting.count(), 2u);
  EXPECT_EQ(got.status().message().find("fresh-jwt"), std::string::npos);
  EXPECT_NE(got.status().message().find("InvalidIdentityToken"), std::string::npos);
}

TEST(CredentialsAssumeRoleTest, IamRoleModeUsesTheSourceAndRefreshes) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) { return Ok("AssumeRole", "ASIAROLE"); });
  CredentialsOptions options = credentials_testing::FakeOptions(&http, &clock, FakeEnv({}));
  options.sts.endpoint = "https://sts.custom.example:8443";
  auto provider = NewAssumeRoleCredentialsProvider(
      {.role_arn = kRoleArn, .external_id = "e"},
      NewStaticCredentialsProvider({.access_key_id = "SRC", .secret_access_key = "S"}), options);
  ASSERT_TRUE(provider->Get().ok());
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(http.count(), 1u);
  clock.Advance(46min);
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(http.count(), 2u);
  const SeenRequest request = http.requests()[0];
  EXPECT_EQ(request.url, "https://sts.custom.example:8443/");
  EXPECT_EQ(request.HeaderValue("Host"), "sts.custom.example:8443");
  EXPECT_NE(request.HeaderValue("Authorization")->find("Credential=SRC/20261125/us-west-2/sts/"),
            std::string::npos);
  EXPECT_NE(request.body.find("&RoleSessionName=airbyte-destination-aws-datalake&"),
            std::string::npos);
  EXPECT_EQ(provider->Name(), std::string("assume-role ") + kRoleArn);
}

TEST(CredentialsAssumeRoleTest, RegionFallsBackToTheEnvironmentThenUsEast1) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) { return Ok("AssumeRole", "ASIAROLE"); });
  auto source = NewStaticCredentialsProvider({.access_key_id = "SRC", .secret_access_key = "S"});
  CredentialsOptions options =
      credentials_testing::FakeOptions(&http, &clock, FakeEnv({{"AWS_REGION", "eu-west-1"}}));
  options.sts.region = "";
  ASSERT_TRUE(
      NewAssumeRoleCredentialsProvider({.role_arn = kRoleArn}, source, options)->Get().ok());
  options.env = FakeEnv({});
  ASSERT_TRUE(
      NewAssumeRoleCredentialsProvider({.role_arn = kRoleArn}, source, options)->Get().ok());
  options.sts.region = "cn-north-1";
  ASSERT_TRUE(
      NewAssumeRoleCredentialsProvider({.role_arn = kRoleArn}, source, options)->Get().ok());
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(requests[1].url, "https://sts.us-east-1.amazonaws.com/");
  EXPECT_NE(requests[1].HeaderValue("Authorization")->find("/us-east-1/sts/"), std::string::npos);
  EXPECT_EQ(requests[2].url, "https://sts.cn-north-1.amazonaws.com.cn/");
}

TEST(CredentialsAssumeRoleTest, SourceWithoutCredentialsFailsClearly) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) { return Ok("AssumeRole", "ASIAROLE"); });
  auto provider = NewAssumeRoleCredentialsProvider(
      {.role_arn = kRoleArn}, NewCredentialsChain({NewEnvironmentCredentialsProvider(FakeEnv({}))}),
      credentials_testing::FakeOptions(&http, &clock, FakeEnv({})));
  Result<ExpiringCredentials> got = provider->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_NE(got.status().message().find("no AWS credentials found"), std::string::npos);
  EXPECT_EQ(http.count(), 0u);
}

}  // namespace
}  // namespace datalake::aws
