#include "format/compressor.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/task_pool.h"

#include "format/format.h"
#include "format_test_util.h"

namespace datalake::format {
namespace {

using testing::Gunzip;
using testing::GunzipMembers;
using testing::Unzstd;

// Text that compresses (repeated words) followed by bytes that do not (random), so output
// sizes exceed the codecs' minimum output room and the growth paths run.
std::string MixedInput(size_t size) {
  std::string s;
  std::mt19937 rng(42);
  while (s.size() < size / 2) s += "the quick brown fox jumps over the lazy dog ";
  while (s.size() < size) s.push_back(static_cast<char>(rng()));
  return s;
}

TEST(CompressorTest, OneShotGzipIsOneMemberThatRoundTrips) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{3} << 20}) {
    std::string in = MixedInput(size);
    std::string out = "prefix";
    ASSERT_TRUE(GzipCompress(in, 6, &out).ok());
    ASSERT_EQ(out.substr(0, 6), "prefix");  // appends
    ASSERT_GE(out.size(), 8u);
    EXPECT_EQ(static_cast<unsigned char>(out[6]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(out[7]), 0x8b);
    EXPECT_EQ(Gunzip(std::string_view(out).substr(6)), in) << size;
  }
}

TEST(CompressorTest, OneShotZstdIsOneFrameWithContentSize) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{3} << 20}) {
    std::string in = MixedInput(size);
    std::string out = "prefix";
    ASSERT_TRUE(ZstdCompress(in, 3, &out).ok());
    std::string_view frame = std::string_view(out).substr(6);
    EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), size);
    EXPECT_EQ(Unzstd(frame), in) << size;
  }
}

TEST(CompressorTest, StreamingRoundTripsAcrossManyCalls) {
  for (Compression codec : {Compression::kGzip, Compression::kZstd}) {
    auto compressor = NewStreamCompressor(codec, 1);
    ASSERT_TRUE(compressor.ok()) << compressor.status().ToString();
    std::string in = MixedInput(size_t{2} << 20);
    std::string out;
    size_t step = 1;
    size_t pos = 0;
    while (pos < in.size()) {  // growing pieces: 1, 2, 4, ... bytes, and empty calls between
      size_t n = std::min(step, in.size() - pos);
      ASSERT_TRUE((*compressor)->Compress(std::string_view(in).substr(pos, n), false, &out).ok());
      ASSERT_TRUE((*compressor)->Compress("", false, &out).ok());
      pos += n;
      step *= 2;
    }
    ASSERT_TRUE((*compressor)->Compress("", true, &out).ok());
    EXPECT_EQ(testing::Decompress(codec, out), in);
  }
}

// Feed `in` to a gzip stream compressor in pieces of `piece` bytes; return the file.
std::string GzipStream(std::string_view in, size_t piece, size_t member_bytes) {
  auto compressor = NewStreamCompressor(Compression::kGzip, 6, member_bytes);
  EXPECT_TRUE(compressor.ok()) << compressor.status().ToString();
  if (!compressor.ok()) return "";
  std::string out;
  do {
    size_t n = std::min(piece, in.size());
    EXPECT_TRUE((*compressor)->Compress(in.substr(0, n), n == in.size(), &out).ok());
    in.remove_prefix(n);
  } while (!in.empty());
  return out;
}

TEST(CompressorTest, GzipStreamIsOneMemberPerBlockOfInput) {
  const size_t block = 64 << 10;
  std::string in = MixedInput(10 * block + 123);
  struct Case {
    size_t piece;
    size_t members;
  };
  // Small pieces gather into blocks; pieces of a block or more are members as they are.
  for (Case c : {Case{1000, 11}, Case{block, 11}, Case{block - 1, 11}, Case{3 * block, 4},
                 Case{in.size(), 1}}) {
    std::string out = GzipStream(in, c.piece, block);
    size_t members = 0;
    EXPECT_EQ(GunzipMembers(out, &members), in) << c.piece;
    EXPECT_EQ(members, c.members) << c.piece;
  }
}

TEST(CompressorTest, GzipStreamEndingOnABlockBoundaryHasNoEmptyMember) {
  const size_t block = 4096;
  std::string in = MixedInput(3 * block);
  for (size_t piece : {size_t{1}, size_t{100}, block}) {
    std::string out = GzipStream(in, piece, block);
    size_t members = 0;
    EXPECT_EQ(GunzipMembers(out, &members), in) << piece;
    EXPECT_EQ(members, 3u) << piece;
  }
}

