// Test helper: wait until another thread of this process is blocked in the kernel, so that a
// test can wake it (cancellation) knowing it really was waiting. Linux only (/proc).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace datalake::thread_testing {

// Return the scheduler state of thread `tid` of this process ('R' running, 'S' sleeping, ...),
// or '?' if there is no such thread.
inline char ThreadState(pid_t tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');  // the command name may hold spaces and parentheses
  return paren == std::string::npos || paren + 2 >= text.size() ? '?' : text[paren + 2];
}

// Wait, at most 10 s, until thread `tid` sleeps in the kernel (blocked in poll, read, ...).
inline bool WaitUntilBlocked(pid_t tid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ThreadState(tid) == 'S') return true;
    std::this_thread::yield();
  }
  return false;
}

}  // namespace datalake::thread_testing
