#include "sync/checkpoints.h"

#include <gtest/gtest.h>

#include "json/json.h"
#include "protocol/internal.h"

namespace datalake::sync {
namespace {

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

// The pipeline passes a STREAM state its stream's records so far (its writer's total); the
// count is the difference since that stream's previous STATE.
TEST(CheckpointsTest, StreamStatesCountTheirStreamSinceTheirPreviousState) {
  Checkpoints c;
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"n":1})"), 2);
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"n":2})"), 2);
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"b"}},"n":3})"), 2);
  c.AddState(
      StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"unknown"}},"n":4})"), 0);
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"n":5})"), 7);
  ASSERT_EQ(c.pending(), 5u);
  std::vector<std::string> out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(CountOf(out[0]), 2);
  EXPECT_EQ(CountOf(out[1]), 0);
  EXPECT_EQ(CountOf(out[2]), 2);
  EXPECT_EQ(CountOf(out[3]), 0);
  EXPECT_EQ(CountOf(out[4]), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*Parsed(out[i]).Find("n")->AsInt64(), i + 1);
  EXPECT_FALSE(c.HasPending());
  EXPECT_TRUE(c.TakeCommitted().empty());
}

// A stream with a namespace and one without, of the same name, are different streams.
TEST(CheckpointsTest, StreamsOfOneNameInDifferentNamespacesCountApart) {
  Checkpoints c;
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}}})"), 3);
  c.AddState(
      StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a","namespace":"n"}}})"),
      4);
  c.AddState(StateOf(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}}})"), 5);
  std::vector<std::string> out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(CountOf(out[0]), 3);
  EXPECT_EQ(CountOf(out[1]), 4);
  EXPECT_EQ(CountOf(out[2]), 2);
}

TEST(CheckpointsTest, GlobalAndLegacyScopesCountEveryStreamIndependently) {
  Checkpoints c;
  c.CountRecord();
  c.CountRecord();
  c.AddState(StateOf(R"({"type":"GLOBAL"})"), 0);
  c.CountRecord();
  c.AddState(StateOf(R"({"data":{}})"), 0);
  c.AddState(StateOf(R"({"type":"GLOBAL"})"), 0);
  auto out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(CountOf(out[0]), 2);
  EXPECT_EQ(CountOf(out[1]), 3);
  EXPECT_EQ(CountOf(out[2]), 1);
}

TEST(CheckpointsTest, KeepsOtherDestinationStatsAndWritesADouble) {
  Checkpoints c;
  c.AddState(
      StateOf(
          R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"destinationStats":{"other":5},"sourceStats":{"recordCount":1.0}})"),
      1);
  auto out = c.TakeCommitted();
  EXPECT_EQ(
      out[0],
      R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"destinationStats":{"other":5,"recordCount":1.0},"sourceStats":{"recordCount":1.0}})");
}

}  // namespace
}  // namespace datalake::sync
