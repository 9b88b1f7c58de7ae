#include "common/task_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace datalake {
namespace {

TEST(TaskPoolTest, RunsEveryTaskBeforeDestruction) {
  std::atomic<int> done{0};
  {
    TaskPool pool(3, 4);
    for (int i = 0; i < 100; ++i) pool.Submit([&] { done.fetch_add(1); });
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(TaskPoolTest, SubmitBlocksWhileMaxPendingTasksAreUnfinished) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> started{0};
  TaskPool pool(2, 2);
  auto blocker = [&] {
    started.fetch_add(1);
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  };
  pool.Submit(blocker);
  pool.Submit(blocker);
  std::atomic<bool> third_submitted{false};
  std::thread producer([&] {
    pool.Submit([] {});
    third_submitted = true;
  });
  // The producer cannot get past Submit until a blocker finishes; wait until both blockers run,
  // then check that it is still blocked.
  while (started.load() < 2) std::this_thread::yield();
  EXPECT_FALSE(third_submitted.load());
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  producer.join();
  EXPECT_TRUE(third_submitted.load());
}

}  // namespace
}  // namespace datalake
