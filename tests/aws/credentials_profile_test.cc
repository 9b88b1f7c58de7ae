// The shared-files profile provider: static keys, assume-role profiles (source_profile chains,
// cycles, credential_source), web identity profiles, and what counts as "not found".

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "aws/credential_providers.h"
#include "aws/credentials_fakes.h"

namespace datalake::aws {
namespace {

using credentials_testing::FakeClock;
using credentials_testing::FakeHttp;
using credentials_testing::Response;
using credentials_testing::SeenRequest;

constexpr char kBaseSecret[] = "BASESECRETbase/secret+key";

// Answers AssumeRole* with "ASIA-<role name>" credentials.
Result<HttpResponse> FakeSts(const SeenRequest& request) {
  const std::string& body = request.body;
  const size_t role = body.find("role%2F");
  const std::string name = body.substr(role + 7, body.find('&', role) - role - 7);
  const std::string action = body.starts_with("Action=AssumeRoleWithWebIdentity&")
                                 ? "AssumeRoleWithWebIdentity"
                                 : "AssumeRole";
  return Response(200,
                  credentials_testing::StsResponseXml(action, "ASIA-" + name, "SECRET-" + name,
                                                      "TOKEN-" + name, "2026-11-25T13:00:00Z"));
}

class CredentialsProfileTest : public ::testing::Test {
 protected:
  CredentialsProfileTest() : clock_(credentials_testing::TestNow()), http_(&FakeSts) {}

  // Write the two files and return a provider reading them with `env` added.
  std::shared_ptr<CredentialsProvider> Provider(const std::string& config,
                                                const std::string& credentials,
                                                std::map<std::string, std::string> env = {}) {
    env["AWS_CONFIG_FILE"] = dir_.Write("config", config);
    env["AWS_SHARED_CREDENTIALS_FILE"] = dir_.Write("credentials", credentials);
    return NewProfileCredentialsProvider(
        credentials_testing::FakeOptions(&http_, &clock_, credentials_testing::FakeEnv(env)));
  }

  static std::string Key(const Result<ExpiringCredentials>& got) {
    return got.ok() ? got->credentials.access_key_id : "error: " + got.status().ToString();
  }

  // The access key id that signed STS request `i`, or "" when unsigned.
  std::string SignedBy(size_t i) const {
    const std::string auth =
        http_.requests().at(i).HeaderValue("Authorization").value_or("Credential=/");
    const size_t start = auth.find("Credential=") + 11;
    return auth.substr(start, auth.find('/', start) - start);
  }

