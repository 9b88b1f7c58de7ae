// ChunkParser: the lines of a chunk, parsed by EnvelopeParser, judged by their `type`; and
// MessageReader: chunks read and parsed on one thread.
#include <cstring>
#include <string>

#include "protocol/envelope_parser.h"
#include "protocol/internal.h"
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
  m->data_read = false;
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

std::string_view StripCarriageReturn(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

struct ChunkParser::Impl {
  const InputChunk* chunk = nullptr;
  size_t pos = 0;            // where the next line starts
  uint64_t line_number = 0;  // of the next line
  internal::EnvelopeParser parser;
  internal::Envelope envelope;

  // The next line of the chunk, blank or not, without its "\n" or "\r\n" (nor, for the input's
  // first line, a UTF-8 byte order mark: files saved by some editors, PowerShell pipes).
  bool NextLine(std::string_view* line) {
    if (chunk == nullptr || pos >= chunk->size) return false;
    const char* begin = chunk->data.get() + pos;
    const size_t left = chunk->size - pos;
    const void* newline = std::memchr(begin, '\n', left);
    const size_t length =
        newline != nullptr ? static_cast<size_t>(static_cast<const char*>(newline) - begin) : left;
    pos += length + (newline != nullptr ? 1 : 0);
    *line = StripCarriageReturn(std::string_view(begin, length));
    if (chunk->starts_input && line_number == chunk->first_line) {
      constexpr std::string_view kBom = "\xEF\xBB\xBF";
      if (line->starts_with(kBom)) line->remove_prefix(kBom.size());
    }
    ++line_number;
    return true;
  }

  Result<bool> Next(Message* m, RecordDataReader* reader) {
    std::string_view line;
    do {
      if (!NextLine(&line)) return false;
    } while (IsBlank(line));  // blank lines count, so numbers match the input file
    const uint64_t number = line_number - 1;
    const size_t readable = chunk->capacity + InputChunk::kPadding -
                            static_cast<size_t>(line.data() - chunk->data.get());
    const auto parse = [&](RecordDataReader* data_reader) {
      ResetMessage(m);
      m->line_number = number;
      m->line_bytes = line.size();
      return parser.Parse(line, readable, data_reader, &envelope, m);
    };
    Status status = parse(reader);
    if (status.ok() && envelope.reread) status = parse(nullptr);
    if (status.ok()) status = Judge(envelope, m);
    parser.ReleaseLargeBuffers();  // the envelope's views are dead; *m holds copies and line views
    if (!status.ok()) {
      // Only the position, length and reason: the line may hold customer data.
      return Status(status.code(), "line " + std::to_string(number) + " (" +
                                       std::to_string(line.size()) +
                                       " bytes): " + status.message());
    }
    return true;
  }
};

ChunkParser::ChunkParser() : impl_(std::make_unique<Impl>()) {}
ChunkParser::~ChunkParser() = default;

void ChunkParser::Reset(const InputChunk* chunk) {
  impl_->chunk = chunk;
  impl_->pos = 0;
  impl_->line_number = chunk->first_line;
}

Result<bool> ChunkParser::Next(Message* message, RecordDataReader* reader) {
  return impl_->Next(message, reader);
}

struct MessageReader::Impl {
  explicit Impl(int fd) : reader(fd) {}

  ChunkReader reader;
  InputChunk chunk;
  ChunkParser parser;
  bool have_chunk = false;

  Result<bool> Next(Message* m) {
    for (;;) {
      if (have_chunk) {
        ASSIGN_OR_RETURN(bool more, parser.Next(m, nullptr));
        if (more) return true;
      }
      ASSIGN_OR_RETURN(bool more, reader.Next(&chunk));
      if (!more) return false;
      parser.Reset(&chunk);
      have_chunk = true;
    }
  }
};

MessageReader::MessageReader(int fd) : impl_(std::make_unique<Impl>(fd)) {}
MessageReader::~MessageReader() = default;

Result<bool> MessageReader::Next(Message* message) { return impl_->Next(message); }

uint64_t MessageReader::bytes_read() const { return impl_->reader.bytes_read(); }

}  // namespace datalake::protocol
