#include "common/task_pool.h"

namespace datalake {

TaskPool::TaskPool(size_t threads, size_t max_pending)
    : max_pending_(max_pending < 1 ? 1 : max_pending) {
  if (threads < 1) threads = 1;
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  has_task_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void TaskPool::Submit(std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mu_);
  has_room_.wait(lock, [this] { return pending_ < max_pending_; });
  ++pending_;
  queue_.push_back(std::move(task));
  lock.unlock();
  has_task_.notify_one();
}

void TaskPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      has_task_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --pending_;
    }
    has_room_.notify_one();
  }
}

}  // namespace datalake
