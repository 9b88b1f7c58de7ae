// Fuzz target: the STATE echo path of a sync, message by message: MessageReader -> (RECORDs
// counted, STATEs queued by sync::Checkpoints with destinationStats.recordCount) ->
// MessageWriter::State -> the output lines, read back.
//
// Invariants:
// - every STATE the reader accepts is echoed exactly once, in input order, as one line
//   {"type":"STATE","state":...};
// - the echoed state parses to the same JSON as the input's state (same members in the same
//   order, numbers with the same text, strings with the same bytes), except for
//   destinationStats.recordCount, which is the number of RECORDs of the state's scope (its
//   stream, or all streams for GLOBAL and LEGACY) since the previous STATE of that scope, other
//   destinationStats members kept;
// - a registered secret inside a state is not redacted (a STATE must round-trip).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "json/json.h"
#include "protocol/protocol.h"
#include "sync/checkpoints.h"

namespace datalake::fuzzing {
namespace {

using json::Value;

// The reference parser's depth limit: the reader's STATE parse has the json module's default.
constexpr int kReferenceMaxDepth = json::ParseOptions{}.max_depth;

// A secret registered with the writer (the seeds put it into states).
constexpr std::string_view kSecret = "fuzz-secret-AKIAEXAMPLE";

std::vector<std::string_view> SplitLines(std::string_view input) {
  std::vector<std::string_view> lines;
  bool first = true;
  while (!input.empty()) {
    const size_t eol = input.find('\n');
    std::string_view line = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    first = false;
    if (line.find_first_not_of(" \t\r\n") != std::string_view::npos) lines.push_back(line);
  }
  return lines;
}

// The state as it must be echoed: destinationStats an object (kept if it was one) whose
// recordCount is `count`, as a double.
Value WithRecordCount(Value state, uint64_t count) {
  Value* stats = state.FindMutable("destinationStats");
  if (stats == nullptr || !stats->is_object()) {
    state.Set("destinationStats", Value::Object());
    stats = state.FindMutable("destinationStats");
  }
  stats->Set("recordCount", Value::Double(static_cast<double>(count)));
  return state;
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> lines = SplitLines(input);
  MemFd in(input);
  MemFd out;
  protocol::MessageReader reader(in.fd());
  protocol::Message m;
  sync::Checkpoints checkpoints;
  std::vector<Value> expected;  // the echoes, in order
  // Records since the last STATE of each scope, counted independently of Checkpoints.
  std::map<std::pair<std::optional<std::string>, std::string>, uint64_t> per_stream;
  uint64_t global = 0, legacy = 0;
  {
    protocol::MessageWriter writer(out.fd());
    writer.AddSecret(std::string(kSecret));
    size_t index = 0;
    while (true) {
      Result<bool> more = reader.Next(&m);
      if (more.ok() && !*more) break;
      FUZZ_CHECK(index < lines.size(), "a message after the last line");
      const std::string_view line = lines[index++];
      if (!more.ok() || m.type == protocol::MessageType::kOther ||
          m.type == protocol::MessageType::kStreamStatus) {
        continue;
      }
      if (m.type == protocol::MessageType::kRecord) {
        checkpoints.CountRecord(m.stream);
        ++per_stream[{m.stream.ns, m.stream.name}];
        ++global;
        ++legacy;
        continue;
      }
      // A STATE: the reference is the line's own `state`, read by the strict parser.
      Value state = m.state;
      Result<Value> doc = json::Parse(line, {.max_depth = kReferenceMaxDepth});
      if (doc.ok() && doc->Find("state") != nullptr) {
        FUZZ_CHECK(
            *doc->Find("state") == m.state,
            "the reader changed the state of " + Printable(line) + ": " + json::Serialize(m.state));
      }
      uint64_t count = 0;
      switch (m.state_type) {
        case protocol::StateType::kStream: {
          auto it = per_stream.find({m.stream.ns, m.stream.name});
          if (it != per_stream.end()) count = std::exchange(it->second, 0);
          break;
        }
        case protocol::StateType::kGlobal:
          count = std::exchange(global, 0);
          break;
        case protocol::StateType::kLegacy:
          count = std::exchange(legacy, 0);
          break;
      }
      expected.push_back(WithRecordCount(std::move(state), count));
      checkpoints.AddState(m);
      // Echo at once (a sync echoes after a commit; the order is the same).
      for (const Value& s : checkpoints.TakeCommitted()) writer.State(s);
    }
  }  // the writer flushes
  const std::string output = out.Contents();
  std::string_view rest = output;
  size_t echoed = 0;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    FUZZ_CHECK(eol != std::string_view::npos, "output without a final newline");
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    FUZZ_CHECK(echoed < expected.size(), "more STATE lines than STATEs: " + Printable(line));
    Result<Value> doc = json::Parse(line, {.max_depth = kReferenceMaxDepth + 1});
    FUZZ_CHECK(doc.ok(), "echo is not JSON: " + Printable(line));
    const Value* type = doc->Find("type");
    const Value* state = doc->Find("state");
    FUZZ_CHECK(doc->members().size() == 2 && type != nullptr && type->AsString() == "STATE" &&
                   state != nullptr,
               "not a STATE message: " + Printable(line));
    FUZZ_CHECK(*state == expected[echoed], "echo #" + std::to_string(echoed) +
                                               " differs: " + Printable(line) + "\n  expected " +
                                               Printable(json::Serialize(expected[echoed])));
    FUZZ_CHECK(line == "{\"type\":\"STATE\",\"state\":" + json::Serialize(expected[echoed]) + "}",
               "echo is not compact: " + Printable(line));
    ++echoed;
  }
  FUZZ_CHECK(echoed == expected.size(),
             std::to_string(expected.size()) + " STATEs, " + std::to_string(echoed) + " echoed");
  return 0;
}
