#include "format/compressor.h"

#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace datalake::format {
namespace {

// libdeflate's levels run 0 to 12; the destination keeps zlib's range and meaning (-1 = 6).
Status CheckGzipLevel(int level) {
  if (level < -1 || level > 9) {
    return Status::ConfigError("gzip level " + std::to_string(level) +
                               " is out of range (-1 to 9)");
  }
  return Status::Ok();
}

struct DeflateCompressorFree {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// A libdeflate compressor holds its match finder's tables (about 650 KiB at level 6) but no
// state between calls. Encoding runs on few threads while a partitioned stream keeps up to 64
// files open, so one compressor per thread and level serves them all instead of one per file.
libdeflate_compressor* CompressorFor(int level) {
  thread_local std::array<std::unique_ptr<libdeflate_compressor, DeflateCompressorFree>, 10> cache;
  auto& compressor = cache[static_cast<size_t>(level)];
  if (compressor == nullptr) compressor.reset(libdeflate_alloc_compressor(level));
  return compressor.get();
}

// Where compressed bytes land before they are appended to their output. Growing the output by
// the codec's bound instead would zero-fill as many bytes as the input, most of which the
// compressed bytes do not use. One per thread; a buffer grown past kRetainScratchBytes for a
// long record is given back after it (ReleaseLargeScratch).
constexpr size_t kRetainScratchBytes = size_t{4} << 20;

struct Scratch {
  std::unique_ptr<char[]> data;
  size_t capacity = 0;
};

thread_local Scratch scratch;

char* ScratchOf(size_t bytes) {
  if (scratch.capacity < bytes) {
    scratch.data = std::make_unique_for_overwrite<char[]>(bytes);
    scratch.capacity = bytes;
  }
  return scratch.data.get();
}

void ReleaseLargeScratch() {
  if (scratch.capacity > kRetainScratchBytes) scratch = Scratch();
}

// Append `in` as one complete gzip member: header, deflate data, CRC-32 and ISIZE.
Status AppendGzipMember(std::string_view in, int level, std::string* out) {
  libdeflate_compressor* compressor = CompressorFor(level < 0 ? 6 : level);
  if (compressor == nullptr) return Status::Internal("gzip: cannot allocate a compressor");
  const size_t bound = libdeflate_gzip_compress_bound(compressor, in.size());
  char* buffer = ScratchOf(bound);
  const size_t written = libdeflate_gzip_compress(compressor, in.data(), in.size(), buffer, bound);
  if (written != 0) out->append(buffer, written);
  ReleaseLargeScratch();
  // Zero only when the output does not fit, which the bound rules out.
  if (written == 0) return Status::Internal("gzip: libdeflate_gzip_compress failed");
  return Status::Ok();
}

// libdeflate compresses whole buffers only, so a stream is written as a multi-member gzip file
// (RFC 1952, 2.2): input gathers until `member_bytes`, then becomes one member of its own.
// Readers decompress the members one after another into the concatenated input
// (docs/FORMATS.md#gzip-files-are-multi-member). Members wait in a window of
// kGzipMembersInFlight, compressed meanwhile on the pool if there is one, and leave it in order.
class GzipCompressor final : public Compressor {
 public:
  GzipCompressor(int level, size_t member_bytes, TaskPool* pool)
      : level_(level), member_bytes_(std::max<size_t>(member_bytes, 1)), pool_(pool) {}

