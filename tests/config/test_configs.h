// Config documents and helpers shared by the config tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config/config.h"

namespace datalake::config::testing {

// Distinctive secret values: no error message may ever contain them.
inline constexpr std::string_view kAccessKeyId = "AKIASECRETIDXYZZY0001";
inline constexpr std::string_view kSecretKey = "s3cr3t/KEY+xyzzy/never-print-me";
inline constexpr std::string_view kSessionToken = "SESSIONTOKENxyzzy-never-print-me";

inline json::Value MustParse(std::string_view text) {
  Result<json::Value> parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? std::move(parsed).value() : json::Value::Object();
}

// A valid, minimal config using IAM user keys (with a session token).
inline json::Value IamUserConfig() {
  json::Value doc = MustParse(R"({
    "credentials": {"credentials_title": "IAM User"},
    "region": "eu-west-1",
    "bucket_name": "my-bucket",
    "lakeformation_database_name": "my_db"
  })");
  json::Value* creds = doc.FindMutable("credentials");
  creds->Set("aws_access_key_id", json::Value::String(std::string(kAccessKeyId)));
  creds->Set("aws_secret_access_key", json::Value::String(std::string(kSecretKey)));
  creds->Set("aws_session_token", json::Value::String(std::string(kSessionToken)));
  return doc;
}

// A valid, minimal config using the default credentials chain.
inline json::Value MinimalConfig() {
  return MustParse(R"({
    "credentials": {"credentials_title": "Default Credentials Chain"},
    "region": "us-east-1",
    "bucket_name": "my-bucket",
    "lakeformation_database_name": "my_db"
  })");
}

// Return `doc` with member `key` set to the JSON `value_json`.
inline json::Value With(json::Value doc, std::string_view key, std::string_view value_json) {
  doc.Set(key, MustParse(value_json));
  return doc;
}

// Return `doc` without member `key`.
inline json::Value Without(json::Value doc, std::string_view key) {
  doc.Remove(key);
  return doc;
}

// Parse `doc`, expect a kConfigError, and return its message.
inline std::string ErrorOf(const json::Value& doc) {
  Result<Config> result = ParseConfig(doc);
  EXPECT_FALSE(result.ok()) << json::Serialize(doc);
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kConfigError);
  return result.status().message();
}

// Expect that no secret value appears in `message`.
inline void ExpectNoSecrets(const std::string& message) {
  for (std::string_view secret : {kAccessKeyId, kSecretKey, kSessionToken}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
}

}  // namespace datalake::config::testing
