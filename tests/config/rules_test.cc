// Each validation rule of ParseConfig: the violation names its field, and valid edge cases pass.

#include "config/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "config/reader.h"
#include "config/test_configs.h"

namespace datalake::config {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::IamUserConfig;
using testing::MinimalConfig;
using testing::MustParse;
using testing::With;
using testing::Without;

bool Accepts(const json::Value& doc) { return ParseConfig(doc).ok(); }

TEST(ConfigRulesTest, WrongTypesNameTheTypeAndField) {
  struct Case {
    const char* key;
    const char* value;
    const char* expected;
  };
  const Case kCases[] = {
      {"aws_account_id", "111111111111", "aws_account_id: must be a string"},
      {"credentials", R"("IAM User")", "credentials: must be an object"},
      {"region", "1", "region: must be a string"},
      {"bucket_name", "[]", "bucket_name: must be a string"},
      {"bucket_prefix", "false", "bucket_prefix: must be a string"},
      {"lakeformation_database_name", "{}", "lakeformation_database_name: must be a string"},
      {"lakeformation_database_default_tag_key", "1",
       "lakeformation_database_default_tag_key: must be a string"},
      {"lakeformation_governed_tables", R"("true")",
       "lakeformation_governed_tables: must be a boolean"},
      {"glue_catalog_float_as_decimal", "1", "glue_catalog_float_as_decimal: must be a boolean"},
      {"airbyte_meta_columns", R"("false")", "airbyte_meta_columns: must be a boolean"},
      {"format", R"("Parquet")", "format: must be an object"},
      {"partitioning", "0", "partitioning: must be a string"},
      {"local_lake_path", "true", "local_lake_path: must be a string"},
      {"s3_endpoint", "9000", "s3_endpoint: must be a string"},
      {"commit_interval_seconds", R"("300")", "commit_interval_seconds: must be a number"},
      {"target_file_size_mb", R"("128")", "target_file_size_mb: must be an integer"},
  };
  for (const Case& c : kCases) {
    EXPECT_THAT(ErrorOf(With(MinimalConfig(), c.key, c.value)), HasSubstr(c.expected)) << c.key;
  }
}

TEST(ConfigRulesTest, RequiredMembers) {
  for (const char* key : {"credentials", "region", "bucket_name", "lakeformation_database_name"}) {
    EXPECT_THAT(ErrorOf(Without(MinimalConfig(), key)), HasSubstr(std::string(key) + ": required"));
  }
}

TEST(ConfigRulesTest, Credentials) {
  auto creds = [](const char* json) { return ErrorOf(With(MinimalConfig(), "credentials", json)); };
  EXPECT_THAT(creds("{}"), HasSubstr("credentials.credentials_title: required"));
  EXPECT_THAT(creds(R"({"credentials_title":1})"),
              HasSubstr("credentials.credentials_title: must be a string"));
  EXPECT_THAT(creds(R"({"credentials_title":"IAM Profile"})"),
              HasSubstr(R"(credentials.credentials_title: "IAM Profile" is not one of )"
                        R"("IAM Role", "IAM User", "Default Credentials Chain")"));
  EXPECT_THAT(creds(R"({"credentials_title":"IAM Role"})"),
              HasSubstr("credentials.role_arn: required"));
  EXPECT_THAT(creds(R"({"credentials_title":"IAM Role","role_arn":""})"),
              HasSubstr("credentials.role_arn: must not be empty"));
  EXPECT_THAT(creds(R"({"credentials_title":"IAM Role","role_arn":"arn:x","external_id":5})"),
              HasSubstr("credentials.external_id: must be a string"));
  std::string user = creds(R"({"credentials_title":"IAM User"})");
  EXPECT_THAT(user, HasSubstr("credentials.aws_access_key_id: required"));
  EXPECT_THAT(user, HasSubstr("credentials.aws_secret_access_key: required"));
  EXPECT_THAT(creds(R"({"credentials_title":"IAM User","aws_access_key_id":"a",
                        "aws_secret_access_key":""})"),
              HasSubstr("credentials.aws_secret_access_key: must not be empty"));
}

