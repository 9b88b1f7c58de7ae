// GlueClient against moto_server (docs/AWS-WIRE.md#test-servers), every request checked against
// botocore's Glue model by tests/tools/glue_fake.py in proxy mode. Skipped when moto_server is
// missing.

#include "aws/glue.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "aws/glue_test_servers.h"
#include "aws/glue_test_support.h"

namespace datalake::aws {
namespace {

using json::Value;

Value Parsed(std::string_view text) { return json::Parse(text).value(); }

Value TableInput(const std::string& name, const std::string& columns_json) {
  return Parsed(R"({"Name":")" + name +
                R"(","TableType":"EXTERNAL_TABLE","PartitionKeys":[{"Name":"dt","Type":"string"}],)"
                R"("Parameters":{"classification":"json"},"StorageDescriptor":{"Columns":)" +
                columns_json + R"(,"Location":"s3://bucket/db/)" + name + R"(/"}})");
}

Value PartitionInput(const std::string& table, int i) {
  const std::string value = "2024-01-" + std::to_string(1000 + i);
  return Value::Object(
      {{"Values", Value::Array({Value::String(value)})},
       {"Parameters", Value::Object()},
       {"StorageDescriptor", Value::Object({{"Location", Value::String("s3://bucket/db/" + table +
                                                                       "/dt=" + value + "/")}})}});
}

class GlueMotoTest
    : public testing::GlueServerTest<testing::GlueTestServer::Mode::kMotoBehindValidator> {
 protected:
  void SetUp() override {
    GlueServerTest::SetUp();
    if (IsSkipped()) return;
    glue_ = std::make_unique<GlueClient>(ClientOptions<GlueOptions>());
  }

  void CreateDatabase(const std::string& name) {
    ASSERT_TRUE(glue_->CreateDatabase(Value::Object({{"Name", Value::String(name)}})).ok());
  }

  std::unique_ptr<GlueClient> glue_;
};

TEST_F(GlueMotoTest, CreateDatabaseIsIdempotentAndGetDatabaseFindsIt) {
  EXPECT_TRUE(glue_->GetDatabase("idem_db").status().IsNotFound());
  CreateDatabase("idem_db");
  CreateDatabase("idem_db");  // AlreadyExistsException is absorbed
  Result<Value> database = glue_->GetDatabase("idem_db");
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  EXPECT_EQ(database->Find("Name")->text(), "idem_db");
}

TEST_F(GlueMotoTest, TableCreateGetUpdateDelete) {
  CreateDatabase("crud_db");
  ASSERT_TRUE(
      glue_->CreateTable("crud_db", TableInput("t1", R"([{"Name":"a","Type":"int"}])")).ok());
  Status again = glue_->CreateTable("crud_db", TableInput("t1", "[]"));
  EXPECT_TRUE(IsGlueError(again, "AlreadyExistsException")) << again.ToString();

  Result<Value> table = glue_->GetTable("crud_db", "t1");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->Find("DatabaseName")->text(), "crud_db");
  ASSERT_NE(table->Find("VersionId"), nullptr);
  const std::string version = table->Find("VersionId")->text();

  Value updated = TableInput("t1", R"([{"Name":"a","Type":"int"},{"Name":"b","Type":"string"}])");
  ASSERT_TRUE(glue_->UpdateTable("crud_db", updated, version).ok());
  table = glue_->GetTable("crud_db", "t1");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(json::Serialize(*table->Find("StorageDescriptor")->Find("Columns")),
            R"([{"Name":"a","Type":"int"},{"Name":"b","Type":"string"}])");

  ASSERT_TRUE(glue_->DeleteTable("crud_db", "t1").ok());
  EXPECT_TRUE(glue_->GetTable("crud_db", "t1").status().IsNotFound());
  EXPECT_TRUE(glue_->DeleteTable("crud_db", "t1").ok());  // missing is fine
}

TEST_F(GlueMotoTest, CreateTableInAMissingDatabaseIsNotFound) {
  Status s = glue_->CreateTable("no_such_db", TableInput("t", "[]"));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
}

TEST_F(GlueMotoTest, PartitionsCrossChunksAndExistingOnesAreTolerated) {
  CreateDatabase("part_db");
  ASSERT_TRUE(glue_->CreateTable("part_db", TableInput("p", "[]")).ok());
  std::vector<Value> first;
  for (int i = 0; i < 230; ++i) first.push_back(PartitionInput("p", i));
  Status s = glue_->BatchCreatePartition("part_db", "p", first);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // 200..259: 30 exist already (moto answers AlreadyExistsException entries), 30 are new.
  std::vector<Value> second;
  for (int i = 200; i < 260; ++i) second.push_back(PartitionInput("p", i));
  s = glue_->BatchCreatePartition("part_db", "p", second);
  ASSERT_TRUE(s.ok()) << s.ToString();

  Result<std::vector<Value>> partitions = glue_->GetPartitions("part_db", "p");
  ASSERT_TRUE(partitions.ok()) << partitions.status().ToString();
  std::set<std::string> values;
  for (const Value& p : *partitions) values.insert(p.Find("Values")->items()[0].text());
  EXPECT_EQ(values.size(), 260u);
  EXPECT_TRUE(values.contains("2024-01-1259"));

  std::vector<std::vector<std::string>> to_delete;
  for (int i = 0; i < 40; ++i) to_delete.push_back({"2024-01-" + std::to_string(1000 + i)});
  to_delete.push_back({"never-created"});  // EntityNotFoundException entry: already gone
  s = glue_->BatchDeletePartition("part_db", "p", to_delete);
  ASSERT_TRUE(s.ok()) << s.ToString();
  partitions = glue_->GetPartitions("part_db", "p");
  ASSERT_TRUE(partitions.ok());
  EXPECT_EQ(partitions->size(), 220u);

  // Every batch respected the model's limits: 3 + 1 creates, 2 deletes (25 + 16).
  int creates = 0, deletes = 0;
  const Value requests = server_->Requests();
  for (const Value& r : requests.items()) {
    if (r.Find("operation")->text() == "BatchCreatePartition") ++creates;
    if (r.Find("operation")->text() == "BatchDeletePartition") ++deletes;
  }
  EXPECT_EQ(creates, 4);
  EXPECT_EQ(deletes, 2);
}

TEST_F(GlueMotoTest, CatalogIdIsAcceptedOnEveryCall) {
  GlueOptions options = glue_->options();
  options.catalog_id = "123456789012";  // moto's default account
  GlueClient glue(options);
  ASSERT_TRUE(glue.CreateDatabase(Value::Object({{"Name", Value::String("cat_db")}})).ok());
  ASSERT_TRUE(glue.GetDatabase("cat_db").ok());
  ASSERT_TRUE(glue.CreateTable("cat_db", TableInput("c", "[]")).ok());
  ASSERT_TRUE(glue.BatchCreatePartition("cat_db", "c", {PartitionInput("c", 1)}).ok());
  ASSERT_TRUE(glue.GetPartitions("cat_db", "c").ok());
  const Value requests = server_->Requests();
  ASSERT_EQ(requests.items().size(), 5u);
  for (const Value& r : requests.items()) {
    EXPECT_EQ(r.Find("body")->Find("CatalogId")->text(), "123456789012") << json::Serialize(r);
  }
}

}  // namespace
}  // namespace datalake::aws
