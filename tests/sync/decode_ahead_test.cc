// DecodeAhead (sync/decode_ahead.h): chunks decoded on a pool come out in input order, each
// record's row as converting it on one thread gives; a bad line ends the chunk after the good
// lines before it.
#include "sync/decode_ahead.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/test_util.h"
#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using protocol::testing::InputFd;

// A stream of its own, and "events", partitioned by its cursor (lake_harness.h).
const std::string kCatalog = R"({"streams":[
  {"stream":{"name":"users","json_schema":{"type":"object","properties":{"id":{"type":"integer"},
   "name":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}}},
   "supported_sync_modes":["incremental"]},"sync_mode":"incremental",
   "destination_sync_mode":"append","generation_id":1,"minimum_generation_id":0,"sync_id":5},
)" + std::string(testing::kEventsStream) +
                             "]}";

std::string Record(const std::string& stream, const std::string& data) {
  return R"({"type":"RECORD","record":{"stream":")" + stream +
         R"(","emitted_at":1700000000000,"data":)" + data + "}}\n";
}

std::string State(int n) {
  return R"({"type":"STATE","state":{"type":"LEGACY","data":{"n":)" + std::to_string(n) + "}}}\n";
}

// A record's row, as text.
std::string Hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = bytes.empty() ? "-" : "";
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string DescribeRecord(const StreamWriter& writer, const std::string& partition,
                           size_t line_bytes, const format::Row& rows,
                           const format::RowSpan& span) {
  std::string out = std::to_string(static_cast<int>(protocol::MessageType::kRecord)) + " " +
                    writer.descriptor().ToString() + " partition=" + Hex(partition) +
                    " bytes=" + std::to_string(line_bytes);
  for (size_t i = span.cell_begin; i < span.cell_end; ++i) {
    const format::Cell& c = rows.cell(i);
    out += " " + std::to_string(static_cast<int>(c.kind)) + ":";
    if (format::Row::HasBytes(c.kind)) {
      EXPECT_GE(c.offset, span.byte_begin);
      EXPECT_LE(c.offset + c.count, span.byte_end);
      out += std::string(rows.bytes(c));
    } else {
      out += std::to_string(c.i) + "/" + std::to_string(c.count);
    }
  }
  return out;
}

// Everything the pipeline gets from a chunk item, as text.
std::string Describe(DecodedChunk* chunk, const DecodedChunk::Item& item) {
  if (item.type != protocol::MessageType::kRecord) {
    return std::to_string(static_cast<int>(item.type)) + " " +
           std::string(chunk->messages[item.message].state_json);
  }
  return DescribeRecord(*item.writer, item.partition, item.line_bytes, *chunk->RowOf(item),
                        item.span);
}

class DecodeAheadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::MakeLakeRoot(&env_);
    destination_ = testing::LakeDestination(&env_);
    config_.airbyte_meta_columns = false;  // random ids would differ from run to run
    context_.config = &config_;
    context_.store = destination_.store.get();
    context_.catalog = destination_.catalog.get();
    context_.run_id = "00000000000000aa";
    auto catalog = protocol::ParseConfiguredCatalog(json::Parse(kCatalog).value());
    ASSERT_TRUE(catalog.ok());
    auto tables = ResolveTables(*catalog, config_, destination_.catalog.get());
    ASSERT_TRUE(tables.ok()) << tables.status().ToString();
    for (size_t i = 0; i < catalog->streams.size(); ++i) {
      auto writer = StreamWriter::Create(catalog->streams[i], (*tables)[i], context_);
      ASSERT_TRUE(writer.ok()) << writer.status().ToString();
      ASSERT_TRUE((*writer)->Prepare().ok());
      writers_.push_back(std::move(writer).value());
    }
  }

  DecodeAhead::FindWriter Find() {
    return [this](const protocol::StreamDescriptor& d) -> StreamWriter* {
      for (const auto& w : writers_) {
        if (w->descriptor() == d) return w.get();
      }
      return nullptr;
    };
  }

  // Every item of `input` described, then the failure (or "ok"); read from a pipe in odd
  // pieces, decoded on `pool`.
  std::vector<std::string> DecodeAll(const std::string& input, TaskPool* pool) {
    InputFd fd = InputFd::FromPipe(input, 7919);
    DecodeAhead ahead(fd.fd(), pool, Find());
    std::vector<std::string> out;
    for (;;) {
      Result<DecodedChunk*> chunk = ahead.Next();
      if (!chunk.ok()) {
        out.push_back("read failure: " + chunk.status().ToString());
        break;
      }
      if (*chunk == nullptr) break;
      for (const DecodedChunk::Item& item : (*chunk)->items) out.push_back(Describe(*chunk, item));
      if (!(*chunk)->status.ok()) {
        out.push_back("failure: " + (*chunk)->status.ToString());
        break;
      }
    }
    return out;
  }

  // The same as DecodeAll, from messages read plainly (MessageReader) and converted one by one
  // on this thread (StreamWriter::Convert).
  std::vector<std::string> ConvertAll(const std::string& input) {
    InputFd fd = InputFd::FromFile(input);
    protocol::MessageReader reader(fd.fd());
    protocol::Message m;
    RecordScratch scratch;
    std::vector<std::string> out;
    for (;;) {
      Result<bool> more = reader.Next(&m);
      if (!more.ok()) {
        out.push_back("failure: " + more.status().ToString());
        break;
      }
      if (!*more) break;
      if (m.type == protocol::MessageType::kOther) continue;
      if (m.type != protocol::MessageType::kRecord) {
        out.push_back(std::to_string(static_cast<int>(m.type)) + " " + std::string(m.state_json));
        continue;
      }
      StreamWriter* writer = Find()(m.stream);
      EXPECT_NE(writer, nullptr);
      if (writer == nullptr) break;
      format::Row row;
      std::string partition;
      Status s = writer->Convert(m, &scratch, &row, &partition);
      if (!s.ok()) {
        out.push_back("failure: " + s.ToString());
        break;
      }
      out.push_back(DescribeRecord(*writer, partition, m.line_bytes, row, row.span()));
    }
    return out;
  }

  testing::FaultInjectionEnv env_;
  config::Config config_ = testing::LakeConfig();
  Destination destination_;
  SyncContext context_;
  std::vector<std::unique_ptr<StreamWriter>> writers_;
};

TEST_F(DecodeAheadTest, APoolGivesTheSameItemsInTheSameOrderAsTheCallersThread) {
  std::string input;
  int states = 0;
  for (int i = 0; i < 20000; ++i) {
    if (i % 2 == 0) {
      input += Record("users", R"({"id":)" + std::to_string(i) + R"(,"name":"user \")" +
                                   std::to_string(i) + R"(\"","tags":["a","b)" +
                                   std::string(static_cast<size_t>(i % 50), 'x') + R"("]})");
    } else {
      input += Record("events", R"({"updated_at":"2024-05-0)" + std::to_string(1 + i % 9) +
                                    R"(T10:00:00Z","id":)" + std::to_string(i) + "}");
    }
    if (i % 997 == 0) input += State(++states);
    if (i % 1999 == 0) input += "\n";  // blank lines count as lines
    if (i == 12345) {
      input +=
          Record("users", R"({"id":-1,"name":")" + std::string(size_t{3} << 20, 'L') + R"("})");
    }
  }
  input += R"({"type":"LOG","log":{"level":"INFO","message":"not an item"}})"
           "\n";
  input += State(++states);
  TaskPool pool(2, 8);
  std::vector<std::string> serial = DecodeAll(input, nullptr);
  std::vector<std::string> parallel = DecodeAll(input, &pool);
  ASSERT_EQ(serial.size(), 20001u + static_cast<size_t>(states));
  EXPECT_EQ(serial.back().substr(0, 2), "1 ");  // the last STATE, after every record
  EXPECT_TRUE(serial == parallel);
  const std::string long_value(size_t{3} << 20, 'L');
  size_t long_rows = 0;
  for (const std::string& s : serial) long_rows += s.find(long_value) != std::string::npos;
  EXPECT_EQ(long_rows, 1u);
}