TEST(ConfigRulesTest, Region) {
  for (const char* ok : {R"("")", R"("us-east-1")", R"("ap-southeast-7")", R"("mx-central-1")",
                         R"("us-gov-west-1")", R"("us-iso-east-1")", R"("us-isob-east-1")"}) {
    EXPECT_TRUE(Accepts(With(MinimalConfig(), "region", ok))) << ok;
  }
  for (const char* bad : {R"("not_a_real_region")", R"("US-EAST-1")", R"("us-east")",
                          R"("useast1")", R"(" us-east-1")", R"("us-east-1a")"}) {
    EXPECT_THAT(ErrorOf(With(MinimalConfig(), "region", bad)), HasSubstr("region: ")) << bad;
  }
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "region", R"("not_a_real_region")")),
              HasSubstr(R"(region: "not_a_real_region" is not an AWS region code)"));
}

// The hand-written matcher must agree with the documented regular expression.
TEST(ConfigRulesTest, RegionMatcherAgreesWithRegex) {
  const std::regex pattern("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$");
  for (const char* s : {"us-east-1",     "us-gov-west-1",  "us-government-1",
                        "us-iso-east-1", "us-isob-east-1", "us-isolated-2",
                        "us-iso-1",      "us-gov-1",       "us-isobe-east-1",
                        "u-east-1",      "use-east-1",     "us--1",
                        "us-east-",      "us-east-12",     "eu-isoe-west-1",
                        "us-gov-",       "us-east-1-",     "",
                        "us-iso-e-1",    "us-isob-",       "cn-north-1",
                        "us-east1",      "us-ea1st-1",     "us-east-1 "}) {
    EXPECT_EQ(internal::IsAwsRegionCode(s), std::regex_match(s, pattern)) << s;
  }
}

TEST(ConfigRulesTest, BucketName) {
  for (const char* ok :
       {"abc", "my-bucket", "my.bucket.2", "0bucket9",
        "a23456789012345678901234567890123456789012345678901234567890123", "1.2.3", "1.2.3.4.5"}) {
    EXPECT_TRUE(
        Accepts(With(MinimalConfig(), "bucket_name", json::Serialize(json::Value::String(ok)))))
        << ok;
  }
  for (const char* bad : {"ab", "a234567890123456789012345678901234567890123456789012345678901234",
                          "My-Bucket", "my_bucket", "-bucket", "bucket-", ".bucket", "bucket.",
                          "my..bucket", "192.168.5.4", "my bucket", ""}) {
    EXPECT_THAT(
        ErrorOf(With(MinimalConfig(), "bucket_name", json::Serialize(json::Value::String(bad)))),
        HasSubstr("bucket_name: "))
        << bad;
  }
}

TEST(ConfigRulesTest, BucketPrefix) {
  for (const char* ok : {"", "a/", "/a", "a//b", "a..b/c", "..a/b..", "dir/./x"}) {
    json::Value doc =
        With(MinimalConfig(), "bucket_prefix", json::Serialize(json::Value::String(ok)));
    Result<Config> c = ParseConfig(doc);
    ASSERT_TRUE(c.ok()) << ok;
    EXPECT_EQ(c->bucket_prefix, ok);  // verbatim
  }
  for (const char* bad : {"..", "a/..", "../a", "a/../b", "a\nb", "a\tb", "a\x7f"}) {
    EXPECT_THAT(
        ErrorOf(With(MinimalConfig(), "bucket_prefix", json::Serialize(json::Value::String(bad)))),
        HasSubstr("bucket_prefix: "))
        << bad;
  }
}

TEST(ConfigRulesTest, DatabaseName) {
  auto with_db = [](const std::string& name) {
    return With(MinimalConfig(), "lakeformation_database_name",
                json::Serialize(json::Value::String(name)));
  };
  EXPECT_TRUE(Accepts(with_db(std::string(255, 'd'))));
  EXPECT_TRUE(Accepts(with_db("My DB-1.x")));
  for (const std::string& bad : {std::string(), std::string(256, 'd'), std::string("a/b"),
                                 std::string("a\nb"), std::string("a\x01")}) {
    EXPECT_THAT(ErrorOf(with_db(bad)), HasSubstr("lakeformation_database_name: ")) << bad;
  }
}

