// The local lake: objects are files under <lake_root>/<bucket>/, written through a staging
// directory so a file appears under its final name only once complete and durable.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
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

class LocalPendingObject : public PendingObject {
 public:
  LocalPendingObject(std::string key, std::string staging_path, std::string final_path)
      : key_(std::move(key)),
        staging_path_(std::move(staging_path)),
        final_path_(std::move(final_path)) {}

  ~LocalPendingObject() override {
    if (!committed_) Abort();
  }

  Status Write(std::string_view bytes) override {
    if (committed_) return Status::Internal("write after commit of " + key_);
    RETURN_IF_ERROR(AppendToFile(staging_path_, bytes));
    size_ += bytes.size();
    return Status::Ok();
  }

  Status Commit() override {
    if (committed_) return Status::Internal("second commit of " + key_);
    // An empty object still needs its file.
    RETURN_IF_ERROR(AppendToFile(staging_path_, {}));
    RETURN_IF_ERROR(SyncFile(staging_path_));
    std::string dir = ParentDir(final_path_);
    RETURN_IF_ERROR(MakeDirs(dir));
    if (::rename(staging_path_.c_str(), final_path_.c_str()) != 0) {
      return ErrnoStatus("rename into place", final_path_);
    }
    committed_ = true;
    return SyncDir(dir);
  }

  void Abort() override {
    if (!committed_) ::unlink(staging_path_.c_str());
  }

  const std::string& key() const override { return key_; }
  uint64_t size() const override { return size_; }

 private:
  std::string key_;
  std::string staging_path_;
  std::string final_path_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

class LocalStore : public ObjectStore {
 public:
  LocalStore(const std::string& lake_root, const std::string& bucket)
      : root_(lake_root + "/" + bucket), staging_root_(lake_root + "/.staging/" + bucket) {}

  Result<std::unique_ptr<PendingObject>> Create(const std::string& key) override {
    RETURN_IF_ERROR(CheckKey(key));
    std::string staging = staging_root_ + "/" + key + "." + RandomSuffix() + ".inprogress";
    RETURN_IF_ERROR(MakeDirs(ParentDir(staging)));
    std::unique_ptr<PendingObject> object =
        std::make_unique<LocalPendingObject>(key, staging, root_ + "/" + key);
    return object;
  }

  Status Put(const std::string& key, std::string_view bytes) override {
    RETURN_IF_ERROR(CheckKey(key));
    return WriteFileAtomically(root_ + "/" + key, bytes);
  }

  Result<std::string> Get(const std::string& key) override {
    RETURN_IF_ERROR(CheckKey(key));
    std::string out;
    RETURN_IF_ERROR(ReadFile(root_ + "/" + key, &out));
    return out;
  }

  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override {
    std::vector<ObjectInfo> out;
    // List the deepest directory the prefix names, then filter by the full prefix.
    size_t slash = prefix.find_last_of('/');
    std::string dir_key = slash == std::string::npos ? "" : prefix.substr(0, slash);
    std::string dir = dir_key.empty() ? root_ : root_ + "/" + dir_key;
    RETURN_IF_ERROR(Walk(dir, dir_key, prefix, &out));
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status Delete(const std::vector<std::string>& keys) override {
    std::vector<std::string> dirs;
    for (const std::string& key : keys) {
      RETURN_IF_ERROR(CheckKey(key));
      std::string path = root_ + "/" + key;
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("delete", path);
      dirs.push_back(ParentDir(path));
    }
    std::sort(dirs.begin(), dirs.end());
    dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
    for (const std::string& dir : dirs) {
      struct stat st;
      if (::stat(dir.c_str(), &st) != 0) continue;
      RETURN_IF_ERROR(SyncDir(dir));
    }
    return Status::Ok();
  }

  Status CleanupStaging(const std::string& prefix) override {
    if (!prefix.empty()) RETURN_IF_ERROR(CheckKey(prefix));
    return RemoveTree(staging_root_ + "/" + prefix);
  }

  std::string Uri(const std::string& key) const override { return "file://" + root_ + "/" + key; }

 private:
  static Status CheckKey(const std::string& key) {
    if (!IsSafeRelativeKey(key)) {
      return Status::InvalidInput("unsafe object key for the local lake: " + key);
    }
    return Status::Ok();
  }

  Status Walk(const std::string& dir, const std::string& dir_key, const std::string& prefix,
              std::vector<ObjectInfo>* out) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
      return ErrnoStatus("list", dir);
    }
    Status status;
    while (struct dirent* entry = ::readdir(d)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      std::string key = dir_key.empty() ? name : dir_key + "/" + name;
      // Skip entries that cannot lead to a key with this prefix.
      size_t common = std::min(key.size(), prefix.size());
      if (key.compare(0, common, prefix, 0, common) != 0) continue;
      std::string path = dir + "/" + name;
      struct stat st;
      if (::stat(path.c_str(), &st) != 0) continue;  // deleted meanwhile
      if (S_ISDIR(st.st_mode)) {
        status = Walk(path, key, prefix, out);
        if (!status.ok()) break;
      } else if (S_ISREG(st.st_mode) && key.size() >= prefix.size()) {
        out->push_back({key, static_cast<uint64_t>(st.st_size)});
      }
    }
    ::closedir(d);
    return status;
  }

  std::string root_;
  std::string staging_root_;
};

}  // namespace

std::unique_ptr<ObjectStore> NewLocalStore(const std::string& lake_root,
                                           const std::string& bucket) {
  return std::make_unique<LocalStore>(lake_root, bucket);
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  std::string dir = ParentDir(path);
  RETURN_IF_ERROR(MakeDirs(dir));
  std::string tmp = dir + "/." + path.substr(dir.size() + 1) + "." + RandomSuffix() + ".tmp";
  Status s = AppendToFile(tmp, bytes);
  if (s.ok()) s = SyncFile(tmp);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = ErrnoStatus("rename", path);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDir(dir);
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
