// StsClient: the exact request bodies, the response parsing (docs/AWS-WIRE.md#sts-assumerole),
// signed vs unsigned calls, and error mapping, over a fake HTTP server.

#include "aws/sts.h"

#include <gtest/gtest.h>

#include <string>

#include "aws/credential_providers.h"
#include "aws/credentials_fakes.h"

namespace datalake::aws {
namespace {

using credentials_testing::FakeClock;
using credentials_testing::FakeHttp;
using credentials_testing::Response;
using credentials_testing::SeenRequest;
using credentials_testing::StsErrorXml;
using credentials_testing::StsResponseXml;

constexpr char kSourceSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kSourceToken[] = "SOURCE/TOKEN+abc==";
constexpr char kRoleArn[] = "arn:aws:iam::123456789012:role/writer";

StsOptions Options(FakeHttp* http, FakeClock* clock) {
  StsOptions options;
  options.region = "us-west-2";
  options.http_factory = http->StsFactory();
  options.clock = clock->Fn();
  options.sleep = [](std::chrono::milliseconds) {};
  return options;
}

std::shared_ptr<CredentialsProvider> Source() {
  return NewStaticCredentialsProvider({.access_key_id = "AKIDSOURCE",
                                       .secret_access_key = kSourceSecret,
                                       .session_token = kSourceToken});
}

TEST(StsBodyTest, AssumeRoleBodyMatchesTheWireDocument) {
  // docs/AWS-WIRE.md#sts-assumerole gives this exact body.
  AssumeRoleParams params{.role_arn = "arn:aws:iam::123456789012:role/writer"};
  EXPECT_EQ(AssumeRoleRequestBody(params),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole"
            "%2Fwriter&RoleSessionName=airbyte-destination-aws-datalake&DurationSeconds=3600");
}

TEST(StsBodyTest, FormEncodesSpecialCharactersInEveryValue) {
  AssumeRoleParams params{.role_arn = "arn:aws:iam::123456789012:role/path/a+b=c,d.e@f-g_h",
                          .role_session_name = "s@1",
                          .duration_seconds = 900,
                          .external_id = "ext id/with&special=chars+~%"};
  EXPECT_EQ(AssumeRoleRequestBody(params),
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fpath%2Fa%2Bb%3Dc%2Cd.e%40f-g_h"
            "&RoleSessionName=s%401&DurationSeconds=900"
            "&ExternalId=ext%20id%2Fwith%26special%3Dchars%2B~%25");
}

TEST(StsBodyTest, OmitsZeroDurationAndEmptyExternalId) {
  AssumeRoleParams params{.role_arn = "r", .role_session_name = "s", .duration_seconds = 0};
  EXPECT_EQ(AssumeRoleRequestBody(params),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=r&RoleSessionName=s");
}

TEST(StsBodyTest, WebIdentityBodyCarriesTheToken) {
  WebIdentityParams params{.role_arn = kRoleArn, .web_identity_token = "eyJ.a-b_c.d+e/f="};
  EXPECT_EQ(WebIdentityRequestBody(params),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fwriter"
            "&RoleSessionName=airbyte-destination-aws-datalake"
            "&WebIdentityToken=eyJ.a-b_c.d%2Be%2Ff%3D");
}

TEST(StsEndpointTest, RegionalEndpointPerPartition) {
  EXPECT_EQ(StsEndpointForRegion("us-west-2"), "https://sts.us-west-2.amazonaws.com");
  EXPECT_EQ(StsEndpointForRegion(""), "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(StsEndpointForRegion("cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(StsEndpointForRegion("us-gov-west-1"), "https://sts.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(StsEndpointForRegion("us-iso-east-1"), "https://sts.us-iso-east-1.c2s.ic.gov");
  EXPECT_EQ(StsEndpointForRegion("us-isob-east-1"), "https://sts.us-isob-east-1.sc2s.sgov.gov");
}

TEST(StsParseTest, ParsesTheWireSample) {
  const std::string xml = StsResponseXml("AssumeRole", "ASIAEXAMPLE", "secret/key+1",
                                         "TOKEN==", "2026-11-25T14:19:38.508090Z");
  Result<AssumedRole> role = ParseAssumeRoleResponse("AssumeRole", xml);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->credentials.credentials.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(role->credentials.credentials.secret_access_key, "secret/key+1");
  EXPECT_EQ(role->credentials.credentials.session_token, "TOKEN==");
  ASSERT_TRUE(role->credentials.expiration.has_value());
  using namespace std::chrono;
  EXPECT_EQ(*role->credentials.expiration,
            sys_days{year(2026) / November / 25} + hours(14) + minutes(19) + seconds(38));
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/writer/sess1");
}

TEST(StsParseTest, AcceptsPrefixedNamespacesAndWholeSeconds) {
  const std::string xml =
      "<s:AssumeRoleWithWebIdentityResponse xmlns:s=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<s:AssumeRoleWithWebIdentityResult><s:Credentials><s:AccessKeyId>A</s:AccessKeyId>"
      "<s:SecretAccessKey>S</s:SecretAccessKey><s:SessionToken>T</s:SessionToken>"
      "<s:Expiration>2026-11-25T14:19:38Z</s:Expiration></s:Credentials>"
      "</s:AssumeRoleWithWebIdentityResult></s:AssumeRoleWithWebIdentityResponse>";
  Result<AssumedRole> role = ParseAssumeRoleResponse("AssumeRoleWithWebIdentity", xml);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->credentials.credentials.access_key_id, "A");
  EXPECT_EQ(role->assumed_role_arn, "");
}

TEST(StsParseTest, MalformedResponsesAreIOErrorsWithoutSecrets) {
  const std::string good =
      StsResponseXml("AssumeRole", "ASIA1", "TOPSECRET", "TOKENSECRET", "2026-11-25T14:19:38Z");
  const std::string cases[] = {
      "not xml at all <",
      "<AssumeRoleResponse/>",
      StsResponseXml("AssumeRole", "ASIA1", "TOPSECRET", "", "2026-11-25T14:19:38Z"),
      StsResponseXml("AssumeRole", "ASIA1", "TOPSECRET", "TOKENSECRET", "tomorrow"),
      StsResponseXml("AssumeRole", "ASIA1", "TOPSECRET", "TOKENSECRET", ""),
      good.substr(0, good.size() / 2),
  };
  for (const std::string& xml : cases) {
    Result<AssumedRole> role = ParseAssumeRoleResponse("AssumeRole", xml);
    ASSERT_FALSE(role.ok()) << xml;
    EXPECT_EQ(role.status().code(), StatusCode::kIOError) << xml;
    EXPECT_EQ(role.status().message().find("TOPSECRET"), std::string::npos);
    EXPECT_EQ(role.status().message().find("TOKENSECRET"), std::string::npos);
  }
  // The wrong action's result element does not count.
  EXPECT_FALSE(ParseAssumeRoleResponse("AssumeRoleWithWebIdentity", good).ok());
}

TEST(StsClientTest, AssumeRoleSendsASignedQueryPost) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) {
    return Response(200, StsResponseXml("AssumeRole", "ASIANEW", "NEWSECRET", "NEWTOKEN",
                                        "2026-11-25T13:00:00Z"));
  });
  StsClient sts(Options(&http, &clock), Source());
  Result<AssumedRole> role = sts.AssumeRole({.role_arn = kRoleArn, .external_id = "ext:1/2"});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->credentials.credentials.access_key_id, "ASIANEW");
  ASSERT_EQ(http.count(), 1u);
  const SeenRequest request = http.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://sts.us-west-2.amazonaws.com/");
  EXPECT_EQ(request.HeaderValue("Content-Type"),
            "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(request.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole"
            "%2Fwriter&RoleSessionName=airbyte-destination-aws-datalake&DurationSeconds=3600"
            "&ExternalId=ext%3A1%2F2");
  const std::string authorization = request.HeaderValue("Authorization").value_or("");
  EXPECT_NE(authorization.find("Credential=AKIDSOURCE/20261125/us-west-2/sts/aws4_request"),
            std::string::npos)
      << authorization;
  // The source's session token is sent and signed (docs/AWS-WIRE.md#session-token).
  EXPECT_EQ(request.HeaderValue("X-Amz-Security-Token"), kSourceToken);
  EXPECT_NE(authorization.find("x-amz-security-token"), std::string::npos);
}

