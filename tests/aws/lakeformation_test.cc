// LakeFormationClient: the exact REST-JSON requests and the handling of per-tag failures
// (docs/AWS-WIRE.md#lake-formation), scripted; then the LF-Tag round trip against moto_server,
// every request checked against botocore's model by tests/tools/glue_fake.py on the way.

#include "aws/lakeformation.h"

#include <gtest/gtest.h>

#include <string>

#include "aws/glue.h"
#include "aws/glue_test_servers.h"
#include "aws/glue_test_support.h"

namespace datalake::aws {
namespace {

using json::Value;
using testing::HttpScript;
using testing::ScriptedLakeFormationOptions;

TEST(LakeFormationClientTest, AddLFTagsToDatabaseSendsRestJsonRequest) {
  auto script = std::make_shared<HttpScript>();
  LakeFormationClient lf(ScriptedLakeFormationOptions(script));
  script->AddJson(R"({"Failures":[]})");
  ASSERT_TRUE(lf.AddLFTagsToDatabase("db", "team", {"a", "b"}).ok());
  ASSERT_EQ(script->requests.size(), 1u);
  const testing::RecordedRequest& r = script->requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://lakeformation.us-east-1.amazonaws.com/AddLFTagsToResource");
  EXPECT_EQ(r.HeaderValue("Content-Type"), "application/json");
  EXPECT_EQ(r.HeaderValue("X-Amz-Target"), "");
  EXPECT_NE(r.HeaderValue("Authorization").find("/us-east-1/lakeformation/aws4_request"),
            std::string::npos);
  EXPECT_EQ(r.body, R"({"Resource":{"Database":{"Name":"db"}},)"
                    R"("LFTags":[{"TagKey":"team","TagValues":["a","b"]}]})");
}

TEST(LakeFormationClientTest, CatalogIdAndChinaEndpoint) {
  auto script = std::make_shared<HttpScript>();
  LakeFormationOptions options = ScriptedLakeFormationOptions(script, "111122223333");
  options.region = "cn-northwest-1";
  LakeFormationClient lf(options);
  script->AddJson("{}");
  ASSERT_TRUE(lf.AddLFTagsToDatabase("db", "k", {"v"}).ok());
  EXPECT_EQ(script->requests[0].url,
            "https://lakeformation.cn-northwest-1.amazonaws.com.cn/AddLFTagsToResource");
  EXPECT_EQ(script->requests[0].Json().Find("CatalogId")->text(), "111122223333");
}

TEST(LakeFormationClientTest, FailuresInA200AreErrorsNamingTheTag) {
  auto script = std::make_shared<HttpScript>();
  LakeFormationClient lf(ScriptedLakeFormationOptions(script));
  script->AddJson(R"({"Failures":[{"LFTag":{"CatalogId":"1","TagKey":"team","TagValues":["x"]},)"
                  R"("Error":{"ErrorCode":"EntityNotFoundException",)"
                  R"("ErrorMessage":"Tag or tag value does not exist."}}]})");
  Status s = lf.AddLFTagsToDatabase("db", "team", {"x"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_EQ(s.message(), R"(AddLFTagsToResource database db: LF-Tag team=["x"]: HTTP 200 )"
                         "EntityNotFoundException: Tag or tag value does not exist.");
  EXPECT_TRUE(IsGlueError(s, "EntityNotFoundException"));
}

// Found by fuzz/aws_json_fuzz.cc: failures come in a 200 body, which AwsClient does not redact.
TEST(LakeFormationClientTest, FailuresNeverQuoteTheCredentials) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";  // FixedCredentials'
  auto script = std::make_shared<HttpScript>();
  LakeFormationClient lf(ScriptedLakeFormationOptions(script));
  script->AddJson(R"({"Failures":[{"LFTag":{"TagKey":"team","TagValues":["x"]},)"
                  R"("Error":{"ErrorCode":"InternalServiceException","ErrorMessage":")" +
                  secret + R"("}}]})");
  Status s = lf.AddLFTagsToDatabase("db", "team", {"x"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), R"(AddLFTagsToResource database db: LF-Tag team=["x"]: HTTP 200 )"
                         "InternalServiceException: [redacted]");
}

TEST(LakeFormationClientTest, AccessDeniedIsAConfigError) {
  auto script = std::make_shared<HttpScript>();
  LakeFormationClient lf(ScriptedLakeFormationOptions(script));
  script->AddError(403, "AccessDeniedException", "Insufficient Lake Formation permission(s)");
  Status s = lf.AddLFTagsToDatabase("db", "team", {"x"});
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_TRUE(IsGlueError(s, "AccessDeniedException")) << s.ToString();
}

TEST(LakeFormationClientTest, AnUnknownTagOrDatabaseIsAConfigError) {
  auto script = std::make_shared<HttpScript>();
  LakeFormationClient lf(ScriptedLakeFormationOptions(script));
  script->AddError(400, "EntityNotFoundException", "Database db not found.");
  Status s = lf.AddLFTagsToDatabase("db", "team", {"x", "y"});
  EXPECT_EQ(s.code(), StatusCode::kConfigError);
  EXPECT_TRUE(s.message().starts_with(
      R"(LF-Tag team=["x","y"] or database db does not exist in Lake Formation, or is hidden )"
      "from these credentials (AddLFTagsToResource database db: HTTP 400 "
      "EntityNotFoundException"))
      << s.message();
  EXPECT_TRUE(IsGlueError(s, "EntityNotFoundException"));
}

using LakeFormationMotoTest =
    testing::GlueServerTest<testing::GlueTestServer::Mode::kMotoBehindValidator>;

TEST_F(LakeFormationMotoTest, TagsADatabaseAndReadsTheTagBack) {
  GlueClient glue(ClientOptions<GlueOptions>());
  LakeFormationClient lf(ClientOptions<LakeFormationOptions>());
  ASSERT_TRUE(glue.CreateDatabase(Value::Object({{"Name", Value::String("lf_db")}})).ok());
  ASSERT_TRUE(lf.CreateLFTag("team", {"analytics", "finance", "ops"}).ok());
  Status s = lf.AddLFTagsToDatabase("lf_db", "team", {"analytics", "ops"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  Result<Value> tags = lf.GetDatabaseLFTags("lf_db");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  const Value* on_database = tags->Find("LFTagOnDatabase");
  ASSERT_NE(on_database, nullptr);
  ASSERT_EQ(on_database->items().size(), 1u);
  EXPECT_EQ(on_database->items()[0].Find("TagKey")->text(), "team");
  EXPECT_EQ(json::Serialize(*on_database->items()[0].Find("TagValues")), R"(["analytics","ops"])");
}

TEST_F(LakeFormationMotoTest, UnknownTagIsAConfigErrorFromTheFailuresList) {
  GlueClient glue(ClientOptions<GlueOptions>());
  LakeFormationClient lf(ClientOptions<LakeFormationOptions>());
  ASSERT_TRUE(glue.CreateDatabase(Value::Object({{"Name", Value::String("lf_db2")}})).ok());
  Status s = lf.AddLFTagsToDatabase("lf_db2", "no_such_tag", {"x"});
  EXPECT_EQ(s.code(), StatusCode::kConfigError) << s.ToString();
  EXPECT_NE(s.message().find("LF-Tag no_such_tag"), std::string::npos) << s.message();
  EXPECT_TRUE(IsGlueError(s, "EntityNotFoundException")) << s.message();
}

}  // namespace
}  // namespace datalake::aws
