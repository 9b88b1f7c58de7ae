#include "format/parquet/column_writer.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "format/parquet/page_scratch.h"
#include "format/parquet/rle_bp_encoder.h"

namespace datalake::format::parquet {

ColumnWriter::ColumnWriter(const ColumnDescriptor* column, const ParquetOptions* options,
                           const PageCompressor* compressor)
    : column_(*column),
      options_(*options),
      dictionary_allowed_(options->dictionary && column->physical_type != Type::kBoolean),
      def_bit_width_(BitWidth(column->max_def)),
      rep_bit_width_(BitWidth(column->max_rep)),
      use_dictionary_(dictionary_allowed_),
      dictionary_tried_(dictionary_allowed_),
      dictionary_(column->physical_type == Type::kByteArray),
      statistics_(*column),
      file_statistics_(*column),
      chunk_(compressor) {}

void ColumnWriter::AddNull(uint8_t rep, uint8_t def) {
  assert(def < column_.max_def);
  AddLevels(rep, def);
  statistics_.AddNulls(1);
}

bool ColumnWriter::AddValue(std::string_view plain_bytes) {
  if (use_dictionary_) {
    page_plain_bytes_ += static_cast<int64_t>(plain_bytes.size()) +
                         (column_.physical_type == Type::kByteArray ? 4 : 0);
    bool inserted = false;
    GrowPageBuffer(&indices_);
    indices_.push_back(dictionary_.Insert(plain_bytes, &inserted));
    if (inserted && dictionary_.size() == kDistinctValuesToGiveUp &&
        indices_.size() == kDistinctValuesToGiveUp && !chunk_.has_data_pages()) {
      ConvertPageToPlain();  // the first page so far: every value distinct
    }
    return inserted;
  }
  if (column_.physical_type == Type::kByteArray) {
    PutByteArray(plain_bytes, &values_);
  } else {
    values_.append(plain_bytes);
  }
  return true;
}

void ColumnWriter::AddBool(uint8_t rep, bool v) {
  AddLevels(rep, column_.max_def);
  booleans_.Put(v);
  statistics_.UpdateBool(v);
}

void ColumnWriter::AddInt32(uint8_t rep, int32_t v) {
  AddLevels(rep, column_.max_def);
  AddValue(std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)));
  statistics_.UpdateInt(v);
}

void ColumnWriter::AddInt64(uint8_t rep, int64_t v) {
  AddLevels(rep, column_.max_def);
  AddValue(std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)));
  statistics_.UpdateInt(v);
}

void ColumnWriter::AddFloat(uint8_t rep, float v) {
  AddLevels(rep, column_.max_def);
  AddValue(std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)));
  statistics_.UpdateDouble(v);
}

void ColumnWriter::AddDouble(uint8_t rep, double v) {
  AddLevels(rep, column_.max_def);
  AddValue(std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)));
  statistics_.UpdateDouble(v);
}

void ColumnWriter::AddByteArray(uint8_t rep, std::string_view v) {
  AddLevels(rep, column_.max_def);
  // A value already in the dictionary has already been through the statistics.
  if (AddValue(v)) statistics_.UpdateBytes(v);
}

void ColumnWriter::AddDecimal(uint8_t rep, Int128 unscaled) {
  AddLevels(rep, column_.max_def);
  char bytes[16];
  PutDecimalBigEndian(unscaled, column_.type_length, bytes);
  AddValue(std::string_view(bytes, static_cast<size_t>(column_.type_length)));
  statistics_.UpdateDecimal(unscaled);
}

void ColumnWriter::AddInt96(uint8_t rep, int64_t micros) {
  AddLevels(rep, column_.max_def);
  char bytes[kInt96Bytes];
  PutInt96Timestamp(micros, bytes);
  AddValue(std::string_view(bytes, sizeof(bytes)));  // INT96 has no statistics
}

// The slow half of EndRow: leave the dictionary or finish the page.
Status ColumnWriter::CutPage() {
  Status status;
  if (DictionaryFull()) {
    status = LeaveDictionary();
  } else {
    status = FlushPage();
  }
  page_estimate_ = EstimatedPageBytes();
  return status;
}

// Body of a data page v1 (docs/FORMATS.md#data-pages): [rep levels][def levels][values], each
// level stream with its u32 length. Dictionary indices carry a bit-width byte and no length
// prefix (docs/FORMATS.md#dictionary-encoding).
// parquet-java's rule (FallbackValuesWriter.isCompressionSatisfying), applied to the first page.
bool ColumnWriter::DictionaryPaysOff() const {
  const int width = std::max(1, BitWidth(static_cast<uint32_t>(dictionary_.size() - 1)));
  const int64_t indices = 1 + (static_cast<int64_t>(indices_.size()) * width + 7) / 8;
  return indices + static_cast<int64_t>(dictionary_.plain().size()) < page_plain_bytes_;
}