TEST(ConfigRulesTest, TagKeyAndValues) {
  constexpr const char* kKey = "lakeformation_database_default_tag_key";
  constexpr const char* kValues = "lakeformation_database_default_tag_values";
  auto tags = [&](const char* key, const char* values) {
    json::Value doc = MinimalConfig();
    if (key != nullptr) doc = With(std::move(doc), kKey, key);
    if (values != nullptr) doc = With(std::move(doc), kValues, values);
    return doc;
  };
  Result<Config> c = ParseConfig(tags(R"("pii")", R"("a,,b , c")"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->lf_tag_key, "pii");
  EXPECT_EQ(c->lf_tag_values, (std::vector<std::string>{"a", "", "b ", " c"}));  // no trimming

  for (auto [key, values] : {std::pair<const char*, const char*>{R"("")", R"("")"},
                             {nullptr, nullptr},
                             {R"("")", nullptr},
                             {"null", R"("")"}}) {
    Result<Config> none = ParseConfig(tags(key, values));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->lf_tag_key, "");
    EXPECT_TRUE(none->lf_tag_values.empty());
  }
  for (auto [key, values] : {std::pair<const char*, const char*>{R"("pii")", nullptr},
                             {R"("pii")", R"("")"},
                             {nullptr, R"("a,b")"},
                             {R"("")", R"("a")"}}) {
    std::string message = ErrorOf(tags(key, values));
    EXPECT_THAT(message, HasSubstr(kKey));
    EXPECT_THAT(message, HasSubstr(kValues));
  }
  // A wrong type is reported once, as a type error.
  std::string message = ErrorOf(tags(R"("pii")", "[1]"));
  EXPECT_THAT(message, HasSubstr(std::string(kValues) + ": must be a string"));
  EXPECT_THAT(message, HasSubstr("(1 problem)"));
}

TEST(ConfigRulesTest, FormatAndCompression) {
  auto parse = [](const char* format) {
    return ParseConfig(With(MinimalConfig(), "format", format));
  };
  struct Case {
    const char* format;
    OutputFormat expected_format;
    Compression expected_compression;
  };
  const Case kCases[] = {
      {"{}", OutputFormat::kParquet, Compression::kSnappy},
      {R"({"format_type":"Parquet"})", OutputFormat::kParquet, Compression::kSnappy},
      {R"({"format_type":"Parquet","compression_codec":"UNCOMPRESSED"})", OutputFormat::kParquet,
       Compression::kUncompressed},
      {R"({"format_type":"Parquet","compression_codec":"ZSTD"})", OutputFormat::kParquet,
       Compression::kZstd},
      {R"({"compression_codec":"GZIP"})", OutputFormat::kParquet, Compression::kGzip},
      {R"({"format_type":"JSONL"})", OutputFormat::kJsonl, Compression::kUncompressed},
      {R"({"format_type":"JSONL","compression_codec":"GZIP"})", OutputFormat::kJsonl,
       Compression::kGzip},
      {R"({"format_type":"JSONL","compression_codec":"ZSTD"})", OutputFormat::kJsonl,
       Compression::kZstd},
      {R"({"format_type":"JSONL","compression_codec":null})", OutputFormat::kJsonl,
       Compression::kUncompressed},
  };
  for (const Case& c : kCases) {
    Result<Config> config = parse(c.format);
    ASSERT_TRUE(config.ok()) << c.format << ": " << config.status().ToString();
    EXPECT_EQ(config->format, c.expected_format) << c.format;
    EXPECT_EQ(config->compression, c.expected_compression) << c.format;
  }
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "format", R"({"format_type":"CSV"})")),
              HasSubstr(R"(format.format_type: "CSV" is not one of "JSONL", "Parquet")"));
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "format", R"({"format_type":"jsonl"})")),
              HasSubstr("format.format_type: "));
  EXPECT_THAT(
      ErrorOf(With(MinimalConfig(), "format", R"({"format_type":"JSONL","compression_codec":
                                                  "SNAPPY"})")),
      HasSubstr(R"(format.compression_codec: "SNAPPY" is not one of "UNCOMPRESSED", "GZIP")"));
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "format", R"({"compression_codec":"LZ4"})")),
              HasSubstr("format.compression_codec: "));
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "format", R"({"compression_codec":3})")),
              HasSubstr("format.compression_codec: must be a string"));
}

TEST(ConfigRulesTest, Partitioning) {
  const std::pair<const char*, Partitioning> kCases[] = {
      {"NO PARTITIONING", Partitioning::kNone},
      {"DATE", Partitioning::kDate},
      {"YEAR", Partitioning::kYear},
      {"MONTH", Partitioning::kMonth},
      {"DAY", Partitioning::kDay},
      {"YEAR/MONTH", Partitioning::kYearMonth},
      {"YEAR/MONTH/DAY", Partitioning::kYearMonthDay}};
  for (auto [name, expected] : kCases) {
    Result<Config> c = ParseConfig(
        With(MinimalConfig(), "partitioning", json::Serialize(json::Value::String(name))));
    ASSERT_TRUE(c.ok()) << name;
    EXPECT_EQ(c->partitioning, expected) << name;
  }
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "partitioning", R"("WEEK")")),
              HasSubstr(R"(partitioning: "WEEK" is not one of "NO PARTITIONING", "DATE")"));
}

