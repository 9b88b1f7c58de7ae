#include "storage/file_util.h"

#include <cerrno>
#include <cstring>

namespace datalake::storage {

Status ErrnoStatus(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

namespace {

Status MakeDirsSyncing(Env* env, const std::string& dir, bool sync) {
  auto st = env->Stat(dir);
  if (st.ok()) {
    if (st->is_dir) return Status::Ok();
    return Status::IOError("not a directory: " + dir);
  }
  if (!st.status().IsNotFound()) return st.status();
  std::string parent = ParentDir(dir);
  if (parent != dir) RETURN_IF_ERROR(MakeDirsSyncing(env, parent, sync));
  RETURN_IF_ERROR(env->CreateDir(dir));
  return sync ? env->SyncDir(parent) : Status::Ok();
}

}  // namespace

Status MakeDirs(Env* env, const std::string& dir) { return MakeDirsSyncing(env, dir, true); }

Status MakeStagingDirs(Env* env, const std::string& dir) {
  return MakeDirsSyncing(env, dir, false);
}

bool IsSafeRelativeKey(std::string_view key) {
  if (key.empty()) return false;
  if (key.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    // Empty segments ("a//b", "/a") stay below the directory the key is joined to.
    if (segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace datalake::storage
