#include "protocol/envelope_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>
#include <string>
#include <utility>

#include "json/on_demand.h"
#include "json/raw.h"
#include "protocol/protocol.h"

namespace datalake::protocol::internal {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

static_assert(InputChunk::kPadding >= simdjson::SIMDJSON_PADDING);

// Return a simdjson error (the line is not valid JSON) to the caller.
#define DL_SJ_TRY(expr)                                         \
  do {                                                          \
    error_code dl_sj_error_ = (expr);                           \
    if (dl_sj_error_ != simdjson::SUCCESS) return dl_sj_error_; \
  } while (0)

// The parser grows in powers of two (not to each new longest line), and gives back memory taken
// by one very long line once lines are short again.
constexpr size_t kMinParserCapacity = 64 * 1024;
constexpr size_t kRetainParserCapacity = size_t{16} << 20;

// simdjson 3.0.1's error_code names, in enum order (its error_message() texts are prose).
// clang-format off
constexpr const char* kCodeNames[] = {
    "SUCCESS", "CAPACITY", "MEMALLOC", "TAPE_ERROR", "DEPTH_ERROR", "STRING_ERROR",
    "T_ATOM_ERROR", "F_ATOM_ERROR", "N_ATOM_ERROR", "NUMBER_ERROR", "UTF8_ERROR", "UNINITIALIZED",
    "EMPTY", "UNESCAPED_CHARS", "UNCLOSED_STRING", "UNSUPPORTED_ARCHITECTURE", "INCORRECT_TYPE",
    "NUMBER_OUT_OF_RANGE", "INDEX_OUT_OF_BOUNDS", "NO_SUCH_FIELD", "IO_ERROR",
    "INVALID_JSON_POINTER", "INVALID_URI_FRAGMENT", "UNEXPECTED_ERROR", "PARSER_IN_USE",
    "OUT_OF_ORDER_ITERATION", "INSUFFICIENT_PADDING", "INCOMPLETE_ARRAY_OR_OBJECT",
    "SCALAR_DOCUMENT_AS_VALUE", "OUT_OF_BOUNDS", "TRAILING_CONTENT"};
// clang-format on
static_assert(std::size(kCodeNames) == simdjson::NUM_ERROR_CODES, "simdjson's error codes changed");

const char* CodeName(error_code code) {
  auto index = static_cast<size_t>(code);
  return index < std::size(kCodeNames) ? kCodeNames[index] : "UNKNOWN_ERROR";
}

Status NotJson(error_code code) {
  if (code == simdjson::MEMALLOC) return Status::Internal("out of memory parsing the line");
  return Status::InvalidInput(std::string("not valid JSON (") + CodeName(code) + ")");
}

void Note(const char** first, const char* problem) {
  if (*first == nullptr) *first = problem;
}

// Raw JSON of a container as simdjson returns it may run up to the next token.
std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// On-Demand skips what it is not asked for without checking it (it only counts brackets, so
// `[}` passes), yet a line is either one valid JSON text or rejected. Every value the envelope
// does not read goes through here. It costs nothing for the members a message is made of.
error_code SkipChecked(od::value& v) {
  od::json_type type;
  DL_SJ_TRY(v.type().get(type));
  std::string_view raw;
  if (type == od::json_type::object) {
    od::object object;
    DL_SJ_TRY(v.get_object().get(object));
    DL_SJ_TRY(object.raw_json().get(raw));
  } else if (type == od::json_type::array) {
    od::array array;
    DL_SJ_TRY(v.get_array().get(array));
    DL_SJ_TRY(array.raw_json().get(raw));
  } else {
    raw = v.raw_json_token();
  }
  return json::CheckValue(raw).ok() ? simdjson::SUCCESS : simdjson::TAPE_ERROR;
}

// A raw text taken from the line that nothing else will read.
error_code CheckRaw(std::string_view raw) {
  return raw.empty() || json::CheckValue(raw).ok() ? simdjson::SUCCESS : simdjson::TAPE_ERROR;
}

enum class Shape { kString, kNull, kOther };

// Classify `v`; for a string set *out (a view into the parser, valid until the next line).
error_code ReadStringOrNull(od::value& v, Shape* shape, std::string_view* out) {
  od::json_type type;
  DL_SJ_TRY(v.type().get(type));
  *shape = Shape::kOther;
  if (type == od::json_type::string) {
    *shape = Shape::kString;
    return v.get_string().get(*out);
  }
  if (type == od::json_type::null) {
    bool is_null = false;
    DL_SJ_TRY(v.is_null().get(is_null));  // validates the atom ("nul" is not null)
    if (!is_null) return simdjson::N_ATOM_ERROR;
    *shape = Shape::kNull;
    return simdjson::SUCCESS;
  }
  return SkipChecked(v);
}

error_code ReadObject(od::value& v, bool* is_object, od::object* out) {
  od::json_type type;
  DL_SJ_TRY(v.type().get(type));
  *is_object = type == od::json_type::object;
  return *is_object ? v.get_object().get(*out) : SkipChecked(v);
}

// An integer, or a number with an integral value in int64 range (some sources write 1.7e12).
error_code ReadEmittedAt(od::value& v, int64_t* out, bool* ok) {
  od::json_type type;
  DL_SJ_TRY(v.type().get(type));
  *ok = false;
  if (type != od::json_type::number) return SkipChecked(v);
  int64_t i;
  if (v.get_int64().get(i) == simdjson::SUCCESS) {  // a failed get does not advance
    *out = i;
    *ok = true;
    return simdjson::SUCCESS;
  }
  double d;
  // Beyond a double's range (1e400) is a valid number, just not a time.
  if (v.get_double().get(d) != simdjson::SUCCESS) return SkipChecked(v);
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (std::isfinite(d) && d == std::trunc(d) && d >= -kTwoTo63 && d < kTwoTo63) {
    *out = static_cast<int64_t>(d);
    *ok = true;
  }
  return simdjson::SUCCESS;
}

error_code WalkMeta(od::value& v, Message* m) {
  bool is_object;
  od::object meta;
  DL_SJ_TRY(ReadObject(v, &is_object, &meta));
  if (!is_object) return simdjson::SUCCESS;
  for (auto result : meta) {
    od::field field;
    std::string_view key;
    DL_SJ_TRY(std::move(result).get(field));
    DL_SJ_TRY(field.unescaped_key().get(key));
    od::json_type type;
    DL_SJ_TRY(field.value().type().get(type));
    if (key != "changes" || type != od::json_type::array) {
      DL_SJ_TRY(SkipChecked(field.value()));
      continue;
    }
    od::array changes;
    std::string_view raw;
    DL_SJ_TRY(field.value().get_array().get(changes));
    DL_SJ_TRY(changes.raw_json().get(raw));
    DL_SJ_TRY(CheckRaw(raw));
    m->meta_changes_json = TrimTrailingSpace(raw);
  }
  return simdjson::SUCCESS;
}

// Unwinds the walk once a RecordDataReader has declined a value it may have half read; Parse
// reports nothing of it, since the line is parsed again (Envelope::reread).
constexpr error_code kStopForReread = simdjson::UNEXPECTED_ERROR;

// Offer `data` to `reader` (when there is one and the record's stream is known): true if it was
// read, so that the walk goes on after it.
error_code OfferData(od::value& v, RecordDataReader* reader, bool has_stream, bool has_ns,
                     Envelope* env, Message* m, bool* read) {
  *read = false;
  if (reader == nullptr || !has_stream || env->reread) return simdjson::SUCCESS;
  od::json_type type;
  DL_SJ_TRY(v.type().get(type));
  if (type != od::json_type::object) return simdjson::SUCCESS;  // judged by the plain path
  if (!has_ns) m->stream.ns.reset();  // the previous record's namespace is still there
  json::OnDemandValue data{v};
  if (!reader->Read(*m, data)) {
    env->reread = true;
    return kStopForReread;
  }
  m->data_read = true;
  *read = true;
  return simdjson::SUCCESS;
}

// The record's members, in document order and in one pass (it may hold megabytes of data). With
// a reader, `data` is read by it in the same pass (RecordDataReader).
error_code WalkRecord(od::object& record, RecordDataReader* reader, Envelope* env, Message* m) {
  bool has_stream = false, has_ns = false, has_emitted_at = false, has_data = false;
  const char* first = nullptr;
  for (auto result : record) {
    od::field field;
    std::string_view key, text;
    Shape shape;
    DL_SJ_TRY(std::move(result).get(field));
    DL_SJ_TRY(field.unescaped_key().get(key));
    od::value& v = field.value();
    // The stream or the data the reader was given would not be the record's.
    if (m->data_read && (key == "stream" || key == "namespace" || key == "data")) {
      env->reread = true;
    }
    if (key == "stream") {
      DL_SJ_TRY(ReadStringOrNull(v, &shape, &text));
      if (shape == Shape::kString) m->stream.name.assign(text);
      has_stream = shape == Shape::kString;
    } else if (key == "namespace") {
      DL_SJ_TRY(ReadStringOrNull(v, &shape, &text));
      // assign() into an engaged optional keeps its capacity from record to record.
      if (shape == Shape::kString && m->stream.ns.has_value()) {
        m->stream.ns->assign(text);
      } else if (shape == Shape::kString) {
        m->stream.ns.emplace(text);
      }
      if (shape == Shape::kOther) Note(&first, "RECORD 'namespace' is neither a string nor null");
      has_ns = shape == Shape::kString;
    } else if (key == "emitted_at") {
      DL_SJ_TRY(ReadEmittedAt(v, &m->emitted_at_ms, &has_emitted_at));
    } else if (key == "data") {
      DL_SJ_TRY(CheckRaw(m->data_json));  // a duplicate: the earlier one will not be decoded
      bool read = false;
      DL_SJ_TRY(OfferData(v, reader, has_stream, has_ns, env, m, &read));
      if (read) {
        has_data = true;
        continue;
      }
      od::object data;
      DL_SJ_TRY(ReadObject(v, &has_data, &data));
      if (has_data) DL_SJ_TRY(data.raw_json().get(text));
      if (has_data) m->data_json = TrimTrailingSpace(text);
    } else if (key == "meta") {
      DL_SJ_TRY(WalkMeta(v, m));
    } else {
      DL_SJ_TRY(SkipChecked(v));
    }
  }
  if (!has_ns) m->stream.ns.reset();
  if (!has_stream) Note(&first, "RECORD without a string 'stream'");
  if (!has_emitted_at) Note(&first, "RECORD without an integer 'emitted_at'");
  if (!has_data) Note(&first, "RECORD without an object 'data'");
  env->record_problem = first;
  return simdjson::SUCCESS;
}

// A stream_descriptor; *has_name is set when it has a string name.
error_code WalkDescriptor(od::object& descriptor, StreamDescriptor* out, bool* has_name,
                          const char** problem) {
  bool has_ns = false;
  *has_name = false;
  for (auto result : descriptor) {
    od::field field;
    std::string_view key, text;
    Shape shape;
    DL_SJ_TRY(std::move(result).get(field));
    DL_SJ_TRY(field.unescaped_key().get(key));
    if (key != "name" && key != "namespace") {
      DL_SJ_TRY(SkipChecked(field.value()));
      continue;
    }
    DL_SJ_TRY(ReadStringOrNull(field.value(), &shape, &text));
    if (key == "name") {
      if (shape == Shape::kString) out->name.assign(text);
      *has_name = shape == Shape::kString;
    } else {
      if (shape == Shape::kString) out->ns = std::string(text);
      if (shape == Shape::kOther) Note(problem, "stream_descriptor 'namespace' is not a string");
      has_ns = shape == Shape::kString;
    }
  }
  if (!has_ns) out->ns.reset();
  return simdjson::SUCCESS;
}

bool ParseStatus(std::string_view s, StreamStatus* out) {
  if (s == "STARTED")
    *out = StreamStatus::kStarted;
  else if (s == "RUNNING")
    *out = StreamStatus::kRunning;
  else if (s == "COMPLETE")
    *out = StreamStatus::kComplete;
  else if (s == "INCOMPLETE")
    *out = StreamStatus::kIncomplete;
  else
    return false;
  return true;
}

error_code WalkStreamStatus(od::object& status, Envelope* env) {
  bool has_name = false, has_status = false;
  const char* first = nullptr;
  for (auto result : status) {
    od::field field;
    std::string_view key, text;
    DL_SJ_TRY(std::move(result).get(field));
    DL_SJ_TRY(field.unescaped_key().get(key));
    if (key == "stream_descriptor") {
      bool is_object;
      od::object descriptor;
      DL_SJ_TRY(ReadObject(field.value(), &is_object, &descriptor));
      if (is_object) DL_SJ_TRY(WalkDescriptor(descriptor, &env->status_stream, &has_name, &first));
    } else if (key == "status") {
      Shape shape;
      DL_SJ_TRY(ReadStringOrNull(field.value(), &shape, &text));
      has_status = shape == Shape::kString && ParseStatus(text, &env->status);
    } else {
      DL_SJ_TRY(SkipChecked(field.value()));
    }
  }
  if (!has_name) Note(&first, "STREAM_STATUS without a stream_descriptor with a string 'name'");
  if (!has_status) Note(&first, "STREAM_STATUS without a known 'status'");
  env->stream_status_problem = first;
  return simdjson::SUCCESS;
}

error_code WalkTrace(od::object& trace, Envelope* env) {
  for (auto result : trace) {
    od::field field;
    std::string_view key;
    DL_SJ_TRY(std::move(result).get(field));
    DL_SJ_TRY(field.unescaped_key().get(key));
    if (key == "type") {
      Shape shape;
      std::string_view text;
      DL_SJ_TRY(ReadStringOrNull(field.value(), &shape, &text));
      if (shape == Shape::kString) env->trace_type = text;
    } else if (key == "stream_status") {
      bool is_object;
      od::object status;
      DL_SJ_TRY(ReadObject(field.value(), &is_object, &status));
      if (is_object) DL_SJ_TRY(WalkStreamStatus(status, env));
    } else {
      DL_SJ_TRY(SkipChecked(field.value()));
    }
  }
  return simdjson::SUCCESS;
}

// One pass over the envelope: the payload may come before `type`, so every known payload is
// read as it is met and judged later against `type`.
error_code WalkEnvelope(od::object& envelope, RecordDataReader* reader, Envelope* env, Message* m) {
  for (auto result : envelope) {
    od::field field;
    std::string_view key;
    DL_SJ_TRY(std::move(result).get(field));
    DL_SJ_TRY(field.unescaped_key().get(key));
    od::value& v = field.value();
    bool is_object = false;
    od::object payload;
    if (key == "type") {
      Shape shape;
      std::string_view text;
      DL_SJ_TRY(ReadStringOrNull(v, &shape, &text));
      if (shape == Shape::kString) env->type = text;
      env->has_type = shape == Shape::kString;
      continue;
    }
    if (key != "record" && key != "state" && key != "trace") {
      DL_SJ_TRY(SkipChecked(v));
      continue;
    }
    DL_SJ_TRY(ReadObject(v, &is_object, &payload));
    if (!is_object) continue;
    if (key == "record") {
      // The reader only for a line already known to be a RECORD.
      const bool record = env->has_type && env->type == "RECORD";
      DL_SJ_TRY(WalkRecord(payload, record ? reader : nullptr, env, m));
    } else if (key == "state") {
      DL_SJ_TRY(CheckRaw(env->state_json));  // a duplicate: the earlier one will not be read
      if (!env->state_json.empty()) env->state_twice = true;
      std::string_view raw;
      DL_SJ_TRY(payload.raw_json().get(raw));
      env->state_json = TrimTrailingSpace(raw);
    } else {
      DL_SJ_TRY(WalkTrace(payload, env));
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

void Envelope::Reset() {
  has_type = false;
  type = {};
  record_problem = "RECORD without an object 'record'";
  state_json = {};
  state_twice = false;
  trace_type = {};
  stream_status_problem = "STREAM_STATUS without an object 'stream_status'";
  status = StreamStatus::kStarted;
  reread = false;
}

struct EnvelopeParser::Impl {
  od::parser parser;

  Status Reserve(size_t len) {
    if (len > simdjson::SIMDJSON_MAXSIZE_BYTES) {
      return Status::InvalidInput("longer than the 4 GiB a JSON line may have");
    }
    size_t capacity = parser.capacity();
    bool grow = capacity < len;
    bool shrink = capacity > kRetainParserCapacity && len <= kRetainParserCapacity / 2;
    if (!grow && !shrink) return Status::Ok();
    size_t want = std::min<size_t>(std::max(kMinParserCapacity, std::bit_ceil(len)),
                                   simdjson::SIMDJSON_MAXSIZE_BYTES);
    error_code error = parser.allocate(want);
    if (error != simdjson::SUCCESS) {
      return Status::Internal(std::string("cannot allocate a JSON parser (") + CodeName(error) +
                              ")");
    }
    return Status::Ok();
  }
};

void EnvelopeParser::ReleaseLargeBuffers() {
  if (impl_->parser.capacity() > kRetainParserCapacity) impl_->parser = od::parser{};
}

EnvelopeParser::EnvelopeParser() : impl_(std::make_unique<Impl>()) {}
EnvelopeParser::~EnvelopeParser() = default;

Status EnvelopeParser::Parse(std::string_view line, size_t readable, RecordDataReader* reader,
                             Envelope* env, Message* message) {
  env->Reset();
  RETURN_IF_ERROR(impl_->Reserve(line.size()));
  od::document doc;
  error_code error = impl_->parser.iterate(line.data(), line.size(), readable).get(doc);
  if (error != simdjson::SUCCESS) return NotJson(error);
  od::json_type type;
  error = doc.type().get(type);
  if (error != simdjson::SUCCESS) return NotJson(error);
  if (type != od::json_type::object) return Status::InvalidInput("not a JSON object");
  od::object envelope;
  error = doc.get_object().get(envelope);
  if (error == simdjson::SUCCESS) error = WalkEnvelope(envelope, reader, env, message);
  // A `type` after the record that is not "RECORD" after all: the read data is not a record's.
  if (message->data_read && !(env->has_type && env->type == "RECORD")) env->reread = true;
  if (env->reread) return Status::Ok();  // judged by the parse without the reader
  // Raw texts the message's type leaves unread (a RECORD's state, a LOG's record data) are
  // checked here; the ones it reads are checked by their readers (ReadState, RecordDecoder).
  if (error == simdjson::SUCCESS && env->type != "STATE") error = CheckRaw(env->state_json);
  if (error == simdjson::SUCCESS && env->type != "RECORD") error = CheckRaw(message->data_json);
  if (error != simdjson::SUCCESS) return NotJson(error);
  // A STATE is echoed as its text: with two, either choice may lose the source's checkpoint
  // (docs/STATE.md: the members the destination reads may not appear twice).
  if (env->type == "STATE" && env->state_twice) {
    return Status::InvalidInput("duplicate member name 'state'");
  }
  // On-Demand stops after the envelope's '}'; anything after it (say a second message) would
  // otherwise be dropped silently.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    return NotJson(simdjson::TRAILING_CONTENT);
  }
  return Status::Ok();
}

}  // namespace datalake::protocol::internal
