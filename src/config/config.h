// The connector's configuration: the spec shown to users (SPEC), and the parsed, validated
// config that `check` and `write` run with.
//
// The spec is a superset of the original connector's spec: every original property keeps its
// name, type, enum values, order, default and the `required` list; extensions are optional.
// ParseConfig validates a config against that spec and reports every violation by field name;
// messages never contain the value of a secret field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "json/json.h"

namespace datalake::config {

enum class CredentialsMode { kIamRole, kIamUser, kDefaultChain };

struct Credentials {
  CredentialsMode mode = CredentialsMode::kDefaultChain;
  std::string role_arn;           // kIamRole
  std::string external_id;        // kIamRole, optional
  std::string access_key_id;      // kIamUser (secret)
  std::string secret_access_key;  // kIamUser (secret)
  std::string session_token;      // kIamUser, optional (secret)
};

enum class OutputFormat { kJsonl, kParquet };
enum class Compression { kUncompressed, kGzip, kZstd, kSnappy };
enum class ServerSideEncryption { kNone, kS3, kKms };
enum class Partitioning { kNone, kDate, kYear, kMonth, kDay, kYearMonth, kYearMonthDay };
// How a stream's table is kept: Hive layout (files below a Location, partitions registered one
// by one) or an Apache Iceberg table (docs/ICEBERG.md).
enum class TableFormat { kHive, kIceberg };

// One entry of `partition_by`: a top-level field of the streams and the Iceberg partition
// transform whose value partitions their rows (docs/LAYOUT.md, "Partitions").
struct PartitionBy {
  std::string field;
  std::string transform;  // identity, year, month, day, hour, bucket[N] or truncate[W]
  // The streams it applies to ("name" or "namespace.name"); empty: every stream with the field.
  std::vector<std::string> streams;
};

struct Config {
  std::string aws_account_id;
  Credentials credentials;
  std::string region;  // "" means: take it from the environment / default chain
  std::string bucket_name;
  std::string bucket_prefix;  // verbatim, as the original (no slash trimming)
  std::string database;       // lakeformation_database_name
  std::string lf_tag_key;     // lakeformation_database_default_tag_key, may be empty
  // lakeformation_database_default_tag_values, split on ','
  std::vector<std::string> lf_tag_values;
  bool governed_tables = false;
  OutputFormat format = OutputFormat::kParquet;
  Compression compression = Compression::kSnappy;
  Partitioning partitioning = Partitioning::kNone;
  bool float_as_decimal = false;

  // Extensions.
  std::optional<std::string> local_lake_path;  // set: write to this directory, no AWS at all
  std::optional<std::string> s3_endpoint;
  std::optional<std::string> glue_endpoint;
  std::optional<std::string> sts_endpoint;
  std::optional<std::string> lakeformation_endpoint;
  double commit_interval_seconds = 300;  // 0: commit at every STATE message
  uint64_t target_file_size_bytes = 128ull << 20;
  uint64_t memory_budget_bytes = 0;  // memory_budget_mb; 0: chosen from the machine
  bool airbyte_meta_columns = true;
  ServerSideEncryption sse = ServerSideEncryption::kNone;  // s3_server_side_encryption
  std::string kms_key_id;                                  // s3_kms_key_id (with kKms)
  bool parquet_timestamp_int96 = false;                    // legacy INT96 Parquet timestamps
  TableFormat table_format = TableFormat::kHive;
  std::vector<PartitionBy> partition_by;  // in path order; empty: `partitioning` applies

  bool is_local() const { return local_lake_path.has_value(); }
  // Every secret value in this config (for redaction of any output).
  std::vector<std::string> Secrets() const;
};

// Return the SPEC payload: {"documentationUrl":...,"connectionSpecification":{...},...}.
const json::Value& Spec();

// Parse and validate a config document. Errors are kConfigError and list every violation,
// naming the field ("credentials.aws_access_key_id: required").
Result<Config> ParseConfig(const json::Value& config);

}  // namespace datalake::config
