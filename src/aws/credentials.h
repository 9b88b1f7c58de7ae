// Credentials providers: where AWS credentials come from.
//
// One interface, one implementation per source (static keys, environment, shared files and
// profiles, web identity, STS AssumeRole, container endpoint, EC2 IMDSv2), plus a chain that
// takes the first source that has credentials and a caching decorator that refreshes
// credentials well before they expire. Every provider is thread-safe. Errors never contain a
// secret key or session token.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "aws/sigv4.h"
#include "common/status.h"

namespace datalake::aws {

// Credentials plus their expiry (nullopt: they do not expire).
struct ExpiringCredentials {
  Credentials credentials;
  std::optional<std::chrono::system_clock::time_point> expiration;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Return current credentials. kNotFound means "this source has none" (a chain moves on);
  // other errors mean the source exists but failed (a chain stops and reports it).
  virtual Result<ExpiringCredentials> Get() = 0;
  // A short name for messages ("environment", "assume-role arn:aws:iam::...:role/x").
  virtual std::string Name() const = 0;
};

}  // namespace datalake::aws
