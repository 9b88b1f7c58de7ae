// Internal to the config module: the value rules for names and URLs in a config.
//
// Each check returns nullopt when the value is acceptable, else a short problem description
// that does not repeat the value (the caller decides whether quoting it is safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace datalake::config::internal {

// True if `region` looks like an AWS region code ("us-east-1", "us-gov-west-1", "us-isob-east-1").
// A shape check rather than a list, so regions newer than the spec's enum still work.
bool IsAwsRegionCode(std::string_view region);

// S3 bucket naming rules: 3-63 characters of [a-z0-9.-], starting and ending with a letter or
// digit, no "..", not formatted as an IPv4 address.
std::optional<std::string> CheckBucketName(std::string_view name);

// A key prefix inside the bucket: no control characters and no ".." path segment (which would
// escape the prefix in a local lake and is never meant on S3).
std::optional<std::string> CheckBucketPrefix(std::string_view prefix);

// A Glue database name as the connector passes it: non-empty, at most 255 bytes, no control
// characters, no '/'.
std::optional<std::string> CheckDatabaseName(std::string_view name);

// An endpoint override: "http://" or "https://" followed by a host.
std::optional<std::string> CheckEndpointUrl(std::string_view url);

// True if `s` contains an ASCII control character (U+0000-U+001F or U+007F).
bool HasControlCharacter(std::string_view s);

}  // namespace datalake::config::internal
