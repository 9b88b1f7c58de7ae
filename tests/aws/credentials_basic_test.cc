// Static and environment providers, and the shared helpers: timestamps, the JSON credentials
// document, home expansion, files.

#include <gtest/gtest.h>

#include <string>

#include "aws/credential_providers.h"
#include "aws/credentials_fakes.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

using credentials_testing::FakeEnv;
using namespace std::chrono;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

TEST(CredentialsStaticTest, ReturnsTheKeysWithoutExpiration) {
  auto provider = NewStaticCredentialsProvider(
      {.access_key_id = "AKID", .secret_access_key = kSecret, .session_token = "TOK"});
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKID");
  EXPECT_EQ(got->credentials.secret_access_key, kSecret);
  EXPECT_EQ(got->credentials.session_token, "TOK");
  EXPECT_FALSE(got->expiration.has_value());
  EXPECT_EQ(provider->Name(), "static");
}

TEST(CredentialsStaticTest, EmptyKeysAreConfigErrors) {
  EXPECT_EQ(NewStaticCredentialsProvider({.access_key_id = "", .secret_access_key = kSecret})
                ->Get()
                .status()
                .code(),
            StatusCode::kConfigError);
  Result<ExpiringCredentials> got =
      NewStaticCredentialsProvider({.access_key_id = "AKID", .secret_access_key = ""})->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
}

TEST(CredentialsEnvironmentTest, ReadsKeysTokenAndExpiration) {
  auto provider = NewEnvironmentCredentialsProvider(
      FakeEnv({{"AWS_ACCESS_KEY_ID", "AKID"},
               {"AWS_SECRET_ACCESS_KEY", kSecret},
               {"AWS_SESSION_TOKEN", "TOK"},
               {"AWS_CREDENTIAL_EXPIRATION", "2026-11-25T13:00:00Z"}}));
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "AKID");
  EXPECT_EQ(got->credentials.secret_access_key, kSecret);
  EXPECT_EQ(got->credentials.session_token, "TOK");
  EXPECT_EQ(got->expiration, sys_days{year(2026) / November / 25} + hours(13));
}

TEST(CredentialsEnvironmentTest, LegacySecurityTokenAndPreferenceOrder) {
  auto legacy = NewEnvironmentCredentialsProvider(FakeEnv(
      {{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"AWS_SECURITY_TOKEN", "OLD"}}));
  EXPECT_EQ(legacy->Get()->credentials.session_token, "OLD");
  auto both = NewEnvironmentCredentialsProvider(FakeEnv({{"AWS_ACCESS_KEY_ID", "A"},
                                                         {"AWS_SECRET_ACCESS_KEY", "S"},
                                                         {"AWS_SECURITY_TOKEN", "OLD"},
                                                         {"AWS_SESSION_TOKEN", "NEW"}}));
  EXPECT_EQ(both->Get()->credentials.session_token, "NEW");
}

