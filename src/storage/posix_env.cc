// The POSIX Env: each operation is the system call it names; only files being appended to stay
// open between appends (AppendFiles).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "storage/env.h"
#include "storage/file_util.h"

namespace datalake::storage {
namespace {

Status NotFoundOr(std::string_view what, const std::string& path) {
  if (errno == ENOENT) return Status::NotFound(std::string(what) + " " + path + ": not found");
  return ErrnoStatus(what, path);
}

class PosixFileLock : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }

 private:
  int fd_;
};

// The files last appended to, kept open: a data file gets one append per Parquet column chunk,
// and an open and a close around each cost more than the write itself (200 interleaved streams
// made 3,700 opens of their files). Few are kept, so that thousands of streams never run out of
// descriptors; a renamed or removed path is dropped first, so a kept descriptor always belongs
// to the file its path names. Write errors still surface: every appended file is fsynced
// (SyncFile) before anything relies on it.
class AppendFiles {
 public:
  // An open descriptor, closed when the last user lets go of it.
  class File {
   public:
    explicit File(int fd) : fd_(fd) {}
    ~File() { ::close(fd_); }
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    int fd() const { return fd_; }

   private:
    const int fd_;
  };

  // The open file at `path`, most recently used first; nullptr if it is not kept.
  std::shared_ptr<File> Find(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it =
        std::find_if(kept_.begin(), kept_.end(), [&](const auto& e) { return e.first == path; });
    if (it == kept_.end()) return nullptr;
    std::rotate(kept_.begin(), it, it + 1);
    return kept_.front().second;
  }

  // Keep `file` as the open file at `path`, dropping the least recently used beyond the limit.
  void Keep(const std::string& path, std::shared_ptr<File> file) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it =
        std::find_if(kept_.begin(), kept_.end(), [&](const auto& e) { return e.first == path; });
    if (it != kept_.end()) kept_.erase(it);  // another thread opened it meanwhile
    kept_.insert(kept_.begin(), {path, std::move(file)});
    if (kept_.size() > kMaxKept) kept_.pop_back();
  }

  void Forget(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(kept_, [&](const auto& e) { return e.first == path; });
  }

 private:
  static constexpr size_t kMaxKept = 16;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::shared_ptr<File>>> kept_;
};

class PosixEnv : public Env {
 public:
  Status AppendToFile(const std::string& path, std::string_view bytes) override {
    std::shared_ptr<AppendFiles::File> file = append_files_.Find(path);
    if (file == nullptr) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) return NotFoundOr("open", path);
      file = std::make_shared<AppendFiles::File>(fd);
      append_files_.Keep(path, file);
    }
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(file->fd(), p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        append_files_.Forget(path);
        return ErrnoStatus("write", path);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status SyncFile(const std::string& path) override {
    std::shared_ptr<AppendFiles::File> file = append_files_.Find(path);
    if (file == nullptr) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) return NotFoundOr("open", path);
      file = std::make_shared<AppendFiles::File>(fd);
    }
    if (::fsync(file->fd()) != 0) return ErrnoStatus("fsync", path);
    return Status::Ok();
  }

  Status ReadFile(const std::string& path, std::string* out) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(path);
      return ErrnoStatus("open", path);
    }
    out->clear();
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        Status s = ErrnoStatus("read", path);
        ::close(fd);
        return s;
      }
      if (n == 0) break;
      out->append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return Status::Ok();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    append_files_.Forget(from);
    append_files_.Forget(to);
    if (::rename(from.c_str(), to.c_str()) != 0) return NotFoundOr("rename into place", to);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    append_files_.Forget(path);
    if (::unlink(path.c_str()) != 0) return NotFoundOr("delete", path);
    return Status::Ok();
  }

  Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return NotFoundOr("create", dir);
    return Status::Ok();
  }

  Status RemoveDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) != 0) return NotFoundOr("remove directory", dir);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return NotFoundOr("open directory", dir);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return ErrnoStatus("fsync directory", dir);
    return Status::Ok();
  }

  Result<std::vector<FileInfo>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("list " + dir);
      return ErrnoStatus("list", dir);
    }
    std::vector<FileInfo> out;
    while (struct dirent* entry = ::readdir(d)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      if (::fstatat(::dirfd(d), entry->d_name, &st, 0) != 0) continue;  // deleted meanwhile
      if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue;
      out.push_back(Info(std::move(name), st));
    }
    ::closedir(d);
    return out;
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return NotFoundOr("stat", path);
    return Info(path, st);
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                             LockOptions options) override {
    const int flags = O_RDWR | O_CLOEXEC | (options.create ? O_CREAT : 0);
    while (true) {
      int fd = ::open(path.c_str(), flags, 0644);
      if (fd < 0) return NotFoundOr("lock", path);
      if (::flock(fd, LOCK_EX | (options.wait ? 0 : LOCK_NB)) != 0) {
        const bool held = errno == EWOULDBLOCK;
        Status s = ErrnoStatus("lock", path);
        ::close(fd);
        if (held && !options.wait) return std::unique_ptr<FileLock>();
        return s;
      }
      // A cleaner may have found the file unlocked and removed it before our flock: the lock
      // only counts if the path still names the locked file.
      struct stat by_fd, by_path;
      if (::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_path) == 0 &&
          by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev) {
        return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
      }
      ::close(fd);
      if (!options.create) return Status::NotFound("lock " + path + ": removed");
    }
  }

  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point NowMonotonic() override {
    return std::chrono::steady_clock::now();
  }

 private:
  AppendFiles append_files_;

  static FileInfo Info(std::string name, const struct stat& st) {
    FileInfo info;
    info.name = std::move(name);
    info.is_dir = S_ISDIR(st.st_mode);
    info.size = static_cast<uint64_t>(st.st_size);
    info.modified = std::chrono::system_clock::from_time_t(st.st_mtime);
    return info;
  }
};

}  // namespace

Env* Env::Default() {
  static Env* env = new PosixEnv();
  return env;
}

}  // namespace datalake::storage
