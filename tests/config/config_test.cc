// ParseConfig on valid configs (values, defaults, modes), on several violations at once, and the
// guarantee that secret values never reach an error message.

#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/test_configs.h"

namespace datalake::config {
namespace {

using testing::ErrorOf;
using testing::ExpectNoSecrets;
using ::testing::HasSubstr;
using testing::IamUserConfig;
using testing::kAccessKeyId;
using testing::kSecretKey;
using testing::kSessionToken;
using testing::MinimalConfig;
using testing::MustParse;
using ::testing::Not;
using testing::With;
using testing::Without;

Config MustParseConfig(const json::Value& doc) {
  Result<Config> result = ParseConfig(doc);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : Config{};
}

TEST(ParseConfigTest, FullIamUserConfig) {
  json::Value doc = IamUserConfig();
  for (auto [key, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"aws_account_id", R"("111111111111")"},
           {"bucket_prefix", R"("raw/airbyte/")"},
           {"lakeformation_database_default_tag_key", R"("pii_level")"},
           {"lakeformation_database_default_tag_values", R"("private,public")"},
           {"lakeformation_governed_tables", "true"},
           {"format", R"({"format_type":"JSONL","compression_codec":"GZIP"})"},
           {"partitioning", R"("YEAR/MONTH/DAY")"},
           {"glue_catalog_float_as_decimal", "true"},
           {"s3_endpoint", R"("http://localhost:9000")"},
           {"glue_endpoint", R"("https://glue.example.com")"},
           {"sts_endpoint", R"("http://127.0.0.1:5000")"},
           {"lakeformation_endpoint", R"("http://[::1]:5000/")"},
           {"commit_interval_seconds", "2.5"},
           {"target_file_size_mb", "64"},
           {"airbyte_meta_columns", "false"}}) {
    doc = With(std::move(doc), key, value);
  }
  Config c = MustParseConfig(doc);
  EXPECT_EQ(c.credentials.mode, CredentialsMode::kIamUser);
  EXPECT_EQ(c.credentials.access_key_id, kAccessKeyId);
  EXPECT_EQ(c.credentials.secret_access_key, kSecretKey);
  EXPECT_EQ(c.credentials.session_token, kSessionToken);
  EXPECT_EQ(c.aws_account_id, "111111111111");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.bucket_name, "my-bucket");
  EXPECT_EQ(c.bucket_prefix, "raw/airbyte/");  // verbatim, trailing slash kept
  EXPECT_EQ(c.database, "my_db");
  EXPECT_EQ(c.lf_tag_key, "pii_level");
  EXPECT_EQ(c.lf_tag_values, (std::vector<std::string>{"private", "public"}));
  EXPECT_TRUE(c.governed_tables);
  EXPECT_EQ(c.format, OutputFormat::kJsonl);
  EXPECT_EQ(c.compression, Compression::kGzip);
  EXPECT_EQ(c.partitioning, Partitioning::kYearMonthDay);
  EXPECT_TRUE(c.float_as_decimal);
  EXPECT_FALSE(c.is_local());
  EXPECT_EQ(c.s3_endpoint, "http://localhost:9000");
  EXPECT_EQ(c.glue_endpoint, "https://glue.example.com");
  EXPECT_EQ(c.sts_endpoint, "http://127.0.0.1:5000");
  EXPECT_EQ(c.lakeformation_endpoint, "http://[::1]:5000/");
  EXPECT_DOUBLE_EQ(c.commit_interval_seconds, 2.5);
  EXPECT_EQ(c.target_file_size_bytes, 64ull << 20);
  EXPECT_FALSE(c.airbyte_meta_columns);
  EXPECT_EQ(c.Secrets(),
            (std::vector<std::string>{std::string(kAccessKeyId), std::string(kSecretKey),
                                      std::string(kSessionToken)}));
}

TEST(ParseConfigTest, IamRoleConfig) {
  json::Value doc = With(MinimalConfig(), "credentials",
                         R"({"credentials_title":"IAM Role",
                             "role_arn":"arn:aws:iam::111111111111:role/writer",
                             "external_id":"ext-42"})");
  Config c = MustParseConfig(doc);
  EXPECT_EQ(c.credentials.mode, CredentialsMode::kIamRole);
  EXPECT_EQ(c.credentials.role_arn, "arn:aws:iam::111111111111:role/writer");
  EXPECT_EQ(c.credentials.external_id, "ext-42");
  EXPECT_TRUE(c.credentials.access_key_id.empty());
  EXPECT_TRUE(c.Secrets().empty());

  // external_id is optional.
  doc = With(MinimalConfig(), "credentials",
             R"({"credentials_title":"IAM Role","role_arn":"arn:aws:iam::1:role/r"})");
  EXPECT_EQ(MustParseConfig(doc).credentials.external_id, "");
}

TEST(ParseConfigTest, IamUserWithoutSessionToken) {
  json::Value doc = IamUserConfig();
  doc.FindMutable("credentials")->Remove("aws_session_token");
  Config c = MustParseConfig(doc);
  EXPECT_EQ(c.credentials.session_token, "");
  EXPECT_EQ(c.Secrets().size(), 2u);
}

TEST(ParseConfigTest, DefaultChainAndDefaults) {
  Config c = MustParseConfig(MinimalConfig());
  EXPECT_EQ(c.credentials.mode, CredentialsMode::kDefaultChain);
  EXPECT_EQ(c.aws_account_id, "");
  EXPECT_EQ(c.bucket_prefix, "");
  EXPECT_EQ(c.lf_tag_key, "");
  EXPECT_TRUE(c.lf_tag_values.empty());
  EXPECT_FALSE(c.governed_tables);
  EXPECT_EQ(c.format, OutputFormat::kParquet);
  EXPECT_EQ(c.compression, Compression::kSnappy);
  EXPECT_EQ(c.partitioning, Partitioning::kNone);
  EXPECT_FALSE(c.float_as_decimal);
  EXPECT_FALSE(c.local_lake_path.has_value());
  EXPECT_FALSE(c.s3_endpoint.has_value());
  EXPECT_FALSE(c.glue_endpoint.has_value());
  EXPECT_FALSE(c.sts_endpoint.has_value());
  EXPECT_FALSE(c.lakeformation_endpoint.has_value());
  EXPECT_DOUBLE_EQ(c.commit_interval_seconds, 300);
  EXPECT_EQ(c.target_file_size_bytes, 128ull << 20);
  EXPECT_TRUE(c.airbyte_meta_columns);
  EXPECT_TRUE(c.Secrets().empty());
}

TEST(ParseConfigTest, NullMembersCountAsUnset) {
  json::Value doc = MinimalConfig();
  for (const char* key : {"aws_account_id", "bucket_prefix", "format", "partitioning",
                          "lakeformation_governed_tables", "s3_endpoint", "local_lake_path",
                          "commit_interval_seconds", "target_file_size_mb"}) {
    doc = With(std::move(doc), key, "null");
  }
  Config c = MustParseConfig(doc);
  EXPECT_EQ(c.format, OutputFormat::kParquet);
  EXPECT_DOUBLE_EQ(c.commit_interval_seconds, 300);
  EXPECT_FALSE(c.is_local());

  EXPECT_THAT(ErrorOf(With(MinimalConfig(), "bucket_name", "null")),
              HasSubstr("bucket_name: required"));
}

TEST(ParseConfigTest, UnknownTopLevelKeysAreIgnored) {
  json::Value doc = With(MinimalConfig(), "table_name", R"("unused")");
  doc = With(std::move(doc), "some_future_option", R"({"nested":[1,2,3]})");
  EXPECT_TRUE(ParseConfig(doc).ok());
}

TEST(ParseConfigTest, LocalModeNeedsNoCredentialsOrRegion) {
  json::Value doc = MustParse(R"({"local_lake_path":"/tmp/lake","bucket_name":"lake",
                                  "lakeformation_database_name":"db"})");
  Config c = MustParseConfig(doc);
  EXPECT_TRUE(c.is_local());
  EXPECT_EQ(c.local_lake_path, "/tmp/lake");
  EXPECT_EQ(c.credentials.mode, CredentialsMode::kDefaultChain);
  EXPECT_EQ(c.region, "");

  // Given credentials and region are still read and checked in local mode.
  json::Value with_creds = With(IamUserConfig(), "local_lake_path", R"("/tmp/lake")");
  EXPECT_EQ(MustParseConfig(with_creds).credentials.mode, CredentialsMode::kIamUser);
  EXPECT_THAT(ErrorOf(With(doc, "region", R"("nowhere")")), HasSubstr("region:"));

  // An empty path is not local mode: credentials and region are required again.
  std::string message = ErrorOf(With(doc, "local_lake_path", R"("")"));
  EXPECT_THAT(message, HasSubstr("credentials: required"));
  EXPECT_THAT(message, HasSubstr("region: required"));
}

TEST(ParseConfigTest, TopLevelMustBeAnObject) {
  for (const char* text : {"[]", "null", R"("config")", "42", "true"}) {
    std::string message = ErrorOf(MustParse(text));
    EXPECT_THAT(message, HasSubstr("must be a JSON object")) << text;
  }
}

TEST(ParseConfigTest, ListsEveryViolation) {
  json::Value doc = MustParse(R"({
    "credentials": {"credentials_title": "IAM User", "aws_access_key_id": ""},
    "region": "moon-base",
    "bucket_name": 7,
    "format": {"format_type": "CSV"},
    "partitioning": "WEEK",
    "glue_catalog_float_as_decimal": "yes",
    "target_file_size_mb": 0
  })");
  std::string message = ErrorOf(doc);
  for (const char* expected :
       {"credentials.aws_access_key_id: must not be empty",
        "credentials.aws_secret_access_key: required", "region:", "bucket_name: must be a string",
        "lakeformation_database_name: required", "format.format_type:", "partitioning:",
        "glue_catalog_float_as_decimal: must be a boolean", "target_file_size_mb:"}) {
    EXPECT_THAT(message, HasSubstr(expected));
  }
  EXPECT_THAT(message, HasSubstr("(9 problems)"));
}

TEST(ParseConfigTest, SecretsNeverAppearInMessages) {
  // Valid secrets next to other mistakes.
  ExpectNoSecrets(ErrorOf(With(IamUserConfig(), "region", R"("bad region")")));
  ExpectNoSecrets(ErrorOf(Without(IamUserConfig(), "bucket_name")));

  // Secret members of the wrong type, holding the secret text in several shapes.
  const std::string id(kAccessKeyId);
  const std::string key(kSecretKey);
  const std::string token(kSessionToken);
  for (const std::string& wrapped :
       {"[\"" + key + "\"]", "{\"value\":\"" + key + "\"}", "{\"" + key + "\":1}"}) {
    json::Value doc = IamUserConfig();
    doc.FindMutable("credentials")->Set("aws_secret_access_key", MustParse(wrapped));
    doc.FindMutable("credentials")->Set("aws_session_token", MustParse("[\"" + token + "\"]"));
    doc.FindMutable("credentials")->Set("aws_access_key_id", MustParse("{\"" + id + "\":0}"));
    std::string message = ErrorOf(doc);
    EXPECT_THAT(message, HasSubstr("credentials.aws_secret_access_key: must be a string"));
    EXPECT_THAT(message, HasSubstr("credentials.aws_session_token: must be a string"));
    EXPECT_THAT(message, HasSubstr("credentials.aws_access_key_id: must be a string"));
    ExpectNoSecrets(message);
  }

  // The whole credentials member of the wrong type, and an unknown mode holding secrets.
  ExpectNoSecrets(ErrorOf(With(IamUserConfig(), "credentials", "\"" + key + "\"")));
  json::Value unknown_mode = IamUserConfig();
  unknown_mode.FindMutable("credentials")->Set("credentials_title", json::Value::String("Keys"));
  std::string message = ErrorOf(unknown_mode);
  EXPECT_THAT(message, HasSubstr("credentials.credentials_title"));
  ExpectNoSecrets(message);

  // Secret members present in the wrong mode, with the config otherwise invalid.
  json::Value role = IamUserConfig();
  role.FindMutable("credentials")->Set("credentials_title", json::Value::String("IAM Role"));
  role = With(std::move(role), "bucket_name", R"("Bad_Bucket")");
  ExpectNoSecrets(ErrorOf(role));
}

}  // namespace
}  // namespace datalake::config

