// FaultInjectionEnv: an in-memory Env for tests that knows what a crash would keep (model:
// LevelDB's FaultInjectionTestEnv).
//
// Durability follows POSIX strictly: a file's bytes survive a crash up to its last SyncFile; a
// directory entry (a created, renamed or removed file or directory) survives only once its
// directory has been synced with SyncDir. Crash() replaces the live state by what would survive
// and releases every lock, as if the process died and the machine restarted.
//
// Faults: FailOperation(n) makes the n-th operation (reads included) fail with a given status and
// no effect; FailPath(part) every operation on a path containing `part`; CrashAfterMutation(k)
// kills the "process" right after its k-th state-changing operation: from then on every
// operation fails with kIOError and changes nothing, as if the process were gone.
//
// Clocks are fake: they start at fixed times and move only by AdvanceClock (or by
// set_auto_advance on every monotonic read).
//
// Thread-safe (one mutex).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/env.h"

namespace datalake::storage::testing {

class FaultInjectionEnv : public Env {
 public:
  FaultInjectionEnv() {
    live_["/"] = Node{true, nullptr, now_};
    durable_ = live_;
  }

  // --- faults ---------------------------------------------------------------------------------

  // Make the n-th operation from now (1-based, reads included) fail with `error`.
  void FailOperation(int n, Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_at_ = operations_ + n;
    fail_status_ = std::move(error);
  }
  // Make every later operation on a path containing `part` fail with `error`.
  void FailPath(std::string part, Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_paths_.emplace_back(std::move(part), std::move(error));
  }
  // Kill the process right after its k-th state-changing operation from now (1-based).
  void CrashAfterMutation(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    crash_after_ = mutations_ + k;
  }
  // True once a CrashAfterMutation point was reached.
  bool dead() const {
    std::lock_guard<std::mutex> lock(mu_);
    return dead_;
  }
  // Operations and state-changing operations so far.
  int operations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return operations_;
  }
  int mutations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mutations_;
  }
  // "<op> <path>" of the operation FailOperation made fail, or "" before it came.
  std::string failed_operation() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_operation_;
  }
  // "<op> <path>" of every state-changing operation so far.
  std::vector<std::string> mutation_log() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mutation_log_;
  }

  // Drop everything a crash would lose, release every lock and clear every fault: the state a
  // restarted process finds. Counters keep counting.
  void Crash() {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<std::string, Node> survivors;
    for (const auto& [path, node] : durable_) {
      if (!Reachable(path)) continue;
      Node copy = node;
      if (!node.is_dir)
        copy.inode = std::make_shared<Inode>(Inode{node.inode->synced, node.inode->synced});
      survivors[path] = copy;
    }
    live_ = survivors;
    durable_ = survivors;
    locked_.clear();
    dead_ = false;
    crash_after_ = -1;
    fail_at_ = -1;
    fail_paths_.clear();
  }

  // --- inspection -----------------------------------------------------------------------------

  // The live content of a file, or nullopt.
  std::optional<std::string> Contents(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find(path);
    if (it == live_.end() || it->second.is_dir) return std::nullopt;
    return it->second.inode->data;
  }
  // Every live file path, in order.
  std::vector<std::string> Files() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& [path, node] : live_) {
      if (!node.is_dir) out.push_back(path);
    }
    return out;
  }

  // --- clock ----------------------------------------------------------------------------------

  void AdvanceClock(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += by;
    monotonic_ += by;
  }
  // Move both clocks by `by` at every NowMonotonic call.
  void set_auto_advance(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mu_);
    auto_advance_ = by;
  }
  std::chrono::system_clock::time_point Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  std::chrono::steady_clock::time_point NowMonotonic() override {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += auto_advance_;
    monotonic_ += auto_advance_;
    return monotonic_;
  }

  // --- Env ------------------------------------------------------------------------------------

  Status AppendToFile(const std::string& path, std::string_view bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("append", path, true));
    AfterOp after(this);
    auto it = live_.find(path);
    if (it == live_.end()) {
      RETURN_IF_ERROR(ParentIsDir(path));
      it = live_.emplace(path, Node{false, std::make_shared<Inode>(), now_}).first;
    } else if (it->second.is_dir) {
      return Status::IOError("append " + path + ": is a directory");
    }
    it->second.inode->data.append(bytes);
    it->second.modified = now_;
    return Status::Ok();
  }

  Status SyncFile(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("sync", path, true));
    AfterOp after(this);
    ASSIGN_OR_RETURN(Node * node, File(path));
    node->inode->synced = node->inode->data;
    return Status::Ok();
  }

  Status ReadFile(const std::string& path, std::string* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("read", path, false));
    ASSIGN_OR_RETURN(Node * node, File(path));
    *out = node->inode->data;
    return Status::Ok();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("rename", from + " -> " + to, true));
    AfterOp after(this);
    ASSIGN_OR_RETURN(Node * node, File(from));
    RETURN_IF_ERROR(ParentIsDir(to));
    auto target = live_.find(to);
    if (target != live_.end() && target->second.is_dir) {
      return Status::IOError("rename " + to + ": is a directory");
    }
    Node moved = *node;
    live_.erase(from);
    live_[to] = moved;
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("remove", path, true));
    AfterOp after(this);
    RETURN_IF_ERROR(File(path).status());
    live_.erase(path);
    return Status::Ok();
  }

  Status CreateDir(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("mkdir", dir, true));
    AfterOp after(this);
    auto it = live_.find(dir);
    if (it != live_.end()) {
      if (it->second.is_dir) return Status::Ok();
      return Status::IOError("create " + dir + ": a file has that name");
    }
    RETURN_IF_ERROR(ParentIsDir(dir));
    live_[dir] = Node{true, nullptr, now_};
    return Status::Ok();
  }

  Status RemoveDir(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("rmdir", dir, true));
    AfterOp after(this);
    auto it = live_.find(dir);
    if (it == live_.end() || !it->second.is_dir) return Status::NotFound("rmdir " + dir);
    if (!Children(live_, dir).empty()) return Status::IOError("rmdir " + dir + ": not empty");
    live_.erase(it);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("syncdir", dir, true));
    AfterOp after(this);
    auto it = live_.find(dir);
    if (it == live_.end() || !it->second.is_dir) return Status::NotFound("open directory " + dir);
    // The directory's entries become durable as they are now, whatever they were.
    for (const std::string& gone : Children(durable_, dir)) {
      auto l = live_.find(gone);
      if (l == live_.end() || l->second.is_dir != durable_[gone].is_dir) EraseDurable(gone);
    }
    for (const std::string& child : Children(live_, dir)) durable_[child] = live_[child];
    return Status::Ok();
  }

  Result<std::vector<FileInfo>> ListDir(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("list", dir, false));
    auto it = live_.find(dir);
    if (it == live_.end() || !it->second.is_dir) return Status::NotFound("list " + dir);
    std::vector<FileInfo> out;
    for (const std::string& child : Children(live_, dir)) {
      FileInfo info = InfoOf(child);
      info.name = child.substr(child.find_last_of('/') + 1);
      out.push_back(std::move(info));
    }
    return out;
  }

  Result<FileInfo> Stat(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("stat", path, false));
    if (live_.count(path) == 0) return Status::NotFound("stat " + path);
    return InfoOf(path);
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                             LockOptions options) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Begin("lock", path, options.create));
    AfterOp after(this);
    auto it = live_.find(path);
    if (it == live_.end()) {
      if (!options.create) return Status::NotFound("lock " + path);
      RETURN_IF_ERROR(ParentIsDir(path));
      it = live_.emplace(path, Node{false, std::make_shared<Inode>(), now_}).first;
    }
    std::shared_ptr<Inode> inode = it->second.inode;
    if (locked_.count(inode.get()) != 0) {
      // One thread per test: waiting would wait forever.
      if (options.wait) return Status::IOError("lock " + path + ": held (would wait forever)");
      return std::unique_ptr<FileLock>();
    }
    locked_.insert(inode.get());
    return std::unique_ptr<FileLock>(std::make_unique<Lock>(this, std::move(inode)));
  }

 private:
  struct Inode {
    std::string data;
    std::string synced;  // what a crash keeps
  };
  struct Node {
    bool is_dir = false;
    std::shared_ptr<Inode> inode;  // files only
    std::chrono::system_clock::time_point modified;
  };
  class Lock : public FileLock {
   public:
    Lock(FaultInjectionEnv* env, std::shared_ptr<Inode> inode)
        : env_(env), inode_(std::move(inode)) {}
    ~Lock() override {
      std::lock_guard<std::mutex> lock(env_->mu_);
      env_->locked_.erase(inode_.get());
    }

   private:
    FaultInjectionEnv* env_;
    std::shared_ptr<Inode> inode_;
  };

  static std::string ParentOf(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
  }

  // Direct children of `dir` in `tree`.
  static std::vector<std::string> Children(const std::map<std::string, Node>& tree,
                                           const std::string& dir) {
    const std::string start = dir == "/" ? "/" : dir + "/";
    std::vector<std::string> out;
    for (auto it = tree.lower_bound(start); it != tree.end() && it->first.starts_with(start);
         ++it) {
      if (it->first.size() > start.size() &&
          it->first.find('/', start.size()) == std::string::npos) {
        out.push_back(it->first);
      }
    }
    return out;
  }

  // Count an operation; fail it if a fault says so.
  Status Begin(const char* op, const std::string& path, bool mutates) {
    if (dead_) return Status::IOError(std::string(op) + " " + path + ": the process crashed");
    ++operations_;
    if (mutates) {
      ++mutations_;
      mutation_log_.push_back(std::string(op) + " " + path);
    }
    if (operations_ == fail_at_) {
      failed_operation_ = std::string(op) + " " + path;
      return fail_status_;
    }
    for (const auto& [part, error] : fail_paths_) {
      if (path.find(part) != std::string::npos) return error;
    }
    return Status::Ok();
  }
  // Ends every state-changing operation, however it returns: the process may die now.
  struct AfterOp {
    explicit AfterOp(FaultInjectionEnv* env) : env(env) {}
    ~AfterOp() {
      if (env->mutations_ == env->crash_after_) env->dead_ = true;
    }
    FaultInjectionEnv* env;
  };

  Status ParentIsDir(const std::string& path) const {
    auto it = live_.find(ParentOf(path));
    if (it == live_.end() || !it->second.is_dir) return Status::NotFound(path + ": no directory");
    return Status::Ok();
  }
  Result<Node*> File(const std::string& path) {
    auto it = live_.find(path);
    if (it == live_.end()) return Status::NotFound(path);
    if (it->second.is_dir) return Status::IOError(path + ": is a directory");
    return &it->second;
  }
  FileInfo InfoOf(const std::string& path) const {
    const Node& node = live_.at(path);
    FileInfo info;
    info.name = path;
    info.is_dir = node.is_dir;
    info.size = node.is_dir ? 0 : node.inode->data.size();
    info.modified = node.modified;
    return info;
  }
  // Remove a durable entry and, for a directory, everything durable below it.
  void EraseDurable(const std::string& path) {
    durable_.erase(path);
    const std::string below = path + "/";
    for (auto it = durable_.lower_bound(below);
         it != durable_.end() && it->first.starts_with(below);) {
      it = durable_.erase(it);
    }
  }
  // True if every ancestor of a durable path is a durable directory.
  bool Reachable(const std::string& path) const {
    for (std::string p = path; p != "/";) {
      p = ParentOf(p);
      auto it = durable_.find(p);
      if (it == durable_.end() || !it->second.is_dir) return false;
    }
    return true;
  }

  mutable std::mutex mu_;
  std::map<std::string, Node> live_;
  std::map<std::string, Node> durable_;
  std::set<const Inode*> locked_;
  std::chrono::system_clock::time_point now_ =
      std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01T00:00:00Z
  std::chrono::steady_clock::time_point monotonic_ =
      std::chrono::steady_clock::time_point(std::chrono::hours(1000));
  std::chrono::milliseconds auto_advance_{0};
  int operations_ = 0;
  int mutations_ = 0;
  std::vector<std::string> mutation_log_;
  int fail_at_ = -1;
  std::string failed_operation_;
  Status fail_status_;
  std::vector<std::pair<std::string, Status>> fail_paths_;
  int crash_after_ = -1;
  bool dead_ = false;
};

}  // namespace datalake::storage::testing
