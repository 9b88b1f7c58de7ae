// STS AssumeRole with source credentials from another provider (IAM Role mode, and a profile's
// role_arn), refreshed through the caching decorator (docs/AWS-WIRE.md#sts-assumerole,
// docs/AWS-WIRE.md#refresh-before-expiry).

#include <memory>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"
#include "aws/sts.h"

namespace datalake::aws {
namespace {

class AssumeRoleProvider : public CredentialsProvider {
 public:
  AssumeRoleProvider(AssumeRoleParams params, std::shared_ptr<CredentialsProvider> source,
                     const StsOptions& sts)
      : params_(std::move(params)), sts_(sts, std::move(source)) {}

  // Each call assumes the role again with the source's current credentials; the caching
  // decorator above decides when. StsClient is thread-safe, so no lock is needed.
  Result<ExpiringCredentials> Get() override {
    if (params_.role_arn.empty()) return Status::ConfigError("assume role: the role ARN is empty");
    Result<AssumedRole> role = sts_.AssumeRole(params_);
    if (!role.ok()) return role.status();
    return std::move(role).value().credentials;
  }

  std::string Name() const override { return "assume-role " + params_.role_arn; }

 private:
  const AssumeRoleParams params_;
  StsClient sts_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewAssumeRoleCredentialsProvider(
    AssumeRoleParams params, std::shared_ptr<CredentialsProvider> source,
    const CredentialsOptions& options) {
  const CredentialsOptions o = WithDefaults(options);
  if (params.role_session_name.empty()) params.role_session_name = kDefaultRoleSessionName;
  if (source == nullptr) {
    return NewFixedStatusProvider("assume-role " + params.role_arn,
                                  Status::Internal("assume role: no source credentials provider"));
  }
  auto provider = std::make_shared<AssumeRoleProvider>(std::move(params), std::move(source),
                                                       ResolveStsOptions(o));
  return NewCachingCredentialsProvider(std::move(provider), {.clock = o.clock});
}

}  // namespace datalake::aws
