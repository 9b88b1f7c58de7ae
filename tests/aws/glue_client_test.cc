// GlueClient without a server: exact request bodies and headers, batch chunking, pagination and
// error mapping, through the real AwsClient with a scripted HttpClient (docs/AWS-WIRE.md#glue).

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "aws/glue.h"
#include "aws/glue_test_support.h"

namespace datalake::aws {
namespace {

using json::Value;
using testing::HttpScript;
using testing::ScriptedGlueOptions;

const char kTableInput[] = R"({"Name":"events","TableType":"EXTERNAL_TABLE","PartitionKeys":[],)"
                           R"("StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"}],)"
                           R"("Location":"s3://b/db/events/"}})";

Value Parsed(std::string_view text) { return json::Parse(text).value(); }

Value Partition(int i) {
  return Value::Object({{"Values", Value::Array({Value::String(std::to_string(i))})}});
}

class GlueClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<HttpScript> script_ = std::make_shared<HttpScript>();
  GlueClient glue_{ScriptedGlueOptions(script_)};
};

TEST_F(GlueClientTest, CreateTableSendsJson11RequestToRegionalEndpoint) {
  script_->AddJson("{}");
  ASSERT_TRUE(glue_.CreateTable("db", Parsed(kTableInput)).ok());
  ASSERT_EQ(script_->requests.size(), 1u);
  const testing::RecordedRequest& r = script_->requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://glue.us-east-1.amazonaws.com/");
  EXPECT_EQ(r.HeaderValue("X-Amz-Target"), "AWSGlue.CreateTable");
  EXPECT_EQ(r.HeaderValue("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(r.HeaderValue("Authorization").find("/us-east-1/glue/aws4_request"), std::string::npos);
  EXPECT_EQ(r.body, std::string(R"({"DatabaseName":"db","TableInput":)") + kTableInput + "}");
}

TEST_F(GlueClientTest, UpdateTableSendsVersionIdAndSkipArchive) {
  script_->AddJson("{}");
  ASSERT_TRUE(glue_.UpdateTable("db", Parsed(kTableInput), "7").ok());
  EXPECT_EQ(script_->requests[0].HeaderValue("X-Amz-Target"), "AWSGlue.UpdateTable");
  EXPECT_EQ(script_->requests[0].body, std::string(R"({"DatabaseName":"db","TableInput":)") +
                                           kTableInput + R"(,"SkipArchive":true,"VersionId":"7"})");
}

TEST_F(GlueClientTest, UpdateTableWithoutVersionOmitsVersionId) {
  script_->AddJson("{}");
  ASSERT_TRUE(glue_.UpdateTable("db", Parsed(kTableInput), std::nullopt).ok());
  EXPECT_EQ(script_->requests[0].body, std::string(R"({"DatabaseName":"db","TableInput":)") +
                                           kTableInput + R"(,"SkipArchive":true})");
}

TEST(GlueClientOptionsTest, CatalogIdGoesIntoEveryRequest) {
  auto script = std::make_shared<HttpScript>();
  GlueClient glue(ScriptedGlueOptions(script, "111122223333"));
  script->AddJson(R"({"Table":{"Name":"t","VersionId":"3"}})");
  script->AddJson(R"({"Errors":[]})");
  ASSERT_TRUE(glue.GetTable("db", "t").ok());
  ASSERT_TRUE(glue.BatchCreatePartition("db", "t", {Partition(1)}).ok());
  EXPECT_EQ(script->requests[0].body,
            R"({"DatabaseName":"db","Name":"t","CatalogId":"111122223333"})");
  EXPECT_EQ(script->requests[1].Json().Find("CatalogId")->text(), "111122223333");
}

TEST(GlueClientOptionsTest, EndpointsFollowThePartitionOrTheOverride) {
  EXPECT_EQ(RegionalServiceEndpoint("glue", "eu-west-1"), "https://glue.eu-west-1.amazonaws.com");
  EXPECT_EQ(RegionalServiceEndpoint("glue", "cn-north-1"),
            "https://glue.cn-north-1.amazonaws.com.cn");
  auto script = std::make_shared<HttpScript>();
  GlueOptions options = ScriptedGlueOptions(script);
  options.endpoint = "http://127.0.0.1:5055";
  GlueClient glue(options);
  script->AddJson("{}");
  ASSERT_TRUE(glue.DeleteTable("db", "t").ok());
  EXPECT_EQ(script->requests[0].url, "http://127.0.0.1:5055/");
}

TEST_F(GlueClientTest, GetTableReturnsTheTableWithItsVersion) {
  script_->AddJson(R"({"Table":{"Name":"t","DatabaseName":"db","VersionId":"4"}})");
  Result<Value> table = glue_.GetTable("db", "t");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->Find("VersionId")->text(), "4");
}

TEST_F(GlueClientTest, MissingTableIsNotFound) {
  script_->AddError(400, "EntityNotFoundException", "Table t not found.");
  Result<Value> table = glue_.GetTable("db", "t");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(IsGlueError(table.status(), "EntityNotFoundException"));
  EXPECT_NE(table.status().message().find("GetTable db.t"), std::string::npos);
}

TEST_F(GlueClientTest, NamespacedErrorTypeIsCutToTheCode) {
  // Real AWS may send "com.amazonaws.glue#Code" in __type without X-Amzn-ErrorType.
  script_->Add({.status = 400,
                .headers = {},
                .body = R"({"__type":"com.amazonaws.glue#EntityNotFoundException",)"
                        R"("Message":"Database nodb not found."})"});
  Result<Value> database = glue_.GetDatabase("nodb");
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(AwsErrorCodeOf(database.status()), "EntityNotFoundException");
}

TEST_F(GlueClientTest, CreateDatabaseThatExistsIsOk) {
  script_->AddError(400, "AlreadyExistsException", "Database already exists.");
  EXPECT_TRUE(glue_.CreateDatabase(Parsed(R"({"Name":"db"})")).ok());
  EXPECT_EQ(script_->requests[0].body, R"({"DatabaseInput":{"Name":"db"}})");
}

TEST_F(GlueClientTest, CreateTableThatExistsIsAnAlreadyExistsError) {
  script_->AddError(400, "AlreadyExistsException", "Table already exists.");
  Status s = glue_.CreateTable("db", Parsed(kTableInput));
  EXPECT_TRUE(IsGlueError(s, "AlreadyExistsException")) << s.ToString();
}

TEST_F(GlueClientTest, DeletingAMissingTableIsOk) {
  script_->AddError(400, "EntityNotFoundException", "Table t not found.");
  EXPECT_TRUE(glue_.DeleteTable("db", "t").ok());
  EXPECT_EQ(script_->requests[0].body, R"({"DatabaseName":"db","Name":"t"})");
}

TEST_F(GlueClientTest, ConcurrentModificationIsDistinguishableAndTransient) {
  script_->AddError(400, "ConcurrentModificationException",
                    "Update table failed due to concurrent modifications.");
  Status s = glue_.UpdateTable("db", Parsed(kTableInput), "1");
  EXPECT_TRUE(IsGlueError(s, "ConcurrentModificationException")) << s.ToString();
  EXPECT_FALSE(IsGlueError(s, "EntityNotFoundException"));
  EXPECT_EQ(s.code(), StatusCode::kTransient);
}

TEST_F(GlueClientTest, AccessDeniedIsAConfigError) {
  script_->AddError(400, "AccessDeniedException", "User is not authorized");
  Result<Value> database = glue_.GetDatabase("db");
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().code(), StatusCode::kConfigError);
  EXPECT_TRUE(IsGlueError(database.status(), "AccessDeniedException"));
  EXPECT_EQ(database.status().message(),
            "access denied to the Glue Data Catalog: check the credentials, their "
            "glue:GetDatabase permission and their Lake Formation permissions (GetDatabase "
            "database db: HTTP 400 AccessDeniedException (request id req-1): User is not "
            "authorized)");
}

// The words S3 uses for rejected credentials, whichever service rejected them first.
TEST_F(GlueClientTest, RejectedCredentialsAreExplainedAsForS3) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"UnrecognizedClientException", "the access key id or the session token is not known"},
      {"InvalidSignatureException",
       "the signature does not match, so the secret access key is wrong"},
      {"ExpiredTokenException", "the session token has expired"},
  };
  for (const auto& [code, reason] : cases) {
    script_->AddError(400, code, "no");
    // ExpiredTokenException: AwsClient fetches the credentials again and re-signs once.
    if (code == "ExpiredTokenException") script_->AddError(400, code, "no");
    Status s = glue_.CreateTable("db", Parsed(kTableInput));
    EXPECT_EQ(s.code(), StatusCode::kConfigError) << code;
    EXPECT_TRUE(s.message().starts_with("the credentials were rejected: " + reason +
                                        " (CreateTable db.events: HTTP 400 " + code))
        << s.message();
    EXPECT_TRUE(IsGlueError(s, code)) << s.message();
  }
}

