#include "protocol/line_buffer.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "common/cancel.h"

namespace datalake::protocol::internal {
namespace {

std::string_view StripCarriageReturn(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

// A UTF-8 byte order mark before the first line (files saved by some editors, PowerShell
// pipes) is not part of the first message.
void LineBuffer::SkipByteOrderMark(std::string_view* line) {
  if (!first_line_) return;
  first_line_ = false;
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (line->starts_with(kBom)) line->remove_prefix(kBom.size());
}

Result<bool> LineBuffer::NextLine(std::string_view* line) {
  for (;;) {
    // Resume the search where the last one stopped: a long line arrives in many reads, and
    // rescanning it from its start each time would be quadratic.
    const void* newline =
        end_ > scan_ ? std::memchr(data_.get() + scan_, '\n', end_ - scan_) : nullptr;
    if (newline != nullptr) {
      size_t pos = static_cast<size_t>(static_cast<const char*>(newline) - data_.get());
      *line = StripCarriageReturn(std::string_view(data_.get() + begin_, pos - begin_));
      begin_ = scan_ = pos + 1;
      SkipByteOrderMark(line);
      return true;
    }
    scan_ = end_;
    if (eof_) {
      if (begin_ == end_) return false;
      *line = StripCarriageReturn(std::string_view(data_.get() + begin_, end_ - begin_));
      begin_ = scan_ = end_;
      SkipByteOrderMark(line);
      return true;
    }
    RETURN_IF_ERROR(Fill());
  }
}

Status LineBuffer::Fill() {
  // Only the partial line [begin_, end_) is still needed: move it to the front.
  if (begin_ > 0) {
    std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (capacity_ > kRetainCapacity && end_ < kInitialCapacity / 2) {
    Reallocate(kInitialCapacity);  // the long line is gone; give its memory back
  } else if (capacity_ - end_ < capacity_ / 4 || capacity_ == 0) {
    Reallocate(std::max(kInitialCapacity, capacity_ * 2));  // a long line: double, amortised
  }
  for (;;) {
    // Wait for input and for cancellation together: a sync cancelled while the source is silent
    // must not wait for its next line. The cancellation pipe wakes this thread even when the
    // signal went to another one (an upload worker).
    pollfd fds[2] = {{.fd = fd_, .events = POLLIN, .revents = 0},
                     {.fd = CancelFd(), .events = POLLIN, .revents = 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
      return Status::IOError("wait for input after " + std::to_string(bytes_read_) +
                             " bytes: " + std::strerror(errno));
    }
    if (CancelRequested()) {
      return Status::Cancelled("stopped reading input after " + std::to_string(bytes_read_) +
                               " bytes: the sync was cancelled");
    }
    if (fds[0].revents == 0) continue;  // interrupted
    ssize_t n = ::read(fd_, data_.get() + end_, capacity_ - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      bytes_read_ += static_cast<uint64_t>(n);
      return Status::Ok();
    }
    if (n == 0) {
      eof_ = true;
      return Status::Ok();
    }
    if (errno != EINTR) {
      return Status::IOError("read input after " + std::to_string(bytes_read_) +
                             " bytes: " + std::strerror(errno));
    }
  }
}

void LineBuffer::Reallocate(size_t new_capacity) {
  // make_unique_for_overwrite: no point zeroing megabytes that read(2) fills.
  auto data = std::make_unique_for_overwrite<char[]>(new_capacity + kPadding);
  if (end_ > 0) std::memcpy(data.get(), data_.get(), end_);
  // simdjson may read the padding; keep it deterministic.
  std::memset(data.get() + new_capacity, 0, kPadding);
  data_ = std::move(data);
  capacity_ = new_capacity;
}

}  // namespace datalake::protocol::internal
