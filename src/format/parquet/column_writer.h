// One leaf column of the open row group: takes (repetition level, definition level, value)
// slots from the shredder, buffers the current page, cuts pages at row boundaries, and manages
// dictionary encoding with fallback to PLAIN (docs/FORMATS.md#dictionary-encoding).
//
// Pages: data page v1; levels RLE with u32 length prefix; values RLE_DICTIONARY (1-byte bit
// width + hybrid indices) while the dictionary is below its limit, PLAIN otherwise. A page ends
// only between rows (readers and the page index expect it), when it reaches page_bytes
// (estimated encoded size) or page_rows. When the dictionary's PLAIN size reaches
// dictionary_page_limit_bytes, the current page is finished with indices and the rest of the
// chunk is PLAIN, as Arrow does. If the first page shows the dictionary does not pay
// off (indices + dictionary >= PLAIN size: high-cardinality data), that page is written PLAIN
// and the chunk gets no dictionary at all, as parquet-java's FallbackValuesWriter decides. Each
// row group starts a fresh dictionary, except that a column whose dictionary was left in one
// chunk writes its next kPlainChunksAfterFallback chunks PLAIN without trying again: hashing
// every value of a high-cardinality column only to drop the dictionary is most of the cost of
// small row groups (many streams under a memory budget), and the retry after them follows data
// that changes. For the same reason a chunk whose first kDistinctValuesToGiveUp values are all
// distinct (ids, UUIDs, timestamps) does not wait for the end of its first page to drop it.
//
// Errors (compression, a page over 2 GiB) are returned by EndRow / FinishChunk.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/format.h"
#include "format/parquet/column_chunk_builder.h"
#include "format/parquet/dictionary_builder.h"
#include "format/parquet/plain_encoder.h"
#include "format/parquet/rle_bp_encoder.h"
#include "format/parquet/schema_converter.h"
#include "format/parquet/statistics.h"
#include "format/parquet/value_conversion.h"

namespace datalake::format::parquet {

class ColumnWriter {
 public:
  // Chunks written PLAIN after one whose dictionary was left, before the dictionary is tried
  // again.
  static constexpr int kPlainChunksAfterFallback = 3;
  // A chunk whose first this-many values are all distinct gives up its dictionary at once,
  // writing its first page PLAIN as the end of that page would most likely decide anyway (a
  // column of up to ~20,000 distinct values shows a repeat this early with near certainty).
  static constexpr size_t kDistinctValuesToGiveUp = 1024;

  ColumnWriter(const ColumnDescriptor* column, const ParquetOptions* options,
               const PageCompressor* compressor);
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;

  // A slot without a value: def < max_def (a null here or at an ancestor, or an empty list).
  void AddNull(uint8_t rep, uint8_t def);
  // Slots with a value (def = max_def). The method must match the column's LeafKind.
  void AddBool(uint8_t rep, bool v);
  void AddInt32(uint8_t rep, int32_t v);
  void AddInt64(uint8_t rep, int64_t v);
  void AddFloat(uint8_t rep, float v);
  void AddDouble(uint8_t rep, double v);
  void AddByteArray(uint8_t rep, std::string_view v);
  void AddDecimal(uint8_t rep, Int128 unscaled);
  void AddInt96(uint8_t rep, int64_t micros);
  // A value (PLAIN bytes, as AddValue takes them) a coming Add* will pass: start loading what
  // the dictionary will look at (DictionaryBuilder::Prefetch).
  void Prefetch(std::string_view plain_bytes) const {
    if (use_dictionary_) dictionary_.Prefetch(plain_bytes);
  }

  // Call after each complete row: finish the page or leave the dictionary if due. Inline, as it
  // runs per column per row and mostly finds nothing due.
  Status EndRow() {
    if (!DictionaryFull()) {
      const int64_t estimate = EstimatedPageBytes();
      if (page_rows_ < options_.page_rows && estimate < static_cast<int64_t>(options_.page_bytes)) {
        page_estimate_ = estimate;
        return Status::Ok();
      }
    }
    return CutPage();
  }
  // Finish the chunk (last page, dictionary page), fill `out` for a chunk starting at
  // `file_offset` and write its bytes to `sink`; then reset for the next row group.
  Status FinishChunk(int64_t file_offset, Sink* sink, ColumnChunk* out);
  // The statistics of every chunk finished so far (a file's summary).
  Statistics FileStatistics() const { return file_statistics_.Finish(); }

