// The Glue catalog against servers: moto_server behind tests/tools/glue_fake.py (every request
// validated against botocore's Glue and Lake Formation models), and the fake alone, whose
// UpdateTable enforces VersionId as Glue does
// (docs/AWS-WIRE.md#table-versions-and-optimistic-locking), for the optimistic-locking race.
// Skipped when moto_server or python3 is missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "aws/glue.h"
#include "aws/glue_test_servers.h"
#include "aws/glue_test_support.h"
#include "aws/lakeformation.h"
#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

using json::Value;
using Mode = aws::testing::GlueTestServer::Mode;

TableSpec Spec(const std::string& name, std::vector<Column> columns) {
  TableSpec spec;
  spec.name = name;
  spec.columns = std::move(columns);
  spec.partition_keys = {{"updated_at_year", "bigint"}};
  spec.location = "s3://bucket/prefix/db/" + name + "/";
  spec.compression = format::Compression::kGzip;
  return spec;
}

// Return `v` with object members sorted by key, recursively (Glue need not keep our order).
Value Canonical(const Value& v) {
  if (v.is_array()) {
    std::vector<Value> items;
    for (const Value& item : v.items()) items.push_back(Canonical(item));
    return Value::Array(std::move(items));
  }
  if (!v.is_object()) return v;
  std::vector<Value::Member> members;
  for (const Value::Member& m : v.members()) members.emplace_back(m.first, Canonical(m.second));
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return Value::Object(std::move(members));
}

GlueCatalogOptions Tagged(std::string key, std::vector<std::string> values) {
  GlueCatalogOptions options;
  options.lf_tag_key = std::move(key);
  options.lf_tag_values = std::move(values);
  return options;
}

std::vector<std::string> Operations(const Value& requests) {
  std::vector<std::string> out;
  for (const Value& r : requests.items()) out.push_back(r.Find("operation")->text());
  return out;
}

// One server per suite: the suite's Mode says which.
template <Mode kMode>
class ServerTest : public aws::testing::GlueServerTest<kMode> {
 protected:
  using Base = aws::testing::GlueServerTest<kMode>;
  void SetUp() override {
    Base::SetUp();
    if (this->IsSkipped()) return;
    glue_ = std::make_shared<aws::GlueClient>(Base::template ClientOptions<aws::GlueOptions>());
    lf_ = std::make_shared<aws::LakeFormationClient>(
        Base::template ClientOptions<aws::LakeFormationOptions>());
  }

  std::shared_ptr<aws::GlueClient> glue_;
  std::shared_ptr<aws::LakeFormationClient> lf_;
};

using GlueCatalogMotoTest = ServerTest<Mode::kMotoBehindValidator>;
using GlueCatalogVersionTest = ServerTest<Mode::kFake>;

TEST_F(GlueCatalogMotoTest, EnsureDatabaseCreatesAndTagsOncePerProcess) {
  ASSERT_TRUE(lf_->CreateLFTag("domain", {"sales", "marketing", "hr"}).ok());
  server_->Reset();
  auto catalog = NewGlueCatalog(glue_, lf_, Tagged("domain", {"sales", "marketing"}));
  ASSERT_TRUE(catalog->EnsureDatabase("tagged_db").ok());
  ASSERT_TRUE(catalog->EnsureDatabase("tagged_db").ok());
  EXPECT_EQ(Operations(server_->Requests()),
            (std::vector<std::string>{"GetDatabase", "CreateDatabase", "AddLFTagsToResource"}));
  EXPECT_EQ(json::Serialize(*server_->Requests().items()[1].Find("body")),
            R"({"DatabaseInput":{"Name":"tagged_db"}})");

  Result<Value> tags = lf_->GetDatabaseLFTags("tagged_db");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(json::Serialize(*tags->Find("LFTagOnDatabase")->items()[0].Find("TagValues")),
            R"(["sales","marketing"])");

  // Another run (a new catalog) finds the database and tags it again, as the original does.
  server_->Reset();
  auto next_run = NewGlueCatalog(glue_, lf_, Tagged("domain", {"hr"}));
  ASSERT_TRUE(next_run->EnsureDatabase("tagged_db").ok());
  EXPECT_EQ(Operations(server_->Requests()),
            (std::vector<std::string>{"GetDatabase", "AddLFTagsToResource"}));
}

