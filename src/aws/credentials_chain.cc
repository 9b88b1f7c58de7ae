// The provider chain and the default chain (docs/AWS-WIRE.md#the-default-chain).
//
// Like botocore's CredentialResolver, the chain settles on the first provider that has
// credentials and asks only that one from then on: credentials must not silently switch source
// mid-sync because, say, IMDS answered once and the profile later did not.

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

class ChainProvider : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<std::shared_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  Result<ExpiringCredentials> Get() override {
    if (std::shared_ptr<CredentialsProvider> chosen = Chosen()) return FromChosen(*chosen);
    // Serialise the search so that concurrent first calls do not probe IMDS eight times.
    std::lock_guard<std::mutex> search(search_mu_);
    if (std::shared_ptr<CredentialsProvider> chosen = Chosen()) return FromChosen(*chosen);
    std::string tried;
    for (const std::shared_ptr<CredentialsProvider>& provider : providers_) {
      Result<ExpiringCredentials> result = provider->Get();
      if (result.ok()) {
        std::lock_guard<std::mutex> lock(chosen_mu_);
        chosen_ = provider;
        return result;
      }
      if (!result.status().IsNotFound()) return result.status().WithContext(provider->Name());
      if (!tried.empty()) tried += "; ";
      tried += provider->Name() + ": " + result.status().message();
    }
    return Status::ConfigError("no AWS credentials found (tried: " + tried + ")");
  }

  std::string Name() const override {
    if (std::shared_ptr<CredentialsProvider> chosen = Chosen()) return chosen->Name();
    return "credentials chain";
  }

 private:
  std::shared_ptr<CredentialsProvider> Chosen() const {
    std::lock_guard<std::mutex> lock(chosen_mu_);
    return chosen_;
  }

  // Once chosen, a provider that loses its credentials is an error, not a reason to move on.
  static Result<ExpiringCredentials> FromChosen(CredentialsProvider& provider) {
    Result<ExpiringCredentials> result = provider.Get();
    if (result.ok()) return result;
    if (result.status().IsNotFound()) {
      return Status::ConfigError(provider.Name() +
                                 ": credentials are gone: " + result.status().message());
    }
    return result.status().WithContext(provider.Name());
  }

  const std::vector<std::shared_ptr<CredentialsProvider>> providers_;
  std::mutex search_mu_;
  mutable std::mutex chosen_mu_;
  std::shared_ptr<CredentialsProvider> chosen_;  // guarded by chosen_mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewCredentialsChain(
    std::vector<std::shared_ptr<CredentialsProvider>> providers) {
  return std::make_shared<ChainProvider>(std::move(providers));
}

std::shared_ptr<CredentialsProvider> NewDefaultCredentialsChain(const CredentialsOptions& options) {
  const CredentialsOptions o = WithDefaults(options);
  std::vector<std::shared_ptr<CredentialsProvider>> providers;
  // botocore skips the environment when the profile is given explicitly in code.
  if (!o.profile) providers.push_back(NewEnvironmentCredentialsProvider(o.env));
  // The profile provider covers botocore's assume-role, profile web identity, shared credentials
  // file and config file steps; it defers to the next provider when AWS_WEB_IDENTITY_TOKEN_FILE
  // is set and the profile has no role to assume, as botocore ranks web identity above static
  // profile keys.
  providers.push_back(NewProfileCredentialsProvider(o));
  providers.push_back(NewWebIdentityCredentialsProvider(o));
  providers.push_back(NewContainerCredentialsProvider(o));
  providers.push_back(NewImdsCredentialsProvider(o));
  return NewCredentialsChain(std::move(providers));
}

}  // namespace datalake::aws
