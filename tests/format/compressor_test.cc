#include "format/compressor.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>
#include <string>

#include "format/format.h"
#include "format_test_util.h"

namespace datalake::format {
namespace {

using testing::Gunzip;
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
