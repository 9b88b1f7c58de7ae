#include "storage/upload_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "storage/storage.h"

namespace datalake::storage {
namespace {

TEST(UploadPoolTest, RunsEveryTaskBeforeDestruction) {
  std::atomic<int> done{0};
  {
    UploadPool pool(3, 4);
    for (int i = 0; i < 100; ++i) pool.Submit([&] { done.fetch_add(1); });
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(UploadPoolTest, SubmitBlocksWhileMaxPendingTasksAreUnfinished) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> started{0};
  UploadPool pool(2, 2);
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

TEST(PartSizeTest, TenThousandPartsCoverFiveTebibytes) {
  const size_t min = 8 << 20;
  EXPECT_EQ(PartSize(min, 1), min);
  EXPECT_EQ(PartSize(min, 1000), min);
  EXPECT_EQ(PartSize(min, 1001), 2 * min);
  uint64_t total = 0;
  for (int n = 1; n <= 10'000; ++n) {
    ASSERT_LE(PartSize(min, n), 5ull << 30) << n;  // S3's maximum part size
    total += PartSize(min, n);
  }
  EXPECT_GE(total, 5ull << 40);  // S3's maximum object size
}

}  // namespace
}  // namespace datalake::storage