  Status Compress(std::string_view in, bool finish, std::string* out) override {
    if (finished_) return Status::Internal("gzip: compressing after the stream was finished");
    while (!in.empty()) {
      if (block_.empty() && (in.size() >= member_bytes_ || finish)) {
        // The caller's buffer is a member's worth, or the last: a member as it is.
        RETURN_IF_ERROR(Emit(std::string(in), out));
        break;
      }
      size_t take = std::min(member_bytes_ - block_.size(), in.size());
      block_.append(in.substr(0, take));
      in.remove_prefix(take);
      if (block_.size() == member_bytes_) {
        RETURN_IF_ERROR(Emit(std::move(block_), out));
        block_ = std::string();
      }
    }
    if (finish) {
      // An empty stream is still a gzip file: one member holding nothing.
      if (members_ == 0 && block_.empty()) RETURN_IF_ERROR(Emit(std::string(), out));
      RETURN_IF_ERROR(Flush(out));
      finished_ = true;
    }
    return Status::Ok();
  }

  Status CompressOwned(std::string* in, bool finish, std::string* out) override {
    if (finished_ || !block_.empty() || (in->size() < member_bytes_ && !finish) || in->empty()) {
      Status status = Compress(*in, finish, out);
      in->clear();
      return status;
    }
    // What Compress would do with it, without the copy: a member as it is.
    std::string member;
    member.swap(*in);
    RETURN_IF_ERROR(Emit(std::move(member), out));
    if (finish) {
      RETURN_IF_ERROR(Flush(out));
      finished_ = true;
    }
    return Status::Ok();
  }

  size_t held_bytes() const override { return block_.size() + window_input_bytes_; }

  Status Flush(std::string* out) override {
    if (finished_) return Status::Internal("gzip: flushing after the stream was finished");
    if (!block_.empty()) {
      RETURN_IF_ERROR(Emit(std::move(block_), out));
      block_ = std::string();
    }
    while (!window_.empty()) RETURN_IF_ERROR(HandOut(out));
    return Status::Ok();
  }

 private:
  struct Member {
    size_t input_bytes = 0;
    std::string input;
    std::string output;
    Status status;
  };
  // The job holds its member, not the other way round: a member whose job never runs (the
  // stream abandoned after an error) is freed with it, not kept alive by a cycle.
  struct Waiting {
    std::shared_ptr<Member> member;
    std::shared_ptr<Job> job;
  };

  Status Emit(std::string input, std::string* out) {
    ++members_;
    auto member = std::make_shared<Member>();
    member->input_bytes = input.size();
    member->input = std::move(input);
    window_input_bytes_ += member->input_bytes;
    // The job holds the member, so it may outlive this compressor.
    auto work = [member, level = level_] {
      member->status = AppendGzipMember(member->input, level, &member->output);
      std::string().swap(member->input);  // give the input's memory back at once
    };
    std::shared_ptr<Job> job =
        pool_ != nullptr ? pool_->Post(std::move(work)) : std::make_shared<Job>(std::move(work));
    window_.push_back(Waiting{std::move(member), std::move(job)});
    if (window_.size() > kGzipMembersInFlight) return HandOut(out);
    return Status::Ok();
  }

  // Append the oldest member's compressed bytes, compressing it here if no thread has yet.
  Status HandOut(std::string* out) {
    Waiting waiting = std::move(window_.front());
    window_.pop_front();
    waiting.job->RunOrWait();
    const std::shared_ptr<Member>& member = waiting.member;
    window_input_bytes_ -= member->input_bytes;
    RETURN_IF_ERROR(member->status);
    out->append(member->output);
    return Status::Ok();
  }

  const int level_;
  const size_t member_bytes_;
  TaskPool* const pool_;
  std::string block_;  // input not yet a member, less than member_bytes_
  std::deque<Waiting> window_;
  size_t window_input_bytes_ = 0;
  uint64_t members_ = 0;
  bool finished_ = false;
};

Status CheckZstdLevel(int level) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return Status::ConfigError("zstd level " + std::to_string(level) + " is out of range (" +
                               std::to_string(ZSTD_minCLevel()) + " to " +
                               std::to_string(ZSTD_maxCLevel()) + ")");
  }
  return Status::Ok();
}

Status ZstdError(std::string_view what, size_t code) {
  return Status::Internal("zstd: " + std::string(what) + " failed: " + ZSTD_getErrorName(code));
}

