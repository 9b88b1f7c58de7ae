// EnvelopeParser: one pass of simdjson On-Demand over one input line. It extracts what each
// payload kind needs and records, per payload, the first reason it is incomplete; deciding which
// payload matters (by `type`) is left to the reader, since members come in any order.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "protocol/protocol.h"

namespace datalake::protocol::internal {

// What a line holds besides the RECORD fields, which go straight into the Message. Views point
// into the parser's or the line's memory and stay valid until the next Parse().
struct Envelope {
  bool has_type = false;  // a string `type` member
  std::string_view type;

  // First problem of the `record` member, or nullptr when it is a complete record.
  const char* record_problem = nullptr;

  std::string_view state_json;  // the raw `state` object, or empty if there is none
  bool state_twice = false;     // more than one `state` object: which to echo is unclear

  std::string_view trace_type;                  // trace.type if a string
  const char* stream_status_problem = nullptr;  // as record_problem, for trace.stream_status
  StreamDescriptor status_stream;
  StreamStatus status = StreamStatus::kStarted;

  // The RecordDataReader declined the data, or the record turned out to differ from what it was
  // given: the line must be parsed again without a reader, and nothing else here is meaningful.
  bool reread = false;

  void Reset();
};

class EnvelopeParser {
 public:
  EnvelopeParser();
  ~EnvelopeParser();
  EnvelopeParser(const EnvelopeParser&) = delete;
  EnvelopeParser& operator=(const EnvelopeParser&) = delete;

  // Parse `line`; `readable` bytes (at least line.size() + simdjson's padding) are readable from
  // line.data(). Fills *envelope and the RECORD fields of *message (stream, emitted_at_ms,
  // data_json, meta_changes_json). With a `reader`, a RECORD's data may be read by it instead
  // (Message::data_read); check Envelope::reread first. A failure's message is the reason only,
  // never line content.
  Status Parse(std::string_view line, size_t readable, RecordDataReader* reader, Envelope* envelope,
               Message* message);

  // Give back the memory a very long line took, once the envelope is no longer needed (its
  // views die). Unless a RecordDataReader read the data, the record decoder parses the same
  // line's data next with its own parser: without this, a 100 MB line dense with brackets held
  // two structural indexes of 400 MB each.
  void ReleaseLargeBuffers();

 private:
  struct Impl;  // keeps simdjson.h out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace datalake::protocol::internal