// What a gzip stream hands out after each call, and what it holds, with or without a pool of
// threads compressing its members: both must match call for call.
struct GzipTrace {
  std::vector<std::string> outputs;
  std::vector<size_t> held;
};
GzipTrace TraceGzipStream(std::string_view in, const std::vector<size_t>& pieces,
                          size_t member_bytes, TaskPool* pool, bool owned = false) {
  GzipTrace trace;
  auto compressor = NewStreamCompressor(Compression::kGzip, 1, member_bytes, pool);
  EXPECT_TRUE(compressor.ok());
  if (!compressor.ok()) return trace;
  size_t i = 0;
  do {
    const size_t n = std::min(pieces[i++ % pieces.size()], in.size());
    std::string out;
    if (owned) {
      std::string piece(in.substr(0, n));
      EXPECT_TRUE((*compressor)->CompressOwned(&piece, n == in.size(), &out).ok());
      EXPECT_TRUE(piece.empty());
    } else {
      EXPECT_TRUE((*compressor)->Compress(in.substr(0, n), n == in.size(), &out).ok());
    }
    trace.outputs.push_back(std::move(out));
    trace.held.push_back((*compressor)->held_bytes());
    in.remove_prefix(n);
  } while (!in.empty());
  return trace;
}

TEST(CompressorTest, GzipStreamOnAPoolHandsOutTheSameBytesAtTheSamePoints) {
  const size_t block = 16 << 10;
  const std::string in = MixedInput(40 * block + 777);
  const std::vector<size_t> pieces = {1000, 3 * block, 17, block, 5 * block + 3, 200};
  const GzipTrace serial = TraceGzipStream(in, pieces, block, nullptr);
  std::string file;
  for (const std::string& out : serial.outputs) file += out;
  size_t members = 0;
  ASSERT_EQ(GunzipMembers(file, &members), in);
  EXPECT_GT(members, kGzipMembersInFlight + 10);
  // Members wait in the window: some calls hand out nothing while the stream holds input.
  EXPECT_TRUE(std::any_of(serial.held.begin(), serial.held.end(),
                          [&](size_t held) { return held > kGzipMembersInFlight * block; }));
  for (size_t threads : {1, 2, 4}) {
    TaskPool pool(threads, threads);
    const GzipTrace parallel = TraceGzipStream(in, pieces, block, &pool);
    EXPECT_EQ(parallel.outputs, serial.outputs) << threads;
    EXPECT_EQ(parallel.held, serial.held) << threads;
  }
}

// A buffer handed over (a member's worth taken as it is, smaller ones copied into the block)
// gives the same bytes at the same points as the same input copied, on a pool or not.
TEST(CompressorTest, GzipStreamTakingBuffersOverHandsOutTheSameBytes) {
  const size_t block = 16 << 10;
  const std::string in = MixedInput(40 * block + 777);
  const std::vector<size_t> pieces = {1000, 3 * block, 17, block, 5 * block + 3, 200, block};
  const GzipTrace copied = TraceGzipStream(in, pieces, block, nullptr);
  const GzipTrace taken = TraceGzipStream(in, pieces, block, nullptr, /*owned=*/true);
  EXPECT_EQ(taken.outputs, copied.outputs);
  EXPECT_EQ(taken.held, copied.held);
  TaskPool pool(2, 2);
  EXPECT_EQ(TraceGzipStream(in, pieces, block, &pool, /*owned=*/true).outputs, copied.outputs);
  // Every codec reads back what it was given, taken over or not.
  for (Compression codec : {Compression::kGzip, Compression::kZstd}) {
    auto compressor = NewStreamCompressor(codec, 1, block);
    ASSERT_TRUE(compressor.ok());
    std::string file;
    for (size_t at = 0; at < in.size(); at += 2 * block) {
      std::string piece = in.substr(at, 2 * block);
      const bool last = at + 2 * block >= in.size();
      ASSERT_TRUE((*compressor)->CompressOwned(&piece, last, &file).ok());
      EXPECT_TRUE(piece.empty());
    }
    size_t members = 0;
    EXPECT_EQ(codec == Compression::kGzip ? GunzipMembers(file, &members) : Unzstd(file), in);
  }
}

TEST(CompressorTest, GzipStreamMayBeDestroyedWithMembersStillCompressing) {
  TaskPool pool(2, 2);
  for (int i = 0; i < 20; ++i) {
    auto compressor = NewStreamCompressor(Compression::kGzip, 6, 4096, &pool);
    ASSERT_TRUE(compressor.ok());
    std::string out;
    ASSERT_TRUE((*compressor)->Compress(MixedInput(10 * 4096), false, &out).ok());
  }  // the pool finishes the abandoned members' jobs, which own their buffers
}

TEST(CompressorTest, EmptyGzipStreamIsOneEmptyMember) {
  auto compressor = NewStreamCompressor(Compression::kGzip, 6);
  ASSERT_TRUE(compressor.ok());
  std::string out;
  ASSERT_TRUE((*compressor)->Compress("", false, &out).ok());
  ASSERT_TRUE((*compressor)->Compress("", true, &out).ok());
  EXPECT_EQ(Gunzip(out), "");  // exactly one member, so `gzip -d` reads an empty file
}

