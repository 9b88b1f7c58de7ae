// Fuzz target: config parsing as `check` and `write` do it: the file's text through json::Parse,
// then config::ParseConfig (config/config.cc, config/reader.cc, the rules and sections).
//
// The secret members of `credentials` (aws_access_key_id, aws_secret_access_key,
// aws_session_token), when non-empty strings, are replaced by distinctive markers first.
//
// Invariants:
// - ParseConfig returns a Config or a kConfigError, never anything else, and no exception
//   escapes;
// - an error message is valid UTF-8 and contains no secret;
// - a Config's secrets are all listed by Secrets() (which the writer redacts), and the values
//   the rules bound are within their bounds (target file size 1..5000 MB, a finite
//   non-negative commit interval, a 3..63 character bucket name, LF-Tag key and values set
//   together, a KMS key only with SSE-KMS, endpoints non-empty when set).
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "fuzz_util.h"
#include "json/json.h"

namespace datalake::fuzzing {
namespace {

constexpr const char* kSecretKeys[] = {"aws_access_key_id", "aws_secret_access_key",
                                       "aws_session_token"};

void CheckConfig(const config::Config& c, const std::vector<std::string>& markers) {
  const std::vector<std::string> secrets = c.Secrets();
  auto listed = [&](const std::string& s) {
    return s.empty() || std::find(secrets.begin(), secrets.end(), s) != secrets.end();
  };
  FUZZ_CHECK(listed(c.credentials.access_key_id) && listed(c.credentials.secret_access_key) &&
                 listed(c.credentials.session_token),
             "a secret missing from Secrets()");
  for (const std::string& s : secrets) {
    FUZZ_CHECK(std::find(markers.begin(), markers.end(), s) != markers.end(),
               "Secrets() lists a value that is no secret: " + Printable(s));
  }
  FUZZ_CHECK(c.target_file_size_bytes >= (uint64_t{1} << 20) &&
                 c.target_file_size_bytes <= (uint64_t{5000} << 20),
             std::to_string(c.target_file_size_bytes));
  FUZZ_CHECK(std::isfinite(c.commit_interval_seconds) && c.commit_interval_seconds >= 0,
             std::to_string(c.commit_interval_seconds));
  FUZZ_CHECK(c.bucket_name.size() >= 3 && c.bucket_name.size() <= 63, Printable(c.bucket_name));
  FUZZ_CHECK(c.lf_tag_key.empty() == c.lf_tag_values.empty(), Printable(c.lf_tag_key));
  FUZZ_CHECK(c.kms_key_id.empty() || c.sse == config::ServerSideEncryption::kKms,
             "KMS key without SSE-KMS");
  for (const auto* endpoint : {&c.s3_endpoint, &c.glue_endpoint, &c.sts_endpoint,
                               &c.lakeformation_endpoint, &c.local_lake_path}) {
    FUZZ_CHECK(!endpoint->has_value() || !(*endpoint)->empty(), "an empty optional is set");
  }
  if (c.credentials.mode == config::CredentialsMode::kIamUser) {
    FUZZ_CHECK(!c.credentials.access_key_id.empty() && !c.credentials.secret_access_key.empty(),
               "IAM User without keys");
  }
  if (c.credentials.mode == config::CredentialsMode::kIamRole) {
    FUZZ_CHECK(!c.credentials.role_arn.empty(), "IAM Role without a role ARN");
  }
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    Result<json::Value> parsed = json::Parse(input);
    if (!parsed.ok()) {
      FUZZ_CHECK(parsed.status().code() == StatusCode::kInvalidInput, parsed.status().ToString());
      return 0;
    }
    json::Value doc = std::move(parsed).value();
    // Markers in place of the secrets: text the document holds nowhere else.
    std::vector<std::string> markers;
    if (json::Value* creds = doc.is_object() ? doc.FindMutable("credentials") : nullptr) {
      const std::string text = json::Serialize(doc);
      for (const char* key : kSecretKeys) {
        json::Value* v = creds->FindMutable(key);
        if (v == nullptr || !v->is_string() || v->text().empty()) continue;
        std::string marker = "xyzzy" + std::to_string(markers.size()) + "-secret";
        while (text.find(marker) != std::string::npos) marker += "-x";
        *v = json::Value::String(marker);
        markers.push_back(std::move(marker));
      }
    }
    Result<config::Config> config = config::ParseConfig(doc);
    if (!config.ok()) {
      const std::string& message = config.status().message();
      FUZZ_CHECK(config.status().code() == StatusCode::kConfigError, config.status().ToString());
      FUZZ_CHECK(json::IsValidUtf8(message), Printable(message));
      for (const std::string& marker : markers) {
        FUZZ_CHECK(message.find(marker) == std::string::npos, "secret in: " + Printable(message));
      }
      return 0;
    }
    CheckConfig(*config, markers);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("exception escaped: ") + e.what());
  } catch (...) {
    FUZZ_CHECK(false, "exception escaped");
  }
  return 0;
}
