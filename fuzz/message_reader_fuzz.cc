// Fuzz target: protocol::MessageReader (LineBuffer + EnvelopeParser + judging by type) over
// arbitrary input, checked line by line against a reference reading of the same line with the
// json module's strict parser.
//
// Invariants:
// - lines are numbered and measured as the input has them (blank lines counted, "\r\n" and a
//   leading byte order mark stripped);
// - never accept-and-lose: a line the reference reads as a complete RECORD, STATE or
//   STREAM_STATUS is accepted as that message, with the same stream, emitted_at, data,
//   meta.changes, state and status (a STATE's text is the line's, as written); a line the
//   reference reads as an incomplete one of those is rejected; every other valid JSON object line
//   is accepted as kOther;
// - an error names the line number and never quotes the line;
// - a RecordDataReader that reads a RECORD's data during the parse of its line, or declines it
//   (at once, or after reading part of it), changes nothing: every line gives the message, or
//   the error, of the plain parse, the data's text being what the reader read.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "json/json.h"
#include "json/on_demand.h"
#include "json/raw.h"
#include "protocol/protocol.h"

namespace datalake::fuzzing {
namespace {

using json::Value;
using protocol::Message;
using protocol::MessageType;

// The reference parser's depth limit. The reader takes STATEs at any depth; the reference is
// recursive (some 2 KB of stack a level under ASan: 4,000 levels overflow 8 MB), so it stops at
// what an input of libFuzzer's default -max_len (4,096 bytes: no seed is longer) can hold.
// Deeper lines are not judged.
constexpr int kReferenceMaxDepth = 2048;
constexpr json::ParseOptions kReference{.max_depth = kReferenceMaxDepth};

// The input's lines as LineBuffer hands them out.
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
    lines.push_back(line);
  }
  return lines;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// What the reference expects of one line.
struct Expected {
  enum class Verdict { kUnknown, kAccept, kReject } verdict = Verdict::kUnknown;
  MessageType type = MessageType::kOther;
  std::optional<std::string> ns;
  std::string name;
  int64_t emitted_at = 0;
  const Value* data = nullptr;
  const Value* changes = nullptr;  // meta.changes when an array
  const Value* state = nullptr;
  protocol::StateType state_type = protocol::StateType::kLegacy;
  protocol::StreamStatus status = protocol::StreamStatus::kStarted;
};

// A descriptor {"name": string, "namespace": string|null|absent}; false if not one.
bool ReadDescriptor(const Value* d, std::string* name, std::optional<std::string>* ns) {
  if (d == nullptr || !d->is_object()) return false;
  const Value* n = d->Find("name");
  if (n == nullptr || !n->is_string()) return false;
  *name = n->text();
  const Value* s = d->Find("namespace");
  if (s != nullptr && s->is_string()) {
    *ns = s->text();
  } else if (s != nullptr && !s->is_null()) {
    return false;
  }
  return true;
}

// emitted_at: an integer, or a number with an integral value in int64 range.
std::optional<int64_t> EmittedAt(const Value* v) {
  if (v == nullptr || !v->is_number()) return std::nullopt;
  if (std::optional<int64_t> i = v->AsInt64()) return i;
  std::optional<double> d = v->AsDouble();
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (d && std::isfinite(*d) && *d == std::trunc(*d) && *d >= -kTwoTo63 && *d < kTwoTo63) {
    return static_cast<int64_t>(*d);
  }
  return std::nullopt;
}

Expected Judge(const Value& doc) {
  Expected e;
  e.verdict = Expected::Verdict::kAccept;
  const Value* type = doc.Find("type");
  if (type == nullptr || !type->is_string()) {
    e.verdict = Expected::Verdict::kReject;
    return e;
  }
  const std::string& t = type->text();
  if (t == "RECORD") {
    const Value* record = doc.Find("record");
    e.type = MessageType::kRecord;
    if (record == nullptr || !record->is_object()) {
      e.verdict = Expected::Verdict::kReject;
      return e;
    }
    const Value* stream = record->Find("stream");
    const Value* ns = record->Find("namespace");
    std::optional<int64_t> emitted_at = EmittedAt(record->Find("emitted_at"));
    e.data = record->Find("data");
    if (stream == nullptr || !stream->is_string() || !emitted_at || e.data == nullptr ||
        !e.data->is_object() || (ns != nullptr && !ns->is_null() && !ns->is_string())) {
      e.verdict = Expected::Verdict::kReject;
      return e;
    }
    e.name = stream->text();
    if (ns != nullptr && ns->is_string()) e.ns = ns->text();
    e.emitted_at = *emitted_at;
    const Value* meta = record->Find("meta");
    const Value* changes = meta != nullptr ? meta->Find("changes") : nullptr;
    if (changes != nullptr && changes->is_array()) e.changes = changes;
  } else if (t == "STATE") {
    e.type = MessageType::kState;
    e.state = doc.Find("state");
    if (e.state == nullptr || !e.state->is_object()) {
      e.verdict = Expected::Verdict::kReject;
      return e;
    }
    const Value* state_type = e.state->Find("type");
    if (state_type == nullptr || state_type->is_null() || state_type->AsString() == "LEGACY") {
      e.state_type = protocol::StateType::kLegacy;
    } else if (state_type->AsString() == "GLOBAL") {
      e.state_type = protocol::StateType::kGlobal;
    } else if (state_type->AsString() == "STREAM") {
      e.state_type = protocol::StateType::kStream;
      const Value* stream = e.state->Find("stream");
      const Value* d = stream != nullptr ? stream->Find("stream_descriptor") : nullptr;
      if (!ReadDescriptor(d, &e.name, &e.ns)) e.verdict = Expected::Verdict::kReject;
    } else {
      e.verdict = Expected::Verdict::kReject;
    }
  } else if (t == "TRACE") {
    const Value* trace = doc.Find("trace");
    const Value* trace_type =
        trace != nullptr && trace->is_object() ? trace->Find("type") : nullptr;
    if (trace_type == nullptr || trace_type->AsString() != "STREAM_STATUS") return e;  // kOther
    e.type = MessageType::kStreamStatus;
    const Value* status = trace->Find("stream_status");
    if (status == nullptr || !status->is_object() ||
        !ReadDescriptor(status->Find("stream_descriptor"), &e.name, &e.ns)) {
      e.verdict = Expected::Verdict::kReject;
      return e;
    }
    const Value* s = status->Find("status");
    const std::optional<std::string_view> text = s != nullptr ? s->AsString() : std::nullopt;
    if (text == "STARTED") {
      e.status = protocol::StreamStatus::kStarted;
    } else if (text == "RUNNING") {
      e.status = protocol::StreamStatus::kRunning;
    } else if (text == "COMPLETE") {
      e.status = protocol::StreamStatus::kComplete;
    } else if (text == "INCOMPLETE") {
      e.status = protocol::StreamStatus::kIncomplete;
    } else {
      e.verdict = Expected::Verdict::kReject;
    }
  }
  return e;
}

std::string Where(uint64_t line, std::string_view text) {
  return "line " + std::to_string(line) + ": " + Printable(text);
}

void CheckAccepted(const Expected& e, const Message& m, uint64_t n, std::string_view line) {
  FUZZ_CHECK(m.type == e.type, Where(n, line));
  if (e.type == MessageType::kRecord || e.type == MessageType::kStreamStatus ||
      (e.type == MessageType::kState && e.state_type == protocol::StateType::kStream)) {
    FUZZ_CHECK(m.stream.name == e.name, Where(n, line) + " stream " + Printable(m.stream.name));
    FUZZ_CHECK(m.stream.ns == e.ns, Where(n, line));
  }
  if (e.type == MessageType::kRecord) {
    FUZZ_CHECK(m.emitted_at_ms == e.emitted_at,
               Where(n, line) + " emitted_at " + std::to_string(m.emitted_at_ms));
    Result<Value> data = json::Parse(m.data_json, kReference);
    FUZZ_CHECK(data.ok() && *data == *e.data, Where(n, line) + " data " + Printable(m.data_json));
    if (e.changes == nullptr) {
      FUZZ_CHECK(m.meta_changes_json.empty(), Where(n, line));
    } else {
      Result<Value> changes = json::Parse(m.meta_changes_json, kReference);
      FUZZ_CHECK(changes.ok() && *changes == *e.changes,
                 Where(n, line) + " changes " + Printable(m.meta_changes_json));
    }
  } else if (e.type == MessageType::kState) {
    // The line's own text (the echo passes it on as it came), located by the raw scanner.
    Result<json::RawObject> envelope = json::ScanObject(line);
    Result<const json::RawMember*> member =
        envelope.ok() ? envelope->FindUnique("state") : Result<const json::RawMember*>(nullptr);
    FUZZ_CHECK(member.ok() && *member != nullptr && m.state_json == json::RawValue(line, **member),
               Where(n, line) + " state text " + Printable(m.state_json));
    Result<Value> state = json::Parse(m.state_json, kReference);
    FUZZ_CHECK(state.ok() && *state == *e.state,
               Where(n, line) + " state " + Printable(m.state_json));
    FUZZ_CHECK(m.state_type == e.state_type, Where(n, line));
  } else if (e.type == MessageType::kStreamStatus) {
    FUZZ_CHECK(m.status == e.status, Where(n, line));
  }
}

// Reads the data's text (as the plain parse gives it), or declines, by line number.
class TextReader final : public protocol::RecordDataReader {
 public:
  bool Read(const Message& record, json::OnDemandValue& data) override {
    simdjson::ondemand::object object;
    if (data.value.get_object().get(object) != simdjson::SUCCESS) return false;
    switch (record.line_number % 3) {
      case 1: {
        std::string_view raw;
        if (object.raw_json().get(raw) != simdjson::SUCCESS) return false;
        while (!raw.empty() && std::string_view(" \t\r\n").find(raw.back()) != raw.npos) {
          raw.remove_suffix(1);  // simdjson's raw text may run up to the next token
        }
        text.assign(raw);
        return true;
      }
      case 2:
        for (auto field : object) {  // part of it read
          std::string_view key;
          if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
          break;
        }
        return false;
      default:
        return false;
    }
  }
  std::string text;
};

// Every line's message or error through a ChunkParser, as text. The input is one chunk (the
// reader above already checked how ChunkReader cuts it), and each kind of parse keeps its parser
// from input to input: allocating megabytes a run made this target crawl under ASan.
std::vector<std::string> ParseChunks(std::string_view input, TextReader* reader) {
  static protocol::ChunkParser parsers[2];
  protocol::ChunkParser& parser = parsers[reader != nullptr ? 1 : 0];
  protocol::InputChunk chunk;
  chunk.data = std::make_unique<char[]>(input.size() + protocol::InputChunk::kPadding);
  if (!input.empty()) std::memcpy(chunk.data.get(), input.data(), input.size());
  chunk.capacity = chunk.size = input.size();
  chunk.first_line = 1;
  chunk.starts_input = true;
  parser.Reset(&chunk);
  Message m;
  std::vector<std::string> out;
  for (;;) {
    Result<bool> more = parser.Next(&m, reader);
    if (!more.ok()) {
      out.push_back("error " + more.status().ToString());
      continue;
    }
    if (!*more) return out;
    FUZZ_CHECK(!m.data_read ||
                   (reader != nullptr && m.data_json.empty() && m.type == MessageType::kRecord),
               "line " + std::to_string(m.line_number) + ": data read wrongly");
    // What the message's type gives meaning to (a kOther message's stream is whatever an earlier
    // line left there).
    std::string text = std::to_string(static_cast<int>(m.type)) + " " +
                       std::to_string(m.line_number) + " " + std::to_string(m.line_bytes);
    if (m.type == MessageType::kRecord) {
      const std::string_view data = m.data_read ? std::string_view(reader->text) : m.data_json;
      text += " " + m.stream.ToString() + " " + std::to_string(m.emitted_at_ms) + " " +
              std::string(data) + " " + std::string(m.meta_changes_json);
    } else if (m.type == MessageType::kState) {
      text += " " + std::string(m.state_json);
      if (m.state_type == protocol::StateType::kStream) text += " " + m.stream.ToString();
    } else if (m.type == MessageType::kStreamStatus) {
      text += " " + m.stream.ToString() + " " + std::to_string(static_cast<int>(m.status));
    }
    out.push_back(std::move(text));
  }
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> lines = SplitLines(input);
  MemFd fd(input);
  protocol::MessageReader reader(fd.fd());
  protocol::Message m;
  size_t next = 0;  // index of the next line the reader must come to
  while (true) {
    Result<bool> more = reader.Next(&m);
    while (next < lines.size() && IsBlank(lines[next])) ++next;
    if (more.ok() && !*more) {
      FUZZ_CHECK(next == lines.size(), "end of input before line " + std::to_string(next + 1));
      break;
    }
    FUZZ_CHECK(next < lines.size(), "a message after the last line");
    const uint64_t number = next + 1;
    const std::string_view line = lines[next++];
    Result<json::Value> doc = json::Parse(line, kReference);
    Expected e;
    if (doc.ok() && doc->is_object()) e = Judge(*doc);
    if (!more.ok()) {
      const std::string& message = more.status().message();
      FUZZ_CHECK(more.status().code() == StatusCode::kInvalidInput,
                 Where(number, line) + " -> " + message);
      FUZZ_CHECK(message.starts_with("line " + std::to_string(number) + " (" +
                                     std::to_string(line.size()) + " bytes): "),
                 Where(number, line) + " -> " + message);
      FUZZ_CHECK(e.verdict != Expected::Verdict::kAccept,
                 "rejected a valid message: " + Where(number, line) + " -> " + message);
      // The reason never quotes the line (reasons have no '"', a line with one is data).
      const std::string_view reason = std::string_view(message).substr(message.find("): ") + 3);
      FUZZ_CHECK(
          line.find('"') == std::string_view::npos || reason.find(line) == std::string_view::npos,
          Where(number, line) + " -> " + message);
      continue;  // the reader goes on with the next line
    }
    FUZZ_CHECK(m.line_number == number,
               Where(number, line) + " numbered " + std::to_string(m.line_number));
    FUZZ_CHECK(m.line_bytes == line.size(), Where(number, line));
    FUZZ_CHECK(e.verdict != Expected::Verdict::kReject,
               "accepted an invalid message: " + Where(number, line));
    if (e.verdict == Expected::Verdict::kAccept) CheckAccepted(e, m, number, line);
    if (m.type == protocol::MessageType::kRecord) {
      // An object's text, whatever the reference made of the line. (Only its start: simdjson
      // On-Demand skips the data without validating it, so an invalid line whose brackets
      // balance, "data":{"a":[}}, gets here with the text "{\"a\":[}"; the decoder validates
      // what it reads, and skips undeclared fields alike.)
      FUZZ_CHECK(!m.data_json.empty() && m.data_json.front() == '{',
                 Where(number, line) + " data " + Printable(m.data_json));
    }
  }
  TextReader text_reader;
  const std::vector<std::string> with_reader = ParseChunks(input, &text_reader);
  const std::vector<std::string> plain = ParseChunks(input, nullptr);
  for (size_t i = 0; i < std::max(with_reader.size(), plain.size()); ++i) {
    const std::string a = i < with_reader.size() ? with_reader[i] : "(none)";
    const std::string b = i < plain.size() ? plain[i] : "(none)";
    FUZZ_CHECK(a == b, "a RecordDataReader changed what the input reads as: message " +
                           std::to_string(i + 1) + " " + Printable(a) + " instead of " +
                           Printable(b));
  }
  return 0;
}
