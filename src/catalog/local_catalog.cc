// The local catalog: Glue TableInput documents kept as files beside the local lake's data.
#include <cstdio>

#include "catalog/catalog.h"
#include "storage/storage.h"

namespace datalake::catalog {
namespace {

std::string ReadWhole(const std::string& path, bool* found) {
  *found = false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  std::string out;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  std::fclose(f);
  *found = true;
  return out;
}

class LocalCatalog : public Catalog {
 public:
  explicit LocalCatalog(std::string dir) : dir_(std::move(dir)) {}

  Status EnsureDatabase(const std::string& database) override {
    std::string path = DatabaseDir(database) + "/_database.json";
    bool found;
    ReadWhole(path, &found);
    if (found) return Status::Ok();
    json::Value db = json::Value::Object({{"Name", json::Value::String(database)}});
    return storage::WriteFileAtomically(path, json::SerializePretty(db));
  }

  Result<std::optional<json::Value>> GetTable(const std::string& database,
                                              const std::string& table) override {
    bool found;
    std::string text = ReadWhole(TablePath(database, table), &found);
    if (!found) return std::optional<json::Value>();
    auto parsed = json::Parse(text);
    if (!parsed.ok()) {
      return parsed.status().WithContext("read table definition " + TablePath(database, table));
    }
    return std::optional<json::Value>(std::move(parsed).value());
  }

  Status PutTable(const std::string& database, const json::Value& table_input) override {
    const json::Value* name = table_input.Find("Name");
    if (name == nullptr || !name->is_string()) {
      return Status::Internal("table definition without a Name");
    }
    return storage::WriteFileAtomically(TablePath(database, name->text()),
                                        json::SerializePretty(table_input));
  }

  Status DeleteTable(const std::string& database, const std::string& table) override {
    std::string path = TablePath(database, table);
    if (std::remove(path.c_str()) != 0) {
      bool found;
      ReadWhole(path, &found);
      if (found) return Status::IOError("delete table definition " + path);
    }
    return Status::Ok();
  }

 private:
  std::string DatabaseDir(const std::string& database) const {
    return dir_ + "/" + storage::PathSegment(database);
  }
  std::string TablePath(const std::string& database, const std::string& table) const {
    return DatabaseDir(database) + "/" + storage::PathSegment(table) + ".json";
  }

  std::string dir_;
};

}  // namespace

std::unique_ptr<Catalog> NewLocalCatalog(const std::string& dir) {
  return std::make_unique<LocalCatalog>(dir);
}

}  // namespace datalake::catalog
