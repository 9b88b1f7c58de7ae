// The local catalog: Glue-shaped files, including partitions (catalog.h).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

namespace fs = std::filesystem;
using json::Value;

Value Partition(const std::string& value, const std::string& location) {
  return Value::Object(
      {{"Values", Value::Array({Value::String(value)})},
       {"StorageDescriptor", Value::Object({{"Location", Value::String(location)}})},
       {"Parameters", Value::Object()}});
}

class LocalCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("local_catalog_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    catalog_ = NewLocalCatalog(root_.string());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  fs::path root_;
  std::unique_ptr<Catalog> catalog_;
};

Value PointerTable(const std::string& pointer) {
  return Value::Object(
      {{"Name", Value::String("ice")},
       {"TableType", Value::String("EXTERNAL_TABLE")},
       {"Parameters", Value::Object({{"table_type", Value::String("ICEBERG")},
                                     {"metadata_location", Value::String(pointer)}})}});
}

// A compare-and-swap of a table's pointer: created only where there was none, moved only from
// the pointer the caller planned on; of two syncs swapping from one pointer, exactly one wins.
TEST_F(LocalCatalogTest, SwapTableMovesThePointerOnlyFromTheOneExpected) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  const std::string key = "metadata_location";
  auto created = catalog_->SwapTable("db", PointerTable("m1"), key, std::nullopt);
  ASSERT_TRUE(created.ok() && *created) << created.status().ToString();
  auto again = catalog_->SwapTable("db", PointerTable("other"), key, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);  // it exists now
  auto stale = catalog_->SwapTable("db", PointerTable("m2"), key, std::string("m0"));
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  auto moved = catalog_->SwapTable("db", PointerTable("m2"), key, std::string("m1"));
  ASSERT_TRUE(moved.ok() && *moved);
  auto table = catalog_->GetTable("db", "ice");
  ASSERT_TRUE(table.ok() && table->has_value());
  EXPECT_EQ((*table)->Find("Parameters")->Find(key)->text(), "m2");

  std::vector<std::thread> syncs;
  std::atomic<int> wins{0};
  for (int i = 0; i < 8; ++i) {
    syncs.emplace_back([&, i] {
      auto other = NewLocalCatalog(root_.string());  // another process's catalog, same lake
      auto won =
          other->SwapTable("db", PointerTable("m3-" + std::to_string(i)), key, std::string("m2"));
      if (won.ok() && *won) ++wins;
    });
  }
  for (std::thread& t : syncs) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(LocalCatalogTest, AddPartitionsKeepsExistingValuesAndAppendsNewOnes) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  ASSERT_TRUE(catalog_->AddPartitions("db", "t", {Partition("2023", "s3://b/t/y=2023/")}).ok());
  ASSERT_TRUE(catalog_
                  ->AddPartitions(
                      "db", "t",
                      {Partition("2023", "s3://elsewhere/"), Partition("2024", "s3://b/t/y=2024/")})
                  .ok());
  auto parsed = json::Parse(Read(root_ / "db" / "t.partitions.json"));
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->items().size(), 2u);
  EXPECT_EQ(parsed->items()[0], Partition("2023", "s3://b/t/y=2023/"));
  EXPECT_EQ(parsed->items()[1], Partition("2024", "s3://b/t/y=2024/"));
}

TEST_F(LocalCatalogTest, DeleteTableRemovesItsPartitions) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  Value input = Value::Object({{"Name", Value::String("t")}});
  ASSERT_TRUE(catalog_->PutTable("db", input).ok());
  ASSERT_TRUE(catalog_->AddPartitions("db", "t", {Partition("1", "s3://b/t/p=1/")}).ok());
  ASSERT_TRUE(catalog_->DeleteTable("db", "t").ok());
  EXPECT_FALSE(fs::exists(root_ / "db" / "t.json"));
  EXPECT_FALSE(fs::exists(root_ / "db" / "t.partitions.json"));
  auto table = catalog_->GetTable("db", "t");
  ASSERT_TRUE(table.ok());
  EXPECT_FALSE(table->has_value());
  EXPECT_TRUE(catalog_->DeleteTable("db", "t").ok());
}