  credentials_testing::TempDir dir_;
  FakeClock clock_;
  FakeHttp http_;
};

TEST_F(CredentialsProfileTest, StaticKeysFromTheCredentialsFile) {
  auto provider = Provider("",
                           "[default]\naws_access_key_id = AKID\naws_secret_access_key = S\n"
                           "aws_session_token = T\n");
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "AKID");
  EXPECT_EQ(got->credentials.session_token, "T");
  EXPECT_EQ(provider->Name(), "profile default");
}

TEST_F(CredentialsProfileTest, ProfileFromEnvironmentInTheConfigFile) {
  const std::string config =
      "[profile dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = S\n";
  EXPECT_EQ(Key(Provider(config, "", {{"AWS_PROFILE", "dev"}})->Get()), "DEVKEY");
  EXPECT_EQ(Key(Provider(config, "", {{"AWS_DEFAULT_PROFILE", "dev"}})->Get()), "DEVKEY");
  // "[dev]" in the config file is not a profile.
  Result<ExpiringCredentials> got =
      Provider("[dev]\naws_access_key_id = X\naws_secret_access_key = S\n", "",
               {{"AWS_PROFILE", "dev"}})
          ->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
}

TEST_F(CredentialsProfileTest, CredentialsFileKeysWinOverConfigFileKeys) {
  auto provider = Provider("[default]\naws_access_key_id = CONFIG\naws_secret_access_key = S\n",
                           "[default]\naws_access_key_id = CREDS\naws_secret_access_key = S\n");
  EXPECT_EQ(Key(provider->Get()), "CREDS");
}

TEST_F(CredentialsProfileTest, MissingFilesOrProfileIsNotFoundUnlessNamed) {
  auto none = NewProfileCredentialsProvider(credentials_testing::FakeOptions(
      &http_, &clock_,
      credentials_testing::FakeEnv({{"AWS_CONFIG_FILE", dir_.Path("nope1")},
                                    {"AWS_SHARED_CREDENTIALS_FILE", dir_.Path("nope2")}})));
  Result<ExpiringCredentials> got = none->Get();
  EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
  EXPECT_NE(got.status().message().find("nope1"), std::string::npos);
  EXPECT_TRUE(Provider("[profile other]\n", "")->Get().status().IsNotFound());
  EXPECT_EQ(Provider("", "", {{"AWS_PROFILE", "typo"}})->Get().status().code(),
            StatusCode::kConfigError);
}

TEST_F(CredentialsProfileTest, ProfileWithoutCredentialsIsNotFound) {
  Result<ExpiringCredentials> got =
      Provider("[default]\nregion = us-west-2\ncredential_process = /bin/creds\n", "")->Get();
  EXPECT_TRUE(got.status().IsNotFound());
  EXPECT_NE(got.status().message().find("credential_process is not supported"), std::string::npos);
}

TEST_F(CredentialsProfileTest, PartialKeysAreConfigErrorsWithoutSecrets) {
  Result<ExpiringCredentials> got =
      Provider("", std::string("[default]\naws_secret_access_key = ") + kBaseSecret + "\n")->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_NE(got.status().message().find("aws_access_key_id"), std::string::npos);
  EXPECT_EQ(got.status().message().find(kBaseSecret), std::string::npos);
}

TEST_F(CredentialsProfileTest, AssumeRoleWithStaticSourceProfile) {
  auto provider = Provider(
      "[profile writer]\nrole_arn = arn:aws:iam::123456789012:role/writer\n"
      "source_profile = base\nexternal_id = ext+id\nrole_session_name = my-session\n"
      "duration_seconds = 900\n",
      std::string("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = ") + kBaseSecret +
          "\n",
      {{"AWS_PROFILE", "writer"}});
  Result<ExpiringCredentials> got = provider->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->credentials.access_key_id, "ASIA-writer");
  EXPECT_TRUE(got->expiration.has_value());
  ASSERT_EQ(http_.count(), 1u);
  EXPECT_EQ(SignedBy(0), "BASEKEY");
  EXPECT_EQ(http_.requests()[0].url, "https://sts.us-west-2.amazonaws.com/");
  EXPECT_EQ(http_.requests()[0].body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3A"
            "role%2Fwriter&RoleSessionName=my-session&DurationSeconds=900&ExternalId=ext%2Bid");
  // Cached: no second STS call while fresh.
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(http_.count(), 1u);
}

TEST_F(CredentialsProfileTest, SourceProfileChainAssumesEachRoleInTurn) {
  auto provider = Provider(
      "[default]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = mid\n"
      "[profile mid]\nrole_arn = arn:aws:iam::1:role/mid\nsource_profile = base\n",
      "[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = S\n");
  EXPECT_EQ(Key(provider->Get()), "ASIA-top");
  ASSERT_EQ(http_.count(), 2u);
  EXPECT_NE(http_.requests()[0].body.find("role%2Fmid"), std::string::npos);
  EXPECT_EQ(SignedBy(0), "BASEKEY");
  EXPECT_NE(http_.requests()[1].body.find("role%2Ftop"), std::string::npos);
  EXPECT_EQ(SignedBy(1), "ASIA-mid");
  EXPECT_EQ(http_.requests()[1].HeaderValue("X-Amz-Security-Token"), "TOKEN-mid");
}

TEST_F(CredentialsProfileTest, SourceProfileStaticKeysWinOverItsRole) {
  auto provider = Provider(
      "[default]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = base\n"
      "[profile base]\nrole_arn = arn:aws:iam::1:role/ignored\nsource_profile = default\n",
      "[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = S\n");
  EXPECT_EQ(Key(provider->Get()), "ASIA-top");
  EXPECT_EQ(http_.count(), 1u);
}

TEST_F(CredentialsProfileTest, SelfReferenceNeedsStaticKeys) {
  EXPECT_EQ(Key(Provider("",
                         "[default]\nrole_arn = arn:aws:iam::1:role/self\n"
                         "source_profile = default\naws_access_key_id = SELFKEY\n"
                         "aws_secret_access_key = S\n")
                    ->Get()),
            "ASIA-self");
  EXPECT_EQ(SignedBy(0), "SELFKEY");
  Result<ExpiringCredentials> got =
      Provider("[default]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = default\n", "")
          ->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_NE(got.status().message().find("cycle"), std::string::npos);
}

