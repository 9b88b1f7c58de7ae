// EC2 instance profile credentials from the instance metadata service
// (docs/AWS-WIRE.md#instance-metadata-imdsv2), as botocore's InstanceMetadataFetcher gets them:
//   1. PUT /latest/api/token (TTL 21600 s) -> session token, cached for its TTL;
//   2. GET /latest/meta-data/iam/security-credentials/        -> role name;
//   3. GET /latest/meta-data/iam/security-credentials/<role>  -> JSON credentials.
// If the PUT is refused (403/404/405) or gets no answer, botocore falls back to IMDSv1 (no
// token): inside a container on EC2 with a hop limit of 1 the PUT reply never arrives but GETs
// work. Timeouts are 1 s. When neither the PUT nor the first GET gets an answer this is not EC2
// and the result is kNotFound, so off EC2 the chain fails after about 2 s, as botocore does.
// Once IMDS has answered, each GET gets `num_attempts` tries (default 2: 1 retry) on transport
// errors and 5xx.

#include <charconv>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

constexpr char kSource[] = "EC2 instance metadata";
constexpr char kIpv4Endpoint[] = "http://169.254.169.254";
constexpr char kIpv6Endpoint[] = "http://[fd00:ec2::254]";
constexpr char kTokenPath[] = "/latest/api/token";
constexpr char kRolePath[] = "/latest/meta-data/iam/security-credentials/";
constexpr char kTokenTtlSeconds[] = "21600";
// Use a token a minute less than its TTL, so it never expires in flight.
constexpr std::chrono::seconds kTokenReuse{21600 - 60};

// Return the positive integer in variable `name`, else `fallback`.
int EnvInt(const EnvironmentFn& env, std::string_view name, int fallback) {
  std::optional<std::string> text = GetEnv(env, name);
  if (!text) return fallback;
  int value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value <= 0) return fallback;
  return value;
}

// The outcome of asking for a session token.
struct TokenOutcome {
  std::optional<std::string> token{};  // nullopt: use IMDSv1
  bool reachable = false;              // IMDS answered at all
  Status unreachable{};                // why not, when !reachable
};

class ImdsProvider : public CredentialsProvider {
 public:
  explicit ImdsProvider(CredentialsOptions options) : options_(std::move(options)) {}

  Result<ExpiringCredentials> Get() override {
    std::lock_guard<std::mutex> lock(mu_);  // one request at a time on the one HttpClient
    if (EnvIsTrue(options_.env, "AWS_EC2_METADATA_DISABLED")) {
      return Status::NotFound("disabled by AWS_EC2_METADATA_DISABLED");
    }
    endpoint_ = Endpoint();
    if (http_ == nullptr) {
      const int64_t timeout_ms =
          1000 * int64_t{EnvInt(options_.env, "AWS_METADATA_SERVICE_TIMEOUT", 1)};
      http_ =
          options_.http_factory({.connect_timeout_ms = timeout_ms, .total_timeout_ms = timeout_ms});
    }
    bool token_rejected = false;
    Result<ExpiringCredentials> result = Fetch(&token_rejected);
    if (token_rejected) {
      // A 401 means the cached token expired or was revoked: get a new one and start over.
      token_.reset();
      result = Fetch(&token_rejected);
    }
    return result;
  }

  std::string Name() const override { return "EC2 instance metadata"; }

