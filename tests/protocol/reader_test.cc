// MessageReader: classification of well-formed messages.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "protocol/test_util.h"

namespace datalake::protocol {
namespace {

using testing::Copied;
using testing::ReadAllFromString;

std::vector<Copied> MustReadAll(std::string_view input) {
  Result<std::vector<Copied>> messages = ReadAllFromString(input);
  EXPECT_TRUE(messages.ok()) << messages.status().ToString();
  return messages.ok() ? std::move(messages).value() : std::vector<Copied>{};
}

Copied MustReadOne(std::string_view line) {
  std::vector<Copied> all = MustReadAll(line);
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? Copied{} : all[0];
}

TEST(ReaderRecordTest, FieldsInAnyOrder) {
  const char* lines[] = {
      R"({"type":"RECORD","record":{"stream":"s","namespace":"n","emitted_at":17,"data":{"a":1}}})",
      R"({"record":{"data":{"a":1},"emitted_at":17,"namespace":"n","stream":"s"},"type":"RECORD"})",
      R"({"record":{"emitted_at":17,"data":{"a":1},"stream":"s","namespace":"n"},"type":"RECORD"})",
      R"( { "type" : "RECORD" , "record" : { "namespace" : "n" , "data" : {"a":1} , "stream" : "s" , "emitted_at" : 17 } } )",
  };
  for (const char* line : lines) {
    Copied m = MustReadOne(line);
    EXPECT_EQ(m.type, MessageType::kRecord) << line;
    EXPECT_EQ(m.stream, (StreamDescriptor{"n", "s"})) << line;
    EXPECT_EQ(m.emitted_at_ms, 17) << line;
    EXPECT_EQ(m.data_json, R"({"a":1})") << line;
    EXPECT_EQ(m.meta_changes_json, "") << line;
    EXPECT_EQ(m.line_number, 1u);
    EXPECT_EQ(m.line_bytes, std::string_view(line).size());
  }
}

TEST(ReaderRecordTest, NamespaceNullAbsentOrString) {
  std::vector<Copied> all = MustReadAll(
      R"({"type":"RECORD","record":{"stream":"s","namespace":"a_rather_long_namespace_name","emitted_at":1,"data":{}}}
{"type":"RECORD","record":{"stream":"s","namespace":null,"emitted_at":1,"data":{}}}
{"type":"RECORD","record":{"stream":"s","namespace":"","emitted_at":1,"data":{}}}
{"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{}}}
)");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].stream.ns, std::optional<std::string>("a_rather_long_namespace_name"));
  EXPECT_EQ(all[1].stream.ns, std::nullopt);
  EXPECT_EQ(all[2].stream.ns, std::optional<std::string>(""));
  EXPECT_EQ(all[3].stream.ns, std::nullopt);
  EXPECT_EQ(all[3].line_number, 4u);
}

TEST(ReaderRecordTest, DataIsTheExactRawTextOfNestedObjects) {
  const std::string data =
      R"({"a":{"b":[1,2.50,{"c":null,"d":[]}],"e":"x\"y\\z\u00e9"},"big":123456789012345678901234567890,"t":true,"u":"é"})";
  Copied m = MustReadOne(R"({"type":"RECORD","record":{"stream":"s","data":)" + data +
                         R"(  ,"emitted_at":5}})");
  EXPECT_EQ(m.data_json, data);
  Copied last = MustReadOne(R"({"type":"RECORD","record":{"stream":"s","emitted_at":5,"data":)" +
                            data + " \t}}");
  EXPECT_EQ(last.data_json, data);
  Copied empty =
      MustReadOne(R"({"type":"RECORD","record":{"stream":"s","emitted_at":5,"data":{}}})");
  EXPECT_EQ(empty.data_json, "{}");
}

