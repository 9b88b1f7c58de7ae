// Test-only: checks a written Parquet file against the spec's bookkeeping rules
// (docs/FORMATS.md#offsets-and-sizes, docs/FORMATS.md#dictionary-encoding,
// docs/FORMATS.md#statistics) by decoding its footer and walking every page with the generic
// decoder of parquet_footer_reader.h, and checks statistics and level counts against the rows
// written.
#pragma once

#include <snappy.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "format/format.h"
#include "format/format_test_util.h"
#include "format/parquet/value_conversion.h"
#include "format/parquet_expected_values.h"
#include "format/parquet_footer_reader.h"
#include "format/parquet_test_util.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::format::testing {

inline std::string DecompressPage(int codec, std::string_view body, size_t expected_size) {
  std::string out;
  switch (codec) {
    case 0:
      return std::string(body);
    case 1:
      EXPECT_TRUE(snappy::Uncompress(body.data(), body.size(), &out));
      return out;
    case 2:
      return Gunzip(body);
    case 6:
      return Unzstd(body);
    default:
      ADD_FAILURE() << "unexpected codec " << codec << " (size " << expected_size << ")";
      return out;
  }
}

struct ChunkWalk {
  int64_t dictionary_pages = 0, plain_pages = 0, dict_data_pages = 0, num_values = 0;
  int64_t compressed = 0, uncompressed = 0;
  std::optional<int64_t> dictionary_offset;
  std::optional<int64_t> first_data_offset;
};

// Walk the pages of one chunk, checking each header and body.
inline ChunkWalk WalkChunk(const std::string& file, int64_t start, int64_t length, int codec) {
  ChunkWalk walk;
  int64_t pos = start;
  while (pos < start + length) {
    const std::string_view rest(file.data() + pos, static_cast<size_t>(start + length - pos));
    CompactReader reader(rest);
    ThriftValue header = reader.ReadStruct();
    EXPECT_TRUE(reader.ok());
    const auto header_bytes = static_cast<int64_t>(reader.consumed(rest));
    const int64_t type = header.Int(1), uncompressed = header.Int(2), compressed = header.Int(3);
    const std::string body = DecompressPage(
        static_cast<int>(codec),
        std::string_view(file.data() + pos + header_bytes, static_cast<size_t>(compressed)),
        static_cast<size_t>(uncompressed));
    EXPECT_EQ(static_cast<int64_t>(body.size()), uncompressed) << "page at " << pos;
    if (codec == 0) {
      EXPECT_EQ(compressed, uncompressed);
    }
    if (type == 2) {  // dictionary page: first, once, PLAIN, not empty
      EXPECT_EQ(walk.dictionary_pages + walk.plain_pages + walk.dict_data_pages, 0);
      EXPECT_EQ(header.At(7).Int(2), 0) << "dictionary page encoding";
      EXPECT_GT(header.At(7).Int(1), 0) << "empty dictionary";
      walk.dictionary_offset = pos;
      ++walk.dictionary_pages;
    } else {
      EXPECT_EQ(type, 0) << "only data page v1 expected";
      const ThriftValue& data = header.At(5);
      EXPECT_EQ(data.Int(3), 3) << "definition_level_encoding must be RLE";
      EXPECT_EQ(data.Int(4), 3) << "repetition_level_encoding must be RLE";
      const int64_t encoding = data.Int(2);
      EXPECT_TRUE(encoding == 0 || encoding == 8) << encoding;
      if (encoding == 8) {
        EXPECT_EQ(walk.dictionary_pages, 1) << "dictionary data page without dictionary";
      }
      ++(encoding == 0 ? walk.plain_pages : walk.dict_data_pages);
      walk.num_values += data.Int(1);
      if (!walk.first_data_offset) walk.first_data_offset = pos;
    }
    walk.compressed += header_bytes + compressed;
    walk.uncompressed += header_bytes + uncompressed;
    pos += header_bytes + compressed;
  }
  EXPECT_EQ(pos, start + length) << "pages overrun the chunk";
  return walk;
}