TEST(StsClientTest, WebIdentityIsSentUnsignedEvenWithASource) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) {
    return Response(200, StsResponseXml("AssumeRoleWithWebIdentity", "ASIAWEB", "S", "T",
                                        "2026-11-25T13:00:00Z"));
  });
  StsOptions options = Options(&http, &clock);
  options.endpoint = "http://127.0.0.1:5055";
  StsClient sts(options, Source());
  Result<AssumedRole> role =
      sts.AssumeRoleWithWebIdentity({.role_arn = kRoleArn, .web_identity_token = "JWT"});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  const SeenRequest request = http.requests().at(0);
  EXPECT_EQ(request.url, "http://127.0.0.1:5055/");
  EXPECT_FALSE(request.HeaderValue("Authorization").has_value());
  EXPECT_FALSE(request.HeaderValue("X-Amz-Security-Token").has_value());
  EXPECT_NE(request.body.find("&WebIdentityToken=JWT"), std::string::npos);
}

TEST(StsClientTest, AccessDeniedIsAConfigErrorNamingTheRole) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) {
    return Response(403, StsErrorXml("AccessDenied",
                                     "User: arn:aws:iam::1:user/u is not "
                                     "authorized to perform: sts:AssumeRole"));
  });
  StsClient sts(Options(&http, &clock), Source());
  std::string code;
  Result<AssumedRole> role = sts.AssumeRole({.role_arn = kRoleArn}, &code);
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(code, "AccessDenied");
  EXPECT_NE(role.status().message().find(kRoleArn), std::string::npos);
  EXPECT_NE(role.status().message().find("AccessDenied"), std::string::npos);
  EXPECT_EQ(role.status().message().find(kSourceSecret), std::string::npos);
  EXPECT_EQ(role.status().message().find(kSourceToken), std::string::npos);
  EXPECT_EQ(http.count(), 1u);  // not retried
}

