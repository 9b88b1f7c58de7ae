// MessageReader: lines from LineBuffer, parsed by EnvelopeParser, judged by their `type`.
#include <string>

#include "protocol/envelope_parser.h"
#include "protocol/internal.h"
#include "protocol/line_buffer.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// Clear what the previous message set. Strings are cleared, not freed, to reuse their memory.
void ResetMessage(Message* m) {
  m->type = MessageType::kOther;
  m->emitted_at_ms = 0;
  m->data_json = {};
  m->meta_changes_json = {};
  m->state_json = {};
  m->state_type = StateType::kLegacy;
  m->record_count_splice = {};
  m->status = StreamStatus::kStarted;
}

// Fill the STATE fields from the raw `state` object.
Status JudgeState(std::string_view state_json, Message* m) {
  if (state_json.empty()) return Status::InvalidInput("STATE without an object 'state'");
  return internal::ReadState(state_json, m);
}

// Decide what the line is from its `type`, and whether the payload that type needs is complete.
Status Judge(const internal::Envelope& env, Message* m) {
  if (!env.has_type) return Status::InvalidInput("message without a string 'type'");
  if (env.type == "RECORD") {
    if (env.record_problem != nullptr) return Status::InvalidInput(env.record_problem);
    m->type = MessageType::kRecord;
    return Status::Ok();
  }
  if (env.type == "STATE") return JudgeState(env.state_json, m);
  if (env.type == "TRACE" && env.trace_type == "STREAM_STATUS") {
    if (env.stream_status_problem != nullptr) {
      return Status::InvalidInput(env.stream_status_problem);
    }
    m->type = MessageType::kStreamStatus;
    m->stream.name.assign(env.status_stream.name);
    m->stream.ns = env.status_stream.ns;
    m->status = env.status;
    return Status::Ok();
  }
  // LOG, CONTROL, other TRACE kinds and types this version does not know: nothing to do.
  m->type = MessageType::kOther;
  return Status::Ok();
}

}  // namespace

struct MessageReader::Impl {
  explicit Impl(int fd) : lines(fd) {}

  internal::LineBuffer lines;
  internal::EnvelopeParser parser;
  internal::Envelope envelope;
  uint64_t line_number = 0;

  Result<bool> Next(Message* m) {
    std::string_view line;
    do {
      ASSIGN_OR_RETURN(bool more, lines.NextLine(&line));
      if (!more) return false;
      ++line_number;  // blank lines count, so numbers match the input file
    } while (IsBlank(line));
    ResetMessage(m);
    m->line_number = line_number;
    m->line_bytes = line.size();
    Status status = parser.Parse(line, lines.ReadableFrom(line.data()), &envelope, m);
    if (status.ok()) status = Judge(envelope, m);
    parser.ReleaseLargeBuffers();  // the envelope's views are dead; *m holds copies and line views
    if (!status.ok()) {
      // Only the position, length and reason: the line may hold customer data.
      return Status(status.code(), "line " + std::to_string(line_number) + " (" +
                                       std::to_string(line.size()) +
                                       " bytes): " + status.message());
    }
    return true;
  }
};

MessageReader::MessageReader(int fd) : impl_(std::make_unique<Impl>(fd)) {}
MessageReader::~MessageReader() = default;

Result<bool> MessageReader::Next(Message* message) { return impl_->Next(message); }

uint64_t MessageReader::bytes_read() const { return impl_->lines.bytes_read(); }

}  // namespace datalake::protocol