// A partition of several keys.
Value PartitionOf(const std::vector<std::string>& values) {
  std::vector<Value> items;
  std::string location = "s3://b/t/";
  for (size_t i = 0; i < values.size(); ++i) {
    items.push_back(Value::String(values[i]));
    location += "k" + std::to_string(i) + "=" + values[i] + "/";
  }
  return Value::Object(
      {{"Values", Value::Array(std::move(items))},
       {"StorageDescriptor", Value::Object({{"Location", Value::String(location)}})},
       {"Parameters", Value::Object()}});
}

using ValueLists = std::vector<std::vector<std::string>>;

TEST_F(LocalCatalogTest, ListPartitionsOfAMissingTableIsEmpty) {
  auto missing_database = catalog_->ListPartitions("nodb", "t");
  ASSERT_TRUE(missing_database.ok()) << missing_database.status().ToString();
  EXPECT_TRUE(missing_database->empty());
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  ASSERT_TRUE(catalog_->PutTable("db", Value::Object({{"Name", Value::String("t")}})).ok());
  auto no_partitions = catalog_->ListPartitions("db", "t");
  ASSERT_TRUE(no_partitions.ok()) << no_partitions.status().ToString();
  EXPECT_TRUE(no_partitions->empty());
  auto missing_table = catalog_->ListPartitions("db", "other");
  ASSERT_TRUE(missing_table.ok()) << missing_table.status().ToString();
  EXPECT_TRUE(missing_table->empty());
  EXPECT_FALSE(fs::exists(root_ / "db" / "t.partitions.json"));
}

TEST_F(LocalCatalogTest, AddPartitionsTwiceWithOverlapKeepsOrderWithoutDuplicates) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  ASSERT_TRUE(catalog_
                  ->AddPartitions("db", "t",
                                  {PartitionOf({"2024", "1"}), PartitionOf({"2023", "12"}),
                                   PartitionOf({"2024", "1"})})
                  .ok());
  ASSERT_TRUE(catalog_
                  ->AddPartitions("db", "t",
                                  {PartitionOf({"2023", "12"}), PartitionOf({"2022", "5"}),
                                   PartitionOf({"2024", "2"}), PartitionOf({"2024", "1"})})
                  .ok());
  auto listed = catalog_->ListPartitions("db", "t");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, (ValueLists{{"2024", "1"}, {"2023", "12"}, {"2022", "5"}, {"2024", "2"}}));
  // Values that differ only in one key are different partitions; a prefix is not a match.
  ASSERT_TRUE(catalog_->AddPartitions("db", "t", {PartitionOf({"2024"})}).ok());
  listed = catalog_->ListPartitions("db", "t");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 5u);
  EXPECT_EQ(listed->back(), (std::vector<std::string>{"2024"}));
}

TEST_F(LocalCatalogTest, DeletePartitionsRemovesExactlyTheGivenValues) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  const std::vector<Value> inputs = {PartitionOf({"2024", "1"}), PartitionOf({"2024", "2"}),
                                     PartitionOf({"2023", "1"}), PartitionOf({"0", "0"})};
  ASSERT_TRUE(catalog_->AddPartitions("db", "t", inputs).ok());
  // {"2024"} and {"2024", "1", "1"} name no partition: prefixes and extensions do not match.
  ASSERT_TRUE(
      catalog_
          ->DeletePartitions(
              "db", "t", {{"2024", "2"}, {"1999", "9"}, {"2024"}, {"2024", "1", "1"}, {"0", "0"}})
          .ok());
  auto listed = catalog_->ListPartitions("db", "t");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, (ValueLists{{"2024", "1"}, {"2023", "1"}}));
  // The file stays a valid array of the remaining PartitionInput objects, unchanged.
  auto parsed = json::Parse(Read(root_ / "db" / "t.partitions.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(parsed->is_array());
  ASSERT_EQ(parsed->items().size(), 2u);
  EXPECT_EQ(parsed->items()[0], inputs[0]);
  EXPECT_EQ(parsed->items()[1], inputs[2]);
  // Adding after a delete still works and appends.
  ASSERT_TRUE(catalog_->AddPartitions("db", "t", {inputs[1]}).ok());
  listed = catalog_->ListPartitions("db", "t");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (ValueLists{{"2024", "1"}, {"2023", "1"}, {"2024", "2"}}));
}

