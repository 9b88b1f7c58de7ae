// MessageReader and cancellation: a reader blocked on a silent input wakes up when the sync is
// cancelled, whichever thread the signal reaches, and reads nothing more after it.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <string>

#include "common/cancel.h"
#include "common/thread_state.h"
#include "protocol/test_util.h"

namespace datalake::protocol {
namespace {

using namespace std::chrono_literals;
using testing::InputFd;
using thread_testing::WaitUntilBlocked;

constexpr char kLine[] = R"({"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{}}})"
                         "\n";

class ReaderCancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ResetCancelForTesting();
    ASSERT_EQ(::pipe(fds_), 0);
  }
  void TearDown() override {
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    ResetCancelForTesting();
    for (int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }

  // Read one line from the pipe, then block on it (the writer stays open and silent) until
  // Next returns; `started` receives the reader thread's id once the first line is read.
  std::future<Status> StartBlockedReader(std::promise<pid_t>* started) {
    EXPECT_TRUE(InputFd::WriteAll(fds_[1], kLine));
    return std::async(std::launch::async, [this, started] {
      MessageReader reader(fds_[0]);
      Message m;
      Result<bool> first = reader.Next(&m);
      const bool read_first = first.ok() && *first;
      started->set_value(read_first ? ::gettid() : 0);  // 0: no such thread, the wait fails
      if (!read_first) return Status::Internal("the first line was not read");
      Result<bool> second = reader.Next(&m);
      return second.ok() ? Status::Internal("Next returned without cancellation") : second.status();
    });
  }

  // Return what the reader's Next returned, waiting at most 10 s. A reader that is still blocked
  // is released (end of input) so that the test fails instead of hanging.
  Status Await(std::future<Status>* reader) {
    if (reader->wait_for(10s) == std::future_status::ready) return reader->get();
    ::close(fds_[1]);
    fds_[1] = -1;
    reader->wait();
    return Status::Internal("the reader did not wake up");
  }

  int fds_[2] = {-1, -1};
};

TEST_F(ReaderCancelTest, ABlockedReaderWakesWhenCancelled) {
  std::promise<pid_t> started;
  std::future<Status> reader = StartBlockedReader(&started);
  EXPECT_TRUE(WaitUntilBlocked(started.get_future().get()));  // else a weaker test, not a hang
  RequestCancel();
  Status s = Await(&reader);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_NE(s.message().find("cancelled"), std::string::npos) << s.message();
}

TEST_F(ReaderCancelTest, ASignalDeliveredToAnotherThreadWakesTheReader) {
  ASSERT_TRUE(InstallCancelHandlers().ok());
  std::promise<pid_t> started;
  std::future<Status> reader = StartBlockedReader(&started);
  EXPECT_TRUE(WaitUntilBlocked(started.get_future().get()));  // else a weaker test, not a hang
  // The handler runs here, not on the reader's thread: its read is not interrupted (EINTR),
  // only the cancellation pipe can wake it.
  ASSERT_EQ(::pthread_kill(::pthread_self(), SIGTERM), 0);
  Status s = Await(&reader);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
}

TEST_F(ReaderCancelTest, NothingIsReadAfterCancellationEvenWhenInputIsWaiting) {
  ASSERT_TRUE(InputFd::WriteAll(fds_[1], kLine));
  RequestCancel();
  MessageReader reader(fds_[0]);
  Message m;
  Result<bool> next = reader.Next(&m);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(reader.bytes_read(), 0u);
}

}  // namespace
}  // namespace datalake::protocol