TEST(ConfigRulesTest, Endpoints) {
  for (const char* key :
       {"s3_endpoint", "glue_endpoint", "sts_endpoint", "lakeformation_endpoint"}) {
    EXPECT_TRUE(Accepts(With(MinimalConfig(), key, R"("https://example.com")"))) << key;
    Result<Config> empty = ParseConfig(With(MinimalConfig(), key, R"("")"));
    ASSERT_TRUE(empty.ok()) << key;  // a cleared field
    EXPECT_FALSE(empty->s3_endpoint.has_value());
    for (const char* bad : {R"("localhost:9000")", R"("ftp://host")", R"("http://")",
                            R"("HTTP//host")", R"("http:///path")", R"("http://a b")"}) {
      EXPECT_THAT(ErrorOf(With(MinimalConfig(), key, bad)), HasSubstr(std::string(key) + ": "))
          << bad;
    }
  }
}

TEST(ConfigRulesTest, CommitIntervalAndFileSize) {
  auto parse = [](const char* key, const char* value) {
    return ParseConfig(With(MinimalConfig(), key, value));
  };
  EXPECT_DOUBLE_EQ(parse("commit_interval_seconds", "0")->commit_interval_seconds, 0);
  EXPECT_DOUBLE_EQ(parse("commit_interval_seconds", "0.25")->commit_interval_seconds, 0.25);
  EXPECT_DOUBLE_EQ(parse("commit_interval_seconds", "1e3")->commit_interval_seconds, 1000);
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "commit_interval_seconds", "-1")),
              HasSubstr("commit_interval_seconds: must be at least 0"));
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "commit_interval_seconds", "1e400")),
              HasSubstr("commit_interval_seconds: "));

  EXPECT_EQ(parse("target_file_size_mb", "1")->target_file_size_bytes, 1ull << 20);
  EXPECT_EQ(parse("target_file_size_mb", "5000")->target_file_size_bytes, 5000ull << 20);
  EXPECT_EQ(parse("target_file_size_mb", "256.0")->target_file_size_bytes, 256ull << 20);
  for (const char* bad : {"0", "5001", "-5", "99999999999999999999"}) {
    EXPECT_THAT(ErrorOf(With(MinimalConfig(), "target_file_size_mb", bad)),
                HasSubstr("target_file_size_mb: "))
        << bad;
  }
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "target_file_size_mb", "1.5")),
              HasSubstr("target_file_size_mb: must be an integer"));

  EXPECT_EQ(ParseConfig(MinimalConfig())->memory_budget_bytes, 0u);
  EXPECT_EQ(parse("memory_budget_mb", "16")->memory_budget_bytes, 16ull << 20);
  EXPECT_EQ(parse("memory_budget_mb", "65536")->memory_budget_bytes, 65536ull << 20);
  for (const char* bad : {"15", "65537", "-1", "\"512\"", "1.5"}) {
    EXPECT_THAT(ErrorOf(With(MinimalConfig(), "memory_budget_mb", bad)),
                HasSubstr("memory_budget_mb: "))
        << bad;
  }
}

TEST(ConfigRulesTest, TableFormatIsHiveOrIcebergAndIcebergIsParquetWithInt64Timestamps) {
  EXPECT_EQ(ParseConfig(MinimalConfig())->table_format, TableFormat::kHive);
  EXPECT_EQ(ParseConfig(With(MinimalConfig(), "table_format", R"("hive")"))->table_format,
            TableFormat::kHive);
  const json::Value iceberg = With(MinimalConfig(), "table_format", R"("iceberg")");
  EXPECT_EQ(ParseConfig(iceberg)->table_format, TableFormat::kIceberg);
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "table_format", R"("delta")")),
              HasSubstr("table_format: must be one of hive, iceberg"));
  EXPECT_THAT(ErrorOf(With(iceberg, "format", R"({"format_type": "JSONL"})")),
              HasSubstr("table_format: iceberg tables are written as Parquet"));
  EXPECT_THAT(ErrorOf(With(iceberg, "parquet_timestamp_int96", "true")),
              HasSubstr("parquet_timestamp_int96: cannot be used with table_format iceberg"));
}