TEST(ReaderRecordTest, MetaChangesPresentOrAbsent) {
  const std::string changes =
      R"([{"field":"f","change":"NULLED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}])";
  std::vector<Copied> all = MustReadAll(
      R"({"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{},"meta":{"changes":)" +
      changes + R"( ,"other":1}}}
{"type":"RECORD","record":{"meta":{"x":{"changes":[1]},"changes":[]},"stream":"s","emitted_at":1,"data":{}}}
{"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{},"meta":{}}}
{"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{},"meta":null}}
{"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{},"meta":{"changes":null}}}
{"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{}}}
)");
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].meta_changes_json, changes);
  EXPECT_EQ(all[1].meta_changes_json, "[]");
  for (size_t i = 2; i < all.size(); ++i) EXPECT_EQ(all[i].meta_changes_json, "") << i;
}

TEST(ReaderRecordTest, EmittedAtAsIntegralNumber) {
  std::vector<Copied> all = MustReadAll(
      R"({"type":"RECORD","record":{"stream":"s","emitted_at":1732540000000.0,"data":{}}}
{"type":"RECORD","record":{"stream":"s","emitted_at":1.73254e12,"data":{}}}
{"type":"RECORD","record":{"stream":"s","emitted_at":-5,"data":{}}}
)");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].emitted_at_ms, 1732540000000);
  EXPECT_EQ(all[1].emitted_at_ms, 1732540000000);
  EXPECT_EQ(all[2].emitted_at_ms, -5);
}

TEST(ReaderRecordTest, UnknownMembersAndEscapedKeysAreHandled) {
  Copied m = MustReadOne(
      R"({"type":"RECORD","extra":[{"stream":"no"}],"record":{"file":{"x":1},"str\u0065am":"s","emitted_at":2,"data":{"k":"v"},"x":"y"}})");
  EXPECT_EQ(m.type, MessageType::kRecord);
  EXPECT_EQ(m.stream.name, "s");
  EXPECT_EQ(m.data_json, R"({"k":"v"})");
}

TEST(ReaderRecordTest, DataViewIsPaddedForSimdjson) {
  // A record at the very end of the input, without a newline: the padding must still be there.
  testing::InputFd input = testing::InputFd::FromFile(
      R"({"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{"a":[1,2,3]}}})");
  MessageReader r(input.fd());
  Message m;
  Result<bool> more = r.Next(&m);
  ASSERT_TRUE(more.ok() && *more);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  ASSERT_EQ(parser
                .iterate(m.data_json.data(), m.data_json.size(),
                         m.data_json.size() + simdjson::SIMDJSON_PADDING)
                .get(doc),
            simdjson::SUCCESS);
  int64_t second = 0;
  ASSERT_EQ(doc["a"].at(1).get_int64().get(second), simdjson::SUCCESS);
  EXPECT_EQ(second, 2);
}

TEST(ReaderStateTest, EachTypeWithBigNumbersAndUnknownMembers) {
  const std::string stream_state =
      R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"users","namespace":"pub"},"stream_state":{"cursor":123456789012345678901234567890.000}},"sourceStats":{"recordCount":2.0},"zzz":[1,{"y":null}]})";
  const std::string global_state =
      R"({"type":"GLOBAL","global":{"shared_state":{"lsn":1e400},"stream_states":[]},"id":7})";
  const std::string legacy_state = R"({"type":"LEGACY","data":{"x":-0.0}})";
  const std::string untyped_state = R"({"data":{"cursor":"2024-01-01"}})";
  const std::string null_typed_state = R"({"type":null,"data":{}})";
  std::vector<Copied> all =
      MustReadAll("{\"type\":\"STATE\",\"state\":" + stream_state + "}\n" +  //
                  "{\"state\":" + global_state + ",\"type\":\"STATE\"}\n" +  //
                  "{\"type\":\"STATE\",\"state\":" + legacy_state + "}\n" +  //
                  "{\"type\":\"STATE\",\"state\":" + untyped_state + "}\n" +
                  "{\"type\":\"STATE\",\"state\":" + null_typed_state + "}\n");
  ASSERT_EQ(all.size(), 5u);
  for (const Copied& m : all) EXPECT_EQ(m.type, MessageType::kState);
  EXPECT_EQ(all[0].state_type, StateType::kStream);
  EXPECT_EQ(all[0].stream, (StreamDescriptor{"pub", "users"}));
  EXPECT_EQ(all[0].state_json, stream_state);
  EXPECT_EQ(all[1].state_type, StateType::kGlobal);
  EXPECT_EQ(all[1].state_json, global_state);
  EXPECT_EQ(all[1].stream.name, "");
  EXPECT_EQ(all[2].state_type, StateType::kLegacy);
  EXPECT_EQ(all[2].state_json, legacy_state);
  EXPECT_EQ(all[3].state_type, StateType::kLegacy);
  EXPECT_EQ(all[3].state_json, untyped_state);
  EXPECT_EQ(all[4].state_type, StateType::kLegacy);
}

