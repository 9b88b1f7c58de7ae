// Helpers shared by the fuzz targets: invariant checks that abort (so libFuzzer saves the input
// as a crash), and a file descriptor holding given bytes for the readers that take one.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace datalake::fuzzing {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: invariant violated: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// Return `s` printable on one line (for failure details): escapes, cut after `max` bytes.
inline std::string Printable(std::string_view s, size_t max = 400) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

// A memory-backed file descriptor holding `bytes`, positioned at the start; closed on
// destruction.
class MemFd {
 public:
  explicit MemFd(std::string_view bytes = {}) : fd_(::memfd_create("fuzz", 0)) {
    if (fd_ < 0) Fail(__FILE__, __LINE__, "memfd_create", "cannot create a memfd");
    Write(bytes);
    Rewind();
  }
  ~MemFd() { ::close(fd_); }
  MemFd(const MemFd&) = delete;
  MemFd& operator=(const MemFd&) = delete;

  int fd() const { return fd_; }
  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n <= 0) Fail(__FILE__, __LINE__, "write", "cannot write to a memfd");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  void Rewind() { ::lseek(fd_, 0, SEEK_SET); }
  // The whole content.
  std::string Contents() const {
    std::string out;
    char buf[65536];
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(fd_, buf, sizeof(buf), at);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      at += n;
    }
    return out;
  }

 private:
  int fd_;
};

}  // namespace datalake::fuzzing

// Abort with `detail` (a std::string expression) when `condition` is false.
#define FUZZ_CHECK(condition, detail)                                                      \
  do {                                                                                     \
    if (!(condition)) ::datalake::fuzzing::Fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)