TEST(CompressorTest, GzipMembersRoundTripAtEveryLevel) {
  std::string in = MixedInput(size_t{1} << 20);
  std::map<int, size_t> sizes;
  for (int level = -1; level <= 9; ++level) {
    auto compressor = NewStreamCompressor(Compression::kGzip, level, 256 << 10);
    ASSERT_TRUE(compressor.ok()) << level;
    std::string out;
    ASSERT_TRUE((*compressor)->Compress(in, true, &out).ok());
    EXPECT_EQ(GunzipMembers(out), in) << level;
    sizes[level] = out.size();
  }
  EXPECT_GT(sizes[0], in.size());  // level 0 stores
  EXPECT_EQ(sizes[-1], sizes[6]);  // -1 is zlib's default, 6
  EXPECT_LT(sizes[6], sizes[1]);   // the levels still trade speed for size
}

TEST(CompressorTest, BigGzipStreamRoundTrips) {
  // 40 MiB in pieces of about the JSON Lines encoder's chunk: many default-size members.
  std::string in;
  while (in.size() < (size_t{40} << 20)) in += MixedInput(size_t{1} << 20);
  std::string out = GzipStream(in, (size_t{1} << 20) + 77, kDefaultGzipMemberBytes);
  size_t members = 0;
  EXPECT_EQ(GunzipMembers(out, &members), in);
  EXPECT_EQ(members, 40u);
  EXPECT_LT(out.size(), in.size());
}

TEST(CompressorTest, ZstdStreamCarriesAChecksum) {
  auto compressor = NewStreamCompressor(Compression::kZstd, 3);
  ASSERT_TRUE(compressor.ok());
  std::string out;
  ASSERT_TRUE((*compressor)->Compress("hello", true, &out).ok());
  // Frame_Header_Descriptor follows the 4-byte magic; bit 2 is Content_Checksum_flag.
  ASSERT_GT(out.size(), 5u);
  EXPECT_TRUE(static_cast<unsigned char>(out[4]) & 0x04);
  EXPECT_EQ(Unzstd(out), "hello");
}

TEST(CompressorTest, CompressAfterFinishIsAnError) {
  for (Compression codec : {Compression::kGzip, Compression::kZstd}) {
    auto compressor = NewStreamCompressor(codec, 1);
    ASSERT_TRUE(compressor.ok());
    std::string out;
    ASSERT_TRUE((*compressor)->Compress("a", true, &out).ok());
    Status again = (*compressor)->Compress("b", false, &out);
    EXPECT_EQ(again.code(), StatusCode::kInternal);
  }
}

TEST(CompressorTest, RejectsLevelsOutOfRange) {
  EXPECT_EQ(NewStreamCompressor(Compression::kGzip, 10).status().code(), StatusCode::kConfigError);
  EXPECT_EQ(NewStreamCompressor(Compression::kGzip, -2).status().code(), StatusCode::kConfigError);
  EXPECT_EQ(NewStreamCompressor(Compression::kZstd, ZSTD_maxCLevel() + 1).status().code(),
            StatusCode::kConfigError);
  std::string out;
  EXPECT_EQ(GzipCompress("x", 11, &out).code(), StatusCode::kConfigError);
  EXPECT_EQ(ZstdCompress("x", 99, &out).code(), StatusCode::kConfigError);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(NewStreamCompressor(Compression::kGzip, -1).ok());  // zlib's default level
}

TEST(CompressorTest, NoStreamingCompressorForOtherCodecs) {
  EXPECT_EQ(NewStreamCompressor(Compression::kSnappy, 0).status().code(), StatusCode::kInternal);
  EXPECT_EQ(NewStreamCompressor(Compression::kUncompressed, 0).status().code(),
            StatusCode::kInternal);
}

TEST(FileExtensionTest, MatchesTheOriginalConnector) {
  EXPECT_EQ(FileExtension(FileFormat::kJsonl, Compression::kUncompressed), ".json");
  EXPECT_EQ(FileExtension(FileFormat::kJsonl, Compression::kGzip), ".json.gz");
  EXPECT_EQ(FileExtension(FileFormat::kJsonl, Compression::kZstd), ".json.zst");
  EXPECT_EQ(FileExtension(FileFormat::kJsonl, Compression::kSnappy), ".json");
  EXPECT_EQ(FileExtension(FileFormat::kParquet, Compression::kUncompressed), ".parquet");
  EXPECT_EQ(FileExtension(FileFormat::kParquet, Compression::kSnappy), ".snappy.parquet");
  EXPECT_EQ(FileExtension(FileFormat::kParquet, Compression::kGzip), ".gz.parquet");
  EXPECT_EQ(FileExtension(FileFormat::kParquet, Compression::kZstd), ".zstd.parquet");
}

}  // namespace
}  // namespace datalake::format
