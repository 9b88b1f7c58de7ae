// LineBuffer: newline-delimited lines of any length from a file descriptor, padded for simdjson.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/status.h"

namespace datalake::protocol::internal {

class LineBuffer {
 public:
  // Bytes after the end of any line handed out that are always readable (simdjson's padding).
  static constexpr size_t kPadding = 64;
  // The usual read size; the buffer grows beyond it to hold one long line whole.
  static constexpr size_t kInitialCapacity = size_t{1} << 20;
  // A buffer grown past this is shrunk back once the long line is gone.
  static constexpr size_t kRetainCapacity = size_t{16} << 20;

  explicit LineBuffer(int fd) : fd_(fd) {}
  LineBuffer(const LineBuffer&) = delete;
  LineBuffer& operator=(const LineBuffer&) = delete;

  // Set *line to the next line, without its "\n" or "\r\n" (nor, for the first line, a leading
  // UTF-8 byte order mark), and return true; return false at
  // end of input. A last line without a newline is still a line. The view stays valid, and at
  // least kPadding readable bytes follow it, until the next call. Once cancellation is
  // requested (common/cancel.h), kCancelled, also while waiting for input.
  Result<bool> NextLine(std::string_view* line);

  // Number of readable bytes from `p` (a pointer into the last line) to the end of the buffer.
  size_t ReadableFrom(const char* p) const {
    return static_cast<size_t>(data_.get() + capacity_ + kPadding - p);
  }

  uint64_t bytes_read() const { return bytes_read_; }
  size_t capacity() const { return capacity_; }

 private:
  // Make room (compact, grow or shrink) and read once from the fd.
  Status Fill();
  void Reallocate(size_t new_capacity);
  void SkipByteOrderMark(std::string_view* line);

  int fd_;
  std::unique_ptr<char[]> data_;  // capacity_ + kPadding bytes
  size_t capacity_ = 0;           // bytes that read(2) may fill
  size_t begin_ = 0;              // start of the first line not handed out yet
  size_t scan_ = 0;               // [begin_, scan_) is known to hold no '\n'
  size_t end_ = 0;                // end of the data read
  bool eof_ = false;
  bool first_line_ = true;  // a byte order mark is skipped at the start of the input only
  uint64_t bytes_read_ = 0;
};

}  // namespace datalake::protocol::internal
