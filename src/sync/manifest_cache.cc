#include "sync/manifest_cache.h"

namespace datalake::sync {

std::optional<std::string> ManifestCache::Get(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(uri);
  if (it == entries_.end()) return std::nullopt;
  order_.splice(order_.end(), order_, it->second.age);
  return it->second.bytes;
}

void ManifestCache::Put(const std::string& uri, const std::string& bytes) {
  if (bytes.size() > max_bytes_ / 8) return;
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked(uri);
  while (!order_.empty() && bytes_ + bytes.size() > max_bytes_) EraseLocked(order_.front());
  order_.push_back(uri);
  entries_.emplace(uri, Entry{bytes, std::prev(order_.end())});
  bytes_ += bytes.size();
}

void ManifestCache::Erase(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked(uri);
}

size_t ManifestCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

void ManifestCache::EraseLocked(const std::string& uri) {
  auto it = entries_.find(uri);
  if (it == entries_.end()) return;
  bytes_ -= it->second.bytes.size();
  order_.erase(it->second.age);
  entries_.erase(it);
}

}  // namespace datalake::sync
