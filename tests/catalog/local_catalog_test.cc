// The local catalog: Glue-shaped files, including partitions (catalog.h).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace
}  // namespace datalake::catalog