TEST(ReaderStateTest, StateIsTheInputTextWithItsWhitespace) {
  const std::string state =
      R"({ "type" : "STREAM", "stream" : { "stream_descriptor" : { "name" : "s" } } })";
  Copied m = MustReadOne("{\"type\":\"STATE\",\"state\":" + state + "  }");
  EXPECT_EQ(m.state_json, state);
  EXPECT_EQ(m.stream, (StreamDescriptor{std::nullopt, "s"}));
}

TEST(ReaderStreamStatusTest, EachStatus) {
  std::vector<Copied> all = MustReadAll(
      R"({"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1.0,"stream_status":{"stream_descriptor":{"name":"a","namespace":"n"},"status":"STARTED"}}}
{"trace":{"stream_status":{"status":"RUNNING","stream_descriptor":{"namespace":null,"name":"b"}},"type":"STREAM_STATUS"},"type":"TRACE"}
{"type":"TRACE","trace":{"type":"STREAM_STATUS","stream_status":{"stream_descriptor":{"name":"c"},"status":"COMPLETE","reasons":[]}}}
{"type":"TRACE","trace":{"type":"STREAM_STATUS","stream_status":{"stream_descriptor":{"name":"d","namespace":""},"status":"INCOMPLETE"}}}
)");
  ASSERT_EQ(all.size(), 4u);
  for (const Copied& m : all) EXPECT_EQ(m.type, MessageType::kStreamStatus);
  EXPECT_EQ(all[0].stream, (StreamDescriptor{"n", "a"}));
  EXPECT_EQ(all[0].status, StreamStatus::kStarted);
  EXPECT_EQ(all[1].stream, (StreamDescriptor{std::nullopt, "b"}));
  EXPECT_EQ(all[1].status, StreamStatus::kRunning);
  EXPECT_EQ(all[2].stream, (StreamDescriptor{std::nullopt, "c"}));
  EXPECT_EQ(all[2].status, StreamStatus::kComplete);
  EXPECT_EQ(all[3].stream, (StreamDescriptor{"", "d"}));
  EXPECT_EQ(all[3].status, StreamStatus::kIncomplete);
}

TEST(ReaderOtherTest, LogControlOtherTracesAndUnknownTypes) {
  std::vector<Copied> all = MustReadAll(
      R"({"type":"LOG","log":{"level":"INFO","message":"hi"}}
{"type":"CONTROL","control":{"type":"CONNECTOR_CONFIG","emitted_at":1,"connectorConfig":{"config":{}}}}
{"type":"TRACE","trace":{"type":"ANALYTICS","emitted_at":1,"analytics":{"type":"x"}}}
{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"m"}}}
{"type":"TRACE","trace":null}
{"type":"TRACE"}
{"type":"SPEC","spec":{}}
{"type":"SOMETHING_NEW","something_new":{"record":1}}
{"type":"LOG","record":{"stream":1}}
)");
  ASSERT_EQ(all.size(), 9u);
  for (const Copied& m : all) EXPECT_EQ(m.type, MessageType::kOther) << m.line_number;
}

