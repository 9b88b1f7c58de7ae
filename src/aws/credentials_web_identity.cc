// STS AssumeRoleWithWebIdentity with a token read from a file: EKS IAM roles for service
// accounts (env AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) and profiles with
// web_identity_token_file (docs/AWS-WIRE.md#assumerolewithwebidentity,
// docs/AWS-WIRE.md#the-default-chain step 3).
//
// The token file is read again on every refresh because EKS rotates it (by default every hour,
// with tokens valid for 24 h), and once more when STS says the token is invalid or expired.

#include <memory>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"
#include "aws/sts.h"

namespace datalake::aws {
namespace {

class WebIdentityProvider : public CredentialsProvider {
 public:
  WebIdentityProvider(WebIdentitySettings settings, const StsOptions& sts)
      : settings_(std::move(settings)), sts_(sts, /*source=*/nullptr) {
    if (settings_.role_session_name.empty()) {
      settings_.role_session_name = kDefaultRoleSessionName;
    }
  }

  Result<ExpiringCredentials> Get() override {
    for (int attempt = 0;; ++attempt) {
      Result<std::string> token = ReadToken();
      if (!token.ok()) return token.status();
      std::string error_code;
      Result<AssumedRole> role =
          sts_.AssumeRoleWithWebIdentity({.role_arn = settings_.role_arn,
                                          .role_session_name = settings_.role_session_name,
                                          .web_identity_token = std::move(token).value()},
                                         &error_code);
      if (role.ok()) return std::move(role).value().credentials;
      // The file may have been rotated since it was read; read it again, once.
      const bool stale_token =
          error_code == "InvalidIdentityToken" || error_code == "ExpiredTokenException";
      if (attempt > 0 || !stale_token) return role.status();
    }
  }

  std::string Name() const override { return "web identity " + settings_.role_arn; }

 private:
  Result<std::string> ReadToken() const {
    Result<std::string> contents = ReadTextFile(settings_.token_file);
    if (!contents.ok()) {
      // A configured token file that is missing is a configuration error, not "no credentials".
      return Status::ConfigError("web identity token file " + contents.status().message());
    }
    std::string token(TrimWhitespace(*contents));
    if (token.empty()) {
      return Status::ConfigError("web identity token file " + settings_.token_file + " is empty");
    }
    return token;
  }

  WebIdentitySettings settings_;
  StsClient sts_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewWebIdentityProvider(WebIdentitySettings settings,
                                                            const CredentialsOptions& options) {
  const CredentialsOptions o = WithDefaults(options);
  auto provider = std::make_shared<WebIdentityProvider>(std::move(settings), ResolveStsOptions(o));
  return NewCachingCredentialsProvider(std::move(provider), {.clock = o.clock});
}

std::shared_ptr<CredentialsProvider> NewWebIdentityCredentialsProvider(
    const CredentialsOptions& options) {
  const CredentialsOptions o = WithDefaults(options);
  constexpr char kName[] = "web identity";
  std::optional<std::string> token_file = GetEnv(o.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!token_file) {
    return NewFixedStatusProvider(kName,
                                  Status::NotFound("AWS_WEB_IDENTITY_TOKEN_FILE is not set"));
  }
  std::optional<std::string> role_arn = GetEnv(o.env, "AWS_ROLE_ARN");
  if (!role_arn) {
    return NewFixedStatusProvider(
        kName, Status::ConfigError("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"));
  }
  return NewWebIdentityProvider(
      {.token_file = ExpandHome(*token_file, o.env),
       .role_arn = std::move(*role_arn),
       .role_session_name = GetEnv(o.env, "AWS_ROLE_SESSION_NAME").value_or("")},
      o);
}

}  // namespace datalake::aws
