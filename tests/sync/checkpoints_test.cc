#include "sync/checkpoints.h"

#include <gtest/gtest.h>

namespace datalake::sync {
namespace {

protocol::StreamDescriptor Stream(const char* name) { return {std::nullopt, name}; }

protocol::Message StateOf(protocol::StateType type, const char* json, const char* stream = "") {
  protocol::Message m;
  m.type = protocol::MessageType::kState;
  m.state_type = type;
  m.state = *json::Parse(json);
  m.stream = Stream(stream);
  return m;
}

double CountOf(const json::Value& state) {
  return *state.Find("destinationStats")->Find("recordCount")->AsDouble();
}

TEST(CheckpointsTest, StreamStatesCountTheirStreamSinceTheirPreviousState) {
  Checkpoints c;
  c.CountRecord(Stream("a"));
  c.CountRecord(Stream("b"));
  c.CountRecord(Stream("a"));
  c.AddState(StateOf(protocol::StateType::kStream, R"({"type":"STREAM","n":1})", "a"));
  c.AddState(StateOf(protocol::StateType::kStream, R"({"type":"STREAM","n":2})", "a"));
  c.CountRecord(Stream("b"));
  c.AddState(StateOf(protocol::StateType::kStream, R"({"type":"STREAM","n":3})", "b"));
  c.AddState(StateOf(protocol::StateType::kStream, R"({"type":"STREAM","n":4})", "unknown"));
  ASSERT_EQ(c.pending(), 4u);
  std::vector<json::Value> out = c.TakeCommitted();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(CountOf(out[0]), 2);
  EXPECT_EQ(CountOf(out[1]), 0);
  EXPECT_EQ(CountOf(out[2]), 2);
  EXPECT_EQ(CountOf(out[3]), 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(*out[i].Find("n")->AsInt64(), i + 1);
  EXPECT_FALSE(c.HasPending());
  EXPECT_TRUE(c.TakeCommitted().empty());
}

TEST(CheckpointsTest, GlobalAndLegacyScopesCountEveryStreamIndependently) {
  Checkpoints c;
  c.CountRecord(Stream("a"));
  c.CountRecord(Stream("b"));
  c.AddState(StateOf(protocol::StateType::kGlobal, R"({"type":"GLOBAL"})"));
  c.CountRecord(Stream("a"));
  c.AddState(StateOf(protocol::StateType::kLegacy, R"({"data":{}})"));
  c.AddState(StateOf(protocol::StateType::kGlobal, R"({"type":"GLOBAL"})"));
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
      protocol::StateType::kStream,
      R"({"type":"STREAM","destinationStats":{"other":5},"sourceStats":{"recordCount":1.0}})",
      "a"));
  auto out = c.TakeCommitted();
  EXPECT_EQ(
      json::Serialize(out[0]),
      R"({"type":"STREAM","destinationStats":{"other":5,"recordCount":1.0},"sourceStats":{"recordCount":1.0}})");
}

}  // namespace
}  // namespace datalake::sync