TEST_F(GlueClientTest, ThrottlingIsRetriedByTheAwsClient) {
  auto script = std::make_shared<HttpScript>();
  GlueOptions options = ScriptedGlueOptions(script);
  options.retry.max_attempts = 3;
  GlueClient glue(options);
  script->AddError(400, "ThrottlingException", "Rate exceeded");
  script->AddJson(R"({"Database":{"Name":"db"}})");
  EXPECT_TRUE(glue.GetDatabase("db").ok());
  EXPECT_EQ(script->requests.size(), 2u);
}

TEST_F(GlueClientTest, BatchCreatePartitionSendsChunksOf100) {
  std::vector<Value> partitions;
  for (int i = 0; i < 250; ++i) partitions.push_back(Partition(i));
  for (int i = 0; i < 3; ++i) script_->AddJson("{}");
  ASSERT_TRUE(glue_.BatchCreatePartition("db", "t", partitions).ok());
  ASSERT_EQ(script_->requests.size(), 3u);
  std::vector<size_t> sizes;
  for (const auto& r : script_->requests) {
    EXPECT_EQ(r.HeaderValue("X-Amz-Target"), "AWSGlue.BatchCreatePartition");
    sizes.push_back(r.Json().Find("PartitionInputList")->items().size());
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{100, 100, 50}));
  EXPECT_EQ(script_->requests[2].Json().Find("PartitionInputList")->items()[0], Partition(200));
  EXPECT_TRUE(script_->requests[0].body.starts_with(
      R"({"DatabaseName":"db","TableName":"t","PartitionInputList":[{"Values":["0"]},)"))
      << script_->requests[0].body;
}

