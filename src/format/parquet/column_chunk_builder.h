// The encoded pages of one column chunk in the open row group, and the ColumnMetaData that
// describes them (docs/FORMATS.md#offsets-and-sizes).
//
// Pages arrive as uncompressed bodies; each is compressed on its own and stored with its serialized
// PageHeader. The dictionary page, which can only be built once the dictionary stops growing, is
// kept apart and written first. Sizes, encodings and encoding_stats are counted as pages are added,
// so the metadata is exact by construction (they must tell the truth:
// docs/FORMATS.md#dictionary-encoding).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/format.h"
#include "format/parquet/metadata.h"
#include "format/parquet/page_compressor.h"

namespace datalake::format::parquet {

class ColumnChunkBuilder {
 public:
  explicit ColumnChunkBuilder(const PageCompressor* compressor) : compressor_(compressor) {}

  // Add a data page v1 whose body is levels + values (`encoding` names the values' encoding).
  Status AddDataPage(std::string_view body, int64_t num_levels, Encoding encoding);
  // Set the chunk's dictionary page: `num_entries` PLAIN-encoded values. At most once.
  Status SetDictionaryPage(std::string_view body, int64_t num_entries);

  bool has_data_pages() const { return plain_pages_ + dictionary_pages_ > 0; }
  // Bytes of all pages so far, headers included, before and after compression.
  int64_t uncompressed_bytes() const { return uncompressed_bytes_; }
  int64_t compressed_bytes() const {
    return static_cast<int64_t>(dictionary_page_.size() + data_pages_.size());
  }

  // Fill the size, offset, encoding and count fields of `meta` for a chunk that starts at
  // `file_offset`. REQUIRES: at least one data page.
  void FillMetadata(int64_t file_offset, ColumnMetaData* meta) const;
  // Write the chunk's bytes: the dictionary page (if any), then the data pages.
  Status WriteTo(Sink* sink) const;
  // Forget all pages (keeps buffer capacity for the next row group).
  void Clear();
  // Give the buffers' memory back. REQUIRES: cleared.
  void Release();
  size_t memory_bytes() const { return dictionary_page_.capacity() + data_pages_.capacity(); }

 private:
  Status AppendPage(PageHeader header, std::string_view body, std::string* out);

  const PageCompressor* const compressor_;
  std::string dictionary_page_;  // header + body
  std::string data_pages_;       // headers + bodies, in order
  int64_t uncompressed_bytes_ = 0;
  int64_t num_values_ = 0;
  int32_t plain_pages_ = 0;
  int32_t dictionary_pages_ = 0;  // data pages holding dictionary indices
};

}  // namespace datalake::format::parquet
