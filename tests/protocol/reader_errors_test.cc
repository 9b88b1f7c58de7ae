// MessageReader: malformed input is reported by position and reason, never by content.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "protocol/test_util.h"

namespace datalake::protocol {
namespace {

// Every bad line carries this; no error message may contain it (it stands for customer data).
constexpr std::string_view kMarker = "SECRET_CUSTOMER_DATA_42";

const std::string kGoodLine =
    R"({"type":"RECORD","record":{"stream":"s","emitted_at":1,"data":{"a":1}}})";

struct BadLine {
  std::string line;
  std::string reason;  // expected in the message
};

std::vector<BadLine> BadLines() {
  const std::string m(kMarker);
  return {
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"" + m + "\"", "not valid JSON"},
      {"{\"type\":\"LOG\" \"" + m + "\":1}", "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"LOG\",\"log\":{\"message\":\"" + m + "\"}} {\"type\":\"LOG\"}",
       "not valid JSON (TRAILING_CONTENT)"},
      {"{\"type\":\"LOG\",\"log\":\"" + m + "\"}x", "not valid JSON"},
      {m, "not valid JSON"},
      {"\"" + m + "\"", "not a JSON object"},
      {"[\"" + m + "\"]", "not a JSON object"},
      {"{\"log\":\"" + m + "\"}", "message without a string 'type'"},
      {"{\"type\":5,\"log\":\"" + m + "\"}", "message without a string 'type'"},
      {"{\"type\":\"RECORD\"}", "RECORD without an object 'record'"},
      {"{\"type\":\"RECORD\",\"record\":\"" + m + "\"}", "RECORD without an object 'record'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"x\":\"" + m + "\"}}",
       "RECORD without an object 'data'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":[\"" + m +
           "\"]}}",
       "RECORD without an object 'data'"},
      {"{\"type\":\"RECORD\",\"record\":{\"emitted_at\":1,\"data\":{\"" + m + "\":1}}}",
       "RECORD without a string 'stream'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":7,\"emitted_at\":1,\"data\":{\"" + m +
           "\":1}}}",
       "RECORD without a string 'stream'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"data\":{\"" + m + "\":1}}}",
       "RECORD without an integer 'emitted_at'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1.5,\"data\":{\"" + m +
           "\":1}}}",
       "RECORD without an integer 'emitted_at'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":\"1\",\"data\":{\"" + m +
           "\":1}}}",
       "RECORD without an integer 'emitted_at'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1e300,\"data\":{\"" + m +
           "\":1}}}",
       "RECORD without an integer 'emitted_at'"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"namespace\":1,\"emitted_at\":1,"
       "\"data\":{\"" +
           m + "\":1}}}",
       "RECORD 'namespace' is neither a string nor null"},
      {"{\"type\":\"STATE\",\"state\":{\"type\":\"" + m + "\"}}", "STATE of unknown type"},
      {"{\"type\":\"STATE\",\"state\":{\"type\":7,\"data\":\"" + m + "\"}}",
       "STATE of unknown type"},
      {"{\"type\":\"STATE\"}", "STATE without an object 'state'"},
      {"{\"type\":\"STATE\",\"state\":[\"" + m + "\"]}", "STATE without an object 'state'"},
      {"{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_state\":\"" + m +
           "\"}}}",
       "STREAM STATE without 'stream.stream_descriptor'"},
      {"{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{"
       "\"namespace\":\"" +
           m + "\"}}}}",
       "has no string 'name'"},
      // Members the destination reads must be unambiguous.
      {"{\"type\":\"STATE\",\"state\":{\"type\":\"GLOBAL\",\"data\":\"" + m +
           "\",\"type\":\"LEGACY\"}}",
       "STATE payload rejected: duplicate member name 'type'"},
      {"{\"type\":\"STATE\",\"state\":{\"destinationStats\":{\"recordCount\":1,"
       "\"recordCount\":2},\"data\":\"" +
           m + "\"}}",
       "STATE payload rejected: duplicate member name 'recordCount'"},
      // Two `state` objects: echoing either may lose the source's checkpoint (found by fuzzing).
      {"{\"type\":\"STATE\",\"state\":{\"type\":\"LEGACY\",\"data\":\"" + m +
           "\"},\"state\":{\"type\":\"LEGACY\",\"data\":1}}",
       "duplicate member name 'state'"},
      // Values the destination only passes on are checked all the same, at any depth.
      {"{\"type\":\"STATE\",\"state\":{\"data\":[[{\"" + m + "\":tru}]]}}",
       "STATE payload rejected: invalid JSON at byte"},
      {"{\"type\":\"STATE\",\"state\":{\"data\":\"" + m + "\\ud800\"}}",
       "STATE payload rejected: invalid JSON at byte"},
      {"{\"type\":\"STATE\",\"state\":{\"data\":[" + std::string(5000, '[') + "01" +
           std::string(5000, ']') + "],\"x\":\"" + m + "\"}}",
       "STATE payload rejected: invalid JSON at byte"},
      {"{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"x\":\"" + m + "\"}}",
       "STREAM_STATUS without an object 'stream_status'"},
      {"{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"stream_status\":{\"status\":"
       "\"COMPLETE\",\"stream_descriptor\":{\"namespace\":\"" +
           m + "\"}}}}",
       "STREAM_STATUS without a stream_descriptor with a string 'name'"},
      {"{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"stream_status\":{\"status\":"
       "\"" +
           m + "\",\"stream_descriptor\":{\"name\":\"s\"}}}}",
       "STREAM_STATUS without a known 'status'"},
      {"{\"type\":\"LOG\",\"log\":{\"message\":\"" + m + "\xC3\x28\"}}",
       "not valid JSON (UTF8_ERROR)"},
      // What the envelope does not read is checked too: on-demand parsing only counts brackets
      // when it skips a value, so these would otherwise pass.
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"a\":1},"
       "\"x\":[\"" +
           m + "\"}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"LOG\",\"log\":{\"message\":[\"" + m + "\"}}}", "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"LOG\",\"log\":{\"message\":\"" + m + "\",\"x\":tru}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"x\":[01,\"" + m + "\"],\"type\":\"LOG\"}", "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"LOG\",\"x\":\"" + m + "\\q\"}", "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"LOG\",\"record\":{\"data\":{\"a\":[\"" + m + "\"}}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"RECORD\",\"state\":{\"a\":[\"" + m +
           "\"}},\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"a\":[\"" +
           m + "\"}},\"data\":{}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":[\"" + m + "\"},\"emitted_at\":1,\"data\":{}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{},"
       "\"meta\":{\"changes\":[{\"" +
           m + "\":}]}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"TRACE\",\"trace\":{\"type\":\"ERROR\",\"error\":{\"message\":\"" + m + "\",}}}",
       "not valid JSON (TAPE_ERROR)"},
      {"{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1e400,\"data\":{\"" + m +
           "\":1}}}",
       "RECORD without an integer 'emitted_at'"},
  };
}

TEST(ReaderErrorTest, ReportsLineNumberAndReasonWithoutContent) {
  for (const BadLine& bad : BadLines()) {
    // Two good lines and a blank one first: the bad line is line 4.
    std::string input =
        kGoodLine + "\n\n" + kGoodLine + "\r\n" + bad.line + "\n" + kGoodLine + "\n";
    Result<std::vector<testing::Copied>> all = testing::ReadAllFromString(input);
    ASSERT_FALSE(all.ok()) << bad.line;
    const std::string& message = all.status().message();
    EXPECT_EQ(all.status().code(), StatusCode::kInvalidInput) << message;
    std::string prefix = "line 4 (" + std::to_string(bad.line.size()) + " bytes): ";
    EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
    EXPECT_NE(message.find(bad.reason), std::string::npos) << message;
    EXPECT_EQ(message.find(kMarker), std::string::npos) << message;
    EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  }
}

TEST(ReaderErrorTest, GoodMessagesBeforeTheBadLineAreDelivered) {
  std::string input = kGoodLine + "\n{oops\n" + kGoodLine + "\n";
  testing::InputFd fd = testing::InputFd::FromFile(input);
  MessageReader reader(fd.fd());
  Message m;
  Result<bool> first = reader.Next(&m);
  ASSERT_TRUE(first.ok() && *first);
  Result<bool> second = reader.Next(&m);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message().rfind("line 2 (5 bytes): not valid JSON (", 0), 0u)
      << second.status().message();
}

TEST(ReaderErrorTest, ReadFailureIsIOError) {
  int dir = ::open("/", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  MessageReader reader(dir);  // read(2) on a directory fails with EISDIR
  Message m;
  Result<bool> r = reader.Next(&m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  ::close(dir);
}

}  // namespace
}  // namespace datalake::protocol