namespace datalake::config {
namespace {

TEST(ServerSideEncryptionTest, ParsesModesAndRequiresKmsForAKeyId) {
  auto parse = [](const char* extra) {
    std::string text = std::string(R"({"bucket_name":"bucket","lakeformation_database_name":"d",)"
                                   R"("local_lake_path":"/tmp/x")") +
                       extra + "}";
    return ParseConfig(*json::Parse(text));
  };
  EXPECT_EQ(parse("")->sse, ServerSideEncryption::kNone);
  EXPECT_EQ(parse(R"(,"s3_server_side_encryption":"SSE-S3")")->sse, ServerSideEncryption::kS3);
  auto kms = parse(R"(,"s3_server_side_encryption":"SSE-KMS","s3_kms_key_id":"alias/k")");
  ASSERT_TRUE(kms.ok());
  EXPECT_EQ(kms->sse, ServerSideEncryption::kKms);
  EXPECT_EQ(kms->kms_key_id, "alias/k");
  auto bad = parse(R"(,"s3_server_side_encryption":"AES")");
  EXPECT_FALSE(bad.ok());
  auto stray = parse(R"(,"s3_kms_key_id":"alias/k")");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("s3_kms_key_id"), std::string::npos);
}

}  // namespace
}  // namespace datalake::config