  // Size of the chunk so far before compression (row-group sizing), and as buffered now. Both
  // use the page estimate of the last EndRow: they are asked once per row.
  int64_t uncompressed_bytes() const {
    return chunk_.uncompressed_bytes() + dictionary_bytes() + page_estimate_;
  }
  int64_t buffered_bytes() const {
    return chunk_.compressed_bytes() + dictionary_bytes() + page_estimate_;
  }
  // Bytes allocated by the writer's buffers (capacity, not use: what the process holds).
  int64_t memory_bytes() const;
  // Give every buffer's memory back, as a memory budget asks. REQUIRES: right after FinishChunk.
  void ReleaseMemory();

 private:
  void AddLevels(uint8_t rep, uint8_t def) {
    if (column_.max_rep > 0) {
      GrowPageBuffer(&rep_levels_);
      rep_levels_.push_back(rep);
    }
    GrowPageBuffer(&def_levels_);
    def_levels_.push_back(def);
    if (rep == 0) ++page_rows_;
  }
  // Make room for one more entry of a page's levels or indices: by doubling, but to exactly
  // page_rows when that is the next step. A flat column's page holds at most page_rows of them;
  // doubling past it (to 32,768 for 20,000) held 60% more than any page uses, and with many
  // open files that is what a memory budget counted and the process held.
  template <typename Vector>
  void GrowPageBuffer(Vector* v) const {
    if (v->size() < v->capacity()) return;
    size_t want = std::max<size_t>(v->capacity() * 2, 64);
    if (v->size() < options_.page_rows) want = std::min(want, options_.page_rows);
    v->reserve(want);
  }
  // Append one value's PLAIN bytes (without length prefix): a dictionary index while the
  // dictionary is in use, else PLAIN. Return false if the value was already in the dictionary.
  bool AddValue(std::string_view plain_bytes);
  // The page's encoded size if it were finished now.
  int64_t EstimatedPageBytes() const {
    const auto levels = static_cast<int64_t>(def_levels_.size());
    int64_t bytes = (levels * (def_bit_width_ + rep_bit_width_) + 7) / 8;
    if (column_.physical_type == Type::kBoolean) {
      bytes += static_cast<int64_t>(booleans_.bytes().size());
    } else if (use_dictionary_) {
      const int width = BitWidth(static_cast<uint32_t>(dictionary_.size()));
      bytes += 1 + (static_cast<int64_t>(indices_.size()) * width + 7) / 8;
    } else {
      bytes += static_cast<int64_t>(values_.size());
    }
    return bytes;
  }
  bool DictionaryFull() const {
    return use_dictionary_ && dictionary_.plain().size() >= options_.dictionary_page_limit_bytes;
  }
  Status CutPage();
  int64_t dictionary_bytes() const {
    return use_dictionary_ ? static_cast<int64_t>(dictionary_.plain().size()) : 0;
  }
  bool DictionaryPaysOff() const;
  void ConvertPageToPlain();
  Status FlushPage();
  Status LeaveDictionary();
  void ResetChunk();

  const ColumnDescriptor& column_;
  const ParquetOptions& options_;
  const bool dictionary_allowed_;  // never for BOOLEAN
  const int def_bit_width_;
  const int rep_bit_width_;

  // The current page.
  std::vector<uint8_t> def_levels_;
  std::vector<uint8_t> rep_levels_;  // only if max_rep > 0
  std::vector<uint32_t> indices_;    // while dictionary-encoding
  std::string values_;               // PLAIN values otherwise
  BooleanPacker booleans_;           // PLAIN booleans
  size_t page_rows_ = 0;
  int64_t page_estimate_ = 0;     // EstimatedPageBytes() as of the last EndRow
  int64_t page_plain_bytes_ = 0;  // the page's values' size if PLAIN-encoded

  // The chunk.
  bool use_dictionary_;
  bool dictionary_tried_;      // this chunk started with the dictionary
  int plain_chunks_left_ = 0;  // chunks still to start PLAIN after a fallback
  DictionaryBuilder dictionary_;
  StatisticsBuilder statistics_;       // the open chunk's
  StatisticsBuilder file_statistics_;  // the finished chunks', merged once a chunk
  ColumnChunkBuilder chunk_;
};

}  // namespace datalake::format::parquet