// Check a chunk's statistics against its expected slots (docs/FORMATS.md#statistics).
inline void CheckStatistics(const ThriftValue& stats, const LeafInfo& leaf,
                            const std::vector<const TestValue*>& slots, bool int96,
                            const std::string& where) {
  int64_t nulls = 0;
  for (const TestValue* v : slots) nulls += v == nullptr ? 1 : 0;
  EXPECT_TRUE(stats.Has(3)) << where << ": null_count must always be written";
  EXPECT_EQ(stats.Int(3), nulls) << where;
  const auto expected = ExpectedMinMax(leaf, slots, int96);
  EXPECT_EQ(stats.Has(5), expected.has_value()) << where << ": max_value presence";
  EXPECT_EQ(stats.Has(6), expected.has_value()) << where << ": min_value presence";
  if (!expected || !stats.Has(5) || !stats.Has(6)) return;
  const StatValue min = DecodeStat(leaf, stats.At(6).binary, int96);
  const StatValue max = DecodeStat(leaf, stats.At(5).binary, int96);
  switch (leaf.kind) {
    case schema::TypeKind::kDouble:
    case schema::TypeKind::kFloat:
      // Zeros: min must be -0.0 and max +0.0.
      EXPECT_EQ(min.d, expected->first.d) << where;
      EXPECT_EQ(max.d, expected->second.d) << where;
      if (min.d == 0) {
        EXPECT_TRUE(std::signbit(min.d)) << where << ": zero min must be -0.0";
      }
      if (max.d == 0) {
        EXPECT_FALSE(std::signbit(max.d)) << where << ": zero max must be +0.0";
      }
      EXPECT_LE(min.d, max.d) << where;
      break;
    case schema::TypeKind::kString:
    case schema::TypeKind::kChar:
    case schema::TypeKind::kVarchar:
    case schema::TypeKind::kBinary:
    case schema::TypeKind::kJson:
      EXPECT_EQ(min.s, expected->first.s) << where;
      EXPECT_EQ(max.s, expected->second.s) << where;
      EXPECT_LE(std::string_view(min.s), std::string_view(max.s)) << where;
      break;
    case schema::TypeKind::kDecimal:
      EXPECT_TRUE(min.dec == expected->first.dec) << where << ": decimal min";
      EXPECT_TRUE(max.dec == expected->second.dec) << where << ": decimal max";
      EXPECT_TRUE(min.dec <= max.dec) << where << ": decimal min > max";
      break;
    default:
      EXPECT_EQ(min.i, expected->first.i) << where;
      EXPECT_EQ(max.i, expected->second.i) << where;
      EXPECT_LE(min.i, max.i) << where;
  }
  // Deprecated min/max: only for signed-order physical types, and then equal to the new ones.
  const bool signed_physical =
      leaf.kind == schema::TypeKind::kInt64 || leaf.kind == schema::TypeKind::kInt32 ||
      leaf.kind == schema::TypeKind::kInt16 || leaf.kind == schema::TypeKind::kInt8 ||
      leaf.kind == schema::TypeKind::kDouble || leaf.kind == schema::TypeKind::kFloat ||
      leaf.kind == schema::TypeKind::kDate || leaf.kind == schema::TypeKind::kTimestamp ||
      leaf.kind == schema::TypeKind::kTimestampNtz;
  EXPECT_EQ(stats.Has(1), signed_physical) << where << ": deprecated max";
  EXPECT_EQ(stats.Has(2), signed_physical) << where << ": deprecated min";
  if (signed_physical && stats.Has(1) && stats.Has(2)) {
    EXPECT_EQ(stats.At(1).binary, stats.At(5).binary) << where;
    EXPECT_EQ(stats.At(2).binary, stats.At(6).binary) << where;
  }
}

// Check encodings and encoding_stats against the pages seen (they must tell the truth:
// docs/FORMATS.md#dictionary-encoding).
inline void CheckEncodings(const ThriftValue& meta, const ChunkWalk& walk,
                           const std::string& where) {
  std::set<int64_t> encodings;
  for (const ThriftValue& e : meta.At(2).items) encodings.insert(e.i);
  std::set<int64_t> expected = {3};
  if (walk.dictionary_pages > 0 || walk.plain_pages > 0) expected.insert(0);
  if (walk.dict_data_pages > 0) expected.insert(8);
  EXPECT_EQ(encodings, expected) << where;
  std::set<std::tuple<int64_t, int64_t, int64_t>> stats, expected_stats;
  for (const ThriftValue& s : meta.At(13).items) stats.insert({s.Int(1), s.Int(2), s.Int(3)});
  if (walk.dictionary_pages > 0) expected_stats.insert({2, 0, 1});
  if (walk.plain_pages > 0) expected_stats.insert({0, 0, walk.plain_pages});
  if (walk.dict_data_pages > 0) expected_stats.insert({0, 8, walk.dict_data_pages});
  EXPECT_EQ(stats, expected_stats) << where;
}

// A chunk's footer figures, for comparison with another decoder (hyparquet).
struct ChunkSummary {
  int64_t num_values = 0, null_count = 0, total_compressed = 0, data_page_offset = 0;
  int64_t dictionary_page_offset = -1;
  int64_t plain_pages = 0, dictionary_data_pages = 0;
};

