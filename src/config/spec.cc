// The SPEC payload. The connectionSpecification is the original connector's spec.json (commit
// 0f165a56) verbatim, with optional extensions appended: new top-level properties after
// `glue_catalog_float_as_decimal` (order 13 and up), a third credentials option, optional
// members in the two original credentials options, and "ZSTD" at the end of the JSONL codecs.
// Three deliberate departures, found by validating configs as the platform does (draft-07):
// `credentials` and `region` are required only without `local_lake_path` (top-level `if`/`else`;
// they moved out of `required` and carry `always_show` so the Airbyte UI still shows them up
// front), and every `format` option says `"type": "object"`, which the UI requires of oneOf
// options. Every config the original's spec accepts is still accepted.
// Keeping the original text intact (member order included) is what makes existing saved configs
// and UIs keep working, and keeps SPEC output diffable against the original's.

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "config/config.h"

namespace datalake::config {
namespace {

constexpr const char* kSpecJson = R"json({
  "documentationUrl": "https://docs.airbyte.com/integrations/destinations/aws-datalake",
  "supportsIncremental": true,
  "supportsNormalization": false,
  "supportsDBT": false,
  "supported_destination_sync_modes": ["overwrite", "append"],
  "connectionSpecification": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "AWS Datalake Destination Spec",
    "type": "object",
    "required": ["bucket_name", "lakeformation_database_name"],
    "if": {
      "required": ["local_lake_path"],
      "properties": {"local_lake_path": {"minLength": 1}}
    },
    "else": {"required": ["credentials", "region"]},
    "additionalProperties": false,
    "properties": {
      "aws_account_id": {
        "type": "string",
        "title": "AWS Account Id",
        "description": "target aws account id",
        "examples": ["111111111111"],
        "order": 1
      },
      "credentials": {
        "title": "Authentication mode",
        "description": "Choose How to Authenticate to AWS.",
        "type": "object",
        "always_show": true,
        "oneOf": [
          {
            "type": "object",
            "title": "IAM Role",
            "required": ["role_arn", "credentials_title"],
            "properties": {
              "credentials_title": {
                "type": "string",
                "title": "Credentials Title",
                "description": "Name of the credentials",
                "const": "IAM Role",
                "enum": ["IAM Role"],
                "default": "IAM Role",
                "order": 0
              },
              "role_arn": {
                "title": "Target Role Arn",
                "type": "string",
                "description": "Will assume this role to write data to s3",
                "airbyte_secret": false
              },
              "external_id": {
                "title": "External Id",
                "type": "string",
                "description": "Optional. The external ID the role's trust policy requires (sts:ExternalId), if any. Leave empty when the trust policy has no such condition.",
                "airbyte_secret": false
              }
            }
          },
          {
            "type": "object",
            "title": "IAM User",
            "required": ["credentials_title", "aws_access_key_id", "aws_secret_access_key"],
            "properties": {
              "credentials_title": {
                "type": "string",
                "title": "Credentials Title",
                "description": "Name of the credentials",
                "const": "IAM User",
                "enum": ["IAM User"],
                "default": "IAM User",
                "order": 0
              },
              "aws_access_key_id": {
                "title": "Access Key Id",
                "type": "string",
                "description": "AWS User Access Key Id",
                "airbyte_secret": true
              },
              "aws_secret_access_key": {
                "title": "Secret Access Key",
                "type": "string",
                "description": "Secret Access Key",
                "airbyte_secret": true
              },
              "aws_session_token": {
                "title": "Session Token",
                "type": "string",
                "description": "Optional. The session token that goes with temporary credentials (access key ids starting with ASIA). Leave empty for long-term IAM user keys.",
                "airbyte_secret": true
              }
            }
          },
          {
            "type": "object",
            "title": "Default Credentials Chain",
            "description": "Use the AWS default credentials chain of the machine running the connector: environment variables, shared credentials and config files, web identity token, container credentials, or the EC2 instance profile.",
            "required": ["credentials_title"],
            "properties": {
              "credentials_title": {
                "type": "string",
                "title": "Credentials Title",
                "description": "Name of the credentials",
                "const": "Default Credentials Chain",
                "enum": ["Default Credentials Chain"],
                "default": "Default Credentials Chain",
                "order": 0
              }
            }
          }
        ],
        "order": 2
      },
      "region": {
        "title": "S3 Bucket Region",
        "type": "string",
        "default": "",
        "description": "The region of the S3 bucket. See <a href=\"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html#concepts-available-regions\">here</a> for all region codes.",
        "enum": [
          "",
          "af-south-1",
          "ap-east-1",
          "ap-northeast-1",
          "ap-northeast-2",
          "ap-northeast-3",
          "ap-south-1",
          "ap-south-2",
          "ap-southeast-1",
          "ap-southeast-2",
          "ap-southeast-3",
          "ap-southeast-4",
          "ca-central-1",
          "ca-west-1",
          "cn-north-1",
          "cn-northwest-1",
          "eu-central-1",
          "eu-central-2",
          "eu-north-1",
          "eu-south-1",
          "eu-south-2",
          "eu-west-1",
          "eu-west-2",
          "eu-west-3",
          "il-central-1",
          "me-central-1",
          "me-south-1",
          "sa-east-1",
          "us-east-1",
          "us-east-2",
          "us-gov-east-1",
          "us-gov-west-1",
          "us-west-1",
          "us-west-2"
        ],
        "always_show": true,
        "order": 3
      },
      "bucket_name": {
        "title": "S3 Bucket Name",
        "type": "string",
        "description": "The name of the S3 bucket. Read more <a href=\"https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-overview.html\">here</a>.",
        "order": 4
      },
      "bucket_prefix": {
        "title": "Target S3 Bucket Prefix",
        "type": "string",
        "description": "S3 prefix",
        "order": 5
      },
      "lakeformation_database_name": {
        "title": "Lake Formation Database Name",
        "type": "string",
        "description": "The default database this destination will use to create tables in per stream. Can be changed per connection by customizing the namespace.",
        "order": 6
      },
      "lakeformation_database_default_tag_key": {
        "title": "Lake Formation Database Tag Key",
        "description": "Add a default tag key to databases created by this destination",
        "examples": ["pii_level"],
        "type": "string",
        "order": 7
      },
      "lakeformation_database_default_tag_values": {
        "title": "Lake Formation Database Tag Values",
        "description": "Add default values for the `Tag Key` to databases created by this destination. Comma separate for multiple values.",
        "examples": ["private,public"],
        "type": "string",
        "order": 8
      },
      "lakeformation_governed_tables": {
        "title": "Lake Formation Governed Tables",
        "description": "Whether to create tables as LF governed tables.",
        "type": "boolean",
        "default": false,
        "order": 9
      },
      "format": {
        "title": "Output Format *",
        "type": "object",
        "description": "Format of the data output.",
        "oneOf": [
          {
            "type": "object",
            "title": "JSON Lines: Newline-delimited JSON",
            "required": ["format_type"],
            "properties": {
              "format_type": {
                "title": "Format Type *",
                "type": "string",
                "enum": ["JSONL"],
                "default": "JSONL"
              },
              "compression_codec": {
                "title": "Compression Codec (Optional)",
                "description": "The compression algorithm used to compress data.",
                "type": "string",
                "enum": ["UNCOMPRESSED", "GZIP", "ZSTD"],
                "default": "UNCOMPRESSED"
              }
            }
          },
          {
            "type": "object",
            "title": "Parquet: Columnar Storage",
            "required": ["format_type"],
            "properties": {
              "format_type": {
                "title": "Format Type *",
                "type": "string",
                "enum": ["Parquet"],
                "default": "Parquet"
              },
              "compression_codec": {
                "title": "Compression Codec (Optional)",
                "description": "The compression algorithm used to compress data.",
                "type": "string",
                "enum": ["UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD"],
                "default": "SNAPPY"
              }
            }
          }
        ],
        "order": 10
      },
      "partitioning": {
        "title": "Choose how to partition data",
        "description": "Partition data by cursor fields when a cursor field is a date",
        "type": "string",
        "enum": [
          "NO PARTITIONING",
          "DATE",
          "YEAR",
          "MONTH",
          "DAY",
          "YEAR/MONTH",
          "YEAR/MONTH/DAY"
        ],
        "default": "NO PARTITIONING",
        "order": 11
      },
      "glue_catalog_float_as_decimal": {
        "title": "Glue Catalog: Float as Decimal",
        "description": "Cast float/double as decimal(38,18). This can help achieve higher accuracy and represent numbers correctly as received from the source.",
        "type": "boolean",
        "default": false,
        "order": 12
      },
      "local_lake_path": {
        "title": "Local Lake Path",
        "description": "Write the data and the table definitions to this directory of the machine running the connector instead of S3 and Glue. No AWS account is needed: credentials and region become optional. Meant for development and tests.",
        "type": "string",
        "examples": ["/local/datalake"],
        "order": 13
      },
      "s3_endpoint": {
        "title": "S3 Endpoint",
        "description": "Custom S3 endpoint URL, for S3-compatible storage (MinIO, Ceph) or tests. Leave empty for AWS.",
        "type": "string",
        "examples": ["http://localhost:9000"],
        "order": 14
      },
      "glue_endpoint": {
        "title": "Glue Endpoint",
        "description": "Custom AWS Glue endpoint URL, for tests. Leave empty for AWS.",
        "type": "string",
        "examples": ["http://localhost:5000"],
        "order": 15
      },
      "sts_endpoint": {
        "title": "STS Endpoint",
        "description": "Custom AWS STS endpoint URL, used to assume the IAM role. Leave empty for the regional AWS endpoint.",
        "type": "string",
        "examples": ["http://localhost:5000"],
        "order": 16
      },
      "lakeformation_endpoint": {
        "title": "Lake Formation Endpoint",
        "description": "Custom AWS Lake Formation endpoint URL, for tests. Leave empty for AWS.",
        "type": "string",
        "examples": ["http://localhost:5000"],
        "order": 17
      },
      "commit_interval_seconds": {
        "title": "Commit Interval (seconds)",
        "description": "How often buffered data is written out and the source's checkpoint (STATE) is acknowledged. Shorter intervals give more, smaller files and less work to redo after a failure. 0 commits at every STATE message.",
        "type": "number",
        "default": 300,
        "minimum": 0,
        "order": 18
      },
      "target_file_size_mb": {
        "title": "Target File Size (MB)",
        "description": "A data file is closed and a new one started once it reaches about this size. Larger files make queries faster; smaller files use less memory.",
        "type": "integer",
        "default": 128,
        "minimum": 1,
        "maximum": 5000,
        "order": 19
      },
      "airbyte_meta_columns": {
        "title": "Airbyte Metadata Columns",
        "description": "Add the Airbyte metadata columns (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, _airbyte_generation_id) to every table. Turn off to produce exactly the columns of the original connector.",
        "type": "boolean",
        "default": true,
        "order": 20
      },
      "s3_server_side_encryption": {
        "title": "S3 Server-Side Encryption",
        "description": "Encrypt data files at rest in S3: NONE (the bucket's default applies), SSE-S3 (AES256, keys managed by S3) or SSE-KMS (a KMS key; see S3 KMS Key Id).",
        "type": "string",
        "enum": ["NONE", "SSE-S3", "SSE-KMS"],
        "default": "NONE",
        "order": 21
      },
      "s3_kms_key_id": {
        "title": "S3 KMS Key Id",
        "description": "With SSE-KMS: the KMS key id, alias or ARN. Leave empty to use the AWS managed key (aws/s3).",
        "type": "string",
        "examples": ["arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        "order": 22
      },
      "parquet_timestamp_int96": {
        "title": "Parquet: Legacy INT96 Timestamps",
        "description": "Write Parquet timestamps as legacy INT96 values (as the original connector did) for old Hive or Spark readers. Off: INT64 microseconds, which Athena, Spark 3, Trino and DuckDB read.",
        "type": "boolean",
        "default": false,
        "order": 23
      },
      "memory_budget_mb": {
        "title": "Memory Budget (MB)",
        "description": "What the open files of all streams may hold in memory together (Parquet row groups, S3 parts being filled). When it is reached, the biggest are flushed early: with many streams, Parquet row groups and files get smaller instead of the process bigger. Leave empty for 160 MB, or half the container's memory limit if that is less.",
        "type": "integer",
        "minimum": 16,
        "maximum": 65536,
        "order": 24
      },
      "table_format": {
        "title": "Table Format",
        "description": "hive: each stream's table is files below its S3 location, registered in Glue with Hive-style partitions (the original connector's tables). iceberg: an Apache Iceberg (format version 2) table registered in Glue, committed atomically: readers see a truncate switch at once, and columns evolve by field id. Iceberg tables are written as Parquet. An existing table is never converted: choose a new database or stream prefix to change the format.",
        "type": "string",
        "enum": ["hive", "iceberg"],
        "default": "hive",
        "order": 25
      },
      "partition_by": {
        "title": "Partition By",
        "description": "Partition tables by the values of top-level fields, in path order: each entry is a field and an Iceberg partition transform (identity, year, month, day, hour, bucket[N], truncate[W]). Hive tables get one Hive-style key per entry (updated_at_day=2024-03-01/), Iceberg tables the same partition spec. An entry applies to every stream that has the field, or to the streams it lists. Replaces partitioning (leave that at NO PARTITIONING). Appends to an existing Hive table keep its partition keys; an Iceberg table's partition spec evolves.",
        "type": "array",
        "items": {
          "type": "object",
          "required": ["field", "transform"],
          "properties": {
            "field": {
              "title": "Field",
              "description": "A top-level field of the stream (its name in the stream's JSON schema).",
              "type": "string"
            },
            "transform": {
              "title": "Transform",
              "description": "identity (the value), year, month, day or hour (of a date or date-time, UTC), bucket[N] (a hash of the value into N buckets), truncate[W] (strings: the first W characters; integers: rounded down to a multiple of W).",
              "type": "string",
              "pattern": "^(identity|year|month|day|hour|bucket\\[[1-9][0-9]{0,9}\\]|truncate\\[[1-9][0-9]{0,9}\\])$",
              "examples": ["day", "bucket[16]"]
            },
            "streams": {
              "title": "Streams",
              "description": "The streams this entry applies to (name or namespace.name). Leave empty for every stream that has the field.",
              "type": "array",
              "items": {"type": "string"}
            }
          }
        },
        "order": 26
      }
    }
  }
})json";

}  // namespace

const json::Value& Spec() {
  // Parsed once; the text is a constant, so a failure is a programming error caught by tests.
  // Heap-allocated and never freed, so it outlives every static that might print it.
  static const json::Value* const kSpec = [] {
    Result<json::Value> parsed = json::Parse(kSpecJson);
    if (!parsed.ok()) {
      std::fprintf(stderr, "internal error: connector spec: %s\n",
                   parsed.status().ToString().c_str());
      std::abort();
    }
    return new json::Value(std::move(parsed).value());
  }();
  return *kSpec;
}

}  // namespace datalake::config
