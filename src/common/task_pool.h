// TaskPool: a small fixed pool of threads that run tasks (multipart part uploads, encoding of row
// batches), with a bound on tasks queued or running so that a fast producer blocks instead of
// buffering without limit (back-pressure: when uploads or encoders fall behind, the pipeline
// stops reading stdin).
//
// Thread-safe. Tasks must not throw.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace datalake {

// A piece of work that whoever needs it first runs: a pool thread, or the caller that waits for
// it, if no thread has started it yet. So a task running on the pool can wait for a job it
// posted to the same pool without ever deadlocking it, even with one thread.
class Job {
 public:
  explicit Job(std::function<void()> work) : work_(std::move(work)) {}
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  // Run the work unless someone has already started it.
  void Run();
  // Run the work if nobody has started it, else wait until it is done.
  void RunOrWait();
  bool done();

 private:
  enum class State { kQueued, kRunning, kDone };
  bool Claim();
  void Execute();

  std::function<void()> work_;
  std::mutex mu_;
  std::condition_variable finished_;
  State state_ = State::kQueued;
};

class TaskPool {
 public:
  // Start `threads` workers; at most `max_pending` tasks are queued or running at once.
  TaskPool(size_t threads, size_t max_pending);
  ~TaskPool();  // runs every queued task, then joins
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Queue `task`, blocking while max_pending tasks are queued or running.
  void Submit(std::function<void()> task);
  // Queue a job without waiting for room (the caller bounds how many it has outstanding, and
  // runs a job itself with RunOrWait when it needs the result).
  std::shared_ptr<Job> Post(std::function<void()> work);

  size_t threads() const { return threads_.size(); }

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable has_task_;
  std::condition_variable has_room_;
  std::deque<std::function<void()>> queue_;
  size_t pending_ = 0;  // queued + running
  size_t max_pending_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace datalake
