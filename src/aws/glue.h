// GlueClient: the AWS Glue Data Catalog operations the destination uses, over AwsClient.
//
// Wire format (docs/AWS-WIRE.md#glue-wire-format): every operation is POST / with Content-Type
// application/x-amz-json-1.1 and X-Amz-Target AWSGlue.<Operation>; bodies are JSON objects,
// passed in and out as json::Value. When GlueOptions::catalog_id is set, every request carries
// it as "CatalogId" (the account that owns the catalog).
//
// Errors: every failure is one Status from AwsClient (retries already done), whose message keeps
// the AWS error code ("GetTable db.t: HTTP 400 EntityNotFoundException (request id ...)"), so
// callers can ask IsGlueError(status, "ConcurrentModificationException"). Status codes are then
// normalised (docs/AWS-WIRE.md#glue-errors): EntityNotFoundException is kNotFound;
// AccessDeniedException and the credential errors are kConfigError; ConcurrentModificationException
// is kTransient. Operations that document "missing is fine" (CreateDatabase, DeleteTable) absorb
// that code.
//
// Thread-safety: a GlueClient may be used from several threads (AwsClient is thread-safe).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "common/status.h"
#include "json/json.h"

namespace datalake::aws {

struct GlueOptions {
  std::string region;
  std::string endpoint;    // "" for the regional endpoint (GlueEndpoint); else "http://host:port"
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

// Batch limits from the service model (docs/AWS-WIRE.md#glue-errors).
inline constexpr size_t kMaxPartitionsPerBatchCreate = 100;
inline constexpr size_t kMaxPartitionsPerBatchDelete = 25;

class GlueClient {
 public:
  explicit GlueClient(GlueOptions options);
  GlueClient(const GlueClient&) = delete;
  GlueClient& operator=(const GlueClient&) = delete;

  // Send `operation` with `request` (a JSON object; CatalogId is added when configured) and
  // return the parsed response body. `resource` names the object in error messages.
  Result<json::Value> Call(std::string_view operation, std::string_view resource,
                           json::Value request);

  // Return the "Database" object; kNotFound if there is no such database.
  Result<json::Value> GetDatabase(const std::string& name);
  // Create a database from a DatabaseInput ({"Name": ...}); one that already exists is OK.
  Status CreateDatabase(const json::Value& database_input);

  // Return the "Table" object (a Glue Table, with VersionId); kNotFound if absent.
  Result<json::Value> GetTable(const std::string& database, const std::string& name);
  // Return every table of the database (GetTables, all pages): Glue Table objects. A missing
  // database is kNotFound.
  Result<std::vector<json::Value>> GetTables(const std::string& database);
  // Create a table; an existing one fails with AlreadyExistsException.
  Status CreateTable(const std::string& database, const json::Value& table_input);
  // Replace the table definition with `table_input` (docs/AWS-WIRE.md#glue-operations), with
  // SkipArchive true so updates do not pile up table versions against the account quota. With
  // `version_id`, Glue rejects the update with ConcurrentModificationException if the table changed
  // since that version was read (docs/AWS-WIRE.md#table-versions-and-optimistic-locking).
  Status UpdateTable(const std::string& database, const json::Value& table_input,
                     const std::optional<std::string>& version_id);
  // Delete a table (and, in Glue, its partitions); a missing table is OK.
  Status DeleteTable(const std::string& database, const std::string& name);

  // Return every partition of the table (all pages), optionally filtered by `expression`.
  Result<std::vector<json::Value>> GetPartitions(const std::string& database,
                                                 const std::string& table,
                                                 const std::string& expression = "");
  // Add partitions (PartitionInput objects) in chunks of 100. Per-partition errors come back
  // inside a 200: AlreadyExistsException entries are success (idempotent add); any other
  // fails the call, naming the partition values and the error code.
  Status BatchCreatePartition(const std::string& database, const std::string& table,
                              const std::vector<json::Value>& partition_inputs);
  // Delete partitions by their values, in chunks of 25; per-partition errors fail the call
  // (EntityNotFoundException entries excepted: already gone).
  Status BatchDeletePartition(const std::string& database, const std::string& table,
                              const std::vector<std::vector<std::string>>& partition_values);

  const GlueOptions& options() const { return options_; }

 private:
  json::Value WithCatalogId(json::Value request) const;

  GlueOptions options_;
  AwsClient client_;
};

// Return the regional endpoint of a JSON service: "https://<service>.<region>.amazonaws.com",
// or ".amazonaws.com.cn" in the China regions.
std::string RegionalServiceEndpoint(std::string_view service, std::string_view region);

// Return the AWS error code a Status from AwsClient carries ("EntityNotFoundException"), or ""
// when it has none (transport failures, HTTP errors without a code).
std::string_view AwsErrorCodeOf(const Status& status);

// True if `status` failed with the AWS error `code`.
bool IsGlueError(const Status& status, std::string_view code);

// Return `status` (a failure whose AWS error code is `code`, "" for none) with its StatusCode
// normalised as the header comment says.
Status NormalizeJsonServiceError(Status status, std::string_view code);

// Return `status` with the secret access key and session token that `credentials` gives now
// replaced by "[redacted]": for failures worded from a 2xx body (per-entry batch errors, LF-Tag
// failures), which AwsClient's redaction of error responses does not see.
Status RedactCredentials(Status status, CredentialsProvider* credentials);

// Execute a request of a JSON protocol (Glue, Lake Formation) and return its response object;
// errors are normalised as above, and an empty body (operations without output) is {}. Rejected
// credentials and denied access are explained in the words S3Client uses for them ("the
// credentials were rejected: ...", "access denied to the Glue Data Catalog: ...").
Result<json::Value> ExecuteJsonRequest(AwsClient& client, const AwsRequest& request);

}  // namespace datalake::aws
