// Credentials from a profile of the shared config and credentials files
// (docs/AWS-WIRE.md#the-default-chain, steps 2, 3, 5 and 7), resolved as botocore's
// AssumeRoleProvider, AssumeRoleWithWebIdentityProvider, SharedCredentialProvider and
// ConfigProvider do:
//   * role_arn (without web_identity_token_file) -> AssumeRole, with source credentials from
//     credential_source (Environment | Ec2InstanceMetadata | EcsContainer) or source_profile,
//     resolved recursively. A source profile with static keys gives those keys even if it has a
//     role_arn too; a profile may name itself as source_profile only if it has static keys;
//     any other revisit is a cycle (botocore's InfiniteLoopConfigError).
//   * web_identity_token_file + role_arn -> AssumeRoleWithWebIdentity.
//   * aws_access_key_id + aws_secret_access_key [+ aws_session_token] -> static keys, the
//     credentials file first, then the config file.
// The profile is resolved once, at the first Get(); the resulting provider is kept, so an
// assumed role is cached and refreshed like any other.
//
// Not supported: credential_process and sso_* (they count as "no credentials" here, so the
// chain moves on and names them in its message), and mfa_serial (a sync has no one to type a
// code: kConfigError).

#include <charconv>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

using Profile = std::map<std::string, std::string>;
using ProviderResult = Result<std::shared_ptr<CredentialsProvider>>;

std::string Value(const Profile& profile, const std::string& key) {
  auto it = profile.find(key);
  return it == profile.end() ? "" : it->second;
}

bool HasStaticKeys(const Profile& p) {
  return p.contains("aws_access_key_id") || p.contains("aws_secret_access_key");
}

class ProfileResolver {
 public:
  ProfileResolver(const ProfileFiles& files, const CredentialsOptions& options)
      : files_(files), options_(options) {}

  // Return the provider for profile `name`; `top_level` is false for a source_profile.
  ProviderResult Resolve(const std::string& name, bool top_level, bool named_explicitly) {
    visited_.push_back(name);
    std::optional<Profile> profile = files_.Find(name);
    if (!profile) {
      const std::string where = files_.credentials_path + " or " + files_.config_path;
      if (!top_level) return Status::ConfigError("source profile " + name + " is not in " + where);
      if (named_explicitly) return Status::ConfigError("profile " + name + " is not in " + where);
      std::string why = "profile " + name + " not found";
      if (!files_.problems.empty()) why += " (" + files_.problems + ")";
      return Status::NotFound(why);
    }
    const Profile& p = *profile;
    const bool has_role = !Value(p, "role_arn").empty();
    const bool has_web_identity = !Value(p, "web_identity_token_file").empty();
    if (has_role && !has_web_identity && (top_level || !HasStaticKeys(p))) {
      return AssumeRole(name, p);
    }
    if (top_level && GetEnv(options_.env, "AWS_WEB_IDENTITY_TOKEN_FILE")) {
      // botocore ranks web identity from the environment above a profile's own keys; the web
      // identity provider comes next in the chain.
      return Status::NotFound("deferring to AWS_WEB_IDENTITY_TOKEN_FILE");
    }
    if (has_web_identity) return WebIdentity(name, p, top_level);
    if (HasStaticKeys(p)) return StaticKeys(name);
    std::string why = "profile " + name + " has no credentials";
    if (p.contains("credential_process")) why += " (credential_process is not supported)";
    if (p.contains("sso_session") || p.contains("sso_start_url")) why += " (SSO is not supported)";
    if (top_level) return Status::NotFound(why);
    return Status::ConfigError("source " + why);
  }

 private:
  ProviderResult AssumeRole(const std::string& name, const Profile& p) {
    const std::string context = "profile " + name;
    if (p.contains("mfa_serial")) {
      return Status::ConfigError(context +
                                 ": mfa_serial is not supported (no one to enter a code)");
    }
    AssumeRoleParams params{.role_arn = Value(p, "role_arn"),
                            .external_id = Value(p, "external_id")};
    if (std::string session = Value(p, "role_session_name"); !session.empty()) {
      params.role_session_name = session;
    }
    if (std::string duration = Value(p, "duration_seconds"); !duration.empty()) {
      auto [end, error] = std::from_chars(duration.data(), duration.data() + duration.size(),
                                          params.duration_seconds);
      if (error != std::errc() || end != duration.data() + duration.size()) {
        return Status::ConfigError(context + ": duration_seconds is not an integer: " + duration);
      }
    }
    ProviderResult source = Source(name, p);
    if (!source.ok()) return source.status();
    return NewAssumeRoleCredentialsProvider(std::move(params), std::move(source).value(), options_);
  }