TEST(ReaderOtherTest, ValidValuesNobodyReadsPassAtAnyDepth) {
  // Skipped values are checked against JSON's grammar, which allows lone surrogates, numbers
  // beyond a double and any nesting.
  const std::string deep = std::string(10000, '[') + "1e400" + std::string(10000, ']');
  std::vector<Copied> all = MustReadAll(
      R"({"type":"LOG","log":{"level":"INFO","message":"\ud800 \udfff"},"x":-0.0})"
      "\n"
      R"({"type":"TRACE","trace":{"type":"ERROR","error":{"message":"\u0000","n":1e400}}})"
      "\n"
      R"({"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{},"extra":)" +
      deep + R"(,"meta":{"x":)" + deep + R"(,"changes":[]}},"unknown":)" + deep + "}\n");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].type, MessageType::kOther);
  EXPECT_EQ(all[1].type, MessageType::kOther);
  EXPECT_EQ(all[2].type, MessageType::kRecord);
}

TEST(ReaderFramingTest, BlankLinesCrlfAndNoTrailingNewline) {
  std::vector<Copied> all = MustReadAll(
      "\n   \n{\"type\":\"LOG\"}\r\n\t\r\n\r\n"
      "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"a\":\"b\"}}}"
      "\r\n"
      "\n"
      "{\"type\":\"RECORD\",\"record\":{\"stream\":\"t\",\"emitted_at\":2,\"data\":{}}}");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].line_number, 3u);
  EXPECT_EQ(all[0].line_bytes, 14u);  // without the "\r\n"
  EXPECT_EQ(all[1].line_number, 6u);
  EXPECT_EQ(all[1].data_json, R"({"a":"b"})");
  EXPECT_EQ(all[2].line_number, 8u);
  EXPECT_EQ(all[2].stream.name, "t");
}

TEST(ReaderFramingTest, EmptyAndBlankOnlyInput) {
  EXPECT_TRUE(MustReadAll("").empty());
  EXPECT_TRUE(MustReadAll("\n\n  \r\n").empty());
}

TEST(ReaderFramingTest, LeadingByteOrderMarkIsSkipped) {
  const std::string bom = "\xEF\xBB\xBF";
  const std::string record =
      "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{}}}";
  std::vector<Copied> all = MustReadAll(bom + record + "\n{\"type\":\"LOG\"}\n");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].type, MessageType::kRecord);
  EXPECT_EQ(all[0].stream.name, "s");
  EXPECT_EQ(all[0].line_number, 1u);
  // Alone on the first line, with CRLF, or arriving one byte at a time from a pipe.
  EXPECT_EQ(MustReadAll(bom + "\r\n" + record).size(), 1u);
  EXPECT_TRUE(MustReadAll(bom).empty());
  testing::InputFd pipe = testing::InputFd::FromPipe(bom + record + "\n", 1);
  Result<std::vector<Copied>> piped = testing::ReadAll(pipe);
  ASSERT_TRUE(piped.ok()) << piped.status().ToString();
  ASSERT_EQ(piped->size(), 1u);
  EXPECT_EQ((*piped)[0].stream.name, "s");
  // Only at the start of the input: a mark inside the stream is still invalid JSON.
  EXPECT_FALSE(ReadAllFromString(record + "\n" + bom + record + "\n").ok());
}

TEST(ReaderFramingTest, BytesReadCountsEverything) {
  const std::string input = "{\"type\":\"LOG\"}\n\n{\"type\":\"LOG\"}";
  testing::InputFd fd = testing::InputFd::FromFile(input);
  MessageReader reader(fd.fd());
  Message m;
  while (true) {
    Result<bool> more = reader.Next(&m);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
  }
  EXPECT_EQ(reader.bytes_read(), input.size());
}

}  // namespace
}  // namespace datalake::protocol