 private:
  std::string Endpoint() const {
    if (auto custom = GetEnv(options_.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
      std::string endpoint = *custom;
      while (endpoint.ends_with('/')) endpoint.pop_back();
      return endpoint;
    }
    std::optional<std::string> mode =
        GetEnv(options_.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (mode && (*mode == "IPv6" || *mode == "ipv6" || *mode == "IPV6")) return kIpv6Endpoint;
    return kIpv4Endpoint;
  }

  // REQUIRES: mu_ held. Sets *token_rejected on a 401 answered to a request with a token.
  Result<ExpiringCredentials> Fetch(bool* token_rejected) {
    *token_rejected = false;
    Result<TokenOutcome> session = Token();
    if (!session.ok()) return session.status();
    const std::optional<std::string>& token = session->token;
    if (!token && EnvIsTrue(options_.env, "AWS_EC2_METADATA_V1_DISABLED")) {
      if (!session->reachable) return Status::NotFound(session->unreachable.message());
      return Status::IOError(std::string(kSource) +
                             ": no IMDSv2 token, and IMDSv1 is disabled by "
                             "AWS_EC2_METADATA_V1_DISABLED");
    }
    // Without any answer yet, one probe decides whether this is EC2 at all.
    const int attempts =
        session->reachable ? EnvInt(options_.env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", 2) : 1;
    Result<HttpResponse> roles = GetPath(kRolePath, token, attempts);
    if (!roles.ok()) {
      if (!session->reachable)
        return Status::NotFound("not reachable: " + roles.status().message());
      return roles.status();
    }
    if (roles->status == 401 && token) {
      *token_rejected = true;
      return Status::IOError(std::string(kSource) + ": the session token was rejected");
    }
    if (roles->status == 404) return Status::NotFound("no IAM role is attached to this instance");
    if (roles->status != 200) return HttpError("role name", roles->status);
    // The listing holds one role name per line; an instance profile has exactly one role.
    const std::string_view listing = TrimWhitespace(roles->body);
    const std::string role(TrimWhitespace(listing.substr(0, listing.find('\n'))));
    if (role.empty()) return Status::NotFound("no IAM role is attached to this instance");
    Result<HttpResponse> credentials = GetPath(
        kRolePath + role, token, EnvInt(options_.env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", 2));
    if (!credentials.ok()) return credentials.status();
    if (credentials->status == 401 && token) {
      *token_rejected = true;
      return Status::IOError(std::string(kSource) + ": the session token was rejected");
    }
    if (credentials->status != 200)
      return HttpError("credentials of role " + role, credentials->status);
    return ParseCredentialsJson(credentials->body, std::string(kSource) + " role " + role, true);
  }

  // REQUIRES: mu_ held.
  Result<TokenOutcome> Token() {
    const auto now = options_.clock();
    if (token_ && now < token_expiry_) return TokenOutcome{.token = token_, .reachable = true};
    HttpRequest request{.method = "PUT",
                        .url = endpoint_ + kTokenPath,
                        .headers = {{"x-aws-ec2-metadata-token-ttl-seconds", kTokenTtlSeconds}}};
    Result<HttpResponse> response = http_->Send(request);
    if (!response.ok()) return TokenOutcome{.unreachable = response.status()};
    if (response->status == 400) return HttpError("session token", 400);
    if (response->status != 200) return TokenOutcome{.reachable = true};  // 403/404/405: IMDSv1
    const std::string token(TrimWhitespace(response->body));
    if (token.empty()) return Status::IOError(std::string(kSource) + ": empty session token");
    token_ = token;
    token_expiry_ = now + kTokenReuse;
    return TokenOutcome{.token = token_, .reachable = true};
  }

  // REQUIRES: mu_ held. Retries transport failures and 5xx; returns the last outcome.
  Result<HttpResponse> GetPath(const std::string& path, const std::optional<std::string>& token,
                               int attempts) {
    HttpRequest request{.method = "GET", .url = endpoint_ + path};
    if (token) request.headers.push_back({"x-aws-ec2-metadata-token", *token});
    Result<HttpResponse> response = Status::Internal("no attempt");
    for (int i = 0; i < attempts; ++i) {
      response = http_->Send(request);
      if (response.ok() && response->status < 500) break;
    }
    return response;
  }

  static Status HttpError(const std::string& what, int status) {
    // Bodies are not quoted: a credentials document may be among them.
    return Status::IOError(std::string(kSource) + ": " + what + ": HTTP " + std::to_string(status));
  }

  const CredentialsOptions options_;
  std::mutex mu_;
  std::unique_ptr<HttpClient> http_;                    // guarded by mu_
  std::string endpoint_;                                // guarded by mu_
  std::optional<std::string> token_;                    // guarded by mu_
  std::chrono::system_clock::time_point token_expiry_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewImdsCredentialsProvider(const CredentialsOptions& options) {
  const CredentialsOptions o = WithDefaults(options);
  return NewCachingCredentialsProvider(std::make_shared<ImdsProvider>(o), {.clock = o.clock});
}

}  // namespace datalake::aws
