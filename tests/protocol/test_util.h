// Test helpers for the protocol module: input file descriptors and copied-out messages.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "protocol/protocol.h"

namespace datalake::protocol::testing {

// A readable fd holding `content`: an unlinked temp file, or a pipe fed by a thread in chunks
// (so reads return short, arbitrary-sized pieces).
class InputFd {
 public:
  static InputFd FromFile(std::string_view content) {
    InputFd in;
    char path[] = "/tmp/protocol_test_XXXXXX";
    in.fd_ = ::mkstemp(path);
    EXPECT_GE(in.fd_, 0);
    ::unlink(path);
    WriteAll(in.fd_, content);
    EXPECT_EQ(::lseek(in.fd_, 0, SEEK_SET), 0);
    return in;
  }

  static InputFd FromPipe(std::string content, size_t chunk) {
    ::signal(SIGPIPE, SIG_IGN);  // the reader may stop early and close its end
    InputFd in;
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    in.fd_ = fds[0];
    in.writer_ = std::thread([w = fds[1], content = std::move(content), chunk] {
      for (size_t pos = 0; pos < content.size(); pos += chunk) {
        if (!WriteAll(w, std::string_view(content).substr(pos, chunk))) break;
      }
      ::close(w);
    });
    return in;
  }

  InputFd(InputFd&& other) noexcept : fd_(other.fd_), writer_(std::move(other.writer_)) {
    other.fd_ = -1;
  }
  ~InputFd() {
    if (fd_ >= 0) ::close(fd_);
    if (writer_.joinable()) writer_.join();
  }
  int fd() const { return fd_; }

  static bool WriteAll(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd, data.data(), data.size());
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  InputFd() = default;
  int fd_ = -1;
  std::thread writer_;
};

// A Message with its views copied, to outlive the next Next().
struct Copied {
  MessageType type;
  uint64_t line_number;
  size_t line_bytes;
  StreamDescriptor stream;
  int64_t emitted_at_ms;
  std::string data_json;
  std::string meta_changes_json;
  std::string state_json;
  std::string state_echo;  // kState: StateWithRecordCount(m, 7)
  StateType state_type;
  StreamStatus status;
};

inline Copied Copy(const Message& m) {
  return Copied{m.type,
                m.line_number,
                m.line_bytes,
                m.stream,
                m.emitted_at_ms,
                std::string(m.data_json),
                std::string(m.meta_changes_json),
                std::string(m.state_json),
                m.type == MessageType::kState ? StateWithRecordCount(m, 7) : std::string(),
                m.state_type,
                m.status};
}

// Read every message of `input`; stop at the first error and return it.
inline Result<std::vector<Copied>> ReadAll(const InputFd& input) {
  MessageReader reader(input.fd());
  Message m;
  std::vector<Copied> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&m));
    if (!more) return out;
    out.push_back(Copy(m));
  }
}

inline Result<std::vector<Copied>> ReadAllFromString(std::string_view content) {
  InputFd input = InputFd::FromFile(content);
  return ReadAll(input);
}

}  // namespace datalake::protocol::testing
