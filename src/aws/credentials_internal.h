// Private helpers shared by the credentials providers (credentials_*.cc); not part of the aws
// module's API. Nothing here logs, and no message quotes file contents or response bodies.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credential_providers.h"
#include "aws/credentials.h"
#include "common/status.h"

namespace datalake::aws {

// Return `options` with every unset member replaced by its default.
CredentialsOptions WithDefaults(const CredentialsOptions& options);

// Return options.sts with an empty region filled from AWS_REGION, then AWS_DEFAULT_REGION.
// (StsClient maps a still-empty region to us-east-1.)
StsOptions ResolveStsOptions(const CredentialsOptions& options);

// Return the variable's value, or nullopt when it is unset or empty (botocore treats an empty
// variable as unset).
std::optional<std::string> GetEnv(const EnvironmentFn& env, std::string_view name);
// True when the variable is "true" in any case.
bool EnvIsTrue(const EnvironmentFn& env, std::string_view name);

// Return `s` without leading and trailing spaces, tabs, CR and LF.
std::string_view TrimWhitespace(std::string_view s);

// Return `path` with a leading "~" or "~/" replaced by the home directory (HOME, then the
// password database).
std::string ExpandHome(std::string_view path, const EnvironmentFn& env);

// Read a whole file. kNotFound when it does not exist, kIOError when it cannot be read. The
// message names the path and the OS error, never the contents.
Result<std::string> ReadTextFile(const std::string& path);

// Parse an ISO 8601 timestamp as AWS sends it: "2026-11-25T14:19:38Z", with optional fractional
// seconds and a "Z" or "+hh:mm" / "-hh:mm" offset. Instants before 1970 read as 1970-01-01 and
// after 2200 as 2200-01-01 (system_clock cannot hold years 0000..9999).
Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text);

// Parse the JSON credentials document of the container endpoint and IMDS:
// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", ...}. `source` names the endpoint in
// messages. Token and Expiration are required when `require_session` is set.
Result<ExpiringCredentials> ParseCredentialsJson(std::string_view body, std::string_view source,
                                                 bool require_session);

// Return a provider whose Get() always returns `status` (a source found unusable up front).
std::shared_ptr<CredentialsProvider> NewFixedStatusProvider(std::string name, Status status);

// Return `inner` with kNotFound turned into kConfigError prefixed by `context`: for a source
// that the configuration says must have credentials (a profile's credential_source).
std::shared_ptr<CredentialsProvider> NewRequiredProvider(std::shared_ptr<CredentialsProvider> inner,
                                                         std::string context);

// Where a web identity provider finds its token and role (env variables or profile keys).
struct WebIdentitySettings {
  std::string token_file{};
  std::string role_arn{};
  std::string role_session_name{};  // empty: kDefaultRoleSessionName
};

// Return a cached AssumeRoleWithWebIdentity provider for `settings`.
std::shared_ptr<CredentialsProvider> NewWebIdentityProvider(WebIdentitySettings settings,
                                                            const CredentialsOptions& options);

// ---- INI files (the shared config and credentials files) ----

// Section name -> (lowercased key -> value). Duplicate sections merge, later keys win.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

// Parse the shared-file INI dialect: "[section]" headers, "key = value" (or ':') lines, full-line
// comments starting with '#' or ';', inline comments starting with whitespace + '#' or ';',
// indented lines after a key (continuations and nested sub-sections such as "s3 =") skipped.
// Lines before any section and malformed section headers (with the keys under them) are skipped.
IniSections ParseIni(std::string_view text);

// The profiles of the shared config and credentials files (docs/AWS-WIRE.md#the-default-chain,
// steps 5 and 7).
struct ProfileFiles {
  std::string config_path{};       // AWS_CONFIG_FILE, else ~/.aws/config
  std::string credentials_path{};  // AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
  IniSections config{};            // by profile name: "[default]" and "[profile name]" sections
  IniSections credentials{};       // by profile name: every "[name]" section
  // Why a file contributed nothing ("~/.aws/config: No such file or directory"), for messages.
  std::string problems{};

  // Return the profile's keys, credentials file over config file (as botocore merges them), or
  // nullopt when neither file has the profile.
  std::optional<std::map<std::string, std::string>> Find(const std::string& name) const;
};

// Read both files; a missing or unreadable file counts as empty and is noted in `problems`
// (botocore skips files it cannot read, too).
ProfileFiles LoadProfileFiles(const EnvironmentFn& env);

}  // namespace datalake::aws