// Check that `i64_id` of `v` arrived as an i64 (wire type 6), as the IDL says.
inline void ExpectI64(const ThriftValue& v, int id, const std::string& where) {
  EXPECT_EQ(v.At(id).wire_type, 6) << where << ": field " << id << " must be i64";
}

// Check one column chunk starting at `pos` against its pages and expected slots.
inline ChunkSummary CheckChunk(const std::string& file, const ThriftValue& chunk,
                               const LeafInfo& leaf, const std::vector<const TestValue*>& slots,
                               const ParquetOptions& options, int64_t pos,
                               const std::string& where) {
  EXPECT_EQ(chunk.Int(2), 0) << where << ": ColumnChunk.file_offset";
  ExpectI64(chunk, 2, where);
  const ThriftValue& md = chunk.At(3);
  for (int id : {5, 6, 7, 9}) ExpectI64(md, id, where);
  const bool has_dict = md.Has(11);
  const int64_t start = has_dict ? md.Int(11) : md.Int(9);
  EXPECT_EQ(start, pos) << where << ": chunks must be contiguous, in schema order";
  if (has_dict) {
    EXPECT_TRUE(md.Int(11) > 0 && md.Int(11) < md.Int(9)) << where;
  }
  EXPECT_EQ(md.Int(4), static_cast<int64_t>(options.compression == Compression::kSnappy ? 1
                                            : options.compression == Compression::kGzip ? 2
                                            : options.compression == Compression::kZstd ? 6
                                                                                        : 0));
  const ChunkWalk walk = WalkChunk(file, start, md.Int(7), static_cast<int>(md.Int(4)));
  EXPECT_EQ(walk.compressed, md.Int(7)) << where;
  EXPECT_EQ(walk.uncompressed, md.Int(6)) << where;
  EXPECT_EQ(walk.num_values, md.Int(5)) << where;
  EXPECT_EQ(md.Int(9), walk.first_data_offset.value_or(-1)) << where << ": data_page_offset";
  EXPECT_EQ(has_dict, walk.dictionary_offset.has_value()) << where;
  if (!options.dictionary) {
    EXPECT_FALSE(has_dict) << where;
  }
  CheckEncodings(md, walk, where);
  EXPECT_EQ(md.Int(5), static_cast<int64_t>(slots.size())) << where << ": num_values";
  CheckStatistics(md.At(12), leaf, slots, options.timestamp_int96, where);
  return {md.Int(5),        md.At(12).Int(3),    md.Int(7), md.Int(9), has_dict ? md.Int(11) : -1,
          walk.plain_pages, walk.dict_data_pages};
}

// Check one row group; `*pos` is where it must start, `*row` its first row.
inline std::vector<ChunkSummary> CheckRowGroup(const std::string& file, const ThriftValue& rg,
                                               size_t ordinal, const schema::TableSchema& schema,
                                               const std::vector<std::vector<TestValue>>& rows,
                                               const ParquetOptions& options, int64_t* pos,
                                               size_t* row) {
  const std::string where_rg = "row group " + std::to_string(ordinal);
  std::vector<LeafInfo> leaves;
  for (const schema::Field& f : schema.columns) CollectLeaves(f.type, &leaves);
  const int64_t rg_rows = rg.Int(3);
  EXPECT_GT(rg_rows, 0) << where_rg;
  std::vector<std::vector<const TestValue*>> slots(leaves.size());
  for (int64_t r = 0; r < rg_rows && *row + static_cast<size_t>(r) < rows.size(); ++r) {
    size_t leaf = 0;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      LeafSlots(schema.columns[c].type, rows[*row + static_cast<size_t>(r)][c], leaf, &slots);
      leaf += LeafCount(schema.columns[c].type);
    }
  }
  EXPECT_EQ(rg.Int(5), *pos) << where_rg << ": file_offset";
  EXPECT_EQ(rg.Int(7), static_cast<int64_t>(ordinal)) << where_rg;
  EXPECT_EQ(rg.At(7).wire_type, 4) << where_rg << ": ordinal must be i16";
  ExpectI64(rg, 2, where_rg);
  ExpectI64(rg, 3, where_rg);
  const std::vector<ThriftValue>& columns = rg.At(1).items;
  EXPECT_EQ(columns.size(), leaves.size()) << where_rg;
  std::vector<ChunkSummary> summaries;
  int64_t sum_uncompressed = 0, sum_compressed = 0;
  for (size_t c = 0; c < columns.size() && c < leaves.size(); ++c) {
    const std::string where = where_rg + " column " + std::to_string(c);
    const ThriftValue& md = columns[c].At(3);
    summaries.push_back(CheckChunk(file, columns[c], leaves[c], slots[c], options, *pos, where));
    sum_uncompressed += md.Int(6);
    sum_compressed += md.Int(7);
    *pos += md.Int(7);
  }
  EXPECT_EQ(rg.Int(2), sum_uncompressed) << where_rg << ": total_byte_size";
  EXPECT_EQ(rg.Int(6), sum_compressed) << where_rg << ": total_compressed_size";
  *row += static_cast<size_t>(rg_rows);
  return summaries;
}