TEST_F(GlueCatalogMotoTest, EnsureDatabaseWithoutTagsNeedsNoLakeFormation) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("plain_db").ok());
  EXPECT_EQ(Operations(server_->Requests()),
            (std::vector<std::string>{"GetDatabase", "CreateDatabase"}));
  EXPECT_TRUE(glue_->GetDatabase("plain_db").ok());
}

TEST_F(GlueCatalogMotoTest, MissingTagFailsEnsureDatabaseWithAConfigError) {
  auto catalog = NewGlueCatalog(glue_, lf_, Tagged("absent", {"x"}));
  Status s = catalog->EnsureDatabase("untaggable_db");
  EXPECT_EQ(s.code(), StatusCode::kConfigError) << s.ToString();
}

TEST_F(GlueCatalogMotoTest, PutTableCreatesUpdatesAndGetTableRoundTripsTheTableInput) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("rt_db").ok());
  auto absent = catalog->GetTable("rt_db", "orders");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());

  const Value created = BuildTableInput(Spec("orders", {{"id", "bigint"}}));
  ASSERT_TRUE(catalog->PutTable("rt_db", created).ok());
  auto read = catalog->GetTable("rt_db", "orders");
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status().ToString();
  // Glue's output-only members are gone: what comes back is what was put.
  EXPECT_EQ(json::Serialize(Canonical(**read)), json::Serialize(Canonical(created)));

  TableSpec wider = Spec("orders", {{"id", "bigint"}, {"note", "string"}});
  wider.columns = MergeColumns(**read, wider.columns);
  const Value updated = BuildTableInput(wider);
  server_->Reset();
  ASSERT_TRUE(catalog->PutTable("rt_db", updated).ok());
  const Value requests = server_->Requests();
  ASSERT_EQ(Operations(requests), (std::vector<std::string>{"UpdateTable"}));
  const Value& body = *requests.items()[0].Find("body");
  EXPECT_EQ(body.Find("VersionId")->text(), "1");  // moto's first version
  EXPECT_TRUE(body.Find("SkipArchive")->bool_value());
  read = catalog->GetTable("rt_db", "orders");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(json::Serialize(Canonical(**read)), json::Serialize(Canonical(updated)));

  ASSERT_TRUE(catalog->DeleteTable("rt_db", "orders").ok());
  ASSERT_TRUE(catalog->DeleteTable("rt_db", "orders").ok());
  read = catalog->GetTable("rt_db", "orders");
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
}

// The database (or table) a write needs, gone or hidden by Lake Formation: the user must act,
// so a config error that names it, never a "not found" that reads as a bug.
TEST_F(GlueCatalogMotoTest, WritingIntoADatabaseOrTableThatIsNotThereIsAConfigError) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  Status s = catalog->PutTable("vanished_db", BuildTableInput(Spec("orders", {{"id", "bigint"}})));
  EXPECT_EQ(s.code(), StatusCode::kConfigError) << s.ToString();
  EXPECT_TRUE(s.message().starts_with(
      "database vanished_db does not exist in the Glue Data Catalog, or Lake Formation hides it "
      "from these credentials (CreateTable vanished_db.orders: HTTP 400 EntityNotFoundException"))
      << s.message();

  ASSERT_TRUE(catalog->EnsureDatabase("pt_db").ok());
  const Value partition = Value::Object({{"Values", Value::Array({Value::String("2024")})}});
  s = catalog->AddPartitions("pt_db", "never_put", {partition});
  EXPECT_EQ(s.code(), StatusCode::kConfigError) << s.ToString();
  EXPECT_TRUE(
      s.message().starts_with("table pt_db.never_put does not exist in the Glue Data "
                              "Catalog, or Lake Formation hides it"))
      << s.message();
}

