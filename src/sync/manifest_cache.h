// ManifestCache: the Iceberg manifests and manifest lists the tables of one sync read or wrote,
// kept for their next commits (merging and snapshot expiry read them again). These objects never
// change once written, so a cached copy is always right. One cache for every table of the sync,
// bounded in bytes: a sync of many tables does not grow with them (past the bound, older
// entries go and are read again when needed).
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace datalake::sync {

class ManifestCache {
 public:
  explicit ManifestCache(size_t max_bytes = 16 << 20) : max_bytes_(max_bytes) {}

  std::optional<std::string> Get(const std::string& uri);
  // Keep `bytes` as the object at `uri` (not if it alone would take an eighth of the bound).
  void Put(const std::string& uri, const std::string& bytes);
  void Erase(const std::string& uri);
  size_t bytes() const;

 private:
  struct Entry {
    std::string bytes;
    std::list<std::string>::iterator age;  // in order_
  };
  void EraseLocked(const std::string& uri);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // least recently used first
  size_t bytes_ = 0;
};

}  // namespace datalake::sync
