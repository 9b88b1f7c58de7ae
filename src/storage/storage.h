// Object storage: where data files go. Two implementations share one interface: Amazon S3, and
// the local lake directory used when the config sets local_lake_path.
//
// Keys are relative to the bucket ("prefix/db/table/x.json"). An object being written is a
// PendingObject: readers cannot see it until Commit() succeeds, and a crash before that leaves
// nothing visible (a staging file in the local lake, an incomplete multipart upload in S3),
// which a later run's CleanupStaging removes once it is provably dead. Several writers (two
// connections syncing into one table) may share a store's keys; none removes another's live
// pending objects.
//
// Thread-safety: an ObjectStore may be used from several threads; a PendingObject from one
// thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/s3.h"
#include "common/status.h"
#include "storage/env.h"

namespace datalake::storage {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
};

class PendingObject {
 public:
  virtual ~PendingObject() = default;
  // Append bytes to the object.
  virtual Status Write(std::string_view bytes) = 0;
  // Make the object visible under its key, durably. After this, only destruction is allowed.
  virtual Status Commit() = 0;
  // Discard the object (best effort; errors are ignored, staging cleanup catches leftovers).
  virtual void Abort() = 0;
  virtual const std::string& key() const = 0;
  virtual uint64_t size() const = 0;
  // Bytes written but held in memory, not yet sent or stored (an S3 part being filled).
  virtual uint64_t buffered_bytes() const = 0;
};

// Which leftovers of other writers (pending objects never committed nor aborted) CleanupStaging
// removes. A leftover of a live writer must never be removed, so each store decides liveness
// with what it can know:
// - the local lake knows it exactly: every store holds a lock while it lives and its staging
//   files name the lock, so a leftover is dead once its lock is free. Staging files of versions
//   that named no lock are dead after `max_age`.
// - S3 cannot tell: an incomplete upload is dead when `finished_writer` says its key belongs to a
//   writer known to be finished (an earlier attempt of the same job), or when it was initiated
//   more than `max_age` ago.
struct StagingCleanup {
  std::function<bool(const std::string& key)> finished_writer;  // may be empty
  std::chrono::seconds max_age{std::chrono::hours(24)};
  // Injected for tests: the current time.
  std::function<std::chrono::system_clock::time_point()> clock;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Start writing a new object. Nothing is visible until the returned object is committed.
  virtual Result<std::unique_ptr<PendingObject>> Create(const std::string& key) = 0;
  // Write a small object in one go, atomically.
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  // Write several small objects (key, bytes), each atomically; all are durable when it returns
  // Ok, and on failure any of them may be stored. By default Puts, up to eight at a time (an
  // Iceberg commit's manifests and metadata file); the local lake syncs each directory once.
  virtual Status PutMany(const std::vector<std::pair<std::string, std::string_view>>& objects);
  virtual Result<std::string> Get(const std::string& key) = 0;
  // List committed objects whose key starts with `prefix`, in key order.
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  // Delete objects; keys that do not exist are not an error.
  virtual Status Delete(const std::vector<std::string>& keys) = 0;
  // Remove what dead writers left under `prefix` (staging files, incomplete uploads), as `rule`
  // says; return how many leftovers were removed.
  virtual Result<size_t> CleanupStaging(const std::string& prefix, const StagingCleanup& rule) = 0;
  // Return a URI for messages and catalog locations ("s3://bucket/key", "file:///...").
  virtual std::string Uri(const std::string& key) const = 0;
};

// Return a store rooted at <lake_root>/<bucket>. Objects are files; pending ones live under
// <lake_root>/.staging/<bucket>/ until committed with fsync + rename + directory fsync. While it
// has pending objects the store holds a lock file in <lake_root>/.staging/.owners/ (flock), named
// in its staging files' names, so that other processes know those files are alive.
// Keys must be relative paths without "." or ".." segments (kInvalidInput otherwise). Every file
// operation and the clock go through `env`.
std::unique_ptr<ObjectStore> NewLocalStore(const std::string& lake_root, const std::string& bucket,
                                           Env* env = Env::Default());

struct S3StoreOptions {
  size_t upload_threads = 4;        // parts uploaded in parallel, across all open objects
  size_t max_parts_in_memory = 8;   // parts queued or uploading; bounds memory (x part size)
  size_t min_part_bytes = 8 << 20;  // doubles every 1000 parts, so 10,000 parts reach 5 TiB
};

// Return a store writing to `bucket` through `client`. Objects are written as multipart uploads
// (a single PutObject when they end smaller than one part), completed only by Commit, so
// readers never see a partial object; CleanupStaging aborts dead incomplete uploads under a
// prefix.
std::unique_ptr<ObjectStore> NewS3Store(std::shared_ptr<aws::S3Client> client,
                                        const std::string& bucket,
                                        const S3StoreOptions& options = {});

// Return the time of an S3 timestamp ("2026-12-05T03:45:44.000Z"), or nullopt.
std::optional<std::chrono::system_clock::time_point> ParseIsoTime(const std::string& text);

// Return the size of part `part_number` (1-based) for objects with minimum part size `min`.
size_t PartSize(size_t min, int part_number);

// Write `bytes` to `path` atomically: temporary file in the same directory, fsync, rename,
// fsync of the directory. Creates missing parent directories.
Status WriteFileAtomically(Env* env, const std::string& path, std::string_view bytes);
// The same for several files (path, bytes): each written and fsynced under a temporary name,
// then all renamed, then each of their directories fsynced once. On failure the temporary files
// not renamed are removed.
Status WriteFilesAtomically(Env* env,
                            const std::vector<std::pair<std::string, std::string_view>>& files);

// Return `name` made safe as one key segment: '/', '%', control characters and a leading '.'
// are percent-encoded; ordinary names are unchanged, so keys match the original connector's.
std::string PathSegment(const std::string& name);

}  // namespace datalake::storage
