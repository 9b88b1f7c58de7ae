// Credentials from environment variables, as botocore's EnvProvider reads them
// (docs/AWS-WIRE.md#the-default-chain, step 1).
//
// AWS_SESSION_TOKEN is preferred over the legacy AWS_SECURITY_TOKEN (botocore checks the legacy
// name first; aws-c-auth and the Java SDK read only AWS_SESSION_TOKEN, and the two only differ
// when both are set to different values). The Java SDK v1 names AWS_ACCESS_KEY and
// AWS_SECRET_KEY are not read: neither botocore, which the original connector used, nor
// aws-c-auth reads them.

#include <memory>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

class EnvironmentProvider : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(EnvironmentFn env) : env_(std::move(env)) {}

  // Read on every call: the variables are the source of truth, and reading is cheap. With
  // AWS_CREDENTIAL_EXPIRATION a caching decorator above refreshes by calling this again.
  Result<ExpiringCredentials> Get() override {
    std::optional<std::string> key = GetEnv(env_, "AWS_ACCESS_KEY_ID");
    if (!key) return Status::NotFound("AWS_ACCESS_KEY_ID is not set");
    std::optional<std::string> secret = GetEnv(env_, "AWS_SECRET_ACCESS_KEY");
    if (!secret) {
      return Status::ConfigError(
          "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    ExpiringCredentials out;
    out.credentials.access_key_id = std::move(*key);
    out.credentials.secret_access_key = std::move(*secret);
    std::optional<std::string> token = GetEnv(env_, "AWS_SESSION_TOKEN");
    if (!token) token = GetEnv(env_, "AWS_SECURITY_TOKEN");
    if (token) out.credentials.session_token = std::move(*token);
    if (std::optional<std::string> expiration = GetEnv(env_, "AWS_CREDENTIAL_EXPIRATION")) {
      Result<std::chrono::system_clock::time_point> when = ParseIso8601(*expiration);
      if (!when.ok()) {
        return Status::ConfigError("environment: AWS_CREDENTIAL_EXPIRATION: " +
                                   when.status().message());
      }
      out.expiration = *when;
    }
    return out;
  }

  std::string Name() const override { return "environment"; }

 private:
  const EnvironmentFn env_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewEnvironmentCredentialsProvider(EnvironmentFn env) {
  if (!env) env = ProcessEnvironment();
  return std::make_shared<EnvironmentProvider>(std::move(env));
}

}  // namespace datalake::aws
