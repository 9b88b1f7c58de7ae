// The local lake: objects are files under <lake_root>/<bucket>/, written through a staging
// directory so a file appears under its final name only once complete and durable.
//
// Staging files are "<key>.o<owner>.inprogress", where <owner> names the lock file
// <lake_root>/.staging/.owners/<owner>.lock that the writing store holds (flock) from its first
// pending object until it is destroyed. A process that dies, however it dies, releases the lock,
// so a later run can tell a dead writer's leftovers from a live one's exactly.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <random>

#include "storage/file_util.h"
#include "storage/storage.h"

namespace datalake::storage {
namespace {

std::string RandomSuffix() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%04llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(counter.fetch_add(1) & 0xFFFF));
  return buf;
}

constexpr char kInProgress[] = ".inprogress";
constexpr size_t kOwnerDigits = 16;

using FileFn =
    std::function<Status(const std::string& key, const std::string& path, const FileInfo& info)>;

// Call `fn(key, path, info)` for every regular file below `dir` whose key (path relative to the
// walk's root) starts with `prefix`. Directories that cannot lead to such a key are not entered.
Status WalkFiles(Env* env, const std::string& dir, const std::string& dir_key,
                 const std::string& prefix, const FileFn& fn) {
  auto entries = env->ListDir(dir);
  if (!entries.ok()) return entries.status().IsNotFound() ? Status::Ok() : entries.status();
  for (const FileInfo& entry : *entries) {
    std::string key = dir_key.empty() ? entry.name : dir_key + "/" + entry.name;
    size_t common = std::min(key.size(), prefix.size());
    if (key.compare(0, common, prefix, 0, common) != 0) continue;
    std::string path = dir + "/" + entry.name;
    if (entry.is_dir) {
      RETURN_IF_ERROR(WalkFiles(env, path, key, prefix, fn));
    } else if (key.size() >= prefix.size()) {
      RETURN_IF_ERROR(fn(key, path, entry));
    }
  }
  return Status::Ok();
}

// Walk the deepest directory of `root` that `prefix` names.
Status WalkPrefix(Env* env, const std::string& root, const std::string& prefix, const FileFn& fn) {
  size_t slash = prefix.find_last_of('/');
  std::string dir_key = slash == std::string::npos ? "" : prefix.substr(0, slash);
  return WalkFiles(env, dir_key.empty() ? root : root + "/" + dir_key, dir_key, prefix, fn);
}

// Return the owner named by a staging file name, or "" for names without one.
std::string OwnerOf(const std::string& name) {
  const size_t suffix = sizeof(kInProgress) - 1;
  const size_t tag = kOwnerDigits + 2;  // ".o" + digits
  if (name.size() < suffix + tag || name.compare(name.size() - suffix, suffix, kInProgress) != 0) {
    return "";
  }
  const size_t start = name.size() - suffix - tag;
  if (name.compare(start, 2, ".o") != 0) return "";
  std::string owner = name.substr(start + 2, kOwnerDigits);
  for (char c : owner) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
  }
  return owner;
}

// True if nobody holds the lock file at `path` (a missing file counts as free). A free lock is
// removed, so dead owners do not accumulate.
bool LockIsFree(Env* env, const std::string& path) {
  auto lock = env->LockFile(path, {.create = false, .wait = false});
  if (!lock.ok()) return lock.status().IsNotFound();
  if (*lock == nullptr) return false;
  (void)env->RemoveFile(path);
  return true;
}

class LocalPendingObject : public PendingObject {
 public:
  LocalPendingObject(Env* env, std::string key, std::string staging_path, std::string final_path)
      : env_(env),
        key_(std::move(key)),
        staging_path_(std::move(staging_path)),
        final_path_(std::move(final_path)) {}

  ~LocalPendingObject() override {
    if (!committed_) Abort();
  }

  Status Write(std::string_view bytes) override {
    if (committed_) return Status::Internal("write after commit of " + key_);
    RETURN_IF_ERROR(env_->AppendToFile(staging_path_, bytes));
    size_ += bytes.size();
    return Status::Ok();
  }

  Status Commit() override {
    if (committed_) return Status::Internal("second commit of " + key_);
    // An empty object still needs its file.
    RETURN_IF_ERROR(env_->AppendToFile(staging_path_, {}));
    RETURN_IF_ERROR(env_->SyncFile(staging_path_));
    std::string dir = ParentDir(final_path_);
    // A Delete emptying the directory may remove it between MakeDirs and rename: make it again.
    for (int attempt = 0;; ++attempt) {
      RETURN_IF_ERROR(MakeDirs(env_, dir));
      Status renamed = env_->RenameFile(staging_path_, final_path_);
      if (renamed.ok()) break;
      if (!renamed.IsNotFound() || attempt == 3) return renamed;
    }
    committed_ = true;
    return env_->SyncDir(dir);
  }

