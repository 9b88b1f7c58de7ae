#include "format/compressor.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <string>

namespace datalake::format {
namespace {

// zlib counts bytes in 32 bits: larger inputs are fed in slices of at most this size.
constexpr size_t kMaxSlice = size_t{1} << 30;
// The least output room offered to a codec per call; output grows geometrically beyond it.
constexpr size_t kMinRoom = size_t{32} << 10;

// Grow `out` so that it has `room` writable bytes after `used`; return where they start.
char* MakeRoom(std::string* out, size_t used, size_t room) {
  out->resize(used + room);
  return out->data() + used;
}

class GzipCompressor final : public Compressor {
 public:
  GzipCompressor() = default;
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;
  ~GzipCompressor() override {
    if (initialized_) deflateEnd(&stream_);
  }

  Status Init(int level) {
    if (level < Z_DEFAULT_COMPRESSION || level > Z_BEST_COMPRESSION) {
      return Status::ConfigError("gzip level " + std::to_string(level) +
                                 " is out of range (-1 to 9)");
    }
    // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of a zlib wrapper.
    int rc = deflateInit2(&stream_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK)
      return Status::Internal("gzip: deflateInit2 failed (" + std::to_string(rc) + ")");
    initialized_ = true;
    return Status::Ok();
  }

  Status Compress(std::string_view in, bool finish, std::string* out) override {
    if (finished_) return Status::Internal("gzip: compressing after the stream was finished");
    do {
      size_t slice = std::min(in.size(), kMaxSlice);
      bool last = slice == in.size();
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      stream_.avail_in = static_cast<uInt>(slice);
      RETURN_IF_ERROR(Deflate(finish && last ? Z_FINISH : Z_NO_FLUSH, out));
      in.remove_prefix(slice);
    } while (!in.empty());
    finished_ = finish;
    return Status::Ok();
  }

 private:
  // Call deflate until it has consumed all input and, with Z_FINISH, written the trailer. As in
  // zlib's zpipe example: deflate is done with a call once it leaves output room unused.
  Status Deflate(int flush, std::string* out) {
    size_t used = out->size();
    for (;;) {
      size_t room = std::min(kMaxSlice, std::max(kMinRoom, size_t{stream_.avail_in} / 2));
      stream_.next_out = reinterpret_cast<Bytef*>(MakeRoom(out, used, room));
      stream_.avail_out = static_cast<uInt>(room);
      int rc = deflate(&stream_, flush);
      used += room - stream_.avail_out;
      if (rc == Z_STREAM_ERROR) {
        out->resize(used);
        return Status::Internal("gzip: deflate failed");
      }
      if (stream_.avail_out != 0) break;
    }
    out->resize(used);
    return Status::Ok();
  }

  z_stream stream_{};
  bool initialized_ = false;
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
    ZSTD_EndDirective mode = finish ? ZSTD_e_end : ZSTD_e_continue;
    size_t used = out->size();
    for (;;) {
      size_t room = std::max(ZSTD_CStreamOutSize(), (input.size - input.pos) / 2);
      ZSTD_outBuffer output{MakeRoom(out, used, room), room, 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &output, &input, mode);
      used += output.pos;
      if (ZSTD_isError(remaining)) {
        out->resize(used);
        return ZstdError("ZSTD_compressStream2", remaining);
      }
      // ZSTD_e_end is done when nothing remains to flush; ZSTD_e_continue once input is taken.
      if (finish ? remaining == 0 : input.pos == input.size) break;
    }
    out->resize(used);
    finished_ = finish;
    return Status::Ok();
  }

 private:
  ZSTD_CCtx* cctx_ = nullptr;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<Compressor>> NewStreamCompressor(Compression codec, int level) {
  switch (codec) {
    case Compression::kGzip: {
      auto gzip = std::make_unique<GzipCompressor>();
      RETURN_IF_ERROR(gzip->Init(level));
      return std::unique_ptr<Compressor>(std::move(gzip));
    }
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
  GzipCompressor gzip;
  RETURN_IF_ERROR(gzip.Init(level));
  return gzip.Compress(in, /*finish=*/true, out);
}

Status ZstdCompress(std::string_view in, int level, std::string* out) {
  RETURN_IF_ERROR(CheckZstdLevel(level));
  size_t used = out->size();
  size_t bound = ZSTD_compressBound(in.size());
  size_t rc = ZSTD_compress(MakeRoom(out, used, bound), bound, in.data(), in.size(), level);
  if (ZSTD_isError(rc)) {
    out->resize(used);
    return ZstdError("ZSTD_compress", rc);
  }
  out->resize(used + rc);
  return Status::Ok();
}

}  // namespace datalake::format