TEST_F(DecodeAheadTest, ABadLineComesAfterTheLinesBeforeIt) {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += Record("users", R"({"id":)" + std::to_string(i) + "}");
  input += State(1);
  input += Record("nope", R"({"id":1})");  // line 5002
  for (int i = 0; i < 5000; ++i) input += Record("users", R"({"id":)" + std::to_string(i) + "}");
  TaskPool pool(2, 8);
  for (TaskPool* p : {static_cast<TaskPool*>(nullptr), &pool}) {
    std::vector<std::string> items = DecodeAll(input, p);
    ASSERT_EQ(items.size(), 5002u);
    EXPECT_EQ(items[5000].substr(0, 2), "1 ");
    EXPECT_EQ(items.back(),
              "failure: Invalid input: line 5002: RECORD for stream 'nope', which is not in the "
              "configured catalog");
  }
}

// Records are converted while their line is parsed (protocol::RecordDataReader) when Airbyte's
// member order allows, and from the data's text otherwise: the rows are the same either way.
TEST_F(DecodeAheadTest, RowsAreThoseOfConvertingEachRecordAfterItsLineIsParsed) {
  const std::string airbyte_order =
      R"({"type":"RECORD","record":{"namespace":null,"stream":"users","data":{"id":1,"name":"a","tags":["x"]},"emitted_at":1}})"
      "\n";
  const std::string events_airbyte_order =
      R"({"type":"RECORD","record":{"stream":"events","data":{"id":"e","updated_at":"2024-05-02T10:00:00Z"},"emitted_at":1}})"
      "\n";
  const std::string data_first =
      R"({"type":"RECORD","record":{"data":{"name":"b","id":2},"stream":"events","emitted_at":1}})"
      "\n";
  const std::string type_last =
      R"({"record":{"stream":"users","data":{"id":3,"id":4,"zz":{"q":[1]}},"emitted_at":1},"type":"RECORD"})"
      "\n";
  const std::string namespace_after =
      R"({"type":"RECORD","record":{"stream":"events","data":{"updated_at":"2024-05-01T00:00:00Z","id":"x"},"namespace":null,"emitted_at":1}})"
      "\n";
  const std::string data_twice =
      R"({"type":"RECORD","record":{"stream":"users","data":{"id":5},"data":{"id":6,"name":7},"emitted_at":1}})"
      "\n";
  const std::string long_record =
      R"({"type":"RECORD","record":{"stream":"users","data":{"id":8,"name":")" +
      std::string(size_t{2} << 20, 'L') +
      R"("},"emitted_at":1}})"
      "\n";
  std::string input;
  for (int i = 0; i < 300; ++i) {
    input += airbyte_order + events_airbyte_order + data_first + type_last + namespace_after +
             data_twice;
    if (i % 100 == 0) input += long_record + State(i);
  }
  // Bad data ends the chunk with the error of the plain parse, whichever parse met it.
  const std::string bad_data =
      R"({"type":"RECORD","record":{"stream":"users","data":{"id":9,"name":tru},"emitted_at":1}})"
      "\n";
  std::vector<std::string> expected = ConvertAll(input + bad_data + airbyte_order);
  ASSERT_EQ(expected.size(), 300u * 6 + 3 * 2 + 1);
  EXPECT_EQ(expected.back().substr(0, 9), "failure: ") << expected.back();
  TaskPool pool(2, 8);
  for (TaskPool* p : {static_cast<TaskPool*>(nullptr), &pool}) {
    EXPECT_TRUE(DecodeAll(input + bad_data + airbyte_order, p) == expected);
  }
}

}  // namespace
}  // namespace datalake::sync