  void Abort() override {
    if (!committed_) (void)env_->RemoveFile(staging_path_);
  }

  const std::string& key() const override { return key_; }
  uint64_t size() const override { return size_; }
  uint64_t buffered_bytes() const override { return 0; }  // every write reaches the file

 private:
  Env* env_;
  std::string key_;
  std::string staging_path_;
  std::string final_path_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

class LocalStore : public ObjectStore {
 public:
  LocalStore(Env* env, const std::string& lake_root, const std::string& bucket)
      : env_(env),
        root_(lake_root + "/" + bucket),
        staging_root_(lake_root + "/.staging/" + bucket),
        owners_dir_(lake_root + "/.staging/.owners") {}

  ~LocalStore() override {
    if (owner_lock_ != nullptr) (void)env_->RemoveFile(OwnerLockPath(owner_));
  }

  Result<std::unique_ptr<PendingObject>> Create(const std::string& key) override {
    RETURN_IF_ERROR(CheckKey(key));
    RETURN_IF_ERROR(HoldOwnerLock());
    std::string staging = staging_root_ + "/" + key + ".o" + owner_ + kInProgress;
    RETURN_IF_ERROR(MakeStagingDirs(env_, ParentDir(staging)));
    std::unique_ptr<PendingObject> object =
        std::make_unique<LocalPendingObject>(env_, key, staging, root_ + "/" + key);
    return object;
  }

  Status Put(const std::string& key, std::string_view bytes) override {
    RETURN_IF_ERROR(CheckKey(key));
    return WriteFileAtomically(env_, root_ + "/" + key, bytes);
  }

  // An Iceberg commit's files share a directory: synced once for all of them, not per file.
  Status PutMany(const std::vector<std::pair<std::string, std::string_view>>& objects) override {
    std::vector<std::pair<std::string, std::string_view>> files;
    for (const auto& [key, bytes] : objects) {
      RETURN_IF_ERROR(CheckKey(key));
      files.emplace_back(root_ + "/" + key, bytes);
    }
    return WriteFilesAtomically(env_, files);
  }

  Result<std::string> Get(const std::string& key) override {
    RETURN_IF_ERROR(CheckKey(key));
    std::string out;
    RETURN_IF_ERROR(env_->ReadFile(root_ + "/" + key, &out));
    return out;
  }

  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override {
    std::vector<ObjectInfo> out;
    RETURN_IF_ERROR(WalkPrefix(
        env_, root_, prefix, [&](const std::string& key, const std::string&, const FileInfo& info) {
          out.push_back({key, info.size});
          return Status::Ok();
        }));
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status Delete(const std::vector<std::string>& keys) override {
    std::vector<std::string> dirs;
    for (const std::string& key : keys) {
      RETURN_IF_ERROR(CheckKey(key));
      std::string path = root_ + "/" + key;
      Status removed = env_->RemoveFile(path);
      if (!removed.ok() && !removed.IsNotFound()) return removed;
      dirs.push_back(ParentDir(path));
    }
    std::sort(dirs.begin(), dirs.end());
    dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
    // Deepest first: a partition directory, then its parents, as they become empty.
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      // A directory already gone needs no sync; any other failure to look would leave the
      // removals undurable (a crash could bring removed files back), so it is an error.
      Status there = env_->Stat(*it).status();
      if (there.IsNotFound()) continue;
      RETURN_IF_ERROR(there);
      RETURN_IF_ERROR(env_->SyncDir(*it));
      RemoveEmptyParents(*it);
    }
    return Status::Ok();
  }

  Result<size_t> CleanupStaging(const std::string& prefix, const StagingCleanup& rule) override {
    if (!prefix.empty()) RETURN_IF_ERROR(CheckKey(prefix));
    const auto now = rule.clock ? rule.clock() : env_->Now();
    const auto oldest = now - rule.max_age;
    size_t removed = 0;
    std::map<std::string, bool> dead_owners;  // owner -> lock free
    // Another thread may be taking this store's lock meanwhile: files it names are found held.
    const std::string own = OwnerName();
    Status s = WalkPrefix(
        env_, staging_root_, prefix,
        [&](const std::string&, const std::string& path, const FileInfo& info) {
          const std::string owner = OwnerOf(path.substr(path.find_last_of('/') + 1));
          bool dead;
          if (owner.empty()) {
            // Written by a version that took no lock.
            dead = info.modified < oldest;
          } else if (owner == own) {
            dead = false;
          } else {
            auto it = dead_owners.find(owner);
            if (it == dead_owners.end()) {
              it = dead_owners.emplace(owner, LockIsFree(env_, OwnerLockPath(owner))).first;
            }
            dead = it->second;
          }
          if (dead && env_->RemoveFile(path).ok()) ++removed;
          return Status::Ok();
        });
    RETURN_IF_ERROR(s);
    SweepDeadOwners(own);
    return removed;
  }

