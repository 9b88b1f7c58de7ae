// File helpers for the local lake, over an Env: durable directory creation, error texts, key
// checks. Private to the storage module.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/env.h"

namespace datalake::storage {

// Return "<what> <path>: <strerror(errno)>" as an I/O error.
Status ErrnoStatus(std::string_view what, const std::string& path);

// Create `dir` and its missing parents; fsync each parent whose entries changed, so a created
// directory survives a crash.
Status MakeDirs(Env* env, const std::string& dir);
// Create `dir` and its missing parents without fsyncing anything: for staging, whose files are
// garbage after a crash anyway (a committed file's name is made durable where it is renamed to).
// With many streams, the fsyncs were most of a sync's start.
Status MakeStagingDirs(Env* env, const std::string& dir);

// Return the parent directory of `path` ("a/b/c" -> "a/b").
std::string ParentDir(const std::string& path);

// True if `key`, joined to a directory with '/', names a path below it: a non-empty key whose
// segments are not "." or "..", with no NUL characters. Empty segments are allowed: S3 keys
// such as "data//db/t/x" or "/data/db/t/x" (the original connector's with a bucket_prefix that
// has extra '/') name the file "data/db/t/x" below that directory.
bool IsSafeRelativeKey(std::string_view key);

}  // namespace datalake::storage
