// Compression codecs shared by the encoders (private to the format module).
//
// Two shapes: streaming, because a JSON Lines file is one compressed stream written chunk by
// chunk; and one-shot, because Parquet compresses each page on its own.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/task_pool.h"
#include "format/format.h"

namespace datalake::format {

class Compressor {
 public:
  virtual ~Compressor() = default;
  // Compress `in`, appending whatever compressed bytes are ready to `out` (the codec may hold
  // some back until more input or `finish`). With `finish`, also end the stream (gzip trailer,
  // zstd frame epilogue); after that the compressor must not be used again.
  virtual Status Compress(std::string_view in, bool finish, std::string* out) = 0;
  // As Compress, but the codec may take `*in`'s buffer over instead of copying it (a gzip
  // member a chunk long); `*in` is left empty either way.
  virtual Status CompressOwned(std::string* in, bool finish, std::string* out) {
    Status status = Compress(*in, finish, out);
    in->clear();
    return status;
  }
  // Input taken but not yet handed out compressed (a file's size counts it as it is).
  virtual size_t held_bytes() const = 0;
  // Append everything taken so far, compressed, to `out`, without ending the stream (gzip: the
  // input gathered becomes a member, and every member waiting is handed out; zstd: a flushed
  // block), so that a memory budget can have it written out.
  virtual Status Flush(std::string* out) = 0;
};

// Gzip members of a stream hold at least this much input (the last one may hold less).
inline constexpr size_t kDefaultGzipMemberBytes = size_t{1} << 20;

// Gzip members compressed at once, at most, by one stream (one on the stream's own thread).
inline constexpr size_t kGzipMembersInFlight = 3;

// Return a streaming compressor producing a multi-member gzip file (kGzip: input is cut into
// members of `member_bytes` or more, each with its own header and CRC-32; a call whose input is
// that large becomes one member as it is) or one zstd frame with a content checksum (kZstd).
// Gzip members are independent, so they are compressed on `pool`'s threads when there is one:
// a member is handed out once kGzipMembersInFlight newer ones are waiting, at the same point
// whether a pool thread or the caller compressed it, so the output never depends on threads.
// `level` is the codec's level (gzip: zlib's scale, -1 to 9); out of range is kConfigError.
// Other codecs are kInternal: callers handle "no compression" themselves, snappy is not
// streamed.
Result<std::unique_ptr<Compressor>> NewStreamCompressor(
    Compression codec, int level, size_t member_bytes = kDefaultGzipMemberBytes,
    TaskPool* pool = nullptr);

// Append `in` compressed as one complete gzip member (RFC 1952, as Parquet's GZIP codec wants).
Status GzipCompress(std::string_view in, int level, std::string* out);
// Append `in` compressed as one complete zstd frame (content size in the header, no checksum).
Status ZstdCompress(std::string_view in, int level, std::string* out);

}  // namespace datalake::format
