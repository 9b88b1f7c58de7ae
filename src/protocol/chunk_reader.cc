// ChunkReader: input read into chunks of whole lines, each chunk in a buffer of its own that
// the chunk takes with it (no copy but the partial line at its end).
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string>

#include "common/cancel.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

// A buffer of `capacity` bytes read(2) may fill, and InputChunk::kPadding more that simdjson may
// read past a line's end.
std::unique_ptr<char[]> NewBuffer(size_t capacity) {
  // make_unique_for_overwrite: no point zeroing megabytes that read(2) fills.
  auto data = std::make_unique_for_overwrite<char[]>(capacity + InputChunk::kPadding);
  std::memset(data.get() + capacity, 0, InputChunk::kPadding);  // deterministic padding
  return data;
}

// Sixteen bytes at a time with SSE2 (part of every x86-64), eight with a word trick elsewhere:
// std::count went a byte at a time, a noticeable part of the reading thread's work.
uint64_t CountNewlines(const char* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i newlines = _mm_set1_epi8('\n');
  for (; i + 16 <= n; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newlines));
    count += static_cast<uint64_t>(__builtin_popcount(static_cast<unsigned>(mask)));
  }
#else
  // A byte of x is zero exactly where the word holds a newline; the high bit of each byte of
  // `zero` is set exactly for those bytes.
  constexpr uint64_t kNewlines = 0x0A0A0A0A0A0A0A0AULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    const uint64_t x = word ^ kNewlines;
    const uint64_t zero = ~(((x & kLow7) + kLow7) | x) & ~kLow7;
    count += static_cast<uint64_t>(__builtin_popcountll(zero));
  }
#endif
  for (; i < n; ++i) count += p[i] == '\n' ? 1 : 0;
  return count;
}

}  // namespace

struct ChunkReader::Impl {
  explicit Impl(int fd) : fd(fd) {}

  int fd;
  std::unique_ptr<char[]> data;  // what was read and not handed out yet: [0, end)
  size_t capacity = 0;
  size_t end = 0;
  size_t scan = 0;  // [0, scan) holds no '\n'
  bool eof = false;
  bool first = true;
  uint64_t next_line = 1;
  uint64_t bytes_read = 0;

  bool HasNewline() {
    if (end > scan && std::memchr(data.get() + scan, '\n', end - scan) != nullptr) return true;
    scan = end;  // resume there: a long line arrives in many reads, rescanning it is quadratic
    return false;
  }

  // Whether read(2) would return at once (data, end of input, or an error to report).
  bool InputWaiting() {
    pollfd fds[1] = {{.fd = fd, .events = POLLIN, .revents = 0}};
    return ::poll(fds, 1, 0) > 0;
  }

  void Reallocate(size_t new_capacity) {
    auto bigger = NewBuffer(new_capacity);
    if (end > 0) std::memcpy(bigger.get(), data.get(), end);
    data = std::move(bigger);
    capacity = new_capacity;
  }

  // Read once into the room left, growing the buffer first if `grow` and little room is left.
  Status Fill(bool grow) {
    if (capacity == 0 || (grow && capacity - end < capacity / 4)) {
      Reallocate(std::max(kChunkBytes, capacity * 2));  // a long line: double, amortised
    }
    for (;;) {
      // Wait for input and for cancellation together: a sync cancelled while the source is
      // silent must not wait for its next line. The cancellation pipe wakes this thread even
      // when the signal went to another one (an upload worker).
      pollfd fds[2] = {{.fd = fd, .events = POLLIN, .revents = 0},
                       {.fd = CancelFd(), .events = POLLIN, .revents = 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
        return Status::IOError("wait for input after " + std::to_string(bytes_read) +
                               " bytes: " + std::strerror(errno));
      }
      if (CancelRequested()) {
        return Status::Cancelled("stopped reading input after " + std::to_string(bytes_read) +
                                 " bytes: the sync was cancelled");
      }
      if (fds[0].revents == 0) continue;  // interrupted
      ssize_t n = ::read(fd, data.get() + end, capacity - end);
      if (n > 0) {
        end += static_cast<size_t>(n);
        bytes_read += static_cast<uint64_t>(n);
        return Status::Ok();
      }
      if (n == 0) {
        eof = true;
        return Status::Ok();
      }
      if (errno != EINTR) {
        return Status::IOError("read input after " + std::to_string(bytes_read) +
                               " bytes: " + std::strerror(errno));
      }
    }
  }

  Result<bool> Next(InputChunk* chunk) {
    // At least one whole line, or the end of input.
    while (!HasNewline() && !eof) RETURN_IF_ERROR(Fill(/*grow=*/true));
    // Then whatever else has arrived, up to a chunk's worth: fewer, larger chunks.
    while (!eof && end < std::min(capacity, kChunkBytes) && InputWaiting()) {
      RETURN_IF_ERROR(Fill(/*grow=*/false));
    }
    if (end == 0) return false;
    size_t cut = end;  // at the end of input, the last line needs no newline
    if (!eof) {
      const void* last = memrchr(data.get(), '\n', end);
      cut = static_cast<size_t>(static_cast<const char*>(last) - data.get()) + 1;
    }
    // The chunk takes the buffer; the partial line after its last newline moves to the chunk's
    // previous buffer (unless a long line had grown that one).
    std::unique_ptr<char[]> spare = std::move(chunk->data);
    size_t spare_capacity = chunk->capacity;
    const size_t tail = end - cut;
    if (spare == nullptr || spare_capacity > kRetainCapacity || spare_capacity < tail ||
        spare_capacity < kChunkBytes) {
      spare_capacity = std::max(kChunkBytes, tail);
      spare = NewBuffer(spare_capacity);
    }
    if (tail > 0) std::memcpy(spare.get(), data.get() + cut, tail);
    chunk->data = std::move(data);
    chunk->capacity = capacity;
    chunk->size = cut;
    chunk->first_line = next_line;
    chunk->starts_input = first;
    first = false;
    next_line += CountNewlines(chunk->data.get(), cut);
    data = std::move(spare);
    capacity = spare_capacity;
    end = scan = tail;  // the partial line holds no newline
    return true;
  }

  bool Ready() { return eof || CancelRequested() || HasNewline() || InputWaiting(); }
};

ChunkReader::ChunkReader(int fd) : impl_(std::make_unique<Impl>(fd)) {}
ChunkReader::~ChunkReader() = default;
Result<bool> ChunkReader::Next(InputChunk* chunk) { return impl_->Next(chunk); }
bool ChunkReader::Ready() { return impl_->Ready(); }
uint64_t ChunkReader::bytes_read() const { return impl_->bytes_read; }

}  // namespace datalake::protocol
