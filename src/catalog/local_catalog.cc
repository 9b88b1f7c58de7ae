// The local catalog: Glue TableInput documents kept as files beside the local lake's data.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <set>

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

// Remove `path`; a file that does not exist is fine.
Status RemoveFile(const std::string& path, const std::string& what) {
  if (std::remove(path.c_str()) != 0) {
    bool found;
    ReadWhole(path, &found);
    if (found) return Status::IOError(what + " " + path);
  }
  return Status::Ok();
}

// True if `partitions` (a JSON array of PartitionInput) has one with these Values.
bool HasPartition(const json::Value& partitions, const json::Value* values) {
  for (const json::Value& p : partitions.items()) {
    const json::Value* existing = p.Find("Values");
    if (existing != nullptr && values != nullptr && *existing == *values) return true;
  }
  return false;
}

// An exclusive lock on a file, held for the object's life: two syncs into one table (two
// connections) update its partitions file by read-modify-write, one after the other.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) error_ = errno;
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      error_ = errno;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }
  int error() const { return error_; }

 private:
  int fd_ = -1;
  int error_ = 0;
};

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

  Result<std::vector<json::Value>> ListTables(const std::string& database) override {
    std::vector<json::Value> out;
    DIR* d = ::opendir(DatabaseDir(database).c_str());
    if (d == nullptr) return out;
    std::vector<std::string> files;
    while (struct dirent* entry = ::readdir(d)) {
      const std::string name = entry->d_name;
      if (name.ends_with(".json") && !name.ends_with(".partitions.json") &&
          name != "_database.json" && name[0] != '.') {
        files.push_back(DatabaseDir(database) + "/" + name);
      }
    }
    ::closedir(d);
    std::sort(files.begin(), files.end());
    for (const std::string& path : files) {
      bool found;
      std::string text = ReadWhole(path, &found);
      if (!found) continue;  // deleted meanwhile
      auto parsed = json::Parse(text);
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
    return storage::WriteFileAtomically(TablePath(database, name->text()),
                                        json::SerializePretty(table_input));
  }

  Status DeleteTable(const std::string& database, const std::string& table) override {
    // Partitions go first, so a failure never leaves partitions without their table.
    RETURN_IF_ERROR(RemoveFile(PartitionsPath(database, table), "delete partitions"));
    return RemoveFile(TablePath(database, table), "delete table definition");
  }

  Status AddPartitions(const std::string& database, const std::string& table,
                       const std::vector<json::Value>& partition_inputs) override {
    const std::string path = PartitionsPath(database, table);
    RETURN_IF_ERROR(EnsureDatabase(database));
    FileLock lock(path + ".lock");
    if (!lock.held()) return Status::IOError("lock " + path + ".lock");
    ASSIGN_OR_RETURN(json::Value partitions, ReadPartitions(path));
    bool changed = false;
    for (const json::Value& input : partition_inputs) {
      if (HasPartition(partitions, input.Find("Values"))) continue;
      partitions.mutable_items().push_back(input);
      changed = true;
    }
    if (!changed) return Status::Ok();
    return storage::WriteFileAtomically(path, json::SerializePretty(partitions));
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
    FileLock lock(path + ".lock");
    if (!lock.held()) {
      // No database directory: no partitions to delete.
      if (lock.error() == ENOENT) return Status::Ok();
      return Status::IOError("lock " + path + ".lock");
    }
    ASSIGN_OR_RETURN(json::Value partitions, ReadPartitions(path));
    const std::set<std::vector<std::string>> doomed(values.begin(), values.end());
    std::vector<json::Value> kept;
    for (const json::Value& p : partitions.items()) {
      if (doomed.count(PartitionValues(p)) == 0) kept.push_back(p);
    }
    if (kept.size() == partitions.items().size()) return Status::Ok();
    return storage::WriteFileAtomically(path,
                                        json::SerializePretty(json::Value::Array(std::move(kept))));
  }

 private:
  // Return the partitions file's array; an empty array when there is no file.
  static Result<json::Value> ReadPartitions(const std::string& path) {
    bool found;
    std::string text = ReadWhole(path, &found);
    if (!found) return json::Value::Array();
    auto parsed = json::Parse(text);
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
};

}  // namespace

std::unique_ptr<Catalog> NewLocalCatalog(const std::string& dir) {
  return std::make_unique<LocalCatalog>(dir);
}

}  // namespace datalake::catalog
