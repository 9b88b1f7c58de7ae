// A catalog that forwards to another and counts the calls a test asserts on: definitions put,
// tables read one by one, databases listed. Counts are atomic: a commit calls it from the commit
// pool.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace datalake::sync::testing {

class CountingCatalog : public catalog::Catalog {
 public:
  explicit CountingCatalog(catalog::Catalog* catalog) : catalog_(catalog) {}
  explicit CountingCatalog(std::unique_ptr<catalog::Catalog> catalog)
      : owned_(std::move(catalog)), catalog_(owned_.get()) {}
  Status EnsureDatabase(const std::string& database) override {
    return catalog_->EnsureDatabase(database);
  }
  Result<std::optional<json::Value>> GetTable(const std::string& database,
                                              const std::string& table) override {
    ++gets;
    return catalog_->GetTable(database, table);
  }
  Result<std::vector<json::Value>> ListTables(const std::string& database) override {
    ++lists;
    return catalog_->ListTables(database);
  }
  Status PutTable(const std::string& database, const json::Value& table_input) override {
    ++puts;
    return catalog_->PutTable(database, table_input);
  }
  Result<bool> SwapTable(const std::string& database, const json::Value& table_input,
                         const std::string& key,
                         const std::optional<std::string>& expected) override {
    ++puts;
    return catalog_->SwapTable(database, table_input, key, expected);
  }
  Status DeleteTable(const std::string& database, const std::string& table) override {
    return catalog_->DeleteTable(database, table);
  }
  Status AddPartitions(const std::string& database, const std::string& table,
                       const std::vector<json::Value>& partitions) override {
    return catalog_->AddPartitions(database, table, partitions);
  }
  Result<std::vector<std::vector<std::string>>> ListPartitions(const std::string& database,
                                                               const std::string& table) override {
    return catalog_->ListPartitions(database, table);
  }
  Status DeletePartitions(const std::string& database, const std::string& table,
                          const std::vector<std::vector<std::string>>& values) override {
    return catalog_->DeletePartitions(database, table, values);
  }

  std::atomic<int> puts = 0;
  std::atomic<int> gets = 0;
  std::atomic<int> lists = 0;

 private:
  std::unique_ptr<catalog::Catalog> owned_;  // may be null
  catalog::Catalog* catalog_;
};

}  // namespace datalake::sync::testing