TEST_F(LocalCatalogTest, DeletePartitionsOfUnknownValuesOrTablesIsNotAnError) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  EXPECT_TRUE(catalog_->DeletePartitions("db", "missing", {{"1"}}).ok());
  EXPECT_TRUE(catalog_->DeletePartitions("nodb", "missing", {{"1"}}).ok());
  EXPECT_FALSE(fs::exists(root_ / "db" / "missing.partitions.json"));
  ASSERT_TRUE(catalog_->AddPartitions("db", "t", {PartitionOf({"1"}), PartitionOf({"2"})}).ok());
  const std::string before = Read(root_ / "db" / "t.partitions.json");
  EXPECT_TRUE(catalog_->DeletePartitions("db", "t", {{"3"}, {}}).ok());
  EXPECT_TRUE(catalog_->DeletePartitions("db", "t", {}).ok());
  EXPECT_EQ(Read(root_ / "db" / "t.partitions.json"), before);
  // Deleting every partition leaves an empty, valid list.
  ASSERT_TRUE(catalog_->DeletePartitions("db", "t", {{"2"}, {"1"}}).ok());
  auto parsed = json::Parse(Read(root_ / "db" / "t.partitions.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(parsed->is_array());
  EXPECT_TRUE(parsed->items().empty());
  auto listed = catalog_->ListPartitions("db", "t");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(LocalCatalogTest, CorruptPartitionsFileIsAnError) {
  ASSERT_TRUE(catalog_->EnsureDatabase("db").ok());
  {
    std::ofstream out(root_ / "db" / "t.partitions.json");
    out << R"({"not": "an array"})";
  }
  EXPECT_FALSE(catalog_->ListPartitions("db", "t").ok());
  EXPECT_FALSE(catalog_->DeletePartitions("db", "t", {{"1"}}).ok());
  EXPECT_FALSE(catalog_->AddPartitions("db", "t", {PartitionOf({"1"})}).ok());
}

TableSpec PartitionedSpec(const std::string& location) {
  TableSpec spec;
  spec.name = "t";
  spec.columns = {{"id", "bigint"}, {"updated_at", "timestamp"}, {"tags", "array<string>"}};
  spec.partition_keys = {{"updated_at_year", "bigint"}, {"updated_at_date", "date"}};
  spec.location = location;
  spec.format = format::FileFormat::kParquet;
  spec.compression = format::Compression::kSnappy;
  return spec;
}

TEST(BuildPartitionInputTest, ValuesLocationAndTheTablesStorageDescriptor) {
  const Value table = BuildTableInput(PartitionedSpec("s3://b/db/t/"));
  const Value partition = BuildPartitionInput(table, {"2024", "2024-06-05"},
                                              "updated_at_year=2024/updated_at_date=2024-06-05/");
  ASSERT_TRUE(partition.is_object());
  EXPECT_EQ(*partition.Find("Values"),
            Value::Array({Value::String("2024"), Value::String("2024-06-05")}));
  const Value* sd = partition.Find("StorageDescriptor");
  ASSERT_NE(sd, nullptr);
  ASSERT_NE(sd->Find("Location"), nullptr);
  EXPECT_EQ(sd->Find("Location")->text(),
            "s3://b/db/t/updated_at_year=2024/updated_at_date=2024-06-05/");
  const Value& table_sd = *table.Find("StorageDescriptor");
  for (const char* member :
       {"Columns", "SerdeInfo", "InputFormat", "OutputFormat", "Compressed", "Parameters"}) {
    SCOPED_TRACE(member);
    ASSERT_NE(sd->Find(member), nullptr);
    EXPECT_EQ(*sd->Find(member), *table_sd.Find(member));
  }
  // Everything but the Location is the table's.
  Value expected_sd = table_sd;
  expected_sd.Set("Location", Value::String(sd->Find("Location")->text()));
  EXPECT_EQ(*sd, expected_sd);
  ASSERT_NE(partition.Find("Parameters"), nullptr);
  EXPECT_EQ(*partition.Find("Parameters"), Value::Object());
  // Nothing else: a PartitionInput has no Name or PartitionKeys.
  EXPECT_EQ(partition.members().size(), 3u);
  // The table input is left as it was.
  EXPECT_EQ(table.Find("StorageDescriptor")->Find("Location")->text(), "s3://b/db/t/");
}

TEST(BuildPartitionInputTest, ValuesAreStringsEvenWhenNumeric) {
  const Value table = BuildTableInput(PartitionedSpec("s3://b/db/t/"));
  const Value partition =
      BuildPartitionInput(table, {"0", "__HIVE_DEFAULT_PARTITION__"},
                          "updated_at_year=0/updated_at_date=__HIVE_DEFAULT_PARTITION__/");
  const Value* values = partition.Find("Values");
  ASSERT_NE(values, nullptr);
  ASSERT_TRUE(values->is_array());
  ASSERT_EQ(values->items().size(), 2u);
  EXPECT_TRUE(values->items()[0].is_string());
  EXPECT_EQ(values->items()[0].text(), "0");
  EXPECT_EQ(values->items()[1].text(), "__HIVE_DEFAULT_PARTITION__");
  EXPECT_NE(json::Serialize(partition).find(R"("Values":["0","__HIVE_DEFAULT_PARTITION__"])"),
            std::string::npos);
}

TEST(BuildPartitionInputTest, TableLocationWithoutTrailingSlash) {
  const Value table = BuildTableInput(PartitionedSpec("s3://b/db/t"));
  const Value partition = BuildPartitionInput(table, {"2024"}, "updated_at_year=2024/");
  EXPECT_EQ(partition.Find("StorageDescriptor")->Find("Location")->text(),
            "s3://b/db/t/updated_at_year=2024/");
}

TEST(BuildPartitionInputTest, PartitionsOfAPutTableRoundTripThroughTheLocalCatalog) {
  const fs::path root = fs::temp_directory_path() /
                        ("local_catalog_test_" + std::to_string(::getpid()) + "_roundtrip");
  fs::remove_all(root);
  std::unique_ptr<Catalog> catalog = NewLocalCatalog(root.string());
  const Value table = BuildTableInput(PartitionedSpec("s3://b/db/t/"));
  ASSERT_TRUE(catalog->EnsureDatabase("db").ok());
  ASSERT_TRUE(catalog->PutTable("db", table).ok());
  const Value partition =
      BuildPartitionInput(table, {"2024", "2024-06-05"}, "a=2024/b=2024-06-05/");
  ASSERT_TRUE(catalog->AddPartitions("db", "t", {partition}).ok());
  auto listed = catalog->ListPartitions("db", "t");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, (ValueLists{{"2024", "2024-06-05"}}));
  fs::remove_all(root);
}

std::vector<std::pair<std::string, std::string>> Pairs(const std::vector<Column>& columns) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Column& c : columns) out.emplace_back(c.name, c.type);
  return out;
}