  std::string Uri(const std::string& key) const override { return "file://" + root_ + "/" + key; }

 private:
  static Status CheckKey(const std::string& key) {
    if (!IsSafeRelativeKey(key)) {
      return Status::InvalidInput("unsafe object key for the local lake: " + key);
    }
    return Status::Ok();
  }

  // Remove `dir` and its parents below the bucket directory while they are empty, as S3 shows
  // no directory without objects. A writer committing into one meanwhile makes it again.
  void RemoveEmptyParents(std::string dir) const {
    while (dir.size() > root_.size() && dir.compare(0, root_.size() + 1, root_ + "/") == 0) {
      if (!env_->RemoveDir(dir).ok()) return;
      dir = ParentDir(dir);
    }
  }

  // Remove the lock files of writers that died without leaving staging files.
  void SweepDeadOwners(const std::string& own) {
    auto entries = env_->ListDir(owners_dir_);
    if (!entries.ok()) return;
    for (const FileInfo& entry : *entries) {
      const std::string& name = entry.name;
      if (name.size() != kOwnerDigits + 5 || (!own.empty() && name.starts_with(own))) continue;
      (void)LockIsFree(env_, owners_dir_ + "/" + name);
    }
  }

  std::string OwnerLockPath(const std::string& owner) const {
    return owners_dir_ + "/" + owner + ".lock";
  }

  // This store's owner name, or "" before its lock is taken.
  std::string OwnerName() {
    std::lock_guard<std::mutex> lock(owner_mu_);
    return owner_;
  }

  // Take this store's owner lock, once: before its first staging file exists.
  Status HoldOwnerLock() {
    std::lock_guard<std::mutex> lock(owner_mu_);
    if (owner_lock_ != nullptr) return Status::Ok();
    RETURN_IF_ERROR(MakeDirs(env_, owners_dir_));
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::string owner = RandomSuffix().substr(0, kOwnerDigits);
      ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                       env_->LockFile(OwnerLockPath(owner), {.create = true, .wait = false}));
      if (lock == nullptr) continue;  // another store's name
      owner_ = std::move(owner);
      owner_lock_ = std::move(lock);
      return Status::Ok();
    }
    return Status::IOError("could not take a writer lock in " + owners_dir_);
  }

  Env* env_;
  std::string root_;
  std::string staging_root_;
  std::string owners_dir_;
  std::mutex owner_mu_;
  std::string owner_;  // 16 hex digits, once the lock is held
  std::unique_ptr<FileLock> owner_lock_;
};

}  // namespace

std::unique_ptr<ObjectStore> NewLocalStore(const std::string& lake_root, const std::string& bucket,
                                           Env* env) {
  return std::make_unique<LocalStore>(env, lake_root, bucket);
}

Status WriteFileAtomically(Env* env, const std::string& path, std::string_view bytes) {
  return WriteFilesAtomically(env, {{path, bytes}});
}

Status WriteFilesAtomically(Env* env,
                            const std::vector<std::pair<std::string, std::string_view>>& files) {
  std::vector<std::string> dirs;  // in order of first use, each once
  std::vector<std::string> tmps;  // written and synced, not yet renamed
  Status s;
  for (const auto& [path, bytes] : files) {
    std::string dir = ParentDir(path);
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) {
      s = MakeDirs(env, dir);
      if (!s.ok()) break;
      dirs.push_back(dir);
    }
    tmps.push_back(dir + "/." + path.substr(dir.size() + 1) + "." + RandomSuffix() + ".tmp");
    s = env->AppendToFile(tmps.back(), bytes);
    if (s.ok()) s = env->SyncFile(tmps.back());
    if (!s.ok()) break;
  }
  size_t renamed = 0;
  for (; s.ok() && renamed < files.size(); ++renamed) {
    s = env->RenameFile(tmps[renamed], files[renamed].first);
    if (!s.ok()) break;
  }
  if (!s.ok()) {
    for (size_t i = renamed; i < tmps.size(); ++i) (void)env->RemoveFile(tmps[i]);
    return s;
  }
  for (const std::string& dir : dirs) RETURN_IF_ERROR(env->SyncDir(dir));
  return Status::Ok();
}

std::string PathSegment(const std::string& name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool escape = c < 0x20 || c == 0x7F || c == '/' || c == '%' || (i == 0 && c == '.');
    if (escape) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (out.empty()) out = "%00";
  return out;
}

}  // namespace datalake::storage
