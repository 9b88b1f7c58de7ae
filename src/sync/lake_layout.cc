#include "sync/lake_layout.h"

#include "storage/storage.h"

namespace datalake::sync {

std::string NormalizePrefix(const std::string& prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '/' && (out.empty() || out.back() == '/')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::string TablePrefix(const std::string& bucket_prefix, const std::string& database,
                        const std::string& stream_name) {
  std::string prefix = NormalizePrefix(bucket_prefix);
  std::string out;
  if (!prefix.empty()) out = prefix + "/";
  out += storage::PathSegment(database) + "/" + storage::PathSegment(stream_name) + "/";
  return out;
}

std::string TableLocation(const std::string& bucket, const std::string& table_prefix) {
  return "s3://" + bucket + "/" + table_prefix;
}

std::string DataFileKey(const std::string& table_prefix, const std::string& file_id,
                        const std::string& extension) {
  return table_prefix + file_id + extension;
}

}  // namespace datalake::sync
