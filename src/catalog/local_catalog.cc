// The local catalog: Glue TableInput documents kept as files beside the local lake's data.
#include <algorithm>
#include <set>

#include "catalog/catalog.h"
#include "storage/storage.h"

namespace datalake::catalog {
namespace {

using storage::Env;

// Return the file's text, or nullopt when it does not exist.
Result<std::optional<std::string>> ReadWhole(Env* env, const std::string& path) {
  std::string out;
  Status s = env->ReadFile(path, &out);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return s;
  return std::optional<std::string>(std::move(out));
}

// Remove `path`; a file that does not exist is fine.
Status RemoveFile(Env* env, const std::string& path, const std::string& what) {
  Status s = env->RemoveFile(path);
  if (s.ok() || s.IsNotFound()) return Status::Ok();
  return s.WithContext(what);
}

// True if `partitions` (a JSON array of PartitionInput) has one with these Values.
bool HasPartition(const json::Value& partitions, const json::Value* values) {
  for (const json::Value& p : partitions.items()) {
    const json::Value* existing = p.Find("Values");
    if (existing != nullptr && values != nullptr && *existing == *values) return true;
  }
  return false;
}

class LocalCatalog : public Catalog {
 public:
  LocalCatalog(std::string dir, Env* env) : dir_(std::move(dir)), env_(env) {}

  Status EnsureDatabase(const std::string& database) override {
    std::string path = DatabaseDir(database) + "/_database.json";
    ASSIGN_OR_RETURN(std::optional<std::string> existing, ReadWhole(env_, path));
    if (existing.has_value()) return Status::Ok();
    json::Value db = json::Value::Object({{"Name", json::Value::String(database)}});
    return storage::WriteFileAtomically(env_, path, json::SerializePretty(db));
  }

  Result<std::optional<json::Value>> GetTable(const std::string& database,
                                              const std::string& table) override {
    ASSIGN_OR_RETURN(std::optional<std::string> text, ReadWhole(env_, TablePath(database, table)));
    if (!text.has_value()) return std::optional<json::Value>();
    auto parsed = json::Parse(*text);
    if (!parsed.ok()) {
      return parsed.status().WithContext("read table definition " + TablePath(database, table));
    }
    return std::optional<json::Value>(std::move(parsed).value());
  }

  Result<std::vector<json::Value>> ListTables(const std::string& database) override {
    std::vector<json::Value> out;
    auto entries = env_->ListDir(DatabaseDir(database));
    // A missing database has no tables; a listing that fails says nothing about them (a stream
    // would not find the table it is bound to).
    if (entries.status().IsNotFound()) return out;
    if (!entries.ok()) return entries.status().WithContext("list tables of " + database);
    std::vector<std::string> files;
    for (const storage::FileInfo& entry : *entries) {
      const std::string& name = entry.name;
      if (name.ends_with(".json") && !name.ends_with(".partitions.json") &&
          name != "_database.json" && name[0] != '.') {
        files.push_back(DatabaseDir(database) + "/" + name);
      }
    }
    std::sort(files.begin(), files.end());
    for (const std::string& path : files) {
      ASSIGN_OR_RETURN(std::optional<std::string> text, ReadWhole(env_, path));
      if (!text.has_value()) continue;  // deleted meanwhile
      auto parsed = json::Parse(*text);
      if (!parsed.ok() || !parsed->is_object()) {
        return Status::IOError("read table definition " + path + ": not a JSON object");
      }
      out.push_back(std::move(parsed).value());
    }
    return out;
  }

  Status PutTable(const std::string& database, const json::Value& table_input) override {
    const json::Value* name = table_input.Find("Name");
    if (name == nullptr || !name->is_string()) {
      return Status::Internal("table definition without a Name");
    }
    return storage::WriteFileAtomically(env_, TablePath(database, name->text()),
                                        json::SerializePretty(table_input));
  }

  // Under the table's lock file, so that two syncs on one lake swap one after the other.
  Result<bool> SwapTable(const std::string& database, const json::Value& table_input,
                         const std::string& key,
                         const std::optional<std::string>& expected) override {
    const json::Value* name = table_input.Find("Name");
    if (name == nullptr || !name->is_string()) {
      return Status::Internal("table definition without a Name");
    }
    const std::string path = TablePath(database, name->text());
    ASSIGN_OR_RETURN(std::unique_ptr<storage::FileLock> lock, env_->LockFile(path + ".lock", {}));
    ASSIGN_OR_RETURN(std::optional<json::Value> current, GetTable(database, name->text()));
    std::optional<std::string> pointer;
    if (current.has_value()) {
      const json::Value* parameters = current->Find("Parameters");
      const json::Value* value = parameters != nullptr ? parameters->Find(key) : nullptr;
      if (value != nullptr && value->is_string()) pointer = value->text();
    }
    if (current.has_value() != expected.has_value() || pointer != expected) return false;
    RETURN_IF_ERROR(storage::WriteFileAtomically(env_, path, json::SerializePretty(table_input)));
    return true;
  }