TEST(CredentialsEnvironmentTest, MissingOrEmptyKeyIsNotFound) {
  EXPECT_TRUE(NewEnvironmentCredentialsProvider(FakeEnv({}))->Get().status().IsNotFound());
  EXPECT_TRUE(NewEnvironmentCredentialsProvider(
                  FakeEnv({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", kSecret}}))
                  ->Get()
                  .status()
                  .IsNotFound());
  // The Java SDK v1 names are not read (botocore and aws-c-auth do not either).
  EXPECT_TRUE(NewEnvironmentCredentialsProvider(
                  FakeEnv({{"AWS_ACCESS_KEY", "A"}, {"AWS_SECRET_KEY", kSecret}}))
                  ->Get()
                  .status()
                  .IsNotFound());
}

TEST(CredentialsEnvironmentTest, PartialOrMalformedIsConfigErrorWithoutSecrets) {
  Result<ExpiringCredentials> partial =
      NewEnvironmentCredentialsProvider(FakeEnv({{"AWS_ACCESS_KEY_ID", "AKID"}}))->Get();
  EXPECT_EQ(partial.status().code(), StatusCode::kConfigError);
  EXPECT_NE(partial.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  Result<ExpiringCredentials> bad_expiry =
      NewEnvironmentCredentialsProvider(FakeEnv({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                 {"AWS_SECRET_ACCESS_KEY", kSecret},
                                                 {"AWS_CREDENTIAL_EXPIRATION", "soon"}}))
          ->Get();
  EXPECT_EQ(bad_expiry.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(bad_expiry.status().message().find(kSecret), std::string::npos);
}

TEST(CredentialsUtilTest, ParsesIso8601Forms) {
  const auto expected =
      sys_days{year(2026) / November / 25} + hours(14) + minutes(19) + seconds(38);
  for (const char* text :
       {"2026-11-25T14:19:38Z", "2026-11-25T14:19:38.508090Z", "2026-11-25t14:19:38z",
        "2026-11-25 14:19:38Z", "2026-11-25T16:19:38+02:00", "2026-11-25T09:19:38-0500",
        " 2026-11-25T14:19:38Z\n"}) {
    Result<system_clock::time_point> parsed = ParseIso8601(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

// Found by fuzz/sts_xml_fuzz.cc: years beyond system_clock's nanosecond range (1677..2262)
// overflowed int64 (undefined behaviour), and years before 1970 made the credentials cache's
// arithmetic on the expiration overflow. They are clamped to 1970-01-01 .. 2200-01-01.
TEST(CredentialsUtilTest, ClampsExpirationsOutsideTheClocksRange) {
  const system_clock::time_point earliest = sys_days{year(1970) / January / 1};
  const system_clock::time_point latest = sys_days{year(2200) / January / 1};
  for (const char* text : {"9999-12-31T23:59:59Z", "2262-04-11T23:47:17Z", "2200-01-01T00:00:01Z",
                           "2262-04-11T23:47:16-01:30"}) {
    Result<system_clock::time_point> parsed = ParseIso8601(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, latest) << text;
  }
  for (const char* text : {"0000-01-01T00:00:00Z", "1677-09-21T00:12:43Z", "1969-12-31T23:59:59Z",
                           "1970-01-01T00:30:00+01:00"}) {
    Result<system_clock::time_point> parsed = ParseIso8601(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, earliest) << text;
  }
  Result<system_clock::time_point> last = ParseIso8601("2199-12-31T23:59:59Z");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, latest - seconds(1));
}

TEST(CredentialsUtilTest, RejectsMalformedTimestamps) {
  for (const char* text : {"", "2026-11-25", "2026-11-25T14:19:38", "2026-13-01T00:00:00Z",
                           "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T14:19:38Zx",
                           "2026-11-25T14:19:38.Z", "20261125T141938Z"}) {
    EXPECT_FALSE(ParseIso8601(text).ok()) << text;
  }
}

TEST(CredentialsUtilTest, ParsesCredentialsJson) {
  Result<ExpiringCredentials> got = ParseCredentialsJson(
      R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T",)"
      R"("Expiration":"2026-11-25T18:00:00Z","RoleArn":"arn:x"})",
      "src", true);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.session_token, "T");
  EXPECT_EQ(got->expiration, sys_days{year(2026) / November / 25} + hours(18));
  // Token and Expiration may be absent where the session is not required.
  got = ParseCredentialsJson(R"({"AccessKeyId":"A","SecretAccessKey":"S"})", "src", false);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->expiration.has_value());
}

TEST(CredentialsUtilTest, MalformedCredentialsJsonIsIOErrorWithoutSecrets) {
  for (const char* body :
       {"", "{", "[]", R"({"AccessKeyId":"A","SecretAccessKey":"SECRETX","Token":"T"})",
        R"({"AccessKeyId":"A","Token":"SECRETX","Expiration":"2026-11-25T18:00:00Z"})",
        R"({"AccessKeyId":"A","SecretAccessKey":"SECRETX","Token":"T","Expiration":"x"})",
        R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"SECRETX"})"}) {
    Result<ExpiringCredentials> got = ParseCredentialsJson(body, "src", true);
    ASSERT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.status().code(), StatusCode::kIOError) << body;
    EXPECT_EQ(got.status().message().find("SECRETX"), std::string::npos) << body;
    EXPECT_EQ(got.status().message().rfind("src", 0), 0u) << got.status().message();
  }
}

TEST(CredentialsUtilTest, ExpandsHomeAndReadsFiles) {
  const EnvironmentFn env = FakeEnv({{"HOME", "/home/me"}});
  EXPECT_EQ(ExpandHome("~/.aws/config", env), "/home/me/.aws/config");
  EXPECT_EQ(ExpandHome("~", env), "/home/me");
  EXPECT_EQ(ExpandHome("~other/x", env), "~other/x");
  EXPECT_EQ(ExpandHome("/abs/x", env), "/abs/x");
  credentials_testing::TempDir dir;
  EXPECT_EQ(*ReadTextFile(dir.Write("f", "abc\n")), "abc\n");
  EXPECT_TRUE(ReadTextFile(dir.Path("missing")).status().IsNotFound());
  EXPECT_EQ(ReadTextFile(dir.Path("")).status().code(), StatusCode::kIOError);  // a directory
}

TEST(CredentialsUtilTest, EnvHelpers) {
  const EnvironmentFn env = FakeEnv({{"A", ""}, {"B", "TRUE"}, {"C", "yes"}});
  EXPECT_FALSE(GetEnv(env, "A").has_value());
  EXPECT_TRUE(EnvIsTrue(env, "B"));
  EXPECT_FALSE(EnvIsTrue(env, "C"));
  EXPECT_FALSE(EnvIsTrue(env, "D"));
}

}  // namespace
}  // namespace datalake::aws
