// STATE payloads: read at any depth and size, and echoed as they came but for
// destinationStats.recordCount (StateWithRecordCount).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "json/json.h"
#include "protocol/test_util.h"

namespace datalake::protocol {
namespace {

using testing::Copied;

std::string StateLine(std::string_view state) {
  return R"({"type":"STATE","state":)" + std::string(state) + "}";
}

Copied MustReadState(std::string_view state) {
  Result<std::vector<Copied>> all = testing::ReadAllFromString(StateLine(state) + "\n");
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (!all.ok() || all->size() != 1) return Copied{};
  EXPECT_EQ((*all)[0].type, MessageType::kState);
  return (*all)[0];
}

// `depth` arrays and objects, alternating, around a string.
std::string Nested(size_t depth) {
  std::string open, close;
  for (size_t i = 0; i < depth; ++i) {
    open += i % 2 == 0 ? R"({"k":)" : "[";
    close += i % 2 == 0 ? "}" : "]";
  }
  std::string out = open + R"("deepest \u00e9")";
  out.append(close.rbegin(), close.rend());
  return out;
}

// Test_util's Copied.state_echo carries a record count of 7.
constexpr std::string_view kCount = R"("recordCount":7.0)";

TEST(ReaderStateEchoTest, AStateWithoutDestinationStatsGetsThemAsItsLastMember) {
  EXPECT_EQ(MustReadState(R"({"type":"LEGACY","data":{"a":1}})").state_echo,
            R"({"type":"LEGACY","data":{"a":1},"destinationStats":{"recordCount":7.0}})");
  EXPECT_EQ(MustReadState("{}").state_echo, R"({"destinationStats":{"recordCount":7.0}})");
  EXPECT_EQ(MustReadState("{ }").state_echo, R"({ "destinationStats":{"recordCount":7.0}})");
  // Whitespace stays where it was; the new member follows the last value.
  EXPECT_EQ(MustReadState(R"({ "data" : [ 1 , 2 ]  })").state_echo,
            R"({ "data" : [ 1 , 2 ],"destinationStats":{"recordCount":7.0}  })");
}

TEST(ReaderStateEchoTest, ExistingDestinationStatsAreUpdatedInPlace) {
  // recordCount replaced where it stands, other members and their order kept.
  EXPECT_EQ(
      MustReadState(
          R"({"destinationStats":{"a":1,"recordCount": 3 ,"b":[2]},"sourceStats":{"recordCount":3.0}})")
          .state_echo,
      R"({"destinationStats":{"a":1,"recordCount": 7.0 ,"b":[2]},"sourceStats":{"recordCount":3.0}})");
  // Without a recordCount: added as its last member.
  EXPECT_EQ(MustReadState(R"({"destinationStats":{"a":{"recordCount":1}},"z":0})").state_echo,
            R"({"destinationStats":{"a":{"recordCount":1},"recordCount":7.0},"z":0})");
  EXPECT_EQ(MustReadState(R"({"destinationStats":{},"z":0})").state_echo,
            R"({"destinationStats":{"recordCount":7.0},"z":0})");
  // Not an object: replaced by one.
  EXPECT_EQ(MustReadState(R"({"destinationStats":null,"z":0})").state_echo,
            R"({"destinationStats":{"recordCount":7.0},"z":0})");
  EXPECT_EQ(MustReadState(R"({"destinationStats":[[[1]]]})").state_echo,
            R"({"destinationStats":{"recordCount":7.0}})");
}

TEST(ReaderStateEchoTest, OnlyTheStateOwnDestinationStatsCount) {
  // A member of that name deeper down, or spelled with an escape, is the source's data.
  const std::string state =
      R"({"data":{"destinationStats":{"recordCount":1}},"destination\u0053tats":{"recordCount":2}})";
  // The escaped name is the same member name: it is the state's own destinationStats.
  EXPECT_EQ(
      MustReadState(state).state_echo,
      R"({"data":{"destinationStats":{"recordCount":1}},"destination\u0053tats":{"recordCount":7.0}})");
  EXPECT_EQ(
      MustReadState(R"({"data":{"destinationStats":{"recordCount":1}}})").state_echo,
      R"({"data":{"destinationStats":{"recordCount":1}},"destinationStats":{"recordCount":7.0}})");
}

TEST(ReaderStateEchoTest, TheRestIsEchoedByteForByte) {
  // Escapes as written (not decoded and re-encoded), exact number texts, member order, unknown
  // members, and duplicate names in data the destination only passes on.
  const std::string state =
      R"({"zz":1,"type":"STREAM","stream":{"stream_state":{"c":"\u00e9\/\ud83d\ude00\n","n":1.50E+3,)"
      R"("big":123456789012345678901234567890,"dup":1,"dup":2},"stream_descriptor":{"name":"s\u0031",)"
      "\"namespace\":null}},\t\"sourceStats\":{\"recordCount\":2.0}}";
  Copied m = MustReadState(state);
  EXPECT_EQ(m.state_type, StateType::kStream);
  EXPECT_EQ(m.stream, (StreamDescriptor{std::nullopt, "s1"}));
  EXPECT_EQ(m.state_json, state);
  EXPECT_EQ(m.state_echo, state.substr(0, state.size() - 1) + R"(,"destinationStats":{)" +
                              std::string(kCount) + "}}");
}

TEST(ReaderStateEchoTest, StatesOfAnyDepthAreReadAndEchoed) {
  for (size_t depth : {255, 256, 257, 300, 10'000, 100'000}) {
    const std::string deep = Nested(depth);
    struct Case {
      std::string state;
      StateType type;
    };
    const std::vector<Case> cases = {
        {R"({"type":"LEGACY","data":)" + deep + "}", StateType::kLegacy},
        {R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":)" + deep +
             "}}",
         StateType::kStream},
        {R"({"type":"GLOBAL","global":{"shared_state":)" + deep +
             R"(,"stream_states":[{"stream_descriptor":{"name":"s"},"stream_state":)" + deep +
             "}]}}",
         StateType::kGlobal},
        // The destination's own member after a deep one.
        {R"({"data":)" + deep + R"(,"destinationStats":{"recordCount":1.0}})", StateType::kLegacy},
    };
    for (const Case& c : cases) {
      Copied m = MustReadState(c.state);
      EXPECT_EQ(m.state_type, c.type) << depth;
      EXPECT_TRUE(m.state_json == c.state) << depth;  // not EXPECT_EQ: it would print it all
      std::string expected = c.state;
      const size_t stats = expected.find(R"("destinationStats")");
      if (stats == std::string::npos) {
        expected.insert(expected.size() - 1,
                        R"(,"destinationStats":{)" + std::string(kCount) + "}");
      } else {
        expected.replace(stats, std::string::npos,
                         R"("destinationStats":{)" + std::string(kCount) + "}}");
      }
      EXPECT_TRUE(m.state_echo == expected) << depth;
      if (c.type == StateType::kStream) {
        EXPECT_EQ(m.stream.name, "s");
      }
    }
  }
}

TEST(ReaderStateEchoTest, AFortyMegabyteStateIsEchoedWhole) {
  // Many small values: a document model would spend hundreds of bytes on each.
  std::string data = "[";
  for (size_t i = 0; data.size() < (size_t{40} << 20); ++i) {
    data += R"({"i":)" + std::to_string(i) + R"(,"v":[true,null,"x"]},)";
  }
  data += "0]";
  const std::string state =
      R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"big"},"stream_state":)" + data +
      "}}";
  Copied m = MustReadState(state);
  EXPECT_EQ(m.stream.name, "big");
  EXPECT_TRUE(m.state_json == state);
  ASSERT_EQ(m.state_echo.size(), state.size() + 39);
  EXPECT_TRUE(std::string_view(m.state_echo).substr(0, state.size() - 1) ==
              std::string_view(state).substr(0, state.size() - 1));
  EXPECT_EQ(m.state_echo.substr(state.size() - 1), R"(,"destinationStats":{"recordCount":7.0}})");
}

TEST(ReaderStateEchoTest, TheEchoIsValidJsonThatParsesToTheInputPlusTheCount) {
  const std::string state =
      R"({"type":"GLOBAL","global":{"shared_state":{"lsn":"0/16B3748"},"stream_states":[]},"sourceStats":{"recordCount":2.0}})";
  Result<json::Value> echo = json::Parse(MustReadState(state).state_echo);
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  json::Value expected = *json::Parse(state);
  expected.Set("destinationStats",
               json::Value::Object({{"recordCount", json::Value::NumberText("7.0")}}));
  EXPECT_EQ(*echo, expected);
}

}  // namespace
}  // namespace datalake::protocol
