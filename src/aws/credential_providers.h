// The credentials providers (credentials.h is the interface), one per source, plus a chain and a
// caching decorator, as aws-c-auth arranges them (docs/AWS-WIRE.md#sts-and-credentials).
//
// Which factory the connector uses per credentials mode:
//   IAM User      NewStaticCredentialsProvider({key, secret})
//   IAM Role      NewAssumeRoleCredentialsProvider({role_arn, external_id},
//                                                  NewDefaultCredentialsChain(options), options)
//   default chain NewDefaultCredentialsChain(options)
//
// Every provider returned here is thread-safe and may be shared by all AwsClients. Providers
// that fetch credentials over the network (STS, container endpoint, EC2 instance metadata) are
// returned already wrapped in the caching decorator, so calling Get() before every request is
// cheap. Status codes: kNotFound means "this source has no credentials" (the chain moves on);
// a source that is configured but broken returns kConfigError (the user must fix it), kIOError
// (an unexpected answer) or kTransient (still unreachable after retries). No message contains
// a secret key, a session token, a web identity token or an authorization token.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "aws/sts.h"

namespace datalake::aws {

// Return the value of environment variable `name`, or nullopt when it is unset.
using EnvironmentFn = std::function<std::optional<std::string>(std::string_view name)>;
using CredentialsClock = std::function<std::chrono::system_clock::time_point()>;
using HttpClientFactory = std::function<std::unique_ptr<HttpClient>(const HttpOptions&)>;

// Return an EnvironmentFn over the process environment (getenv).
EnvironmentFn ProcessEnvironment();

// Where providers look and how they talk; every member has a working default, and tests
// replace them.
struct CredentialsOptions {
  EnvironmentFn env{};  // default: ProcessEnvironment()
  // The profile to use; nullopt means AWS_PROFILE, then AWS_DEFAULT_PROFILE, then "default".
  // An explicit profile also skips the environment provider, as botocore does.
  std::optional<std::string> profile{};
  // STS calls made by web identity and profile assume-role providers and by
  // NewAssumeRoleCredentialsProvider. An empty region falls back to AWS_REGION, then
  // AWS_DEFAULT_REGION, then us-east-1.
  StsOptions sts{};
  // Makes the HTTP clients of the container and EC2 metadata providers (default: curl).
  HttpClientFactory http_factory{};
  CredentialsClock clock{};                                // default: system_clock::now
  std::function<void(std::chrono::milliseconds)> sleep{};  // between container retries
};

// ---- One provider per source ----

// Return fixed credentials (IAM User mode). An empty key or secret is kConfigError on Get().
std::shared_ptr<CredentialsProvider> NewStaticCredentialsProvider(Credentials credentials);

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN (legacy
// AWS_SECURITY_TOKEN) and AWS_CREDENTIAL_EXPIRATION, re-read on every Get(). kNotFound when
// AWS_ACCESS_KEY_ID is unset or empty; kConfigError when the secret is missing.
std::shared_ptr<CredentialsProvider> NewEnvironmentCredentialsProvider(EnvironmentFn env = {});

// The shared config and credentials files (~/.aws/config, ~/.aws/credentials; env
// AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) for the selected profile: static keys,
// role_arn + source_profile / credential_source (AssumeRole), role_arn +
// web_identity_token_file (AssumeRoleWithWebIdentity). Files are read once, at the first Get().
// kNotFound when the profile is absent or has no credentials, unless the profile was named
// explicitly (then a missing profile is kConfigError). credential_process, sso_* and mfa_serial
// are not supported (kConfigError for the last; the others count as "no credentials").
std::shared_ptr<CredentialsProvider> NewProfileCredentialsProvider(
    const CredentialsOptions& options = {});

// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME] (EKS IRSA): STS
// AssumeRoleWithWebIdentity, the token file re-read on every refresh. Env read at construction.
std::shared_ptr<CredentialsProvider> NewWebIdentityCredentialsProvider(
    const CredentialsOptions& options = {});

// STS AssumeRole with credentials from `source` (IAM Role mode, profile role_arn).
std::shared_ptr<CredentialsProvider> NewAssumeRoleCredentialsProvider(
    AssumeRoleParams params, std::shared_ptr<CredentialsProvider> source,
    const CredentialsOptions& options = {});

// ECS task role / EKS Pod Identity (docs/AWS-WIRE.md#container-credentials):
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI (plain http only to
// loopback and the ECS/EKS hosts), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read each time)
// or AWS_CONTAINER_AUTHORIZATION_TOKEN.
std::shared_ptr<CredentialsProvider> NewContainerCredentialsProvider(
    const CredentialsOptions& options = {});

// EC2 instance profile over IMDSv2 (docs/AWS-WIRE.md#instance-metadata-imdsv2), falling back to
// IMDSv1 as botocore does unless AWS_EC2_METADATA_V1_DISABLED=true. Endpoint from
// AWS_EC2_METADATA_SERVICE_ENDPOINT (or _ENDPOINT_MODE=IPv6), off with
// AWS_EC2_METADATA_DISABLED=true. Timeouts are 1 s, so off EC2 the provider gives up fast with
// kNotFound.
std::shared_ptr<CredentialsProvider> NewImdsCredentialsProvider(
    const CredentialsOptions& options = {});

// ---- Composition ----

// Try `providers` in order; the first that returns credentials wins and is asked from then on.
// kNotFound from all of them is kConfigError "no AWS credentials found (tried: ...)"; any other
// error stops the search and is returned.
std::shared_ptr<CredentialsProvider> NewCredentialsChain(
    std::vector<std::shared_ptr<CredentialsProvider>> providers);

struct CachingOptions {
  // Refresh when less than min(refresh_before, half the credentials' lifetime) remains (botocore's
  // advisory window is 15 min, docs/AWS-WIRE.md#refresh-before-expiry; the half-lifetime cap keeps
  // 15-minute STS credentials from being refreshed on every call).
  std::chrono::seconds refresh_before{15 * 60};
  // After a failed refresh, keep the cached credentials and try again no sooner than this.
  std::chrono::seconds retry_after_failure{30};
  // Cached credentials with less than this left are never used, whatever a refresh does.
  std::chrono::seconds min_remaining{60};
  CredentialsClock clock{};  // default: system_clock::now
};

// Return `inner` behind a cache: Get() returns cached credentials while they are fresh; one
// thread refreshes (the others keep using still-usable credentials, or wait when there are
// none); a failed refresh keeps still-usable credentials. Credentials without an expiration
// are fetched once.
std::shared_ptr<CredentialsProvider> NewCachingCredentialsProvider(
    std::shared_ptr<CredentialsProvider> inner, CachingOptions options = {});

// The default chain, in botocore's order (docs/AWS-WIRE.md#the-default-chain): environment, shared
// files profile (assume-role, web identity and static keys), web identity from the environment,
// container, EC2 IMDS.
std::shared_ptr<CredentialsProvider> NewDefaultCredentialsChain(
    const CredentialsOptions& options = {});

}  // namespace datalake::aws
