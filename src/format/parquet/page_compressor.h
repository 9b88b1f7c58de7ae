// Per-page compression for Parquet (docs/FORMATS.md#compression): every page body, dictionary pages
// included, is compressed on its own with the chunk's codec. SNAPPY is a raw Snappy block (no
// framing), GZIP one RFC 1952 member, ZSTD one frame; the last two reuse the format module's
// one-shot helpers.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "format/format.h"
#include "format/parquet/metadata.h"

namespace datalake::format::parquet {

// The ColumnMetaData.codec value for a compression choice.
Codec CodecOf(Compression compression);

class PageCompressor {
 public:
  // `level` applies to kGzip and kZstd only.
  PageCompressor(Compression compression, int level) : compression_(compression), level_(level) {}

  // Replace `*out` with `in` compressed. REQUIRES: compression != kUncompressed (callers use the
  // body as is).
  Status Compress(std::string_view in, std::string* out) const;

  Compression compression() const { return compression_; }

 private:
  const Compression compression_;
  const int level_;
};

}  // namespace datalake::format::parquet
