// The JSON Lines encoder's streaming behaviour: compression, chunked writes, sink errors, sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "format/compressor.h"
#include "format/format.h"
#include "format/row.h"
#include "format_test_util.h"
#include "schema/schema.h"

namespace datalake::format {
namespace {

using schema::TypeKind;
using testing::FailingSink;
using testing::FieldOf;
using testing::ListOf;
using testing::SchemaOf;
using testing::StringSink;
using testing::Type;

schema::TableSchema TestSchema() {
  return SchemaOf({FieldOf("id", Type(TypeKind::kInt64)), FieldOf("name", Type(TypeKind::kString)),
                   FieldOf("score", Type(TypeKind::kDouble)),
                   FieldOf("tags", ListOf(Type(TypeKind::kString)))});
}

// Row `i` of the test data: varied enough that compressed output keeps growing.
void FillRow(uint64_t i, Row* row) {
  row->Clear();
  row->AppendInt64(static_cast<int64_t>(i * 2654435761u % 1000003));
  row->AppendString("name-" + std::to_string(i * 7919 % 100000));
  row->AppendDouble(static_cast<double>(i) / 7.0);
  size_t tags = row->BeginList();
  row->AppendString("t" + std::to_string(i % 13));
  row->AppendString(std::to_string(i * i));
  row->EndList(tags, 2);
}

// A JSON Lines encoder of TestSchema() writing to `sink`.
Result<std::unique_ptr<FileEncoder>> TestEncoder(Compression compression, size_t chunk_bytes,
                                                 Sink* sink) {
  EncoderOptions options;
  options.compression = compression;
  options.chunk_bytes = chunk_bytes;
  return NewJsonlEncoder(TestSchema(), options, sink);
}

struct Encoded {
  std::string text;  // the decompressed file
  size_t writes = 0;
  uint64_t estimated_size = 0;
  size_t file_size = 0;
};

Encoded Encode(Compression compression, size_t chunk_bytes, uint64_t rows) {
  StringSink sink;
  auto encoder = TestEncoder(compression, chunk_bytes, &sink);
  EXPECT_TRUE(encoder.ok()) << encoder.status().ToString();
  if (!encoder.ok()) return {};
  Row row;
  for (uint64_t i = 0; i < rows; ++i) {
    FillRow(i, &row);
    (*encoder)->Append(row);
  }
  EXPECT_EQ((*encoder)->rows(), rows);
  EXPECT_TRUE((*encoder)->Finish().ok());
  std::string file = sink.data();
  return {testing::Decompress(compression, file), sink.writes.size(), (*encoder)->EstimatedSize(),
          file.size()};
}

TEST(JsonlStreamTest, EveryCodecRoundTripsToTheUncompressedText) {
  Encoded plain = Encode(Compression::kUncompressed, 4 << 20, 5000);
  ASSERT_EQ(plain.writes, 1u);
  ASSERT_EQ(std::count(plain.text.begin(), plain.text.end(), '\n'), 5000);
  EXPECT_EQ(plain.text.substr(0, plain.text.find('\n') + 1),
            R"({"id":0,"name":"name-0","score":0,"tags":["t0","0"]})"
            "\n");
  for (Compression codec : {Compression::kGzip, Compression::kZstd}) {
    Encoded packed = Encode(codec, 4 << 20, 5000);
    EXPECT_EQ(packed.text, plain.text);
    EXPECT_LT(packed.file_size, plain.file_size / 3);
    EXPECT_EQ(packed.estimated_size, packed.file_size);
  }
}

// FlushBuffers, as a memory budget calls it, leaves nothing buffered in any codec (a gzip window's
// members included) and the file still reads back whole after more rows.
TEST(JsonlStreamTest, FlushBuffersLeavesNothingBufferedAndTheStreamGoesOn) {
  const Encoded plain = Encode(Compression::kUncompressed, 4 << 20, 3000);
  for (Compression codec : {Compression::kUncompressed, Compression::kGzip, Compression::kZstd}) {
    StringSink sink;
    // Small chunks: many gzip members, some waiting in the window.
    auto encoder = TestEncoder(codec, 4096, &sink);
    ASSERT_TRUE(encoder.ok());
    Row row;
    for (uint64_t i = 0; i < 3000; ++i) {
      FillRow(i, &row);
      (*encoder)->Append(row);
      if (i % 1000 == 999) {
        // A gzip stream always has members waiting in its window by now.
        if (codec == Compression::kGzip) {
          ASSERT_GT((*encoder)->BufferedBytes(), 12288u) << i;
        }
        (*encoder)->FlushBuffers();
        EXPECT_LE((*encoder)->BufferedBytes(), 2 * std::string().capacity()) << i;  // empty
        EXPECT_EQ((*encoder)->EstimatedSize(), sink.data().size()) << i;
      }
    }
    ASSERT_TRUE((*encoder)->Finish().ok());
    EXPECT_EQ(testing::Decompress(codec, sink.data()), plain.text) << static_cast<int>(codec);
  }
}

// What a stream holds is about the chunk it renders, not twice it: the chunk's buffer ends at
// the chunk plus a row's headroom, a gzip member takes the buffer over instead of a copy, and
// compressed bytes go out in quarters of a chunk. A memory budget counts these bytes; with
// hundreds of streams the difference is the process's size.
TEST(JsonlStreamTest, AStreamHoldsAboutTheChunkItRenders) {
  const size_t chunk = 64 << 10;
  for (Compression codec : {Compression::kUncompressed, Compression::kGzip, Compression::kZstd}) {
    StringSink sink;
    auto encoder = TestEncoder(codec, chunk, &sink);
    ASSERT_TRUE(encoder.ok());
    Row row;
    uint64_t most = 0;
    for (uint64_t i = 0; i < 40000; ++i) {
      FillRow(i, &row);
      (*encoder)->Append(row);
      most = std::max(most, (*encoder)->BufferedBytes());
    }
    ASSERT_TRUE((*encoder)->Finish().ok());
    // The chunk being rendered, with its headroom (the buffers doubled to twice the chunk).
    uint64_t bound = chunk + chunk / 16 + 64;
    if (codec == Compression::kGzip) {
      // Members waiting in the window count at their input, and what is compressed waits for a
      // quarter of a chunk (a copy of each member, and a chunk of output, were held before).
      bound += kGzipMembersInFlight * (chunk + chunk / 16) + chunk / 2;
    } else if (codec == Compression::kZstd) {
      bound += chunk;  // a chunk's compressed output at most, before it is written
    }
    EXPECT_LE(most, bound) << static_cast<int>(codec);
  }
}

TEST(JsonlStreamTest, SmallChunksGiveSeveralWritesOfTheSameStream) {
  Encoded reference = Encode(Compression::kUncompressed, 4 << 20, 30000);
  for (Compression codec : {Compression::kUncompressed, Compression::kGzip, Compression::kZstd}) {
    Encoded chunked = Encode(codec, 1024, 30000);
    EXPECT_GT(chunked.writes, 3u) << static_cast<int>(codec);
    EXPECT_EQ(chunked.text, reference.text) << static_cast<int>(codec);
    EXPECT_EQ(chunked.estimated_size, chunked.file_size);
  }
}

TEST(JsonlStreamTest, GzipFilesAreOneMemberPerChunkOfWholeRows) {
  const size_t chunk = 4096;
  StringSink sink;
  auto encoder = TestEncoder(Compression::kGzip, chunk, &sink);
  ASSERT_TRUE(encoder.ok());
  Row row;
  for (uint64_t i = 0; i < 20000; ++i) {
    FillRow(i, &row);
    (*encoder)->Append(row);
  }
  ASSERT_TRUE((*encoder)->Finish().ok());
  // Walk the members one by one: each one's text is a chunk (at least `chunk` bytes but for the
  // last) of whole rows, so a reader that splits the file at members never splits a row.
  const std::string data = sink.data();
  std::string_view file = data;
  std::string all;
  size_t members = 0;
  while (!file.empty()) {
    size_t size = testing::GzipMemberSize(file);
    ASSERT_GT(size, 0u);
    std::string text = testing::Gunzip(file.substr(0, size));
    file.remove_prefix(size);
    ++members;
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    if (!file.empty()) {
      EXPECT_GE(text.size(), chunk);
    }
    all += text;
  }
  EXPECT_EQ(all, Encode(Compression::kUncompressed, chunk, 20000).text);
  EXPECT_GE(members, all.size() / (chunk + 100));
  EXPECT_GT(members, 10u);
}

TEST(JsonlStreamTest, UncompressedWritesAreWholeChunksOfRows) {
  StringSink sink;
  EncoderOptions options;
  options.chunk_bytes = 200;
  auto encoder = NewJsonlEncoder(TestSchema(), options, &sink);
  ASSERT_TRUE(encoder.ok());
  Row row;
  uint64_t rendered = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    FillRow(i, &row);
    (*encoder)->Append(row);
    uint64_t size = (*encoder)->EstimatedSize();
    EXPECT_GT(size, rendered);  // every row adds bytes, written or buffered
    rendered = size;
  }
  ASSERT_TRUE((*encoder)->Finish().ok());
  EXPECT_EQ((*encoder)->EstimatedSize(), rendered);  // nothing was compressed: exact
  ASSERT_GT(sink.writes.size(), 5u);
  for (size_t i = 0; i + 1 < sink.writes.size(); ++i) {
    EXPECT_GE(sink.writes[i].size(), 200u);
    EXPECT_EQ(sink.writes[i].back(), '\n');  // rows are never split across writes
  }
}

TEST(JsonlStreamTest, EmptyFilesAreValidStreams) {
  for (Compression codec : {Compression::kUncompressed, Compression::kGzip, Compression::kZstd}) {
    Encoded empty = Encode(codec, 1024, 0);
    EXPECT_EQ(empty.text, "");
    EXPECT_EQ(empty.writes, codec == Compression::kUncompressed ? 0u : 1u);
  }
}

TEST(JsonlStreamTest, SinkErrorIsStickyAndStopsWriting) {
  for (Compression codec : {Compression::kUncompressed, Compression::kGzip, Compression::kZstd}) {
    FailingSink sink(/*ok_writes=*/2);
    auto encoder = TestEncoder(codec, 512, &sink);
    ASSERT_TRUE(encoder.ok());
    Row row;
    for (uint64_t i = 0; i < 50000; ++i) {
      FillRow(i, &row);
      (*encoder)->Append(row);
    }
    EXPECT_EQ(sink.calls, 3) << "Append kept writing after the error";
    uint64_t size = (*encoder)->EstimatedSize();
    Status status = (*encoder)->Finish();
    EXPECT_EQ(sink.calls, 3) << "Finish wrote after the error";
    EXPECT_EQ(status.code(), StatusCode::kIOError);
    EXPECT_EQ(status.message(), "write part 7 of s3://b/k: disk on fire");
    EXPECT_EQ((*encoder)->EstimatedSize(), size);
    EXPECT_EQ(size, sink.accepted);
    EXPECT_EQ((*encoder)->Finish().code(), StatusCode::kIOError);  // stays failed
  }
}

TEST(JsonlStreamTest, SinkErrorInFinishIsReturned) {
  for (Compression codec : {Compression::kUncompressed, Compression::kGzip, Compression::kZstd}) {
    FailingSink sink(/*ok_writes=*/0);
    EncoderOptions options;
    options.compression = codec;
    auto encoder = NewJsonlEncoder(TestSchema(), options, &sink);
    ASSERT_TRUE(encoder.ok());
    Row row;
    FillRow(1, &row);
    (*encoder)->Append(row);
    EXPECT_EQ(sink.calls, 0);
    EXPECT_EQ((*encoder)->Finish().code(), StatusCode::kIOError);
    EXPECT_EQ(sink.calls, 1);
  }
}

TEST(JsonlStreamTest, FinishTwiceReturnsTheSameResultWithoutWriting) {
  StringSink sink;
  auto encoder = NewJsonlEncoder(TestSchema(), EncoderOptions{}, &sink);
  ASSERT_TRUE(encoder.ok());
  Row row;
  FillRow(3, &row);
  (*encoder)->Append(row);
  ASSERT_TRUE((*encoder)->Finish().ok());
  ASSERT_TRUE((*encoder)->Finish().ok());
  EXPECT_EQ(sink.writes.size(), 1u);
}

}  // namespace
}  // namespace datalake::format
