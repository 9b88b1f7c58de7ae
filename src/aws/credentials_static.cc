// Fixed credentials (IAM User mode) and the two trivial providers the others compose with: one
// that always reports the same status, and one that turns "no credentials" into a config error.

#include <memory>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

class StaticProvider : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials credentials) : credentials_(std::move(credentials)) {}

  Result<ExpiringCredentials> Get() override {
    if (credentials_.access_key_id.empty()) {
      return Status::ConfigError("static credentials: the access key id is empty");
    }
    if (credentials_.secret_access_key.empty()) {
      return Status::ConfigError("static credentials: the secret access key is empty");
    }
    return ExpiringCredentials{credentials_, std::nullopt};
  }
  std::string Name() const override { return "static"; }

 private:
  const Credentials credentials_;  // immutable, so Get() needs no lock
};

class FixedStatusProvider : public CredentialsProvider {
 public:
  FixedStatusProvider(std::string name, Status status)
      : name_(std::move(name)), status_(std::move(status)) {}

  Result<ExpiringCredentials> Get() override { return status_; }
  std::string Name() const override { return name_; }

 private:
  const std::string name_;
  const Status status_;
};

class RequiredProvider : public CredentialsProvider {
 public:
  RequiredProvider(std::shared_ptr<CredentialsProvider> inner, std::string context)
      : inner_(std::move(inner)), context_(std::move(context)) {}

  Result<ExpiringCredentials> Get() override {
    Result<ExpiringCredentials> result = inner_->Get();
    if (result.ok() || !result.status().IsNotFound()) return result;
    return Status::ConfigError(context_ + ": " + inner_->Name() +
                               " has no credentials: " + result.status().message());
  }
  std::string Name() const override { return inner_->Name(); }

 private:
  const std::shared_ptr<CredentialsProvider> inner_;
  const std::string context_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewStaticCredentialsProvider(Credentials credentials) {
  return std::make_shared<StaticProvider>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> NewFixedStatusProvider(std::string name, Status status) {
  return std::make_shared<FixedStatusProvider>(std::move(name), std::move(status));
}

std::shared_ptr<CredentialsProvider> NewRequiredProvider(std::shared_ptr<CredentialsProvider> inner,
                                                         std::string context) {
  return std::make_shared<RequiredProvider>(std::move(inner), std::move(context));
}

}  // namespace datalake::aws