TEST_F(GlueCatalogMotoTest, AddPartitionsInChunksKeepsExistingOnes) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("pt_db").ok());
  ASSERT_TRUE(catalog->PutTable("pt_db", BuildTableInput(Spec("events", {{"id", "bigint"}}))).ok());
  std::vector<Value> partitions;
  for (int year = 1800; year < 1950; ++year) {
    partitions.push_back(
        Value::Object({{"Values", Value::Array({Value::String(std::to_string(year))})},
                       {"StorageDescriptor",
                        Value::Object({{"Location", Value::String("s3://bucket/prefix/db/events/"
                                                                  "updated_at_year=" +
                                                                  std::to_string(year) + "/")}})},
                       {"Parameters", Value::Object()}}));
  }
  ASSERT_TRUE(catalog->AddPartitions("pt_db", "events", partitions).ok());
  ASSERT_TRUE(catalog->AddPartitions("pt_db", "events", partitions).ok());
  auto listed = glue_->GetPartitions("pt_db", "events");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 150u);
}

TEST_F(GlueCatalogMotoTest, ListAndDeletePartitionsByValues) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("pt_db").ok());
  TableSpec spec = Spec("daily", {{"id", "bigint"}});
  spec.partition_keys = {{"at_year", "bigint"}, {"at_month", "bigint"}};
  const Value table = BuildTableInput(spec);
  ASSERT_TRUE(catalog->PutTable("pt_db", table).ok());
  std::vector<Value> partitions;
  std::vector<std::vector<std::string>> all;
  for (int year = 2001; year <= 2010; ++year) {
    for (int month = 1; month <= 12; ++month) {
      std::vector<std::string> values = {std::to_string(year), std::to_string(month)};
      partitions.push_back(BuildPartitionInput(
          table, values, "at_year=" + values[0] + "/at_month=" + values[1] + "/"));
      all.push_back(values);
    }
  }
  ASSERT_TRUE(catalog->AddPartitions("pt_db", "daily", partitions).ok());
  auto listed = catalog->ListPartitions("pt_db", "daily");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::vector<std::string>> sorted = *listed;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<std::string>> expected = all;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);

  // 60 deletions are three BatchDeletePartition chunks; values never registered are ignored.
  std::vector<std::vector<std::string>> doomed(all.begin(), all.begin() + 60);
  doomed.push_back({"1999", "1"});
  Status deleted = catalog->DeletePartitions("pt_db", "daily", doomed);
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();
  listed = catalog->ListPartitions("pt_db", "daily");
  ASSERT_TRUE(listed.ok());
  sorted = *listed;
  std::sort(sorted.begin(), sorted.end());
  expected.assign(all.begin() + 60, all.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);

  auto missing = catalog->ListPartitions("pt_db", "no_such_table");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_TRUE(missing->empty());
}

TEST_F(GlueCatalogVersionTest, UpdateBetweenOurReadAndWriteIsRetriedWithTheNewVersion) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("race_db").ok());
  ASSERT_TRUE(catalog->PutTable("race_db", BuildTableInput(Spec("t", {{"a", "int"}}))).ok());
  auto read = catalog->GetTable("race_db", "t");  // VersionId "0"
  ASSERT_TRUE(read.ok() && read->has_value());

  // Another writer updates the table after our read.
  aws::GlueClient other(ClientOptions<aws::GlueOptions>());
  const Value theirs = BuildTableInput(Spec("t", {{"a", "int"}, {"theirs", "string"}}));
  ASSERT_TRUE(other.UpdateTable("race_db", theirs, "0").ok());

  const Value ours = BuildTableInput(Spec("t", {{"a", "int"}, {"ours", "double"}}));
  server_->Reset();
  Status s = catalog->PutTable("race_db", ours);
  ASSERT_TRUE(s.ok()) << s.ToString();

  const Value requests = server_->Requests();
  EXPECT_EQ(Operations(requests),
            (std::vector<std::string>{"UpdateTable", "GetTable", "UpdateTable"}));
  EXPECT_EQ(requests.items()[0].Find("body")->Find("VersionId")->text(), "0");
  EXPECT_EQ(requests.items()[2].Find("body")->Find("VersionId")->text(), "1");
  Result<Value> table = other.GetTable("race_db", "t");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->Find("VersionId")->text(), "2");
  EXPECT_EQ(json::Serialize(*table->Find("StorageDescriptor")->Find("Columns")),
            R"([{"Name":"a","Type":"int"},{"Name":"ours","Type":"double"}])");
}