TEST_F(GlueClientTest, BatchCreatePartitionToleratesAlreadyExistsEntries) {
  script_->AddJson(R"({"Errors":[{"PartitionValues":["1"],"ErrorDetail":)"
                   R"({"ErrorCode":"AlreadyExistsException","ErrorMessage":"exists"}}]})");
  EXPECT_TRUE(glue_.BatchCreatePartition("db", "t", {Partition(1), Partition(2)}).ok());
}

TEST_F(GlueClientTest, BatchCreatePartitionFailsOnOtherEntriesNamingValuesAndCode) {
  std::vector<Value> partitions;
  for (int i = 0; i < 150; ++i) partitions.push_back(Partition(i));
  script_->AddJson("{}");
  script_->AddJson(
      R"({"Errors":[)"
      R"({"PartitionValues":["120"],"ErrorDetail":{"ErrorCode":"AlreadyExistsException"}},)"
      R"({"PartitionValues":["121"],"ErrorDetail":{"ErrorCode":"InternalServiceException",)"
      R"("ErrorMessage":"boom"}}]})");
  Status s = glue_.BatchCreatePartition("db", "t", partitions);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), R"(BatchCreatePartition db.t: partition ["121"]: HTTP 200 )"
                         "InternalServiceException: boom");
  EXPECT_TRUE(IsGlueError(s, "InternalServiceException"));
}