// Re-encode the page's indices as PLAIN values and stop using the dictionary for this chunk.
void ColumnWriter::ConvertPageToPlain() {
  for (uint32_t index : indices_) values_.append(dictionary_.PlainEntry(index));
  indices_.clear();
  use_dictionary_ = false;
  // The next chunks do not try it (kPlainChunksAfterFallback): its table goes now.
  dictionary_.Release();
}

Status ColumnWriter::FlushPage() {
  if (def_levels_.empty()) return Status::Ok();
  if (use_dictionary_ && dictionary_.size() > 0 && !chunk_.has_data_pages() &&
      !DictionaryPaysOff()) {
    ConvertPageToPlain();
  }
  PageScratch body(PageScratchUse::kBody);
  if (column_.max_rep > 0) EncodeLevels(rep_levels_, rep_bit_width_, body.get());
  EncodeLevels(def_levels_, def_bit_width_, body.get());
  Encoding encoding = Encoding::kPlain;
  if (column_.physical_type == Type::kBoolean) {
    body->append(booleans_.bytes());
  } else if (use_dictionary_ && dictionary_.size() > 0) {
    // An all-null page before the first value stays PLAIN (below): with no entries there is
    // no dictionary to refer to, and an empty dictionary page is invalid.
    encoding = Encoding::kRleDictionary;
    const int width = std::max(1, BitWidth(static_cast<uint32_t>(dictionary_.size() - 1)));
    body->push_back(static_cast<char>(width));
    EncodeRleBp(indices_.data(), indices_.size(), width, body.get());
  } else {
    assert(!use_dictionary_ || indices_.empty());
    body->append(values_);
  }
  RETURN_IF_ERROR(chunk_.AddDataPage(*body, static_cast<int64_t>(def_levels_.size()), encoding));
  def_levels_.clear();
  rep_levels_.clear();
  indices_.clear();
  values_.clear();
  booleans_.Clear();
  page_rows_ = 0;
  page_estimate_ = 0;
  page_plain_bytes_ = 0;
  return Status::Ok();
}

// Fallback (docs/FORMATS.md#dictionary-encoding): finish the page of indices, emit the dictionary
// page, go PLAIN.
Status ColumnWriter::LeaveDictionary() {
  RETURN_IF_ERROR(FlushPage());
  // FlushPage may itself have dropped the dictionary (first page, not paying off): then no
  // page refers to it and there is no dictionary page to write.
  if (use_dictionary_ && dictionary_.size() > 0) {
    RETURN_IF_ERROR(
        chunk_.SetDictionaryPage(dictionary_.plain(), static_cast<int64_t>(dictionary_.size())));
  }
  use_dictionary_ = false;
  dictionary_.Release();  // as in ConvertPageToPlain
  return Status::Ok();
}

Status ColumnWriter::FinishChunk(int64_t file_offset, Sink* sink, ColumnChunk* out) {
  RETURN_IF_ERROR(FlushPage());
  if (use_dictionary_ && dictionary_.size() > 0) {
    RETURN_IF_ERROR(
        chunk_.SetDictionaryPage(dictionary_.plain(), static_cast<int64_t>(dictionary_.size())));
  }
  ColumnMetaData& meta = out->meta_data;
  meta.type = column_.physical_type;
  meta.path_in_schema = column_.path;
  meta.codec = CodecOf(options_.compression);
  chunk_.FillMetadata(file_offset, &meta);
  meta.statistics = statistics_.Finish();
  file_statistics_.Merge(statistics_);
  Status status = chunk_.WriteTo(sink);
  ResetChunk();
  return status;
}

void ColumnWriter::ResetChunk() {
  chunk_.Clear();
  dictionary_.Clear();
  statistics_.Reset();
  if (dictionary_tried_ && !use_dictionary_) {
    plain_chunks_left_ = kPlainChunksAfterFallback;  // this chunk left its dictionary
  }
  dictionary_tried_ = dictionary_allowed_ && plain_chunks_left_ == 0;
  if (plain_chunks_left_ > 0) --plain_chunks_left_;
  use_dictionary_ = dictionary_tried_;
}

int64_t ColumnWriter::memory_bytes() const {
  const size_t bytes = def_levels_.capacity() + rep_levels_.capacity() +
                       indices_.capacity() * sizeof(uint32_t) + values_.capacity() +
                       booleans_.bytes().capacity() + dictionary_.memory_bytes() +
                       chunk_.memory_bytes();
  return static_cast<int64_t>(bytes);
}

void ColumnWriter::ReleaseMemory() {
  assert(def_levels_.empty() && !chunk_.has_data_pages());
  std::vector<uint8_t>().swap(def_levels_);
  std::vector<uint8_t>().swap(rep_levels_);
  std::vector<uint32_t>().swap(indices_);
  std::string().swap(values_);
  booleans_.Release();
  dictionary_.Release();
  chunk_.Release();
}

}  // namespace datalake::format::parquet
