// Fuzz target: the STATE echo path of a sync, message by message: MessageReader -> (RECORDs
// counted, STATEs queued by sync::Checkpoints, destinationStats.recordCount spliced into their
// text) -> MessageWriter::State -> the output lines, read back.
//
// The pipeline passes a STREAM state its stream's record total (its writer's count); the target
// keeps those totals apart from the independent per-scope counts it checks against.
//
// Invariants:
// - every STATE the reader accepts is echoed exactly once, in input order, as one line
//   {"type":"STATE","state":<echo>};
// - <echo> is the input's `state` text byte for byte but where the record count goes: the bytes
//   between their longest common prefix and suffix are, in the echo, a piece of
//   ,"destinationStats":{"recordCount":<count>} or of ,"recordCount":<count> (count in the
//   writer's double text);
// - when the strict parser reads the line (no duplicate names, at most kReferenceMaxDepth deep),
//   the echo parses to the input's state with destinationStats.recordCount the number of RECORDs
//   of the state's scope (its stream, or all streams for GLOBAL and LEGACY) since the previous
//   STATE of that scope, other destinationStats members kept, a non-object one replaced;
// - a registered secret inside a state is not redacted (a STATE must round-trip).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_util.h"
#include "json/json.h"
#include "json/raw.h"
#include "protocol/protocol.h"
#include "sync/checkpoints.h"

namespace datalake::fuzzing {
namespace {

using json::Value;

// The reference parser's depth limit. The reader takes STATEs at any depth; the reference is
// recursive (some 2 KB of stack a level under ASan: 4,000 levels overflow 8 MB), so it stops at
// what an input of libFuzzer's default -max_len (4,096 bytes: no seed is longer) can hold.
// Deeper states get the byte-for-byte check only.
constexpr int kReferenceMaxDepth = 2048;

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

// One STATE to be echoed: its text in the input, its record count and, when the reference
// parser reads it, its value as echoed.
struct Expected {
  std::string input;
  uint64_t count = 0;
  std::optional<json::Value> value;
};

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

// The text of the line's `state` member, as written; nullopt when the line is not an object
// with one `state` (the reader rejects those, or takes the line for something else).
std::optional<std::string_view> StateText(std::string_view line) {
  Result<json::RawObject> envelope = json::ScanObject(line);
  if (!envelope.ok()) return std::nullopt;
  Result<const json::RawMember*> state = envelope->FindUnique("state");
  if (!state.ok() || *state == nullptr) return std::nullopt;
  return json::RawValue(line, **state);
}

// Check that `echo` is `input` with only the record count spliced in (see the invariants).
void CheckSplice(std::string_view input, std::string_view echo, uint64_t count) {
  size_t prefix = 0;
  while (prefix < input.size() && prefix < echo.size() && input[prefix] == echo[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < input.size() - prefix && suffix < echo.size() - prefix &&
         input[input.size() - 1 - suffix] == echo[echo.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::string_view inserted = echo.substr(prefix, echo.size() - prefix - suffix);
  const std::string count_text = json::Value::Double(static_cast<double>(count)).text();
  // Appended to the state, or to its destinationStats; every other splice is a piece of these.
  const std::string to_state = R"(,"destinationStats":{"recordCount":)" + count_text + "}";
  const std::string to_stats = R"(,"recordCount":)" + count_text;
  FUZZ_CHECK(
      to_state.find(inserted) != std::string::npos || to_stats.find(inserted) != std::string::npos,
      "the echo changed more than the record count: " + Printable(input) + "\n  echo " +
          Printable(echo));
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
  std::vector<Expected> expected;  // the echoes, in order
  // Records since the last STATE of each scope, counted independently of Checkpoints.
  std::map<std::pair<std::optional<std::string>, std::string>, uint64_t> per_stream;
  // Each stream's records so far, as its writer counts them for Checkpoints::AddState.
  std::map<std::pair<std::optional<std::string>, std::string>, uint64_t> stream_totals;
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
        checkpoints.CountRecord();
        ++stream_totals[{m.stream.ns, m.stream.name}];
        ++per_stream[{m.stream.ns, m.stream.name}];
        ++global;
        ++legacy;
        continue;
      }
      // A STATE: the reference is the line's own `state`, read by the strict parser.
      const std::optional<std::string_view> text = StateText(line);
      FUZZ_CHECK(text.has_value(), "accepted a STATE without one `state`: " + Printable(line));
      FUZZ_CHECK(m.state_json == *text, "the reader's state is not the line's: " + Printable(line));
      std::optional<Value> state;
      Result<Value> doc = json::Parse(line, {.max_depth = kReferenceMaxDepth});
      if (doc.ok() && doc->Find("state") != nullptr) state = *doc->Find("state");
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
      expected.push_back(
          {std::string(*text), count,
           state ? std::optional(WithRecordCount(std::move(*state), count)) : std::nullopt});
      uint64_t stream_records = 0;
      if (m.state_type == protocol::StateType::kStream) {
        auto total = stream_totals.find({m.stream.ns, m.stream.name});
        if (total != stream_totals.end()) stream_records = total->second;
      }
      checkpoints.AddState(m, stream_records);
      // Echo at once (a sync echoes after a commit; the order is the same).
      for (const std::string& s : checkpoints.TakeCommitted()) writer.State(s);
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
    constexpr std::string_view kStart = R"({"type":"STATE","state":)";
    FUZZ_CHECK(line.starts_with(kStart) && line.ends_with("}"),
               "not a STATE message: " + Printable(line));
    const std::string_view echo = line.substr(kStart.size(), line.size() - kStart.size() - 1);
    const Expected& e = expected[echoed];
    CheckSplice(e.input, echo, e.count);
    if (e.value) {
      Result<Value> value = json::Parse(echo, {.max_depth = kReferenceMaxDepth + 1});
      FUZZ_CHECK(value.ok(), "echo is not JSON: " + Printable(line));
      FUZZ_CHECK(*value == *e.value, "echo #" + std::to_string(echoed) +
                                         " differs: " + Printable(line) + "\n  expected " +
                                         Printable(json::Serialize(*e.value)));
    }
    ++echoed;
  }
  FUZZ_CHECK(echoed == expected.size(),
             std::to_string(expected.size()) + " STATEs, " + std::to_string(echoed) + " echoed");
  return 0;
}
