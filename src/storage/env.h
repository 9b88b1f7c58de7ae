// Env: the file system and the clocks the product uses, behind one interface (LevelDB's Env is
// the model). Production uses Env::Default(), plain POSIX calls; tests substitute an in-memory
// env that can fail any operation and simulate a crash (what was not fsynced is lost), and a
// fake clock, to check the commit protocol at every step without real I/O.
//
// Only the local lake (LocalStore, the local catalog) and the pipeline's clock go through it:
// S3 and Glue are reached through their HTTP clients, which have their own test seam.
//
// Paths are plain strings ("/lake/bucket/db/t/x.json"); directories are not created implicitly.
// Errors: kNotFound when a named file or directory does not exist (callers often accept it),
// kIOError otherwise, with the operation and path in the message.
//
// Thread-safety: an Env may be used from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace datalake::storage {

// One entry of a directory, or what Stat says of a path.
struct FileInfo {
  std::string name;  // the entry's name (ListDir), or the path (Stat)
  bool is_dir = false;
  uint64_t size = 0;
  std::chrono::system_clock::time_point modified;
};

// An exclusive advisory lock on a file, held until destroyed (or until the process dies, however
// it dies).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

struct LockOptions {
  bool create = true;  // create the lock file if missing (else kNotFound)
  bool wait = true;    // block until the lock is free (else return no lock when it is held)
};

class Env {
 public:
  virtual ~Env() = default;

  // Return the POSIX env of this process (never destroyed).
  static Env* Default();

  // Append `bytes` to the file at `path` (created if missing). The POSIX env keeps the few files
  // last appended to open, never more: syncs with thousands of streams must not run out of file
  // descriptors. A file removed or renamed through the env is closed first.
  virtual Status AppendToFile(const std::string& path, std::string_view bytes) = 0;
  // fsync the file at `path`: its data survives a crash (its name needs SyncDir of its
  // directory).
  virtual Status SyncFile(const std::string& path) = 0;
  virtual Status ReadFile(const std::string& path, std::string* out) = 0;
  // Rename a file atomically, replacing `to` if it exists.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;

  // Create one directory; its parent must exist; an existing directory is not an error.
  virtual Status CreateDir(const std::string& dir) = 0;
  // Remove an empty directory (kIOError when it is not empty).
  virtual Status RemoveDir(const std::string& dir) = 0;
  // fsync a directory: creations, renames and removals of its entries survive a crash.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Return the directories and regular files in `dir`, in no particular order.
  virtual Result<std::vector<FileInfo>> ListDir(const std::string& dir) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;

  // Take the lock on the file at `path`. With options.wait false, return a null lock when
  // someone else holds it. A lock counts only while `path` still names the locked file (a
  // cleaner may remove a free lock file): the returned lock is on the file `path` names.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                                     LockOptions options) = 0;

  // Wall-clock time (file ages, timestamps).
  virtual std::chrono::system_clock::time_point Now() = 0;
  // Monotonic time (intervals: commit_interval_seconds, progress reports).
  virtual std::chrono::steady_clock::time_point NowMonotonic() = 0;
};

}  // namespace datalake::storage
