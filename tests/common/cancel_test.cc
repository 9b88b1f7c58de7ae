// The cancellation facility: the flag, the self-pipe that wakes waiters on any thread, the
// cancellable sleep, and the signal handlers `write` installs.
#include "common/cancel.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

namespace datalake {
namespace {

using namespace std::chrono_literals;

// True if CancelFd() is readable within `timeout_ms`.
bool CancelFdReadable(int timeout_ms) {
  pollfd p{.fd = CancelFd(), .events = POLLIN, .revents = 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

class CancelTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetCancelForTesting(); }
  void TearDown() override {
    // Leave the process as it was: default signal actions, nothing requested.
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    ResetCancelForTesting();
  }
};

TEST_F(CancelTest, ARequestSetsTheFlagAndMakesThePipeReadableUntilReset) {
  ASSERT_GE(CancelFd(), 0);
  EXPECT_FALSE(CancelRequested());
  EXPECT_FALSE(CancelFdReadable(0));
  RequestCancel();
  EXPECT_TRUE(CancelRequested());
  EXPECT_EQ(CancelSignal(), 0);
  // Level-triggered: every waiter sees it, however many look.
  EXPECT_TRUE(CancelFdReadable(0));
  EXPECT_TRUE(CancelFdReadable(0));
  ResetCancelForTesting();
  EXPECT_FALSE(CancelRequested());
  EXPECT_FALSE(CancelFdReadable(0));
}

TEST_F(CancelTest, TheFirstSignalIsTheOneNamed) {
  RequestCancel(SIGINT);
  RequestCancel(SIGTERM);
  EXPECT_EQ(CancelSignal(), SIGINT);
}

TEST_F(CancelTest, SleepRunsItsCourseWithoutCancellation) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(SleepUnlessCancelled(20ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

TEST_F(CancelTest, SleepReturnsAtOnceWhenAlreadyCancelled) {
  RequestCancel();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(SleepUnlessCancelled(60s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(CancelTest, ARequestWakesASleeperOnAnotherThread) {
  std::promise<void> about_to_sleep;
  auto sleeper = std::async(std::launch::async, [&] {
    about_to_sleep.set_value();
    const auto start = std::chrono::steady_clock::now();
    const bool slept = SleepUnlessCancelled(60s);
    return std::make_pair(slept, std::chrono::steady_clock::now() - start);
  });
  about_to_sleep.get_future().wait();
  RequestCancel();
  // Bounded: a sleeper that is not woken fails the test instead of hanging it for a minute.
  ASSERT_EQ(sleeper.wait_for(10s), std::future_status::ready);
  auto [slept, took] = sleeper.get();
  EXPECT_FALSE(slept);
  EXPECT_LT(took, 10s);
}

TEST_F(CancelTest, SigtermRequestsCancellationAndASecondSignalWouldKill) {
  ASSERT_TRUE(InstallCancelHandlers().ok());
  ASSERT_EQ(::raise(SIGTERM), 0);  // handled synchronously on this thread
  EXPECT_TRUE(CancelRequested());
  EXPECT_EQ(CancelSignal(), SIGTERM);
  EXPECT_TRUE(CancelFdReadable(0));
  for (int signal : {SIGTERM, SIGINT}) {
    struct sigaction now {};
    ASSERT_EQ(::sigaction(signal, nullptr, &now), 0);
    EXPECT_EQ(now.sa_handler, SIG_DFL) << signal;
  }
}

TEST_F(CancelTest, ASignalToOneThreadWakesAWaiterOnAnother) {
  ASSERT_TRUE(InstallCancelHandlers().ok());
  auto waiter = std::async(std::launch::async, [] { return CancelFdReadable(10'000); });
  // The handler runs on this thread; the waiter learns of it only through the pipe.
  ASSERT_EQ(::pthread_kill(::pthread_self(), SIGINT), 0);
  EXPECT_TRUE(CancelRequested());
  EXPECT_EQ(CancelSignal(), SIGINT);
  ASSERT_EQ(waiter.wait_for(15s), std::future_status::ready);
  EXPECT_TRUE(waiter.get());
}

}  // namespace
}  // namespace datalake
