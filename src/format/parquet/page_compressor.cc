#include "format/parquet/page_compressor.h"

#include <snappy.h>

#include "format/compressor.h"

namespace datalake::format::parquet {

Codec CodecOf(Compression compression) {
  switch (compression) {
    case Compression::kSnappy:
      return Codec::kSnappy;
    case Compression::kGzip:
      return Codec::kGzip;
    case Compression::kZstd:
      return Codec::kZstd;
    case Compression::kUncompressed:
      break;
  }
  return Codec::kUncompressed;
}

Status PageCompressor::Compress(std::string_view in, std::string* out) const {
  out->clear();
  switch (compression_) {
    case Compression::kSnappy: {
      out->resize(snappy::MaxCompressedLength(in.size()));
      size_t length = 0;
      snappy::RawCompress(in.data(), in.size(), out->data(), &length);
      out->resize(length);
      return Status::Ok();
    }
    case Compression::kGzip:
      return GzipCompress(in, level_, out);
    case Compression::kZstd:
      return ZstdCompress(in, level_, out);
    case Compression::kUncompressed:
      break;
  }
  return Status::Internal("parquet: no compressor for an uncompressed column");
}

}  // namespace datalake::format::parquet