  Status DeleteTable(const std::string& database, const std::string& table) override {
    // Partitions go first, so a failure never leaves partitions without their table.
    RETURN_IF_ERROR(RemoveFile(env_, PartitionsPath(database, table), "delete partitions"));
    return RemoveFile(env_, TablePath(database, table), "delete table definition");
  }

  Status AddPartitions(const std::string& database, const std::string& table,
                       const std::vector<json::Value>& partition_inputs) override {
    const std::string path = PartitionsPath(database, table);
    RETURN_IF_ERROR(EnsureDatabase(database));
    ASSIGN_OR_RETURN(std::unique_ptr<storage::FileLock> lock, env_->LockFile(path + ".lock", {}));
    ASSIGN_OR_RETURN(json::Value partitions, ReadPartitions(path));
    bool changed = false;
    for (const json::Value& input : partition_inputs) {
      if (HasPartition(partitions, input.Find("Values"))) continue;
      partitions.mutable_items().push_back(input);
      changed = true;
    }
    if (!changed) return Status::Ok();
    return storage::WriteFileAtomically(env_, path, json::SerializePretty(partitions));
  }

  Result<std::vector<std::vector<std::string>>> ListPartitions(const std::string& database,
                                                               const std::string& table) override {
    ASSIGN_OR_RETURN(json::Value partitions, ReadPartitions(PartitionsPath(database, table)));
    std::vector<std::vector<std::string>> out;
    for (const json::Value& p : partitions.items()) out.push_back(PartitionValues(p));
    return out;
  }

  Status DeletePartitions(const std::string& database, const std::string& table,
                          const std::vector<std::vector<std::string>>& values) override {
    const std::string path = PartitionsPath(database, table);
    auto lock = env_->LockFile(path + ".lock", {});
    // No database directory: no partitions to delete.
    if (lock.status().IsNotFound()) return Status::Ok();
    if (!lock.ok()) return lock.status();
    ASSIGN_OR_RETURN(json::Value partitions, ReadPartitions(path));
    const std::set<std::vector<std::string>> doomed(values.begin(), values.end());
    std::vector<json::Value> kept;
    for (const json::Value& p : partitions.items()) {
      if (doomed.count(PartitionValues(p)) == 0) kept.push_back(p);
    }
    if (kept.size() == partitions.items().size()) return Status::Ok();
    return storage::WriteFileAtomically(env_, path,
                                        json::SerializePretty(json::Value::Array(std::move(kept))));
  }

 private:
  // Return the partitions file's array; an empty array when there is no file.
  Result<json::Value> ReadPartitions(const std::string& path) {
    ASSIGN_OR_RETURN(std::optional<std::string> text, ReadWhole(env_, path));
    if (!text.has_value()) return json::Value::Array();
    auto parsed = json::Parse(*text);
    if (!parsed.ok() || !parsed->is_array()) {
      return Status::IOError("read partitions " + path + ": not a JSON array");
    }
    return std::move(parsed).value();
  }

  std::string DatabaseDir(const std::string& database) const {
    return dir_ + "/" + schema::ShortenedName(storage::PathSegment(database), 255);
  }
  // The files of a table are named by its name, shortened so that the longest of them
  // ("<stem>.partitions.json.lock") stays within the file system's 255 bytes.
  std::string TableStem(const std::string& database, const std::string& table) const {
    return DatabaseDir(database) + "/" + schema::ShortenedName(storage::PathSegment(table), 200);
  }
  std::string TablePath(const std::string& database, const std::string& table) const {
    return TableStem(database, table) + ".json";
  }
  std::string PartitionsPath(const std::string& database, const std::string& table) const {
    return TableStem(database, table) + ".partitions.json";
  }

  std::string dir_;
  Env* env_;
};

}  // namespace

std::unique_ptr<Catalog> NewLocalCatalog(const std::string& dir, storage::Env* env) {
  return std::make_unique<LocalCatalog>(dir, env);
}

}  // namespace datalake::catalog
