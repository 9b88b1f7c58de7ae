// POSIX file helpers for the local lake: durable directory creation, whole-file writes, fsync.
// Private to the storage module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace datalake::storage {

// Return "<what> <path>: <strerror(errno)>" as an I/O error.
Status ErrnoStatus(std::string_view what, const std::string& path);

// Create `dir` and its missing parents; fsync each parent whose entries changed, so a created
// directory survives a crash.
Status MakeDirs(const std::string& dir);

// fsync a directory (after renames or creations inside it).
Status SyncDir(const std::string& dir);

// Append `bytes` to the file at `path` (created if missing), without keeping it open: syncs
// with thousands of streams must not run out of file descriptors.
Status AppendToFile(const std::string& path, std::string_view bytes);

// fsync the file at `path`.
Status SyncFile(const std::string& path);

Status ReadFile(const std::string& path, std::string* out);

// Remove `path` and everything below it; a missing path is not an error.
Status RemoveTree(const std::string& path);

// Return the parent directory of `path` ("a/b/c" -> "a/b").
std::string ParentDir(const std::string& path);

// True if `key`, joined to a directory with '/', names a path below it: a non-empty key whose
// segments are not "." or "..", with no NUL characters. Empty segments are allowed: S3 keys
// such as "data//db/t/x" or "/data/db/t/x" (the original connector's with a bucket_prefix that
// has extra '/') name the file "data/db/t/x" below that directory.
bool IsSafeRelativeKey(std::string_view key);

}  // namespace datalake::storage
