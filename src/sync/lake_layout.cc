#include "sync/lake_layout.h"

#include <algorithm>

#include <charconv>
#include <cstdio>
#include <random>

#include "schema/schema.h"
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

constexpr size_t kMaxSegmentBytes = 255;

std::string TablePrefix(const std::string& bucket_prefix, const std::string& database,
                        const std::string& stream_name) {
  return TablePath(DestinationPrefix(bucket_prefix), database, stream_name);
}

std::string TablePath(const std::string& destination_prefix, const std::string& database,
                      const std::string& stream_name) {
  // A path segment longer than a file name may be (255 bytes) is shortened with a hash, so the
  // local lake can hold it and S3 keys stay the same as the local lake's.
  return destination_prefix +
         schema::ShortenedName(storage::PathSegment(database), kMaxSegmentBytes) + "/" +
         schema::ShortenedName(storage::PathSegment(stream_name), kMaxSegmentBytes) + "/";
}

std::string DestinationPrefix(const std::string& bucket_prefix) {
  std::string prefix = NormalizePrefix(bucket_prefix);
  return prefix.empty() ? prefix : prefix + "/";
}

std::string OriginalDestinationPrefix(const std::string& bucket_prefix) {
  // The original: "s3://<bucket>" + ("/<prefix>" if set) + "/<database>/<stream>/".
  return bucket_prefix.empty() ? bucket_prefix : bucket_prefix + "/";
}

std::vector<std::string> DestinationPrefixes(const std::string& bucket_prefix) {
  std::vector<std::string> out = {DestinationPrefix(bucket_prefix)};
  std::string original = OriginalDestinationPrefix(bucket_prefix);
  if (!original.starts_with(out[0])) out.push_back(std::move(original));
  return out;
}

std::optional<std::string> BucketPrefixOf(const std::string& key_prefix, const std::string& tail) {
  std::string path = key_prefix;
  if (!path.empty() && path.back() != '/') path += '/';
  // A table switched by a truncate lives in a generation directory of its path.
  const size_t last = path.find_last_of('/', path.size() < 2 ? 0 : path.size() - 2);
  const size_t start = last == std::string::npos ? 0 : last + 1;
  if (path.compare(start, 9, "_airbyte_") == 0) path.resize(start);
  if (tail.empty() || !path.ends_with(tail)) return std::nullopt;
  // The head is OriginalDestinationPrefix of the prefix: the prefix and one '/'.
  const std::string head = path.substr(0, path.size() - tail.size());
  if (head.empty()) return std::string();
  if (head.size() < 2 || head.back() != '/') return std::nullopt;
  return head.substr(0, head.size() - 1);
}

storage::StagingCleanup StagingRule(const std::string& run, std::set<int64_t> sync_ids) {
  storage::StagingCleanup rule;
  sync_ids.erase(0);
  if (!sync_ids.empty()) {
    rule.finished_writer = [run, sync_ids = std::move(sync_ids)](const std::string& key) {
      std::optional<FileOrigin> origin = OriginOfKey(key);
      return origin.has_value() && origin->run != run && sync_ids.count(origin->sync_id) != 0;
    };
  }
  return rule;
}

std::string TableLocation(const std::string& bucket, const std::string& table_prefix) {
  return "s3://" + bucket + "/" + table_prefix;
}

namespace {

constexpr size_t kRunDigits = 16;

// Parse the decimal digits at the start of `text` after `tag`; advance past them.
std::optional<int64_t> TaggedNumber(std::string_view* text, std::string_view tag) {
  if (text->substr(0, tag.size()) != tag) return std::nullopt;
  text->remove_prefix(tag.size());
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end == text->data() || (*text)[0] == '-') return std::nullopt;
  text->remove_prefix(end - text->data());
  return value;
}

}  // namespace

std::string NewRunId() {
  std::random_device device;
  const uint64_t value = (static_cast<uint64_t>(device()) << 32) ^ device();
  char buf[kRunDigits + 1];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string DataFileName(const FileOrigin& origin, uint64_t sequence,
                         const std::string& extension) {
  return "gen" + std::to_string(std::max<int64_t>(origin.generation, 0)) + "-sync" +
         std::to_string(std::max<int64_t>(origin.sync_id, 0)) + "-" + origin.run + "-" +
         std::to_string(sequence) + extension;
}

bool TruncateKeeps(std::string_view key, int64_t min_generation, const std::string& run) {
  const std::optional<FileOrigin> origin = OriginOfKey(key);
  if (min_generation > 0) return origin.has_value() && origin->generation >= min_generation;
  return origin.has_value() && origin->run == run;
}

std::optional<FileOrigin> OriginOfKey(std::string_view key) {
  std::string_view name = key.substr(key.find_last_of('/') + 1);
  FileOrigin origin;
  auto generation = TaggedNumber(&name, "gen");
  if (!generation) return std::nullopt;
  auto sync_id = TaggedNumber(&name, "-sync");
  if (!sync_id || name.size() < kRunDigits + 2 || name[0] != '-') return std::nullopt;
  std::string_view run = name.substr(1, kRunDigits);
  for (char c : run) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  name.remove_prefix(kRunDigits + 1);
  if (!TaggedNumber(&name, "-")) return std::nullopt;
  origin.generation = *generation;
  origin.sync_id = *sync_id;
  origin.run = std::string(run);
  return origin;
}

std::string GenerationDirectory(const FileOrigin& origin) {
  if (origin.generation > 0)
    return "_airbyte_generation_" + std::to_string(origin.generation) + "/";
  return "_airbyte_run_" + origin.run + "/";
}

bool VisibleBelow(const std::string& prefix, std::string_view key) {
  if (key.substr(0, prefix.size()) != prefix) return false;
  std::string_view rest = key.substr(prefix.size());
  while (!rest.empty()) {
    if (rest[0] == '_' || rest[0] == '.') return false;
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

std::optional<std::string> PrefixOfLocation(const std::string& bucket,
                                            const std::string& location) {
  const std::string head = "s3://" + bucket + "/";
  if (location.compare(0, head.size(), head) != 0) return std::nullopt;
  std::string prefix = location.substr(head.size());
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  return prefix;
}

std::string SubdirectoryBelow(const std::string& prefix, std::string_view key) {
  std::string_view rest = key.substr(prefix.size());
  size_t slash = rest.find_last_of('/');
  return slash == std::string_view::npos ? "" : std::string(rest.substr(0, slash + 1));
}

}  // namespace datalake::sync