TEST_F(CredentialsProfileTest, SourceProfileCycleIsAConfigError) {
  Result<ExpiringCredentials> got =
      Provider(
          "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
          "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
          "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n",
          "", {{"AWS_PROFILE", "a"}})
          ->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_NE(got.status().message().find("a -> b -> c -> a"), std::string::npos)
      << got.status().message();
  EXPECT_EQ(http_.count(), 0u);
}

TEST_F(CredentialsProfileTest, RoleConfigurationErrors) {
  const char* configs[] = {
      "[default]\nrole_arn = arn:aws:iam::1:role/x\n",
      "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = missing\n",
      "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = b\n"
      "credential_source = Environment\n[profile "
      "b]\naws_access_key_id=A\naws_secret_access_key=S\n",
      "[default]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Magic\n",
      "[default]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\n"
      "mfa_serial = arn:aws:iam::1:mfa/me\n",
      "[default]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\n"
      "duration_seconds = 1h\n",
      "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = b\n[profile b]\nregion = x\n",
  };
  for (const char* config : configs) {
    Result<ExpiringCredentials> got = Provider(config, "")->Get();
    EXPECT_EQ(got.status().code(), StatusCode::kConfigError) << config << got.status().ToString();
  }
  EXPECT_EQ(http_.count(), 0u);
}

TEST_F(CredentialsProfileTest, CredentialSourceEnvironment) {
  const std::string config =
      "[default]\nrole_arn = arn:aws:iam::1:role/envrole\ncredential_source = Environment\n";
  auto provider =
      Provider(config, "", {{"AWS_ACCESS_KEY_ID", "ENVKEY"}, {"AWS_SECRET_ACCESS_KEY", "S"}});
  EXPECT_EQ(Key(provider->Get()), "ASIA-envrole");
  EXPECT_EQ(SignedBy(0), "ENVKEY");
  // Without the variables the configured source has nothing: a config error, not "not found".
  Result<ExpiringCredentials> got = Provider(config, "")->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError) << got.status().ToString();
}

TEST_F(CredentialsProfileTest, CredentialSourceContainer) {
  FakeHttp http([](const SeenRequest& request) {
    if (request.url.starts_with("http://169.254.170.2/")) {
      return Response(200, R"({"AccessKeyId":"ECSKEY","SecretAccessKey":"S","Token":"T",)"
                           R"("Expiration":"2026-11-25T18:00:00Z"})");
    }
    return FakeSts(request).value();
  });
  CredentialsOptions options = credentials_testing::FakeOptions(
      &http, &clock_,
      credentials_testing::FakeEnv(
          {{"AWS_CONFIG_FILE", dir_.Write("config",
                                          "[default]\nrole_arn = arn:aws:iam::1:role/ecsrole\n"
                                          "credential_source = EcsContainer\n")},
           {"AWS_SHARED_CREDENTIALS_FILE", dir_.Path("none")},
           {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"}}));
  EXPECT_EQ(Key(NewProfileCredentialsProvider(options)->Get()), "ASIA-ecsrole");
  ASSERT_EQ(http.count(), 2u);
  EXPECT_NE(http.requests()[1].HeaderValue("Authorization")->find("Credential=ECSKEY/"),
            std::string::npos);
}

TEST_F(CredentialsProfileTest, WebIdentityProfile) {
  const std::string token = dir_.Write("token", "eyJ.profile.jwt\n");
  auto provider = Provider(
      "[default]\nrole_arn = arn:aws:iam::1:role/webrole\n"
      "web_identity_token_file = " +
          token + "\n",
      "");
  EXPECT_EQ(Key(provider->Get()), "ASIA-webrole");
  const SeenRequest request = http_.requests().at(0);
  EXPECT_FALSE(request.HeaderValue("Authorization").has_value());
  EXPECT_NE(request.body.find("&WebIdentityToken=eyJ.profile.jwt"), std::string::npos);
}

TEST_F(CredentialsProfileTest, DefersStaticKeysToWebIdentityFromTheEnvironment) {
  Result<ExpiringCredentials> got =
      Provider("", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n",
               {{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"}, {"AWS_ROLE_ARN", "arn:r"}})
          ->Get();
  EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
}

TEST_F(CredentialsProfileTest, FilesAreReadOnce) {
  auto provider = Provider("", "[default]\naws_access_key_id = FIRST\naws_secret_access_key = S\n");
  EXPECT_EQ(Key(provider->Get()), "FIRST");
  dir_.Write("credentials", "[default]\naws_access_key_id = SECOND\naws_secret_access_key = S\n");
  EXPECT_EQ(Key(provider->Get()), "FIRST");
}

}  // namespace
}  // namespace datalake::aws