class ZstdCompressor final : public Compressor {
 public:
  ZstdCompressor() = default;
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;
  ~ZstdCompressor() override { ZSTD_freeCCtx(cctx_); }

  Status Init(int level) {
    RETURN_IF_ERROR(CheckZstdLevel(level));
    cctx_ = ZSTD_createCCtx();
    if (cctx_ == nullptr) return Status::Internal("zstd: cannot create a compression context");
    size_t rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    if (ZSTD_isError(rc)) return ZstdError("setting the level", rc);
    // A checksum lets readers detect a corrupted file instead of returning wrong rows.
    rc = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    if (ZSTD_isError(rc)) return ZstdError("enabling the checksum", rc);
    return Status::Ok();
  }

  Status Compress(std::string_view in, bool finish, std::string* out) override {
    if (finished_) return Status::Internal("zstd: compressing after the frame was finished");
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    RETURN_IF_ERROR(Stream(&input, finish ? ZSTD_e_end : ZSTD_e_continue, out));
    finished_ = finish;
    return Status::Ok();
  }

  size_t held_bytes() const override { return 0; }  // what zstd buffers is not visible

  Status Flush(std::string* out) override {
    if (finished_) return Status::Internal("zstd: flushing after the frame was finished");
    ZSTD_inBuffer input{nullptr, 0, 0};
    return Stream(&input, ZSTD_e_flush, out);
  }

 private:
  // Feed `input` to the frame, appending the compressed bytes to `out`: until it is taken
  // (ZSTD_e_continue), or until nothing is left to flush (ZSTD_e_flush, ZSTD_e_end).
  Status Stream(ZSTD_inBuffer* input, ZSTD_EndDirective mode, std::string* out) {
    const size_t room = ZSTD_CStreamOutSize();
    char* buffer = ScratchOf(room);
    for (;;) {
      ZSTD_outBuffer output{buffer, room, 0};
      const size_t remaining = ZSTD_compressStream2(cctx_, &output, input, mode);
      out->append(buffer, output.pos);
      if (ZSTD_isError(remaining)) return ZstdError("ZSTD_compressStream2", remaining);
      if (mode == ZSTD_e_continue ? input->pos == input->size : remaining == 0) break;
    }
    return Status::Ok();
  }

  ZSTD_CCtx* cctx_ = nullptr;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<Compressor>> NewStreamCompressor(Compression codec, int level,
                                                        size_t member_bytes, TaskPool* pool) {
  switch (codec) {
    case Compression::kGzip:
      RETURN_IF_ERROR(CheckGzipLevel(level));
      return std::unique_ptr<Compressor>(
          std::make_unique<GzipCompressor>(level, member_bytes, pool));
    case Compression::kZstd: {
      auto zstd = std::make_unique<ZstdCompressor>();
      RETURN_IF_ERROR(zstd->Init(level));
      return std::unique_ptr<Compressor>(std::move(zstd));
    }
    case Compression::kUncompressed:
    case Compression::kSnappy:
      break;
  }
  return Status::Internal("no streaming compressor for this codec");
}

Status GzipCompress(std::string_view in, int level, std::string* out) {
  RETURN_IF_ERROR(CheckGzipLevel(level));
  return AppendGzipMember(in, level, out);
}

Status ZstdCompress(std::string_view in, int level, std::string* out) {
  RETURN_IF_ERROR(CheckZstdLevel(level));
  const size_t bound = ZSTD_compressBound(in.size());
  char* buffer = ScratchOf(bound);
  const size_t rc = ZSTD_compress(buffer, bound, in.data(), in.size(), level);
  if (!ZSTD_isError(rc)) out->append(buffer, rc);
  ReleaseLargeScratch();
  if (ZSTD_isError(rc)) return ZstdError("ZSTD_compress", rc);
  return Status::Ok();
}

}  // namespace datalake::format
