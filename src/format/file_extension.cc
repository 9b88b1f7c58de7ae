#include <string>

#include "format/format.h"

namespace datalake::format {

// The suffixes the original connector (awswrangler) gives its objects; keeping them means files
// written by either connector look alike in the bucket.
std::string FileExtension(FileFormat format, Compression compression) {
  if (format == FileFormat::kJsonl) {
    switch (compression) {
      case Compression::kGzip:
        return ".json.gz";
      case Compression::kZstd:
        return ".json.zst";
      case Compression::kUncompressed:
      case Compression::kSnappy:  // rejected for JSON Lines by NewJsonlEncoder
        return ".json";
    }
    return ".json";
  }
  switch (compression) {
    case Compression::kSnappy:
      return ".snappy.parquet";
    case Compression::kGzip:
      return ".gz.parquet";
    case Compression::kZstd:
      return ".zstd.parquet";
    case Compression::kUncompressed:
      return ".parquet";
  }
  return ".parquet";
}

}  // namespace datalake::format
