// MessageReader and ChunkReader: long lines and lines split across read(2) blocks.
#include <gtest/gtest.h>

#include <string>

#include <unistd.h>

#include <algorithm>
#include <vector>

#include "protocol/protocol.h"
#include "protocol/test_util.h"

namespace datalake::protocol {
namespace {

using testing::InputFd;

std::string RecordLine(size_t id, size_t pad) {
  return R"({"type":"RECORD","record":{"stream":"s","emitted_at":)" + std::to_string(id) +
         R"(,"data":{"id":)" + std::to_string(id) + R"(,"pad":")" + std::string(pad, 'x') +
         R"("}}})";
}

// Reads all of `input` and checks it holds records 0..n-1 with the given pads, in order.
void ExpectRecords(const InputFd& input, const std::vector<size_t>& pads) {
  MessageReader reader(input.fd());
  Message m;
  for (size_t i = 0; i < pads.size(); ++i) {
    Result<bool> more = reader.Next(&m);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more) << "missing record " << i;
    ASSERT_EQ(m.type, MessageType::kRecord);
    ASSERT_EQ(m.emitted_at_ms, static_cast<int64_t>(i));
    ASSERT_EQ(m.line_number, i + 1);
    ASSERT_EQ(m.data_json.size(), std::to_string(i).size() + pads[i] + 16) << i;
    ASSERT_EQ(m.data_json.substr(0, 6), R"({"id":)");
    ASSERT_EQ(m.data_json.substr(m.data_json.size() - 3), R"(x"})");
  }
  Result<bool> end = reader.Next(&m);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

std::string Join(const std::vector<size_t>& pads, const char* separator) {
  std::string out;
  for (size_t i = 0; i < pads.size(); ++i) out += RecordLine(i, pads[i]) + separator;
  return out;
}

// Pads of varying sizes summing to a few MiB, so lines straddle every 1 MiB block boundary.
std::vector<size_t> VaryingPads(size_t count) {
  std::vector<size_t> pads;
  for (size_t i = 0; i < count; ++i) pads.push_back((i * 7919) % 3001 + 1);
  return pads;
}

TEST(ReaderLargeTest, ManySmallLinesAcrossBlockBoundariesFromAFile) {
  std::vector<size_t> pads = VaryingPads(4000);
  InputFd input = InputFd::FromFile(Join(pads, "\n"));
  ExpectRecords(input, pads);
}

TEST(ReaderLargeTest, ManySmallLinesFromAPipeInOddChunks) {
  std::vector<size_t> pads = VaryingPads(3000);
  InputFd input = InputFd::FromPipe(Join(pads, "\r\n"), 4093);
  ExpectRecords(input, pads);
}

TEST(ReaderLargeTest, LinesAroundTheBlockSize) {
  const size_t block = ChunkReader::kChunkBytes;
  const size_t overhead = RecordLine(0, 0).size();
  std::vector<size_t> pads;
  for (size_t len : {block - 2, block - 1, block, block + 1, block * 2 - 1}) {
    pads.push_back(len - overhead);  // lines of exactly `len` bytes (ids are one digit)
    pads.push_back(1);
  }
  std::string text = Join(pads, "\n");
  text.pop_back();  // and no newline at the end
  InputFd input = InputFd::FromFile(text);
  ExpectRecords(input, pads);
}

TEST(ReaderLargeTest, ThirtyMegabyteRecordFromAPipe) {
  std::vector<size_t> pads = {10, size_t{30} << 20, 10};
  InputFd input = InputFd::FromPipe(Join(pads, "\n"), 65536);
  ExpectRecords(input, pads);
}

TEST(ReaderLargeTest, ThirtyMegabyteRecordWithoutTrailingNewline) {
  std::vector<size_t> pads = {5, size_t{30} << 20};
  std::string text = Join(pads, "\n");
  text.pop_back();
  InputFd input = InputFd::FromFile(text);
  ExpectRecords(input, pads);
}