TEST(PartitionKeysOfTest, KeysInOrder) {
  const Value table = BuildTableInput(PartitionedSpec("s3://b/db/t/"));
  EXPECT_EQ(Pairs(PartitionKeysOf(table)),
            (std::vector<std::pair<std::string, std::string>>{{"updated_at_year", "bigint"},
                                                              {"updated_at_date", "date"}}));
  TableSpec unpartitioned = PartitionedSpec("s3://b/db/t/");
  unpartitioned.partition_keys.clear();
  EXPECT_TRUE(PartitionKeysOf(BuildTableInput(unpartitioned)).empty());
}

TEST(PartitionKeysOfTest, GlueTablesAndOddShapes) {
  // A Glue Table (as GetTable returns it) with a Comment on a key.
  auto glue = json::Parse(R"({"Name": "t", "DatabaseName": "db",
      "PartitionKeys": [{"Name": "d_month", "Type": "bigint", "Comment": "c"},
                        {"Name": "d_day", "Type": "bigint"}]})");
  ASSERT_TRUE(glue.ok());
  EXPECT_EQ(Pairs(PartitionKeysOf(*glue)), (std::vector<std::pair<std::string, std::string>>{
                                               {"d_month", "bigint"}, {"d_day", "bigint"}}));
  EXPECT_TRUE(PartitionKeysOf(Value::Object({{"Name", Value::String("t")}})).empty());
  EXPECT_TRUE(PartitionKeysOf(Value::Object({{"PartitionKeys", Value::Object()}})).empty());
  // A key without a Type keeps its name with an empty type (so SchemeForKeys rejects it);
  // one without a Name is skipped.
  auto odd = json::Parse(R"({"PartitionKeys": [{"Name": "k"}, {"Type": "bigint"}]})");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(Pairs(PartitionKeysOf(*odd)),
            (std::vector<std::pair<std::string, std::string>>{{"k", ""}}));
}

}  // namespace
}  // namespace datalake::catalog
