// The Glue catalog's read-modify-write paths without a server (scripted HTTP answers): what
// GetTable strips, and how PutTable resolves lost races (docs/AWS-WIRE.md#glue-operations,
// docs/AWS-WIRE.md#table-versions-and-optimistic-locking, docs/AWS-WIRE.md#glue-errors).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/glue.h"
#include "aws/glue_test_support.h"
#include "aws/lakeformation.h"
#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

using aws::testing::HttpScript;
using json::Value;

const char kInput[] = R"({"Name":"t","TableType":"EXTERNAL_TABLE","PartitionKeys":[]})";

std::string TableResponse(const std::string& version) {
  return R"({"Table":{"Name":"t","DatabaseName":"db","TableType":"EXTERNAL_TABLE",)"
         R"("VersionId":")" +
         version + R"("}})";
}

class GlueCatalogRaceTest : public ::testing::Test {
 protected:
  std::unique_ptr<Catalog> NewCatalog(int max_put_attempts = 5) {
    GlueCatalogOptions options;
    options.max_put_attempts = max_put_attempts;
    options.conflict_backoff = std::chrono::milliseconds(0);
    return NewGlueCatalog(
        std::make_shared<aws::GlueClient>(aws::testing::ScriptedGlueOptions(script_)), nullptr,
        options);
  }
  std::string Body(size_t i) { return script_->requests.at(i).body; }

  std::shared_ptr<HttpScript> script_ = std::make_shared<HttpScript>();
  const Value input_ = json::Parse(kInput).value();
};

TEST_F(GlueCatalogRaceTest, GetTableKeepsOnlyTableInputMembers) {
  script_->AddJson(
      R"({"Table":{"Name":"t","DatabaseName":"db","Description":"d","Owner":"o",)"
      R"("CreateTime":1795615471.983,"UpdateTime":1795615472.5,"LastAccessTime":1795615400,)"
      R"("LastAnalyzedTime":1795615401,"Retention":0,"StorageDescriptor":{"Columns":[]},)"
      R"("PartitionKeys":[],"ViewOriginalText":"","ViewExpandedText":"",)"
      R"("TableType":"EXTERNAL_TABLE","Parameters":{"classification":"json"},)"
      R"("CreatedBy":"arn:aws:iam::1:user/u","IsRegisteredWithLakeFormation":false,)"
      R"("TargetTable":{"CatalogId":"2","DatabaseName":"x","Name":"y"},"CatalogId":"1",)"
      R"("VersionId":"3","FederatedTable":{"Identifier":"f"},)"
      R"("ViewDefinition":{"IsProtected":false},"IsMultiDialectView":false,)"
      R"("IsMaterializedView":false,"Status":{"State":"SUCCESS"},"FutureMember":1}})");
  auto table = NewCatalog()->GetTable("db", "t");
  ASSERT_TRUE(table.ok() && table->has_value()) << table.status().ToString();
  EXPECT_EQ(json::Serialize(**table),
            R"({"Name":"t","Description":"d","Owner":"o","LastAccessTime":1795615400,)"
            R"("LastAnalyzedTime":1795615401,"Retention":0,"StorageDescriptor":{"Columns":[]},)"
            R"("PartitionKeys":[],"ViewOriginalText":"","ViewExpandedText":"",)"
            R"("TableType":"EXTERNAL_TABLE","Parameters":{"classification":"json"},)"
            R"("TargetTable":{"CatalogId":"2","DatabaseName":"x","Name":"y"}})");
}

TEST_F(GlueCatalogRaceTest, PutTableAfterGetTableUpdatesWithTheVersionRead) {
  script_->AddJson(TableResponse("8"));
  script_->AddJson("{}");
  auto catalog = NewCatalog();
  ASSERT_TRUE(catalog->GetTable("db", "t").ok());
  ASSERT_TRUE(catalog->PutTable("db", input_).ok());
  EXPECT_EQ(script_->Operations(), (std::vector<std::string>{"GetTable", "UpdateTable"}));
  EXPECT_EQ(Body(1), std::string(R"({"DatabaseName":"db","TableInput":)") + kInput +
                         R"(,"SkipArchive":true,"VersionId":"8"})");
}

TEST_F(GlueCatalogRaceTest, PutTableAfterGetTableFoundNothingCreates) {
  script_->AddError(400, "EntityNotFoundException", "Table t not found.");
  script_->AddJson("{}");
  auto catalog = NewCatalog();
  auto table = catalog->GetTable("db", "t");
  ASSERT_TRUE(table.ok());
  EXPECT_FALSE(table->has_value());
  ASSERT_TRUE(catalog->PutTable("db", input_).ok());
  EXPECT_EQ(script_->Operations(), (std::vector<std::string>{"GetTable", "CreateTable"}));
  EXPECT_EQ(Body(1), std::string(R"({"DatabaseName":"db","TableInput":)") + kInput + "}");
}