  ProviderResult Source(const std::string& name, const Profile& p) {
    const std::string context = "profile " + name;
    const std::string source_profile = Value(p, "source_profile");
    const std::string credential_source = Value(p, "credential_source");
    if (!source_profile.empty() && !credential_source.empty()) {
      return Status::ConfigError(context + " has both source_profile and credential_source");
    }
    if (!credential_source.empty()) {
      std::shared_ptr<CredentialsProvider> source;
      if (credential_source == "Environment") {
        source = NewEnvironmentCredentialsProvider(options_.env);
      } else if (credential_source == "Ec2InstanceMetadata") {
        source = NewImdsCredentialsProvider(options_);
      } else if (credential_source == "EcsContainer") {
        source = NewContainerCredentialsProvider(options_);
      } else {
        return Status::ConfigError(context + ": unsupported credential_source " +
                                   credential_source +
                                   " (Environment, Ec2InstanceMetadata or EcsContainer)");
      }
      return NewRequiredProvider(std::move(source),
                                 context + " credential_source " + credential_source);
    }
    if (source_profile.empty()) {
      return Status::ConfigError(context +
                                 " has role_arn but neither source_profile nor credential_source");
    }
    if (source_profile == name && HasStaticKeys(p)) return StaticKeys(name);
    for (const std::string& seen : visited_) {
      if (seen != source_profile) continue;
      std::string path;
      for (const std::string& step : visited_) path += step + " -> ";
      return Status::ConfigError("source_profile cycle: " + path + source_profile);
    }
    return Resolve(source_profile, /*top_level=*/false, /*named_explicitly=*/true);
  }

  ProviderResult WebIdentity(const std::string& name, const Profile& p, bool top_level) {
    // At the top level the role and session variables override the profile's, as in botocore.
    auto setting = [&](std::string_view env_name, const std::string& key) {
      if (top_level) {
        if (auto value = GetEnv(options_.env, env_name)) return *value;
      }
      return Value(p, key);
    };
    WebIdentitySettings settings{
        .token_file = ExpandHome(Value(p, "web_identity_token_file"), options_.env),
        .role_arn = setting("AWS_ROLE_ARN", "role_arn"),
        .role_session_name = setting("AWS_ROLE_SESSION_NAME", "role_session_name")};
    if (settings.role_arn.empty()) {
      return Status::ConfigError("profile " + name +
                                 " has web_identity_token_file but no role_arn");
    }
    return NewWebIdentityProvider(std::move(settings), options_);
  }

  // botocore reads the credentials file's keys first and the config file's only without them.
  ProviderResult StaticKeys(const std::string& name) const {
    for (const auto* file : {&files_.credentials, &files_.config}) {
      auto section = file->find(name);
      if (section == file->end() || !HasStaticKeys(section->second)) continue;
      const Profile& p = section->second;
      const std::string& path =
          file == &files_.credentials ? files_.credentials_path : files_.config_path;
      Credentials credentials{.access_key_id = Value(p, "aws_access_key_id"),
                              .secret_access_key = Value(p, "aws_secret_access_key"),
                              .session_token = Value(p, "aws_session_token")};
      if (credentials.session_token.empty()) {
        credentials.session_token = Value(p, "aws_security_token");
      }
      for (auto [key, value] : {std::pair{"aws_access_key_id", &credentials.access_key_id},
                                {"aws_secret_access_key", &credentials.secret_access_key}}) {
        if (value->empty()) {
          return Status::ConfigError("profile " + name + " in " + path + " has no " + key);
        }
      }
      return NewStaticCredentialsProvider(std::move(credentials));
    }
    return Status::Internal("profile " + name + ": static keys vanished");
  }

  const ProfileFiles& files_;
  const CredentialsOptions& options_;
  std::vector<std::string> visited_;
};

class ProfileProvider : public CredentialsProvider {
 public:
  explicit ProfileProvider(CredentialsOptions options) : options_(std::move(options)) {
    named_explicitly_ = true;
    if (options_.profile) {
      name_ = *options_.profile;
    } else if (auto profile = GetEnv(options_.env, "AWS_PROFILE")) {
      name_ = *profile;
    } else if (auto legacy = GetEnv(options_.env, "AWS_DEFAULT_PROFILE")) {
      name_ = *legacy;
    } else {
      name_ = "default";
      named_explicitly_ = false;
    }
  }

  Result<ExpiringCredentials> Get() override {
    std::shared_ptr<CredentialsProvider> inner;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!resolved_) {
        const ProfileFiles files = LoadProfileFiles(options_.env);
        resolved_ = ProfileResolver(files, options_).Resolve(name_, true, named_explicitly_);
      }
      if (!resolved_->ok()) return resolved_->status();
      inner = resolved_->value();
    }
    return inner->Get();
  }

  std::string Name() const override { return "profile " + name_; }

 private:
  const CredentialsOptions options_;
  std::string name_;
  bool named_explicitly_ = false;
  std::mutex mu_;
  std::optional<ProviderResult> resolved_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewProfileCredentialsProvider(
    const CredentialsOptions& options) {
  return std::make_shared<ProfileProvider>(WithDefaults(options));
}

}  // namespace datalake::aws