TEST(ConfigRulesTest, PartitionByIsAListOfFieldsAndTransforms) {
  auto parsed = ParseConfig(With(MinimalConfig(), "partition_by",
                                 R"([{"field": "updated_at", "transform": "day"},
                                     {"field": "id", "transform": "bucket[16]",
                                      "streams": ["users", "shop.orders"]}])"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->partition_by.size(), 2u);
  EXPECT_EQ(parsed->partition_by[0].field, "updated_at");
  EXPECT_EQ(parsed->partition_by[0].transform, "day");
  EXPECT_TRUE(parsed->partition_by[0].streams.empty());
  EXPECT_EQ(parsed->partition_by[1].transform, "bucket[16]");
  EXPECT_EQ(parsed->partition_by[1].streams, (std::vector<std::string>{"users", "shop.orders"}));
  EXPECT_TRUE(ParseConfig(MinimalConfig())->partition_by.empty());
  EXPECT_TRUE(ParseConfig(With(MinimalConfig(), "partition_by", "[]")).ok());
  for (const char* t : {"identity", "year", "month", "hour", "truncate[4]", "bucket[2147483647]"}) {
    EXPECT_TRUE(ParseConfig(With(MinimalConfig(), "partition_by",
                                 std::string(R"([{"field": "f", "transform": ")") + t + "\"}]"))
                    .ok())
        << t;
  }
  auto error_of = [](const std::string& list) {
    return ErrorOf(With(MinimalConfig(), "partition_by", list));
  };
  for (const char* t : {"days", "bucket[0]", "bucket[2147483648]", "void", "truncate", "Day"}) {
    EXPECT_THAT(error_of(std::string(R"([{"field": "f", "transform": ")") + t + "\"}]"),
                HasSubstr("partition_by[0].transform: must be one of identity, year"))
        << t;
  }
  EXPECT_THAT(error_of(R"([{"transform": "day"}])"), HasSubstr("partition_by[0].field: required"));
  EXPECT_THAT(error_of(R"([{"field": "f"}])"), HasSubstr("partition_by[0].transform: required"));
  EXPECT_THAT(error_of(R"j(["day(f)"])j"), HasSubstr("partition_by[0]: must be an object"));
  EXPECT_THAT(error_of(R"({"field": "f"})"), HasSubstr("partition_by: must be a list"));
  EXPECT_THAT(error_of(R"([{"field": "f", "transform": "day", "streams": [""]}])"),
              HasSubstr("partition_by[0].streams: must be a list of stream names"));
  EXPECT_THAT(
      error_of(R"([{"field": "f", "transform": "day"}, {"field": "f", "transform": "day"}])"),
      HasSubstr("partition_by[1]: repeats an earlier entry"));
  // Two time transforms of one field: Iceberg refuses the redundant one.
  EXPECT_THAT(
      error_of(R"([{"field": "f", "transform": "year"}, {"field": "f", "transform": "day"}])"),
      HasSubstr("partition_by[1]: partitions f by year and day: keep the finer one"));
  // A time transform and a bucket of one field are fine.
  EXPECT_TRUE(ParseConfig(With(MinimalConfig(), "partition_by",
                               R"([{"field": "f", "transform": "day"},
                                   {"field": "f", "transform": "bucket[4]"}])"))
                  .ok());
  // The cursor-date option and partition_by together are ambiguous.
  EXPECT_THAT(ErrorOf(With(With(MinimalConfig(), "partitioning", R"("DATE")"), "partition_by",
                           R"([{"field": "f", "transform": "day"}])")),
              HasSubstr("partition_by: cannot be combined with partitioning"));
}

TEST(ConfigRulesTest, LocalLakePathRejectsControlCharacters) {
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "local_lake_path", R"("/tmp/\u0000lake")")),
              HasSubstr("local_lake_path: must not contain control characters"));
}

TEST(ConfigRulesTest, QuotedValuesAreShortenedAndEscaped) {
  EXPECT_EQ(internal::QuoteForMessage("a\"b\n"), R"("a\"b\n")");
  std::string long_value(100, 'x');
  EXPECT_EQ(internal::QuoteForMessage(long_value), "\"" + std::string(64, 'x') + "...\"");
  // Never cuts a multi-byte UTF-8 character in half.
  std::string accented = std::string(63, 'x') + "\xC3\xA9" + "yyyy";
  EXPECT_EQ(internal::QuoteForMessage(accented), "\"" + std::string(63, 'x') + "...\"");
  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "region", "\"" + long_value + "\"")),
              ::testing::Not(HasSubstr(long_value)));
}

}  // namespace
}  // namespace datalake::config