TEST(StsClientTest, NotFoundNeverLeavesTheClient) {
  FakeClock clock(credentials_testing::TestNow());
  FakeHttp http([](const SeenRequest&) { return Response(404, "<html>no</html>"); });
  StsClient sts(Options(&http, &clock), Source());
  Result<AssumedRole> role = sts.AssumeRole({.role_arn = kRoleArn});
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), StatusCode::kIOError) << role.status().ToString();

  // A source without credentials is the user's to fix, not "no credentials here".
  StsClient no_source(Options(&http, &clock),
                      NewEnvironmentCredentialsProvider(credentials_testing::FakeEnv({})));
  role = no_source.AssumeRole({.role_arn = kRoleArn});
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), StatusCode::kConfigError) << role.status().ToString();
}

TEST(StsClientTest, RetriesThrottlingThenSucceeds) {
  FakeClock clock(credentials_testing::TestNow());
  int calls = 0;
  FakeHttp http([&calls](const SeenRequest&) {
    if (++calls == 1) return Response(400, StsErrorXml("Throttling", "Rate exceeded"));
    return Response(200, StsResponseXml("AssumeRole", "ASIA2", "S", "T", "2026-11-25T13:00:00Z"));
  });
  StsClient sts(Options(&http, &clock), Source());
  Result<AssumedRole> role = sts.AssumeRole({.role_arn = kRoleArn});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(http.count(), 2u);
}

}  // namespace
}  // namespace datalake::aws
