// ParseConfig: reads a config document in spec order, collecting every violation, and returns
// either a complete Config or one kConfigError that lists them all.

#include "config/config.h"

#include <string_view>

#include "config/reader.h"
#include "config/rules.h"
#include "config/sections.h"

namespace datalake::config {
namespace {

using internal::CheckBucketName;
using internal::CheckBucketPrefix;
using internal::CheckDatabaseName;
using internal::CheckEndpointUrl;
using internal::ObjectReader;
using internal::Presence;
using internal::QuoteForMessage;
using internal::Violations;

constexpr int64_t kMinTargetFileSizeMb = 1;
constexpr int64_t kMaxTargetFileSizeMb = 5000;
constexpr int64_t kMinMemoryBudgetMb = 16;
constexpr int64_t kMaxMemoryBudgetMb = 65536;

// Record `problem` (if any) for member `key`. The value is not quoted: names may be long, and a
// rule's message says enough to find the mistake.
void AddIfProblem(ObjectReader& reader, std::string_view key,
                  const std::optional<std::string>& problem) {
  if (problem.has_value()) reader.Add(key, *problem);
}

// region, bucket_name, bucket_prefix, lakeformation_database_name.
void ParseLocation(ObjectReader& top, bool local, Config* out) {
  std::optional<std::string> region =
      top.String("region", local ? Presence::kOptional : Presence::kRequired);
  if (region.has_value() && !region->empty() && !internal::IsAwsRegionCode(*region)) {
    top.Add("region", QuoteForMessage(*region) + " is not an AWS region code (like us-east-1)");
  }
  out->region = region.value_or("");

  if (std::optional<std::string> bucket = top.String("bucket_name", Presence::kRequired)) {
    AddIfProblem(top, "bucket_name", CheckBucketName(*bucket));
    out->bucket_name = *bucket;
  }
  if (std::optional<std::string> prefix = top.String("bucket_prefix")) {
    AddIfProblem(top, "bucket_prefix", CheckBucketPrefix(*prefix));
    out->bucket_prefix = *prefix;  // verbatim, as the original: "a/" gives "s3://b/a//db/"
  }
  if (auto database = top.String("lakeformation_database_name", Presence::kRequired)) {
    AddIfProblem(top, "lakeformation_database_name", CheckDatabaseName(*database));
    out->database = *database;
  }
}

// Split on ',' exactly as Python's str.split(",") (no trimming), except that "" gives no values.
std::vector<std::string> SplitTagValues(std::string_view text) {
  std::vector<std::string> values;
  if (text.empty()) return values;
  size_t start = 0;
  for (size_t comma; (comma = text.find(',', start)) != std::string_view::npos; start = comma + 1) {
    values.emplace_back(text.substr(start, comma - start));
  }
  values.emplace_back(text.substr(start));
  return values;
}

// The LF-tag pair.
void ParseLakeFormationTags(ObjectReader& top, Config* out) {
  constexpr std::string_view kKey = "lakeformation_database_default_tag_key";
  constexpr std::string_view kValues = "lakeformation_database_default_tag_values";
  std::optional<std::string> key = top.String(kKey);
  std::optional<std::string> values = top.String(kValues);
  // A member of the wrong type is already reported; don't also call it "missing its partner".
  if ((top.IsSet(kKey) && !key.has_value()) || (top.IsSet(kValues) && !values.has_value())) {
    return;
  }
  bool has_key = key.has_value() && !key->empty();
  bool has_values = values.has_value() && !values->empty();
  // The original tags databases only when both are non-empty; one without the other is almost
  // certainly a mistake, so say so instead of silently not tagging.
  if (has_key != has_values) {
    std::string_view set = has_key ? kKey : kValues;
    std::string_view unset = has_key ? kValues : kKey;
    top.Add(set, "is set but " + std::string(unset) + " is not (set both or neither)");
  } else if (has_key) {
    out->lf_tag_key = *key;
    out->lf_tag_values = SplitTagValues(*values);
  }
}

// Read an optional endpoint override; "" counts as not set (a cleared UI field).
std::optional<std::string> ReadEndpoint(ObjectReader& top, std::string_view key) {
  std::optional<std::string> url = top.String(key);
  if (!url.has_value() || url->empty()) return std::nullopt;
  if (std::optional<std::string> problem = CheckEndpointUrl(*url)) {
    top.Add(key, *problem);
    return std::nullopt;
  }
  return url;
}

// The options this connector adds to the original spec.
void ParseExtensions(ObjectReader& top, Config* out) {
  out->s3_endpoint = ReadEndpoint(top, "s3_endpoint");
  out->glue_endpoint = ReadEndpoint(top, "glue_endpoint");
  out->sts_endpoint = ReadEndpoint(top, "sts_endpoint");
  out->lakeformation_endpoint = ReadEndpoint(top, "lakeformation_endpoint");
  if (std::optional<double> interval = top.Number("commit_interval_seconds")) {
    if (*interval < 0) {
      top.Add("commit_interval_seconds", "must be at least 0");
    } else {
      out->commit_interval_seconds = *interval;
    }
  }
  if (std::optional<int64_t> size_mb = top.Integer("target_file_size_mb")) {
    if (*size_mb < kMinTargetFileSizeMb || *size_mb > kMaxTargetFileSizeMb) {
      top.Add("target_file_size_mb", "must be between 1 and 5000");
    } else {
      out->target_file_size_bytes = static_cast<uint64_t>(*size_mb) << 20;
    }
  }
  if (std::optional<int64_t> budget_mb = top.Integer("memory_budget_mb")) {
    if (*budget_mb < kMinMemoryBudgetMb || *budget_mb > kMaxMemoryBudgetMb) {
      top.Add("memory_budget_mb", "must be between 16 and 65536");
    } else {
      out->memory_budget_bytes = static_cast<uint64_t>(*budget_mb) << 20;
    }
  }
  out->airbyte_meta_columns = top.Bool("airbyte_meta_columns").value_or(true);
  if (std::optional<std::string> sse = top.String("s3_server_side_encryption")) {
    if (*sse == "SSE-S3") {
      out->sse = ServerSideEncryption::kS3;
    } else if (*sse == "SSE-KMS") {
      out->sse = ServerSideEncryption::kKms;
    } else if (*sse != "NONE" && !sse->empty()) {
      top.Add("s3_server_side_encryption", "must be one of NONE, SSE-S3, SSE-KMS");
    }
  }
  out->parquet_timestamp_int96 = top.Bool("parquet_timestamp_int96").value_or(false);
  if (std::optional<std::string> table_format = top.String("table_format")) {
    if (*table_format == "iceberg") {
      out->table_format = TableFormat::kIceberg;
    } else if (*table_format != "hive") {
      top.Add("table_format", "must be one of hive, iceberg");
    }
  }
  if (out->table_format == TableFormat::kIceberg) {
    // Iceberg's data files are Parquet (or Avro, ORC); its timestamps are INT64 microseconds.
    if (out->format != OutputFormat::kParquet) {
      top.Add("table_format", "iceberg tables are written as Parquet: set format_type Parquet");
    }
    if (out->parquet_timestamp_int96) {
      top.Add("parquet_timestamp_int96",
              "cannot be used with table_format iceberg (Iceberg "
              "timestamps are INT64 microseconds)");
    }
  }
  out->kms_key_id = top.String("s3_kms_key_id").value_or("");
  if (!out->kms_key_id.empty() && out->sse != ServerSideEncryption::kKms) {
    top.Add("s3_kms_key_id", "is only used with s3_server_side_encryption SSE-KMS");
  }
}

// local_lake_path: set (non-empty) selects local mode, which must be known before the
// credentials and region are read.
std::optional<std::string> ReadLocalLakePath(ObjectReader& top) {
  std::optional<std::string> path = top.String("local_lake_path");
  if (!path.has_value() || path->empty()) return std::nullopt;
  if (internal::HasControlCharacter(*path)) {
    top.Add("local_lake_path", "must not contain control characters");
  }
  return path;
}

}  // namespace

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> secrets;
  for (const std::string* secret :
       {&credentials.access_key_id, &credentials.secret_access_key, &credentials.session_token}) {
    if (!secret->empty()) secrets.push_back(*secret);
  }
  return secrets;
}

Result<Config> ParseConfig(const json::Value& document) {
  if (!document.is_object()) {
    return Status::ConfigError("invalid configuration: the config must be a JSON object");
  }
  // Members not in the spec are ignored, so a config written for a newer version still loads.
  Violations violations;
  ObjectReader top(document, "", &violations);
  Config config;
  config.local_lake_path = ReadLocalLakePath(top);
  config.aws_account_id = top.String("aws_account_id").value_or("");
  internal::ParseCredentials(top, config.is_local(), &violations, &config.credentials);
  ParseLocation(top, config.is_local(), &config);
  ParseLakeFormationTags(top, &config);
  config.governed_tables = top.Bool("lakeformation_governed_tables").value_or(false);
  internal::ParseFormat(top, &violations, &config);
  internal::ParsePartitioning(top, &config);
  internal::ParsePartitionBy(top, &violations, &config);
  config.float_as_decimal = top.Bool("glue_catalog_float_as_decimal").value_or(false);
  ParseExtensions(top, &config);
  if (!violations.empty()) return violations.ToStatus();
  return config;
}

}  // namespace datalake::config