// Check a whole file's bytes; return the chunk figures per row group.
inline std::vector<std::vector<ChunkSummary>> CheckParquetBytes(
    const std::string& file, const schema::TableSchema& schema,
    const std::vector<std::vector<TestValue>>& rows, const ParquetOptions& options) {
  const ThriftValue meta = DecodeFooter(file);
  EXPECT_EQ(meta.Int(1), 1) << "version";
  EXPECT_EQ(meta.At(6).binary, options.created_by);
  EXPECT_EQ(meta.Int(3), static_cast<int64_t>(rows.size())) << "num_rows";
  ExpectI64(meta, 3, "FileMetaData");
  std::vector<LeafInfo> leaves;
  for (const schema::Field& f : schema.columns) CollectLeaves(f.type, &leaves);
  EXPECT_EQ(meta.At(7).items.size(), leaves.size()) << "one column order per leaf";
  for (const ThriftValue& order : meta.At(7).items) EXPECT_TRUE(order.Has(1)) << "TYPE_ORDER";
  int64_t pos = 4;
  size_t row = 0;
  std::vector<std::vector<ChunkSummary>> out;
  const std::vector<ThriftValue>& groups = meta.At(4).items;
  for (size_t g = 0; g < groups.size(); ++g) {
    out.push_back(CheckRowGroup(file, groups[g], g, schema, rows, options, &pos, &row));
  }
  EXPECT_EQ(row, rows.size()) << "rows in row groups";
  uint32_t length = 0;
  if (file.size() >= 8) std::memcpy(&length, file.data() + file.size() - 8, 4);
  EXPECT_EQ(pos, static_cast<int64_t>(file.size()) - 8 - length)
      << "footer must follow the last chunk";
  return out;
}

// Check the file at `path` (CheckParquetBytes).
inline std::vector<std::vector<ChunkSummary>> CheckParquetFile(
    const std::string& path, const schema::TableSchema& schema,
    const std::vector<std::vector<TestValue>>& rows, const ParquetOptions& options) {
  return CheckParquetBytes(ReadFile(path), schema, rows, options);
}

// Compare the figures with hyparquet's own decoding of the footer (reader "metadata").
inline void ExpectMetadataAgrees(const json::Value& metadata,
                                 const std::vector<std::vector<ChunkSummary>>& summaries,
                                 size_t rows, const std::string& where) {
  auto as_int = [](const json::Value* v) -> int64_t {
    if (v == nullptr) return -1;
    if (v->is_string()) return std::stoll(v->text());
    return v->AsInt64().value_or(-2);
  };
  EXPECT_EQ(as_int(metadata.Find("num_rows")), static_cast<int64_t>(rows)) << where;
  const json::Value* groups = metadata.Find("row_groups");
  ASSERT_NE(groups, nullptr) << where;
  ASSERT_EQ(groups->items().size(), summaries.size()) << where;
  for (size_t g = 0; g < summaries.size(); ++g) {
    const json::Value* columns = groups->items()[g].Find("columns");
    ASSERT_NE(columns, nullptr);
    ASSERT_EQ(columns->items().size(), summaries[g].size()) << where;
    for (size_t c = 0; c < summaries[g].size(); ++c) {
      const json::Value* md = columns->items()[c].Find("meta_data");
      ASSERT_NE(md, nullptr);
      const ChunkSummary& s = summaries[g][c];
      const std::string at = where + " rg " + std::to_string(g) + " col " + std::to_string(c);
      EXPECT_EQ(as_int(md->Find("num_values")), s.num_values) << at;
      EXPECT_EQ(as_int(md->Find("total_compressed_size")), s.total_compressed) << at;
      EXPECT_EQ(as_int(md->Find("data_page_offset")), s.data_page_offset) << at;
      EXPECT_EQ(as_int(md->Find("dictionary_page_offset")), s.dictionary_page_offset) << at;
      const json::Value* stats = md->Find("statistics");
      ASSERT_NE(stats, nullptr) << at;
      EXPECT_EQ(as_int(stats->Find("null_count")), s.null_count) << at;
    }
  }
}

}  // namespace datalake::format::testing
