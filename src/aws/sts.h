// StsClient: the two AWS Security Token Service calls the credentials providers need,
// AssumeRole (signed with source credentials) and AssumeRoleWithWebIdentity (unsigned), over
// AwsClient with the query protocol (docs/AWS-WIRE.md#sts-assumerole,
// docs/AWS-WIRE.md#assumerolewithwebidentity).
//
// Requests are POST / with a form-encoded body; responses are parsed with pugixml by element
// local name, so any namespace prefix works. Errors: STS error responses come back from
// AwsClient as one Status naming the operation, the role ARN, the HTTP status and the AWS error
// code (AccessDenied and the other 4xx are kConfigError). A 404 is reported as kIOError, never
// kNotFound, so a credentials chain does not mistake a wrong endpoint for "no credentials".
// Neither the web identity token nor any returned secret appears in a message.
//
// Thread-safety: a StsClient may be used from several threads (AwsClient is thread-safe).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "aws/http.h"
#include "common/status.h"

namespace datalake::aws {

// The RoleSessionName used when none is configured; it shows in CloudTrail as the session.
inline constexpr std::string_view kDefaultRoleSessionName = "airbyte-destination-aws-datalake";

struct StsOptions {
  // Signing region, and the region of the default endpoint. Empty means us-east-1.
  std::string region{};
  // "https://host[:port]" (the config's sts_endpoint); empty means StsEndpointForRegion(region).
  std::string endpoint{};
  RetryOptions retry{};
  HttpOptions http{};
  // Injected for tests (see AwsClientOptions): the signing clock, the wait before a retry, the
  // clock of the throttling budget and how HTTP clients are made.
  std::function<std::chrono::system_clock::time_point()> clock{};
  std::function<void(std::chrono::milliseconds)> sleep{};
  std::function<std::chrono::steady_clock::time_point()> steady_clock{};
  std::function<std::unique_ptr<HttpClient>()> http_factory{};
};

struct AssumeRoleParams {
  std::string role_arn{};
  std::string role_session_name = std::string(kDefaultRoleSessionName);
  int duration_seconds = 3600;  // 900..43200; 0 leaves it to STS (3600)
  std::string external_id{};    // empty: not sent
};

struct WebIdentityParams {
  std::string role_arn{};
  std::string role_session_name = std::string(kDefaultRoleSessionName);
  std::string web_identity_token{};  // secret: a JWT
  int duration_seconds = 0;          // 0 leaves it to STS (3600)
};

// What STS returned: temporary credentials (always with an expiration) and the session's ARN.
struct AssumedRole {
  ExpiringCredentials credentials{};
  std::string assumed_role_arn{};  // "arn:aws:sts::123456789012:assumed-role/writer/session"
};

class StsClient {
 public:
  // `source` signs AssumeRole; it may be nullptr when only AssumeRoleWithWebIdentity is used.
  StsClient(const StsOptions& options, std::shared_ptr<CredentialsProvider> source);
  ~StsClient();
  StsClient(const StsClient&) = delete;
  StsClient& operator=(const StsClient&) = delete;

  // On an STS error response, `*error_code` (when not null) receives its code ("AccessDenied").
  Result<AssumedRole> AssumeRole(const AssumeRoleParams& params, std::string* error_code = nullptr);
  // Sent unsigned whatever `source` is: the token is the proof of identity.
  Result<AssumedRole> AssumeRoleWithWebIdentity(const WebIdentityParams& params,
                                                std::string* error_code = nullptr);

  const std::string& endpoint() const { return endpoint_; }

 private:
  Result<AssumedRole> Call(AwsClient* client, std::string_view action, std::string_view role_arn,
                           const std::string& body, std::string* error_code);

  std::string endpoint_;
  std::unique_ptr<AwsClient> signed_;  // null without a source
  std::unique_ptr<AwsClient> unsigned_;
};

// Return https://sts.<region>.<partition DNS suffix> (amazonaws.com.cn for cn-*, ...), the
// regional endpoint botocore uses by default; an empty region means us-east-1.
std::string StsEndpointForRegion(std::string_view region);

// ---- Wire helpers, exposed for tests ----

// Return the form-encoded request bodies (docs/AWS-WIRE.md#sts-assumerole). Values are
// percent-encoded as RFC 3986 unreserved-only (UriEncode with '/' encoded), which every form
// decoder accepts.
std::string AssumeRoleRequestBody(const AssumeRoleParams& params);
std::string WebIdentityRequestBody(const WebIdentityParams& params);

// Parse an <AssumeRoleResponse> or <AssumeRoleWithWebIdentityResponse> document: the
// <Credentials> and <AssumedRoleUser><Arn> found under the `<action>Result` element.
Result<AssumedRole> ParseAssumeRoleResponse(std::string_view action, std::string_view xml);

}  // namespace datalake::aws
