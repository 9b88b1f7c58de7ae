// Per-thread scratch for the page being assembled (levels + values) and for its compressed
// bytes. A page is assembled, compressed and appended to its chunk within one call on one
// thread, so one pair of buffers per thread serves every column of every open file: with
// many files open, scratch per column writer was over a third of what the encoders held, and
// cold memory at every page.
#pragma once

#include <cstddef>
#include <string>

namespace datalake::format::parquet {

enum class PageScratchUse { kBody, kCompressed };

// A thread's scratch buffer for `use`, empty, for the holder's lifetime; one grown past a few
// MiB (a page of huge values) is given back when the holder goes. Holders of one use do not nest.
class PageScratch {
 public:
  explicit PageScratch(PageScratchUse use) : buffer_(BufferOf(use)) { buffer_.clear(); }
  ~PageScratch() {
    if (buffer_.capacity() > kRetainBytes) std::string().swap(buffer_);
  }
  PageScratch(const PageScratch&) = delete;
  PageScratch& operator=(const PageScratch&) = delete;

  std::string& operator*() { return buffer_; }
  std::string* operator->() { return &buffer_; }
  std::string* get() { return &buffer_; }

 private:
  static constexpr size_t kRetainBytes = size_t{4} << 20;
  static std::string& BufferOf(PageScratchUse use) {
    thread_local std::string body;
    thread_local std::string compressed;
    return use == PageScratchUse::kBody ? body : compressed;
  }

  std::string& buffer_;
};

}  // namespace datalake::format::parquet
