// RecordDataReader: a RECORD's data read during the parse of its line gives the message a plain
// parse gives, whatever the member order, duplicates, errors or a reader that declines.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "json/on_demand.h"
#include "protocol/test_util.h"

namespace datalake::protocol {
namespace {

using testing::Copied;
using testing::Copy;

// Takes the data's raw text, or declines: at once, or after reading part of the object.
class TestReader final : public RecordDataReader {
 public:
  enum class Mode { kRead, kDecline, kDeclineHalfRead };
  explicit TestReader(Mode mode) : mode_(mode) {}

  bool Read(const Message& record, json::OnDemandValue& data) override {
    calls.push_back(record.stream);
    if (mode_ == Mode::kDecline) return false;
    if (mode_ == Mode::kDeclineHalfRead) {
      simdjson::ondemand::object object;
      if (data.value.get_object().get(object) != simdjson::SUCCESS) return false;
      for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        break;  // one member read, the rest not
      }
      return false;
    }
    simdjson::ondemand::object object;
    std::string_view raw;
    if (data.value.get_object().get(object) != simdjson::SUCCESS) return false;
    if (object.raw_json().get(raw) != simdjson::SUCCESS) return false;
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    text.assign(raw);
    return true;
  }

  std::vector<StreamDescriptor> calls;
  std::string text;

 private:
  Mode mode_;
};

// Every message of `input` through ChunkParser with `reader`: a read data's text stands in for
// data_json, so that the result compares with a plain parse's. "error: ..." ends the list.
std::vector<std::string> ParseWith(const std::string& input, RecordDataReader* reader,
                                   std::vector<bool>* read = nullptr) {
  testing::InputFd fd = testing::InputFd::FromFile(input);
  ChunkReader chunks(fd.fd());
  ChunkParser parser;
  InputChunk chunk;
  Message m;
  std::vector<std::string> out;
  for (;;) {
    Result<bool> more_chunks = chunks.Next(&chunk);
    if (!more_chunks.ok() || !*more_chunks) return out;
    parser.Reset(&chunk);
    for (;;) {
      Result<bool> more = parser.Next(&m, reader);
      if (!more.ok()) {
        out.push_back("error: " + more.status().ToString());
        return out;
      }
      if (!*more) break;
      Copied c = Copy(m);
      if (m.data_read) {
        EXPECT_TRUE(m.data_json.empty());
        c.data_json = static_cast<TestReader*>(reader)->text;
      }
      if (read != nullptr) read->push_back(m.data_read);
      out.push_back(std::to_string(static_cast<int>(c.type)) + " " + std::to_string(c.line_number) +
                    " " + std::to_string(c.line_bytes) + " " + c.stream.ToString() + " " +
                    std::to_string(c.emitted_at_ms) + " data=" + c.data_json +
                    " meta=" + c.meta_changes_json + " state=" + c.state_json);
    }
  }
}

TEST(RecordDataReaderTest, ReadsTheDataOfRecordsInAirbytesOrderOnly) {
  const std::string input =
      // Airbyte's order: type first, then namespace, stream, data: read.
      R"({"type":"RECORD","record":{"namespace":"n","stream":"s","data":{"a":1},"emitted_at":7}})"
      "\n"
      // No namespace: the previous record's is not the stream's.
      R"({"type":"RECORD","record":{"stream":"s","data":{"b":[1,{"c":2}]} ,"emitted_at":8}})"
      "\n"
      // data before stream; type after record: parsed plainly.
      R"({"type":"RECORD","record":{"data":{"a":2},"stream":"s","emitted_at":9}})"
      "\n"
      R"({"record":{"stream":"s","data":{"a":3},"emitted_at":10},"type":"RECORD"})"
      "\n"
      // A namespace, a stream or a data after the data read: withdrawn, parsed again.
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":4},"namespace":"late","emitted_at":11}})"
      "\n"
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":5},"stream":"t","emitted_at":12}})"
      "\n"
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":6},"data":{"a":7},"emitted_at":13}})"
      "\n"
      // A later type that is not RECORD: the data read was not a record's.
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":8},"emitted_at":14},"type":"LOG"})"
      "\n"
      // Data that is not an object is judged by the plain parse; a later one that is, read.
      R"({"type":"RECORD","record":{"stream":"s","data":[1],"data":{"a":9},"emitted_at":15}})"
      "\n"
      R"({"type":"STATE","state":{"type":"LEGACY","data":{"x":1}}})"
      "\n";
  TestReader reader(TestReader::Mode::kRead);
  std::vector<bool> read;
  std::vector<std::string> with = ParseWith(input, &reader, &read);
  std::vector<std::string> plain = ParseWith(input, nullptr);
  EXPECT_EQ(with, plain);
  EXPECT_EQ(read,
            (std::vector<bool>{true, true, false, false, false, false, false, false, true, false}));
  // Called for lines 1, 2 and 5 to 9, with the stream as far as parsed.
  ASSERT_EQ(reader.calls.size(), 7u);
  EXPECT_EQ(reader.calls[0], (StreamDescriptor{"n", "s"}));
  EXPECT_EQ(reader.calls[1], (StreamDescriptor{std::nullopt, "s"}));
  EXPECT_EQ(reader.calls[2], (StreamDescriptor{std::nullopt, "s"}));
  ASSERT_GE(plain.size(), 8u);
  EXPECT_NE(plain[4].find("late.s"), std::string::npos) << plain[4];
  EXPECT_NE(plain[6].find(R"(data={"a":7})"), std::string::npos) << plain[6];
}

TEST(RecordDataReaderTest, ADecliningReaderLeavesTheLineToThePlainParse) {
  const std::string good =
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":1,"b":"x"},"emitted_at":7}})"
      "\n";
  for (auto mode : {TestReader::Mode::kDecline, TestReader::Mode::kDeclineHalfRead}) {
    TestReader reader(mode);
    std::vector<bool> read;
    std::vector<std::string> with = ParseWith(good + good, &reader, &read);
    EXPECT_EQ(with, ParseWith(good + good, nullptr));
    EXPECT_EQ(read, (std::vector<bool>{false, false}));
    EXPECT_EQ(reader.calls.size(), 2u);
  }
}

TEST(RecordDataReaderTest, BadLinesGiveWhatThePlainParseGives) {
  const char* lines[] = {
      // Invalid JSON inside the data, after it, or a problem of the envelope after the data.
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":tru},"emitted_at":7}})",
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":1}},"emitted_at":7}})",
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":1}}})",
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":1},"emitted_at":7}} {})",
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":"\x"},"emitted_at":7}})",
      R"({"type":"RECORD","record":{"stream":"s","data":{"a":1,"emitted_at":7}})",
  };
  for (const char* line : lines) {
    for (auto mode : {TestReader::Mode::kRead, TestReader::Mode::kDeclineHalfRead}) {
      TestReader reader(mode);
      std::vector<std::string> plain = ParseWith(std::string(line) + "\n", nullptr);
      ASSERT_EQ(plain.size(), 1u) << line;
      EXPECT_EQ(ParseWith(std::string(line) + "\n", &reader), plain) << line;
    }
  }
}

}  // namespace
}  // namespace datalake::protocol