TEST(ReaderLargeTest, SixtyFourMegabyteRecordWithNestedData) {
  // Many small members, not one long string: the parser's index grows with the structure.
  std::string data = "{";
  for (size_t i = 0; data.size() < (size_t{64} << 20); ++i) {
    data += "\"k" + std::to_string(i) + "\":[{\"v\":" + std::to_string(i) + "},\"abcdefgh\"],";
  }
  data += "\"end\":true}";
  std::string line = R"({"type":"RECORD","record":{"stream":"big","emitted_at":9,"data":)" + data +
                     "}}\n" + RecordLine(1, 3) + "\n";
  InputFd input = InputFd::FromFile(line);
  MessageReader reader(input.fd());
  Message m;
  Result<bool> more = reader.Next(&m);
  ASSERT_TRUE(more.ok() && *more) << more.status().ToString();
  EXPECT_EQ(m.stream.name, "big");
  EXPECT_TRUE(m.data_json == data);  // not EXPECT_EQ: a failure would print 64 MB
  more = reader.Next(&m);
  ASSERT_TRUE(more.ok() && *more) << more.status().ToString();
  EXPECT_EQ(m.line_number, 2u);
  EXPECT_EQ(reader.bytes_read(), line.size());
}

// Chunks end at newlines and know their first line's number; their buffers are handed over,
// so what a chunk holds stays valid while the reader reads on into another buffer.
TEST(ChunkReaderTest, ChunksHoldWholeLinesAndTheirNumbers) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += std::string(static_cast<size_t>(i % 97), 'x') + "\n";
  text += "last";  // no newline at the end
  InputFd input = InputFd::FromPipe(text, 4093);
  ChunkReader reader(input.fd());
  std::vector<InputChunk> chunks;
  std::string joined;
  uint64_t lines = 0;
  for (;;) {
    InputChunk chunk;
    Result<bool> more = reader.Next(&chunk);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    std::string_view bytes(chunk.data.get(), chunk.size);
    EXPECT_EQ(chunk.first_line, lines + 1);
    EXPECT_EQ(chunk.starts_input, chunks.empty());
    EXPECT_LE(chunk.size, chunk.capacity);
    if (joined.size() + bytes.size() < text.size()) {
      EXPECT_EQ(bytes.back(), '\n');
    }
    lines += static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    joined += bytes;
    chunks.push_back(std::move(chunk));  // kept: later reads must not touch them
  }
  // However the reads fall, a chunk of short lines holds at most a buffer's worth.
  EXPECT_GT(chunks.size(), text.size() / ChunkReader::kChunkBytes);
  EXPECT_TRUE(joined == text);
  std::string again;
  for (const InputChunk& c : chunks) again.append(c.data.get(), c.size);
  EXPECT_TRUE(again == text);
  EXPECT_EQ(reader.bytes_read(), text.size());
}

TEST(ChunkReaderTest, GrowsForALongLineAndGivesTheMemoryBackAfterwards) {
  std::string text = std::string(size_t{40} << 20, 'a') + "\nb\nc\n";
  InputFd input = InputFd::FromFile(text);
  ChunkReader reader(input.fd());
  InputChunk chunk;
  ASSERT_TRUE(*reader.Next(&chunk));
  ASSERT_GE(chunk.size, (size_t{40} << 20) + 1);
  EXPECT_EQ(chunk.data[size_t{40} << 20], '\n');
  EXPECT_GT(chunk.capacity, size_t{40} << 20);
  // The long line's buffer goes when the chunk comes back; the reader keeps reading into one of
  // the usual size.
  std::string rest(chunk.data.get() + (size_t{40} << 20) + 1, chunk.size - (size_t{40} << 20) - 1);
  while (true) {
    Result<bool> more = reader.Next(&chunk);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    EXPECT_EQ(chunk.capacity, ChunkReader::kChunkBytes);
    rest.append(chunk.data.get(), chunk.size);
  }
  EXPECT_EQ(rest, "b\nc\n");
}

// Ready says whether Next would wait for the writer: the pipeline decodes what it has instead
// of blocking with a STATE in hand.
TEST(ChunkReaderTest, ReadyOnlyWhenALineOrTheEndHasArrived) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ChunkReader reader(fds[0]);
  EXPECT_FALSE(reader.Ready());
  ASSERT_TRUE(InputFd::WriteAll(fds[1], "{}\n"));
  EXPECT_TRUE(reader.Ready());
  InputChunk chunk;
  ASSERT_TRUE(*reader.Next(&chunk));
  EXPECT_EQ(std::string_view(chunk.data.get(), chunk.size), "{}\n");
  EXPECT_FALSE(reader.Ready());
  ::close(fds[1]);
  EXPECT_TRUE(reader.Ready());
  EXPECT_FALSE(*reader.Next(&chunk));
  ::close(fds[0]);
}

}  // namespace
}  // namespace datalake::protocol
