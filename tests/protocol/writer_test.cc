#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <thread>

#include "json/json.h"
#include "protocol/internal.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

// A temp file to write to, read back whole.
class OutputFile {
 public:
  OutputFile() {
    char path[] = "/tmp/protocol_writer_test_XXXXXX";
    fd_ = ::mkstemp(path);
    EXPECT_GE(fd_, 0);
    ::unlink(path);
  }
  ~OutputFile() { ::close(fd_); }
  int fd() const { return fd_; }
  std::string Contents() const {
    std::string out;
    char buf[65536];
    for (off_t offset = 0;;) {
      ssize_t n = ::pread(fd_, buf, sizeof(buf), offset);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
      offset += n;
    }
  }

 private:
  int fd_ = -1;
};

json::Value MustParse(std::string_view text) {
  Result<json::Value> v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? std::move(v).value() : json::Value();
}

// The TRACE line with its emitted_at replaced by 0, so it can be compared exactly.
std::string WithoutTime(const std::string& line) {
  static const std::regex kTime(R"("emitted_at":[0-9]{13}\.0,)");
  EXPECT_TRUE(std::regex_search(line, kTime)) << line;
  return std::regex_replace(line, kTime, R"("emitted_at":0,)");
}

TEST(WriterTest, SpecAndConnectionStatusLines) {
  OutputFile out;
  MessageWriter writer(out.fd());
  writer.Spec(
      MustParse(R"({"documentationUrl":"https://x","connectionSpecification":{"type":"object"}})"));
  writer.ConnectionStatus(true, "");
  writer.ConnectionStatus(false, "Could not connect: access denied");
  EXPECT_EQ(
      out.Contents(),
      R"({"type":"SPEC","spec":{"documentationUrl":"https://x","connectionSpecification":{"type":"object"}}})"
      "\n"
      R"({"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}})"
      "\n"
      R"({"type":"CONNECTION_STATUS","connectionStatus":{"status":"FAILED","message":"Could not connect: access denied"}})"
      "\n");
}

TEST(WriterTest, StateIsEchoedUnchangedAndFlushedAtOnce) {
  const std::string state =
      R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":{"c":123456789012345678901234567890.10}},"destinationStats":{"recordCount":2.0},"x":"hunter2"})";
  OutputFile out;
  MessageWriter writer(out.fd());
  writer.AddSecret("hunter2");
  writer.State(state);
  EXPECT_EQ(out.Contents(), R"({"type":"STATE","state":)" + state + "}\n");  // no Flush()
}

TEST(WriterTest, LogLinesAreBufferedUntilFlushed) {
  OutputFile out;
  MessageWriter writer(out.fd());
  writer.Log("INFO", "first");  // the first line goes out at once
  writer.Log("WARN", "second \"quoted\"\n");
  writer.Flush();
  EXPECT_EQ(out.Contents(),
            R"({"type":"LOG","log":{"level":"INFO","message":"first"}})"
            "\n"
            R"({"type":"LOG","log":{"level":"WARN","message":"second \"quoted\"\n"}})"
            "\n");
}

TEST(WriterTest, DestructorFlushes) {
  OutputFile out;
  {
    MessageWriter writer(out.fd());
    for (int i = 0; i < 3; ++i) writer.Log("DEBUG", "line " + std::to_string(i));
  }
  std::string contents = out.Contents();
  EXPECT_EQ(std::count(contents.begin(), contents.end(), '\n'), 3);
  EXPECT_NE(contents.find("line 2"), std::string::npos);
}

