// LakeFormationClient: the Lake Formation LF-Tag operations the destination uses, over
// AwsClient.
//
// Wire format (docs/AWS-WIRE.md#lake-formation-wire-format): REST-JSON, every operation is POST
// /<Operation> with Content-Type application/json and a JSON body. When catalog_id is set, requests
// carry it as "CatalogId". Errors are Status values as GlueClient's (IsGlueError and AwsErrorCodeOf
// apply). Per-tag failures of AddLFTagsToResource come back inside a 200 and become errors here.
//
// Thread-safety: a LakeFormationClient may be used from several threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "common/status.h"
#include "json/json.h"

namespace datalake::aws {

struct LakeFormationOptions {
  std::string region;
  std::string endpoint;    // "" for https://lakeformation.<region>.amazonaws.com[.cn]
  std::string catalog_id;  // "" for the caller's account
  std::shared_ptr<CredentialsProvider> credentials;
  RetryOptions retry;
  HttpOptions http;
  // Injected for tests: how HTTP clients are made, how retries wait and the clock of the
  // throttling budget (see AwsClientOptions).
  std::function<std::unique_ptr<HttpClient>()> http_factory;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<std::chrono::steady_clock::time_point()> steady_clock;
};

class LakeFormationClient {
 public:
  explicit LakeFormationClient(LakeFormationOptions options);
  LakeFormationClient(const LakeFormationClient&) = delete;
  LakeFormationClient& operator=(const LakeFormationClient&) = delete;

  // Send POST /<operation> with `request` (CatalogId added when configured) and return the
  // parsed response body. `resource` names the object in error messages.
  Result<json::Value> Call(std::string_view operation, std::string_view resource,
                           json::Value request);

  // Attach the LF-Tag `tag_key` = `tag_values` to a database (docs/AWS-WIRE.md#lf-tags). The tag
  // must exist with those values; a "Failures" entry in the 200 response fails the call, naming the
  // tag and the error code. A tag, value or database Lake Formation does not know is a
  // kConfigError.
  Status AddLFTagsToDatabase(const std::string& database, const std::string& tag_key,
                             const std::vector<std::string>& tag_values);

  // Create an LF-Tag with its allowed values (an administrator's job; used by tests).
  Status CreateLFTag(const std::string& tag_key, const std::vector<std::string>& tag_values);

  // Return the GetResourceLFTags response for a database ({"LFTagOnDatabase": [...]}).
  Result<json::Value> GetDatabaseLFTags(const std::string& database);

 private:
  LakeFormationOptions options_;
  AwsClient client_;
};

}  // namespace datalake::aws
