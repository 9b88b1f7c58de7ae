#include "common/cancel.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>

namespace datalake {
namespace {

// Lock-free atomics are what a signal handler may touch (plain loads and stores of them are
// async-signal-safe); the static_asserts hold on every platform we build for.
static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);

std::atomic<bool> g_cancelled{false};
std::atomic<int> g_signal{0};
std::atomic<int> g_write_fd{-1};
int g_read_fd = -1;  // set once, under the once-flag below
std::once_flag g_pipe_once;

void Wake() {
  const int fd = g_write_fd.load();
  if (fd < 0) return;
  const char byte = 1;
  // Non-blocking: when the pipe is full it is readable already, which is all that counts.
  const ssize_t n = ::write(fd, &byte, 1);
  (void)n;
}

void MakePipe() {
  std::call_once(g_pipe_once, [] {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
    g_read_fd = fds[0];
    g_write_fd.store(fds[1]);
    // A request made before the pipe existed wrote no byte. Both sides use sequentially
    // consistent atomics (store the fd, then load the flag here; store the flag, then load the
    // fd in RequestCancel), so at least one of them sees the other's store and writes the byte.
    if (g_cancelled.load()) Wake();
  });
}

void OnSignal(int signal) {
  const int saved_errno = errno;
  // A second signal, of either kind, should end the process at once.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(SIGTERM, &default_action, nullptr);
  ::sigaction(SIGINT, &default_action, nullptr);
  RequestCancel(signal);
  errno = saved_errno;
}

}  // namespace

Status InstallCancelHandlers() {
  MakePipe();
  if (g_write_fd.load() < 0) {
    return Status::IOError(std::string("create the cancellation pipe: ") + std::strerror(errno));
  }
  struct sigaction action {};
  action.sa_handler = &OnSignal;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGTERM);
  sigaddset(&action.sa_mask, SIGINT);
  // SA_RESTART: the file system calls of the sync resume unharmed; waits that must notice the
  // signal poll the pipe (poll(2) is never restarted anyway).
  action.sa_flags = SA_RESTART;
  for (int signal : {SIGTERM, SIGINT}) {
    if (::sigaction(signal, &action, nullptr) != 0) {
      return Status::IOError("install the handler of signal " + std::to_string(signal) + ": " +
                             std::strerror(errno));
    }
  }
  return Status::Ok();
}

bool CancelRequested() { return g_cancelled.load(std::memory_order_relaxed); }

int CancelSignal() { return g_signal.load(); }

void RequestCancel(int signal) {
  int none = 0;
  if (signal != 0) g_signal.compare_exchange_strong(none, signal);  // the first signal is named
  g_cancelled.store(true);
  Wake();
}

int CancelFd() {
  MakePipe();
  return g_read_fd;
}

bool SleepUnlessCancelled(std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  const int fd = CancelFd();
  while (!CancelRequested()) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    // Interrupted (EINTR) or woken: the loop looks at the flag and the clock again.
    (void)::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 60'000)));
  }
  return false;
}

void ResetCancelForTesting() {
  MakePipe();
  g_cancelled.store(false);
  g_signal.store(0);
  char buffer[64];
  while (g_read_fd >= 0 && ::read(g_read_fd, buffer, sizeof(buffer)) > 0) {
  }
}

}  // namespace datalake