// Found by fuzz/aws_json_fuzz.cc: a per-entry error comes in a 200 body, which AwsClient does not
// redact, so a server quoting the credentials in it got them into the message.
TEST_F(GlueClientTest, PerEntryErrorsNeverQuoteTheCredentials) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";  // FixedCredentials'
  script_->AddJson(R"({"Errors":[{"PartitionValues":["1"],"ErrorDetail":)"
                   R"({"ErrorCode":"InternalServiceException","ErrorMessage":"key )" +
                   secret + R"( rejected"}}]})");
  Status created = glue_.BatchCreatePartition("db", "t", {Partition(1)});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.message(), R"(BatchCreatePartition db.t: partition ["1"]: HTTP 200 )"
                               "InternalServiceException: key [redacted] rejected");
  script_->AddJson(R"({"Errors":[{"PartitionValues":[")" + secret +
                   R"("],"ErrorDetail":{"ErrorCode":"InternalServiceException"}}]})");
  Status deleted = glue_.BatchDeletePartition("db", "t", {{"1"}});
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.message().find(secret), std::string::npos) << deleted.message();
  EXPECT_TRUE(IsGlueError(deleted, "InternalServiceException"));
}

TEST_F(GlueClientTest, BatchDeletePartitionSendsChunksOf25) {
  std::vector<std::vector<std::string>> values;
  for (int i = 0; i < 30; ++i) values.push_back({std::to_string(i), "x"});
  script_->AddJson("{}");
  script_->AddJson(R"({"Errors":[{"PartitionValues":["29","x"],"ErrorDetail":)"
                   R"({"ErrorCode":"EntityNotFoundException"}}]})");
  ASSERT_TRUE(glue_.BatchDeletePartition("db", "t", values).ok());
  ASSERT_EQ(script_->requests.size(), 2u);
  EXPECT_EQ(script_->requests[0].Json().Find("PartitionsToDelete")->items().size(), 25u);
  EXPECT_EQ(script_->requests[1].body,
            R"({"DatabaseName":"db","TableName":"t","PartitionsToDelete":[)"
            R"({"Values":["25","x"]},{"Values":["26","x"]},{"Values":["27","x"]},)"
            R"({"Values":["28","x"]},{"Values":["29","x"]}]})");
}

TEST_F(GlueClientTest, BatchDeletePartitionFailsOnOtherEntries) {
  script_->AddJson(R"({"Errors":[{"PartitionValues":["1"],"ErrorDetail":)"
                   R"({"ErrorCode":"AccessDeniedException","ErrorMessage":"no"}}]})");
  Status s = glue_.BatchDeletePartition("db", "t", {{"1"}});
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_TRUE(IsGlueError(s, "AccessDeniedException"));
}

TEST_F(GlueClientTest, GetPartitionsFollowsNextToken) {
  script_->AddJson(R"({"Partitions":[{"Values":["1"]},{"Values":["2"]}],"NextToken":"p2"})");
  script_->AddJson(R"({"Partitions":[{"Values":["3"]}],"NextToken":"p3"})");
  script_->AddJson(R"({"Partitions":[]})");
  Result<std::vector<Value>> partitions = glue_.GetPartitions("db", "t", "dt = '2024-01-01'");
  ASSERT_TRUE(partitions.ok()) << partitions.status().ToString();
  EXPECT_EQ(partitions->size(), 3u);
  ASSERT_EQ(script_->requests.size(), 3u);
  EXPECT_EQ(script_->requests[0].body,
            R"({"DatabaseName":"db","TableName":"t","Expression":"dt = '2024-01-01'"})");
  EXPECT_EQ(script_->requests[2].Json().Find("NextToken")->text(), "p3");
}

TEST(AwsErrorCodeTest, ReadsTheCodeAfterTheHttpStatus) {
  EXPECT_EQ(AwsErrorCodeOf(Status::IOError("GetTable db.t: HTTP 400 EntityNotFoundException "
                                           "(request id 1): Table t not found.")),
            "EntityNotFoundException");
  EXPECT_EQ(AwsErrorCodeOf(Status::Transient("GetTable db.t: HTTP 503 (request id 1) "
                                             "(gave up after 5 attempts)")),
            "");
  EXPECT_EQ(AwsErrorCodeOf(Status::Transient("POST http://127.0.0.1:1: connection refused")), "");
  EXPECT_EQ(AwsErrorCodeOf(Status::IOError("put table: HTTP 2000 X: GetTable db.t: HTTP 500 "
                                           "InternalServiceException")),
            "InternalServiceException");
  EXPECT_FALSE(IsGlueError(Status::Ok(), ""));
}

}  // namespace
}  // namespace datalake::aws
