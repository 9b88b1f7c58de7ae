// Container credentials: the ECS task role endpoint and EKS Pod Identity
// (docs/AWS-WIRE.md#container-credentials), as botocore's ContainerProvider +
// ContainerMetadataFetcher: 2 s timeout, 3 attempts 1 s apart.

#include <arpa/inet.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

constexpr char kSource[] = "container credentials endpoint";
constexpr char kEcsEndpoint[] = "http://169.254.170.2";
constexpr int kAttempts = 3;
constexpr std::chrono::milliseconds kRetryDelay{1000};

// Return the host of an absolute URL, without brackets around an IPv6 literal.
std::string UrlHost(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) return std::string(rest.substr(1, rest.find(']') - 1));
  return std::string(rest.substr(0, rest.find(':')));
}

// botocore's rule for plain http: loopback, the ECS and EKS Pod Identity addresses, localhost.
bool IsAllowedHttpHost(const std::string& host) {
  if (host == "localhost") return true;
  unsigned char v4[4];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) {
    const bool ecs = v4[0] == 169 && v4[1] == 254 && v4[2] == 170 && (v4[3] == 2 || v4[3] == 23);
    return v4[0] == 127 || ecs;
  }
  in6_addr v6{};
  in6_addr eks{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  inet_pton(AF_INET6, "fd00:ec2::23", &eks);
  return IN6_IS_ADDR_LOOPBACK(&v6) || std::memcmp(&v6, &eks, sizeof(v6)) == 0;
}

class ContainerProvider : public CredentialsProvider {
 public:
  explicit ContainerProvider(CredentialsOptions options) : options_(std::move(options)) {}

  Result<ExpiringCredentials> Get() override {
    std::lock_guard<std::mutex> lock(mu_);  // one request at a time on the one HttpClient
    Result<std::string> url = ResolveUrl();
    if (!url.ok()) return url.status();
    HttpRequest request{.method = "GET", .url = *url, .headers = {{"Accept", "application/json"}}};
    Result<std::optional<std::string>> token = AuthorizationToken();
    if (!token.ok()) return token.status();
    if (*token) request.headers.push_back({"Authorization", std::move(**token)});
    if (http_ == nullptr) {
      http_ = options_.http_factory({.connect_timeout_ms = 2000, .total_timeout_ms = 2000});
    }
    return Fetch(request);
  }

  std::string Name() const override { return "container"; }

 private:
  Result<std::string> ResolveUrl() const {
    if (auto relative = GetEnv(options_.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      return kEcsEndpoint + *relative;
    }
    std::optional<std::string> full = GetEnv(options_.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!full) {
      return Status::NotFound(
          "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is set");
    }
    if (full->starts_with("https://")) return *full;
    if (!full->starts_with("http://")) {
      return Status::ConfigError("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
    }
    const std::string host = UrlHost(*full);
    if (!IsAllowedHttpHost(host)) {
      return Status::ConfigError("AWS_CONTAINER_CREDENTIALS_FULL_URI host '" + host +
                                 "' is not allowed over plain http: only loopback, localhost, "
                                 "169.254.170.2, 169.254.170.23 and fd00:ec2::23 are");
    }
    return *full;
  }

  // The token file takes precedence and is read every time: EKS Pod Identity rotates it.
  Result<std::optional<std::string>> AuthorizationToken() const {
    std::optional<std::string> token;
    if (auto file = GetEnv(options_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      Result<std::string> contents = ReadTextFile(ExpandHome(*file, options_.env));
      if (!contents.ok()) {
        return Status::ConfigError("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                                   contents.status().message());
      }
      token = std::string(TrimWhitespace(*contents));
    } else {
      token = GetEnv(options_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (token && token->find_first_of("\r\n") != std::string::npos) {
      return Status::ConfigError("the container authorization token is not a legal header value");
    }
    return token;
  }

  // REQUIRES: mu_ held.
  Result<ExpiringCredentials> Fetch(const HttpRequest& request) {
    Status last;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      if (attempt > 1) options_.sleep(kRetryDelay);
      Result<HttpResponse> response = http_->Send(request);
      if (!response.ok()) {
        last = Status::Transient(std::string(kSource) + ": " + response.status().message());
        continue;
      }
      const int status = response->status;
      if (status == 200) return ParseCredentialsJson(response->body, kSource, false);
      // The body is not quoted: it could echo the authorization token.
      const std::string message = std::string(kSource) + ": HTTP " + std::to_string(status);
      if (status < 500 && status != 429) return Status::ConfigError(message);
      last = Status::Transient(message);
    }
    return Status(last.code(),
                  last.message() + " (gave up after " + std::to_string(kAttempts) + " attempts)");
  }

  const CredentialsOptions options_;
  std::mutex mu_;
  std::unique_ptr<HttpClient> http_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewContainerCredentialsProvider(
    const CredentialsOptions& options) {
  const CredentialsOptions o = WithDefaults(options);
  return NewCachingCredentialsProvider(std::make_shared<ContainerProvider>(o), {.clock = o.clock});
}

}  // namespace datalake::aws
