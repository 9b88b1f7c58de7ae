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
#include <mutex>
#include <thread>
#include <vector>

namespace datalake {

class TaskPool {
 public:
  // Start `threads` workers; at most `max_pending` tasks are queued or running at once.
  TaskPool(size_t threads, size_t max_pending);
  ~TaskPool();  // runs every queued task, then joins
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Queue `task`, blocking while max_pending tasks are queued or running.
  void Submit(std::function<void()> task);

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