TEST_F(GlueCatalogVersionTest, PutTableWithoutARecentReadReadsTheVersionFirst) {
  auto setup = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(setup->EnsureDatabase("fresh_db").ok());
  ASSERT_TRUE(setup->PutTable("fresh_db", BuildTableInput(Spec("t", {{"a", "int"}}))).ok());
  ASSERT_TRUE(setup->PutTable("fresh_db", BuildTableInput(Spec("t", {{"b", "int"}}))).ok());

  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  server_->Reset();
  ASSERT_TRUE(catalog->PutTable("fresh_db", BuildTableInput(Spec("t", {{"c", "int"}}))).ok());
  const Value requests = server_->Requests();
  EXPECT_EQ(Operations(requests), (std::vector<std::string>{"GetTable", "UpdateTable"}));
  EXPECT_EQ(requests.items()[1].Find("body")->Find("VersionId")->text(), "1");
}

Value PointerTable(const std::string& pointer) {
  return Value::Object(
      {{"Name", Value::String("ice")},
       {"TableType", Value::String("EXTERNAL_TABLE")},
       {"Parameters", Value::Object({{"table_type", Value::String("ICEBERG")},
                                     {"metadata_location", Value::String(pointer)}})}});
}

// The pointer moves only from the one the caller planned on; when another writer moves it
// between our read and our update (Glue's VersionId says so), the swap reads again, sees the
// pointer moved, and reports it instead of writing.
TEST_F(GlueCatalogVersionTest, SwapTableMovesThePointerOnlyFromTheOneExpected) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("swap_db").ok());
  const std::string key = "metadata_location";
  auto created = catalog->SwapTable("swap_db", PointerTable("m1"), key, std::nullopt);
  ASSERT_TRUE(created.ok() && *created) << created.status().ToString();
  auto again = catalog->SwapTable("swap_db", PointerTable("x"), key, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto stale = catalog->SwapTable("swap_db", PointerTable("x"), key, std::string("m0"));
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  auto moved = catalog->SwapTable("swap_db", PointerTable("m2"), key, std::string("m1"));
  ASSERT_TRUE(moved.ok() && *moved) << moved.status().ToString();

  // A swap planned on a pointer other than the one the caller's last read saw writes nothing.
  ASSERT_TRUE(catalog->GetTable("swap_db", "ice").ok());
  server_->Reset();
  auto planned_elsewhere = catalog->SwapTable("swap_db", PointerTable("y"), key, std::string("m1"));
  ASSERT_TRUE(planned_elsewhere.ok());
  EXPECT_FALSE(*planned_elsewhere);
  EXPECT_TRUE(server_->Requests().items().empty());

  // Our read, then another writer's swap, then ours from the pointer we read.
  auto read = catalog->GetTable("swap_db", "ice");
  ASSERT_TRUE(read.ok() && read->has_value());
  aws::GlueClient other(ClientOptions<aws::GlueOptions>());
  Result<Value> raw = other.GetTable("swap_db", "ice");
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(
      other.UpdateTable("swap_db", PointerTable("theirs"), raw->Find("VersionId")->text()).ok());
  server_->Reset();
  auto lost = catalog->SwapTable("swap_db", PointerTable("ours"), key, std::string("m2"));
  ASSERT_TRUE(lost.ok()) << lost.status().ToString();
  EXPECT_FALSE(*lost);
  EXPECT_EQ(Operations(server_->Requests()), (std::vector<std::string>{"UpdateTable", "GetTable"}));
  Result<Value> table = other.GetTable("swap_db", "ice");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->Find("Parameters")->Find(key)->text(), "theirs");
}

TEST_F(GlueCatalogVersionTest, TheFakeRejectsAStaleVersion) {
  auto catalog = NewGlueCatalog(glue_, nullptr, {});
  ASSERT_TRUE(catalog->EnsureDatabase("stale_db").ok());
  const Value input = BuildTableInput(Spec("t", {{"a", "int"}}));
  ASSERT_TRUE(catalog->PutTable("stale_db", input).ok());
  ASSERT_TRUE(glue_->UpdateTable("stale_db", input, "0").ok());
  Status s = glue_->UpdateTable("stale_db", input, "0");
  EXPECT_TRUE(aws::IsGlueError(s, "ConcurrentModificationException")) << s.ToString();
}

}  // namespace
}  // namespace datalake::catalog
