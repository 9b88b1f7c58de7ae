// The chain (first hit wins and is remembered) and the default chain's order
// (docs/AWS-WIRE.md#the-default-chain).

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>

#include "aws/credential_providers.h"
#include "aws/credentials_fakes.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

using credentials_testing::FakeClock;
using credentials_testing::FakeHttp;
using credentials_testing::Response;
using credentials_testing::SeenRequest;

// A provider returning a fixed outcome and counting calls.
class ScriptedProvider : public CredentialsProvider {
 public:
  ScriptedProvider(std::string name, Result<ExpiringCredentials> outcome)
      : name_(std::move(name)), outcome_(std::move(outcome)) {}
  Result<ExpiringCredentials> Get() override {
    ++calls_;
    return outcome_;
  }
  std::string Name() const override { return name_; }
  void set_outcome(Result<ExpiringCredentials> outcome) { outcome_ = std::move(outcome); }
  int calls() const { return calls_; }

 private:
  std::string name_;
  Result<ExpiringCredentials> outcome_;
  std::atomic<int> calls_{0};
};

ExpiringCredentials Creds(const std::string& key) {
  return {{.access_key_id = key, .secret_access_key = "S", .session_token = ""}, std::nullopt};
}

TEST(CredentialsChainTest, FirstProviderWithCredentialsWinsAndIsRemembered) {
  auto none = std::make_shared<ScriptedProvider>("none", Status::NotFound("nothing"));
  auto a = std::make_shared<ScriptedProvider>("a", Creds("A"));
  auto b = std::make_shared<ScriptedProvider>("b", Creds("B"));
  auto chain = NewCredentialsChain({none, a, b});
  EXPECT_EQ(chain->Name(), "credentials chain");
  EXPECT_EQ(chain->Get()->credentials.access_key_id, "A");
  EXPECT_EQ(chain->Get()->credentials.access_key_id, "A");
  EXPECT_EQ(none->calls(), 1);
  EXPECT_EQ(a->calls(), 2);
  EXPECT_EQ(b->calls(), 0);
  EXPECT_EQ(chain->Name(), "a");
  // The chosen provider losing its credentials is an error; the chain does not move on.
  a->set_outcome(Status::NotFound("gone"));
  Result<ExpiringCredentials> got = chain->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(b->calls(), 0);
}

TEST(CredentialsChainTest, AllNotFoundIsAConfigErrorListingEachSource) {
  auto chain = NewCredentialsChain(
      {std::make_shared<ScriptedProvider>("environment", Status::NotFound("X not set")),
       std::make_shared<ScriptedProvider>("container", Status::NotFound("Y not set"))});
  Result<ExpiringCredentials> got = chain->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(got.status().message(),
            "no AWS credentials found (tried: environment: X not set; container: Y not set)");
}

TEST(CredentialsChainTest, AnErrorStopsTheSearch) {
  auto broken = std::make_shared<ScriptedProvider>("profile default", Status::ConfigError("bad"));
  auto later = std::make_shared<ScriptedProvider>("later", Creds("L"));
  Result<ExpiringCredentials> got = NewCredentialsChain({broken, later})->Get();
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
  EXPECT_EQ(got.status().message(), "profile default: bad");
  EXPECT_EQ(later->calls(), 0);
}

// The default chain against one fake network: STS, the container endpoint and IMDS.
class DefaultChainTest : public ::testing::Test {
 protected:
  DefaultChainTest()
      : clock_(credentials_testing::TestNow()),
        http_([this](const SeenRequest& r) { return Route(r); }) {}

  Result<HttpResponse> Route(const SeenRequest& request) {
    if (request.url.starts_with("https://sts.")) {
      return Response(
          200, credentials_testing::StsResponseXml("AssumeRoleWithWebIdentity", "WEBKEY", "S", "T",
                                                   "2026-11-25T13:00:00Z"));
    }
    if (request.url.starts_with("http://169.254.170.2/")) {
      return Response(200, R"({"AccessKeyId":"ECSKEY","SecretAccessKey":"S","Token":"T",)"
                           R"("Expiration":"2026-11-25T18:00:00Z"})");
    }
    if (!imds_up_) return credentials_testing::ConnectFailure(request);
    if (request.method == "PUT") return Response(200, "tok");
    if (request.url.ends_with("/security-credentials/")) return Response(200, "role");
    return Response(200, R"({"Code":"Success","AccessKeyId":"IMDSKEY","SecretAccessKey":"S",)"
                         R"("Token":"T","Expiration":"2026-11-25T18:00:00Z"})");
  }

  std::string KeyFrom(std::map<std::string, std::string> env,
                      std::optional<std::string> profile = std::nullopt) {
    env.emplace("AWS_CONFIG_FILE", dir_.Path("config"));
    env.emplace("AWS_SHARED_CREDENTIALS_FILE", dir_.Path("credentials"));
    CredentialsOptions options =
        credentials_testing::FakeOptions(&http_, &clock_, credentials_testing::FakeEnv(env));
    options.profile = profile;
    Result<ExpiringCredentials> got = NewDefaultCredentialsChain(options)->Get();
    return got.ok() ? got->credentials.access_key_id : got.status().ToString();
  }

  credentials_testing::TempDir dir_;
  FakeClock clock_;
  FakeHttp http_;
  bool imds_up_ = true;
};

const std::map<std::string, std::string> kEnvKeys = {{"AWS_ACCESS_KEY_ID", "ENVKEY"},
                                                     {"AWS_SECRET_ACCESS_KEY", "S"}};

TEST_F(DefaultChainTest, OrderEnvironmentProfileWebIdentityContainerImds) {
  dir_.Write("credentials",
             "[default]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = S\n"
             "[other]\naws_access_key_id = OTHERKEY\naws_secret_access_key = S\n");
  const std::string token = dir_.Write("token", "jwt");
  std::map<std::string, std::string> env = kEnvKeys;
  env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/c";
  EXPECT_EQ(KeyFrom(env), "ENVKEY");
  env.erase("AWS_ACCESS_KEY_ID");
  EXPECT_EQ(KeyFrom(env), "PROFILEKEY");
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token;
  env["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  EXPECT_EQ(KeyFrom(env), "WEBKEY");  // botocore ranks web identity above static profile keys
  dir_.Write("credentials", "");
  EXPECT_EQ(KeyFrom(env), "WEBKEY");
  env.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  EXPECT_EQ(KeyFrom(env), "ECSKEY");
  env.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  EXPECT_EQ(KeyFrom(env), "IMDSKEY");
}

TEST_F(DefaultChainTest, AnExplicitProfileSkipsTheEnvironment) {
  dir_.Write("credentials", "[other]\naws_access_key_id = OTHERKEY\naws_secret_access_key = S\n");
  EXPECT_EQ(KeyFrom(kEnvKeys, "other"), "OTHERKEY");
  std::map<std::string, std::string> env = kEnvKeys;
  env["AWS_PROFILE"] = "other";
  EXPECT_EQ(KeyFrom(env), "ENVKEY");  // AWS_PROFILE does not skip it, as in botocore
}

TEST_F(DefaultChainTest, NothingAnywhereNamesEverySource) {
  imds_up_ = false;
  const std::string message = KeyFrom({{"HOME", dir_.Path("home")}});
  EXPECT_NE(message.find("Config error: no AWS credentials found (tried: environment: "),
            std::string::npos)
      << message;
  for (const char* source :
       {"profile default: ", "web identity: ", "container: ", "EC2 instance metadata: "}) {
    EXPECT_NE(message.find(source), std::string::npos) << source << " in " << message;
  }
}

}  // namespace
}  // namespace datalake::aws
