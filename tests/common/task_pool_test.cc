#include "common/task_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

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

TEST(TaskPoolTest, ATaskWaitingForAJobItPostedDoesNotDeadlockAOneThreadPool) {
  TaskPool pool(1, 1);
  std::atomic<int> result{0};
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  pool.Submit([&] {
    // The pool's only thread runs this task, so nothing else can start the job: the wait runs
    // it here.
    std::shared_ptr<Job> job = pool.Post([&] { result = 42; });
    job->RunOrWait();
    EXPECT_TRUE(job->done());
    std::lock_guard<std::mutex> lock(mu);
    finished = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return finished; });
  EXPECT_EQ(result.load(), 42);
}

TEST(TaskPoolTest, AJobRunsExactlyOnceWhoeverGetsToItFirst) {
  TaskPool pool(2, 2);
  constexpr int kJobs = 2000;
  std::vector<std::atomic<int>> runs(kJobs);
  std::vector<std::shared_ptr<Job>> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back(pool.Post([&runs, i] { ++runs[i]; }));
  // Race the pool's threads for every other job; each must run once, none be lost.
  for (int i = 0; i < kJobs; i += 2) jobs[i]->RunOrWait();
  for (int i = 0; i < kJobs; ++i) jobs[i]->RunOrWait();
  for (int i = 0; i < kJobs; ++i) EXPECT_EQ(runs[i].load(), 1) << i;
}

}  // namespace
}  // namespace datalake