TEST_F(GlueCatalogRaceTest, TableCreatedBySomeoneElseIsUpdatedInstead) {
  script_->AddError(400, "EntityNotFoundException", "Table t not found.");
  script_->AddError(400, "AlreadyExistsException", "Table already exists.");
  script_->AddJson(TableResponse("0"));
  script_->AddJson("{}");
  auto catalog = NewCatalog();
  ASSERT_TRUE(catalog->GetTable("db", "t").ok());
  Status s = catalog->PutTable("db", input_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(script_->Operations(),
            (std::vector<std::string>{"GetTable", "CreateTable", "GetTable", "UpdateTable"}));
  EXPECT_EQ(script_->requests[3].Json().Find("VersionId")->text(), "0");
}

TEST_F(GlueCatalogRaceTest, TableDeletedBySomeoneElseIsCreatedAgain) {
  script_->AddJson(TableResponse("2"));
  script_->AddError(400, "EntityNotFoundException", "Table t not found.");
  script_->AddError(400, "EntityNotFoundException", "Table t not found.");
  script_->AddJson("{}");
  auto catalog = NewCatalog();
  ASSERT_TRUE(catalog->GetTable("db", "t").ok());
  ASSERT_TRUE(catalog->PutTable("db", input_).ok());
  EXPECT_EQ(script_->Operations(),
            (std::vector<std::string>{"GetTable", "UpdateTable", "GetTable", "CreateTable"}));
}

TEST_F(GlueCatalogRaceTest, ConflictsAreRetriedABoundedNumberOfTimes) {
  for (int version = 1; version <= 3; ++version) {
    script_->AddJson(TableResponse(std::to_string(version)));
    script_->AddError(400, "ConcurrentModificationException",
                      "Update table failed due to concurrent modifications.");
  }
  Status s = NewCatalog(/*max_put_attempts=*/3)->PutTable("db", input_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kTransient);
  EXPECT_TRUE(aws::IsGlueError(s, "ConcurrentModificationException")) << s.ToString();
  EXPECT_NE(s.message().find("gave up after 3 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(script_->Operations(),
            (std::vector<std::string>{"GetTable", "UpdateTable", "GetTable", "UpdateTable",
                                      "GetTable", "UpdateTable"}));
  EXPECT_EQ(script_->requests[5].Json().Find("VersionId")->text(), "3");
}

TEST_F(GlueCatalogRaceTest, OtherUpdateErrorsAreNotRetried) {
  script_->AddJson(TableResponse("1"));
  script_->AddError(400, "InvalidInputException", "bad column type");
  Status s = NewCatalog()->PutTable("db", input_);
  EXPECT_TRUE(aws::IsGlueError(s, "InvalidInputException")) << s.ToString();
  EXPECT_EQ(script_->requests.size(), 2u);
}

TEST_F(GlueCatalogRaceTest, CreateInAMissingDatabaseIsNotRetried) {
  script_->AddError(400, "EntityNotFoundException", "Database db not found.");
  script_->AddError(400, "EntityNotFoundException", "Database db not found.");
  Status s = NewCatalog()->PutTable("db", input_);
  // The user must act (the database was deleted, or Lake Formation hides it): a config error.
  EXPECT_EQ(s.code(), StatusCode::kConfigError) << s.ToString();
  EXPECT_TRUE(s.message().starts_with("database db does not exist in the Glue Data Catalog"))
      << s.message();
  EXPECT_EQ(script_->Operations(), (std::vector<std::string>{"GetTable", "CreateTable"}));
}

TEST_F(GlueCatalogRaceTest, DatabaseCreatedConcurrentlyIsFoundOnTheNextLook) {
  script_->AddError(400, "EntityNotFoundException", "Database db not found.");
  script_->AddError(400, "ConcurrentModificationException", "Concurrent create");
  script_->AddJson(R"({"Database":{"Name":"db"}})");
  Status s = NewCatalog()->EnsureDatabase("db");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(script_->Operations(),
            (std::vector<std::string>{"GetDatabase", "CreateDatabase", "GetDatabase"}));
  EXPECT_EQ(Body(1), R"({"DatabaseInput":{"Name":"db"}})");
}

TEST_F(GlueCatalogRaceTest, NonPositiveAttemptsStillTryOnce) {
  script_->AddJson(TableResponse("1"));
  script_->AddJson("{}");
  ASSERT_TRUE(NewCatalog(/*max_put_attempts=*/0)->PutTable("db", input_).ok());
  EXPECT_EQ(script_->Operations(), (std::vector<std::string>{"GetTable", "UpdateTable"}));
}

TEST_F(GlueCatalogRaceTest, EnsureDatabaseStopsOnAccessDenied) {
  script_->AddError(400, "AccessDeniedException", "not authorized to perform glue:GetDatabase");
  Status s = NewCatalog()->EnsureDatabase("db");
  EXPECT_EQ(s.code(), StatusCode::kConfigError) << s.ToString();
  EXPECT_EQ(script_->requests.size(), 1u);
}

TEST_F(GlueCatalogRaceTest, FailedTaggingIsRetriedByTheNextEnsureDatabase) {
  auto lf_script = std::make_shared<HttpScript>();
  auto lf = std::make_shared<aws::LakeFormationClient>(
      aws::testing::ScriptedLakeFormationOptions(lf_script));
  GlueCatalogOptions options;
  options.lf_tag_key = "k";
  options.lf_tag_values = {"v"};
  auto catalog = NewGlueCatalog(
      std::make_shared<aws::GlueClient>(aws::testing::ScriptedGlueOptions(script_)), lf, options);
  script_->AddJson(R"({"Database":{"Name":"db"}})");
  lf_script->AddError(403, "AccessDeniedException", "no ASSOCIATE permission");
  EXPECT_EQ(catalog->EnsureDatabase("db").code(), StatusCode::kConfigError);
  script_->AddJson(R"({"Database":{"Name":"db"}})");
  lf_script->AddJson(R"({"Failures":[]})");
  EXPECT_TRUE(catalog->EnsureDatabase("db").ok());
  EXPECT_TRUE(catalog->EnsureDatabase("db").ok());  // now remembered
  EXPECT_EQ(script_->requests.size(), 2u);
  EXPECT_EQ(lf_script->requests.size(), 2u);
}

}  // namespace
}  // namespace datalake::catalog
