#include "format/parquet/column_chunk_builder.h"

#include "format/parquet/page_scratch.h"

#include <cassert>
#include <limits>
#include <utility>

namespace datalake::format::parquet {
namespace {

// Page sizes are i32 in PageHeader; a larger page could not be described.
constexpr int64_t kMaxPageBytes = std::numeric_limits<int32_t>::max();

}  // namespace

Status ColumnChunkBuilder::AppendPage(PageHeader header, std::string_view body, std::string* out) {
  std::string_view stored = body;
  PageScratch compressed(PageScratchUse::kCompressed);
  if (compressor_->compression() != Compression::kUncompressed) {
    RETURN_IF_ERROR(compressor_->Compress(body, compressed.get()));
    stored = *compressed;
  }
  if (static_cast<int64_t>(body.size()) > kMaxPageBytes ||
      static_cast<int64_t>(stored.size()) > kMaxPageBytes) {
    return Status::InvalidInput("parquet: a page would exceed 2 GiB");
  }
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(stored.size());
  const size_t header_at = out->size();
  SerializePageHeader(header, out);
  const auto header_bytes = static_cast<int64_t>(out->size() - header_at);
  out->append(stored);
  // total_uncompressed_size counts each page header plus its uncompressed body.
  uncompressed_bytes_ += header_bytes + static_cast<int64_t>(body.size());
  return Status::Ok();
}

Status ColumnChunkBuilder::AddDataPage(std::string_view body, int64_t num_levels,
                                       Encoding encoding) {
  if (num_levels > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidInput("parquet: a page would hold over 2^31 values");
  }
  PageHeader header;
  header.type = PageType::kDataPage;
  DataPageHeader data;
  data.num_values = static_cast<int32_t>(num_levels);
  data.encoding = encoding;
  header.data_page_header = data;
  RETURN_IF_ERROR(AppendPage(std::move(header), body, &data_pages_));
  num_values_ += num_levels;
  ++(encoding == Encoding::kPlain ? plain_pages_ : dictionary_pages_);
  return Status::Ok();
}

Status ColumnChunkBuilder::SetDictionaryPage(std::string_view body, int64_t num_entries) {
  assert(dictionary_page_.empty() && num_entries > 0);
  PageHeader header;
  header.type = PageType::kDictionaryPage;
  DictionaryPageHeader dictionary;
  dictionary.num_values = static_cast<int32_t>(num_entries);
  dictionary.encoding = Encoding::kPlain;  // the spec's choice for dictionary pages
  header.dictionary_page_header = dictionary;
  return AppendPage(std::move(header), body, &dictionary_page_);
}

void ColumnChunkBuilder::FillMetadata(int64_t file_offset, ColumnMetaData* meta) const {
  assert(plain_pages_ + dictionary_pages_ > 0);
  const bool has_dictionary = !dictionary_page_.empty();
  // data_page_offset is the first *data* page; dictionary_page_offset only when one exists.
  meta->data_page_offset = file_offset + static_cast<int64_t>(dictionary_page_.size());
  if (has_dictionary) meta->dictionary_page_offset = file_offset;
  meta->num_values = num_values_;
  meta->total_uncompressed_size = uncompressed_bytes_;
  meta->total_compressed_size = compressed_bytes();
  // Every encoding used: the dictionary page's PLAIN, RLE for the levels, the data pages'.
  meta->encodings.clear();
  if (has_dictionary || plain_pages_ > 0) meta->encodings.push_back(Encoding::kPlain);
  meta->encodings.push_back(Encoding::kRle);
  if (dictionary_pages_ > 0) meta->encodings.push_back(Encoding::kRleDictionary);
  meta->encoding_stats.clear();
  if (has_dictionary) {
    meta->encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  if (dictionary_pages_ > 0) {
    meta->encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, dictionary_pages_});
  }
  if (plain_pages_ > 0) {
    meta->encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_});
  }
}

Status ColumnChunkBuilder::WriteTo(Sink* sink) const {
  if (!dictionary_page_.empty()) RETURN_IF_ERROR(sink->Write(dictionary_page_));
  return sink->Write(data_pages_);
}

void ColumnChunkBuilder::Clear() {
  dictionary_page_.clear();
  data_pages_.clear();
  uncompressed_bytes_ = 0;
  num_values_ = 0;
  plain_pages_ = 0;
  dictionary_pages_ = 0;
}

void ColumnChunkBuilder::Release() {
  std::string().swap(dictionary_page_);
  std::string().swap(data_pages_);
}

}  // namespace datalake::format::parquet
