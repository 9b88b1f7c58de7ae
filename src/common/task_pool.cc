#include "common/task_pool.h"

namespace datalake {

bool Job::Claim() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kQueued) return false;
  state_ = State::kRunning;
  return true;
}

void Job::Execute() {
  work_();
  work_ = nullptr;  // what the work captured is released as soon as it is done
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kDone;
  finished_.notify_all();
}

void Job::Run() {
  if (Claim()) Execute();
}

void Job::RunOrWait() {
  if (Claim()) {
    Execute();
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  finished_.wait(lock, [this] { return state_ == State::kDone; });
}

bool Job::done() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_ == State::kDone;
}

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

std::shared_ptr<Job> TaskPool::Post(std::function<void()> work) {
  auto job = std::make_shared<Job>(std::move(work));
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++pending_;
    queue_.push_back([job] { job->Run(); });
  }
  has_task_.notify_one();
  return job;
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
