// File encoders: turn Rows of one table into the bytes of one data file.
//
// An encoder writes to a Sink as it goes (in chunks of roughly `chunk_bytes`), so memory is
// bounded by the chunk, not the file. Encoders keep a sticky status: Append stays cheap and
// returns nothing; the first error (from the sink) is returned by Finish.
//
// Not thread-safe: one encoder per open file, used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::format {

enum class FileFormat { kJsonl, kParquet };
enum class Compression { kUncompressed, kGzip, kZstd, kSnappy };

// Where an encoder's bytes go.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

class FileEncoder {
 public:
  virtual ~FileEncoder() = default;
  // Encode one row. REQUIRES: `row` matches the schema the encoder was made for.
  virtual void Append(const Row& row) = 0;
  // Flush everything (compressed trailer, footer) to the sink. Return the first error.
  virtual Status Finish() = 0;
  // Bytes handed to the sink so far plus bytes still buffered (the file's size so far, roughly).
  virtual uint64_t EstimatedSize() const = 0;
  virtual uint64_t rows() const = 0;
};

struct EncoderOptions {
  Compression compression = Compression::kUncompressed;
  size_t chunk_bytes = 4 << 20;  // hand bytes to the sink in chunks of about this size
  int gzip_level = 6;
  int zstd_level = 3;
};

// Return a JSON Lines encoder: one object per line, keys = column names, values per
// docs/FORMATS.md (timestamps "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, dates "YYYY-MM-DD", JSON
// columns as strings holding JSON text, nulls as null). Compression: none, gzip or zstd
// (kSnappy is rejected with kConfigError).
Result<std::unique_ptr<FileEncoder>> NewJsonlEncoder(const schema::TableSchema& schema,
                                                     const EncoderOptions& options, Sink* sink);

// Return the file name suffix the original connector uses: ".json", ".json.gz", ".json.zst";
// ".parquet", ".snappy.parquet", ".gz.parquet", ".zstd.parquet".
std::string FileExtension(FileFormat format, Compression compression);

}  // namespace datalake::format