TEST(WriterTest, TraceErrorShape) {
  OutputFile out;
  MessageWriter writer(out.fd());
  int64_t before = NowMillis();
  writer.TraceError("Access denied", "s3: 403 on PutObject", "config_error");
  writer.TraceError("Bad record", "", "system_error", StreamDescriptor{"ns", "users"});
  writer.TraceError("Bad record", "x", "transient_error", StreamDescriptor{std::nullopt, "u"});
  std::string contents = out.Contents();
  std::vector<std::string> lines;
  for (size_t start = 0, nl; (nl = contents.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    lines.push_back(contents.substr(start, nl - start));
  }
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(
      WithoutTime(lines[0]),
      R"({"type":"TRACE","trace":{"type":"ERROR","emitted_at":0,"error":{"message":"Access denied","internal_message":"s3: 403 on PutObject","failure_type":"config_error"}}})");
  EXPECT_EQ(
      WithoutTime(lines[1]),
      R"({"type":"TRACE","trace":{"type":"ERROR","emitted_at":0,"error":{"message":"Bad record","internal_message":"","failure_type":"system_error","stream_descriptor":{"name":"users","namespace":"ns"}}}})");
  EXPECT_EQ(
      WithoutTime(lines[2]),
      R"({"type":"TRACE","trace":{"type":"ERROR","emitted_at":0,"error":{"message":"Bad record","internal_message":"x","failure_type":"transient_error","stream_descriptor":{"name":"u"}}}})");
  json::Value parsed = MustParse(lines[0]);
  std::optional<double> emitted = parsed.Find("trace")->Find("emitted_at")->AsDouble();
  ASSERT_TRUE(emitted.has_value());
  EXPECT_GE(*emitted, static_cast<double>(before));
  EXPECT_LE(*emitted, static_cast<double>(NowMillis()));
}

TEST(WriterTest, RedactsSecretsInLogTraceAndConnectionStatus) {
  OutputFile out;
  MessageWriter writer(out.fd());
  writer.AddSecret("");  // ignored, else every gap between characters would be masked
  writer.AddSecret("AKIA123");
  writer.AddSecret("AKIA123SECRETPART");  // contains the other: replaced whole
  writer.AddSecret("p4\"ss");             // also matched in its JSON-escaped form
  writer.Log("INFO", "key=AKIA123SECRETPART id=AKIA123 again AKIA123");
  writer.TraceError("bad AKIA123", "config {\"password\":\"p4\\\"ss\"} or p4\"ss", "config_error");
  writer.ConnectionStatus(false, "denied for AKIA123SECRETPART");
  std::string contents = out.Contents();
  EXPECT_EQ(contents.find("AKIA"), std::string::npos) << contents;
  EXPECT_EQ(contents.find("SECRETPART"), std::string::npos) << contents;
  EXPECT_EQ(contents.find("p4"), std::string::npos) << contents;
  EXPECT_NE(contents.find(R"("message":"key=********** id=********** again **********")"),
            std::string::npos)
      << contents;
  EXPECT_NE(
      contents.find(R"("internal_message":"config {\"password\":\"**********\"} or **********")"),
      std::string::npos)
      << contents;
  EXPECT_NE(contents.find(R"("message":"denied for **********")"), std::string::npos) << contents;
}

TEST(WriterTest, ShortSecretsAreMaskedOnlyWhereTheyStandAlone) {
  OutputFile out;
  MessageWriter writer(out.fd());
  writer.AddSecret("b");                                         // a one-character secret key
  writer.AddSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");  // a real one
  writer.Log("INFO", "uploaded 35887178 bytes to bucket b1 in 2 parts");
  writer.Log("INFO", "secret_key=b, quoted \"b\", alone b");
  writer.TraceError("denied wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYsuffix", "config_error");
  const std::string contents = out.Contents();
  EXPECT_NE(contents.find("uploaded 35887178 bytes to bucket b1 in 2 parts"), std::string::npos)
      << contents;
  EXPECT_NE(contents.find(R"(secret_key=**********, quoted \"**********\", alone **********)"),
            std::string::npos)
      << contents;
  EXPECT_EQ(contents.find("EXAMPLEKEY"), std::string::npos) << contents;
  EXPECT_NE(contents.find(R"("message":"denied **********")"), std::string::npos) << contents;
  EXPECT_NE(contents.find(R"("internal_message":"key=**********suffix")"), std::string::npos)
      << contents;
  EXPECT_EQ(internal::ReplaceSecrets("bbb b_b b-b", {"b"}), "bbb b_b **********-**********");
}

TEST(WriterTest, InvalidUtf8IsReplaced) {
  OutputFile out;
  MessageWriter writer(out.fd());
  writer.Log("ERROR", std::string("bad \xC3\x28 byte \xFF end \xE2\x82"));
  writer.Flush();
  std::string contents = out.Contents();
  EXPECT_TRUE(json::IsValidUtf8(contents));
  EXPECT_EQ(contents,
            "{\"type\":\"LOG\",\"log\":{\"level\":\"ERROR\",\"message\":\"bad \xEF\xBF\xBD( byte "
            "\xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBD\"}}\n");
}

TEST(WriterTest, ConcurrentWritersProduceWholeLines) {
  OutputFile out;
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  {
    MessageWriter writer(out.fd());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLines; ++i) {
          std::string text = std::to_string(t) + ":" + std::to_string(i) + std::string(i % 97, '.');
          if (i % 100 == 0) {
            writer.State(json::Serialize(json::Value::Object({{"t", json::Value::String(text)}})));
          } else {
            writer.Log("INFO", text);
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();
  }
  std::string contents = out.Contents();
  std::vector<int> next(kThreads, 0);
  size_t count = 0;
  for (size_t start = 0, nl; (nl = contents.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    json::Value line = MustParse(std::string_view(contents).substr(start, nl - start));
    const json::Value* payload =
        line.Find("log") ? line.Find("log")->Find("message") : line.Find("state")->Find("t");
    ASSERT_NE(payload, nullptr);
    const std::string& text = payload->text();
    int t = std::stoi(text.substr(0, text.find(':')));
    int i = std::stoi(text.substr(text.find(':') + 1));
    EXPECT_EQ(i, next[t]) << "lines of one thread stay in order";
    next[t] = i + 1;
    ++count;
  }
  EXPECT_EQ(count, static_cast<size_t>(kThreads * kLines));
}

TEST(TextTest, ReplaceSecretsAndToValidUtf8) {
  EXPECT_EQ(internal::ReplaceSecrets("aXbXc", {"XY12345678"}), "aXbXc");
  EXPECT_EQ(internal::ReplaceSecrets("aXY12345678bXY12345678", {"XY12345678"}),
            "a**********b**********");
  EXPECT_EQ(internal::ReplaceSecrets("none", {"X"}), "none");
  EXPECT_EQ(internal::ToValidUtf8("ok \xC3\xA9 \xF0\x9F\x98\x80"), "ok \xC3\xA9 \xF0\x9F\x98\x80");
  // Overlong, surrogate, above U+10FFFF, lone continuation, truncated sequence.
  EXPECT_EQ(internal::ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(internal::ToValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(internal::ToValidUtf8("\xF4\x90\x80\x80").size(), 12u);
  EXPECT_EQ(internal::ToValidUtf8("a\x80"), "a\xEF\xBF\xBD");
  EXPECT_EQ(internal::ToValidUtf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace datalake::protocol
