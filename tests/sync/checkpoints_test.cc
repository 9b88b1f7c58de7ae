#include "sync/checkpoints.h"

#include <gtest/gtest.h>

#include "json/json.h"
#include "protocol/internal.h"

namespace datalake::sync {
namespace {

protocol::StreamDescriptor Stream(const char* name) { return {std::nullopt, name}; }

// A STATE as the reader makes it of `json` (which must outlive the message).
protocol::Message StateOf(const char* json) {
  protocol::Message m;
  Status read = protocol::internal::ReadState(json, &m);
  EXPECT_TRUE(read.ok()) << read.ToString();
  return m;
}

json::Value Parsed(const std::string& state) {
  Result<json::Value> parsed = json::Parse(state);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? std::move(parsed).value() : json::Value();
}

double CountOf(const std::string& state) {
  return *Parsed(state).Find("destinationStats")->Find("recordCount")->AsDouble();
}

TEST(CheckpointsTest, StreamStatesCountTheirStreamSinceTheirPreviousState) {
  Checkpoints c;
  c.CountRecord(Stream("a"));
  c.CountRecord(Stream("b"));
  c.CountRecord(Stream("a"));
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"n":1})"));
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"n":2})"));
  c.CountRecord(Stream("b"));
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"b"}},"n":3})"));
  c.AddState(
      StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"unknown"}},"n":4})"));
  ASSERT_EQ(c.pending(), 4u);
  std::vector<std::string> out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(CountOf(out[0]), 2);
  EXPECT_EQ(CountOf(out[1]), 0);
  EXPECT_EQ(CountOf(out[2]), 2);
  EXPECT_EQ(CountOf(out[3]), 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(*Parsed(out[i]).Find("n")->AsInt64(), i + 1);
  EXPECT_FALSE(c.HasPending());
  EXPECT_TRUE(c.TakeCommitted().empty());
}

// Counts are found by the descriptor object's address first: one object that names another
// stream later counts for that stream.
TEST(CheckpointsTest, ADescriptorObjectNamingAnotherStreamCountsForThatStream) {
  Checkpoints c;
  protocol::StreamDescriptor d = Stream("a");
  c.CountRecord(d);
  d = Stream("b");
  c.CountRecord(d);
  c.CountRecord(d);
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}}})"));
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"b"}}})"));
  std::vector<std::string> out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(CountOf(out[0]), 1);
  EXPECT_EQ(CountOf(out[1]), 2);
}

TEST(CheckpointsTest, GlobalAndLegacyScopesCountEveryStreamIndependently) {
  Checkpoints c;
  c.CountRecord(Stream("a"));
  c.CountRecord(Stream("b"));
  c.AddState(StateOf(R"({"type":"GLOBAL"})"));
  c.CountRecord(Stream("a"));
  c.AddState(StateOf(R"({"data":{}})"));
  c.AddState(StateOf(R"({"type":"GLOBAL"})"));
  auto out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(CountOf(out[0]), 2);
  EXPECT_EQ(CountOf(out[1]), 3);
  EXPECT_EQ(CountOf(out[2]), 1);
}

TEST(CheckpointsTest, KeepsOtherDestinationStatsAndWritesADouble) {
  Checkpoints c;
  c.CountRecord(Stream("a"));
  c.AddState(StateOf(
      R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"destinationStats":{"other":5},"sourceStats":{"recordCount":1.0}})"));
  auto out = c.TakeCommitted();
  EXPECT_EQ(
      out[0],
      R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"destinationStats":{"other":5,"recordCount":1.0},"sourceStats":{"recordCount":1.0}})");
}

}  // namespace
}  // namespace datalake::sync
