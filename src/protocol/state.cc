// STATE payloads: read what the destination needs from the raw `state` text, and build the echo
// by splicing the record count into that text. The payload is never re-serialised, so it comes
// back byte for byte, whatever its depth or size.
#include <optional>
#include <string>

#include "json/raw.h"
#include "protocol/internal.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

// A STATE with a problem in the destination's own members, or not JSON at all.
Status Rejected(const Status& status) {
  return Status::InvalidInput("STATE payload rejected: " + status.message());
}

// The value of a member whose shape is all that matters when it is a container: its scalars as
// written, its arrays and objects empty (they may be nested deeper than Parse goes).
json::Value Shallow(std::string_view raw) {
  if (raw.front() == '{') return json::Value::Object();
  if (raw.front() == '[') return json::Value::Array();
  Result<json::Value> scalar = json::Parse(raw);  // already checked: this cannot fail
  return scalar.ok() ? std::move(scalar).value() : json::Value();
}

// The stream a STREAM state belongs to: state.stream.stream_descriptor.
Result<StreamDescriptor> StateStream(std::string_view state_json, const json::RawObject& state) {
  constexpr const char* kMissing = "STREAM STATE without 'stream.stream_descriptor'";
  Result<const json::RawMember*> stream = state.FindUnique("stream");
  if (!stream.ok()) return Rejected(stream.status());
  if (*stream == nullptr) return Status::InvalidInput(kMissing);
  const std::string_view stream_json = json::RawValue(state_json, **stream);
  if (stream_json.front() != '{') return Status::InvalidInput(kMissing);
  Result<json::RawObject> stream_object = json::ScanObject(stream_json);
  if (!stream_object.ok()) return Rejected(stream_object.status());
  Result<const json::RawMember*> descriptor = stream_object->FindUnique("stream_descriptor");
  if (!descriptor.ok()) return Rejected(descriptor.status());
  if (*descriptor == nullptr) return Status::InvalidInput(kMissing);
  // Only `name` and `namespace` are read; the descriptor is rebuilt from their values alone.
  const std::string_view descriptor_json = json::RawValue(stream_json, **descriptor);
  json::Value shallow;
  if (descriptor_json.front() == '{') {
    Result<json::RawObject> members = json::ScanObject(descriptor_json);
    if (!members.ok()) return Rejected(members.status());
    shallow = json::Value::Object();
    for (const char* key : {"name", "namespace"}) {
      Result<const json::RawMember*> member = members->FindUnique(key);
      if (!member.ok()) return Rejected(member.status());
      if (*member != nullptr) shallow.Set(key, Shallow(json::RawValue(descriptor_json, **member)));
    }
  }
  return internal::DescriptorFromJson(shallow, "STREAM STATE stream_descriptor");
}

// Where destinationStats.recordCount goes (RecordCountSplice).
Result<RecordCountSplice> FindRecordCountSplice(std::string_view state_json,
                                                const json::RawObject& state) {
  Result<const json::RawMember*> stats = state.FindUnique("destinationStats");
  if (!stats.ok()) return Rejected(stats.status());
  if (*stats == nullptr) {  // added after the last member
    if (state.members.empty()) {
      return RecordCountSplice{state.close, state.close, R"("destinationStats":{"recordCount":)",
                               "}"};
    }
    const size_t at = state.members.back().value_end;
    return RecordCountSplice{at, at, R"(,"destinationStats":{"recordCount":)", "}"};
  }
  const size_t stats_begin = (*stats)->value_begin;
  const std::string_view stats_json = json::RawValue(state_json, **stats);
  if (stats_json.front() != '{') {  // not an object: replaced by one
    return RecordCountSplice{stats_begin, (*stats)->value_end, R"({"recordCount":)", "}"};
  }
  Result<json::RawObject> stats_object = json::ScanObject(stats_json);
  if (!stats_object.ok()) return Rejected(stats_object.status());
  Result<const json::RawMember*> count = stats_object->FindUnique("recordCount");
  if (!count.ok()) return Rejected(count.status());
  if (*count != nullptr) {  // the source's count is replaced in place
    return RecordCountSplice{stats_begin + (*count)->value_begin, stats_begin + (*count)->value_end,
                             "", ""};
  }
  if (stats_object->members.empty()) {
    const size_t at = stats_begin + stats_object->close;
    return RecordCountSplice{at, at, R"("recordCount":)", ""};
  }
  const size_t at = stats_begin + stats_object->members.back().value_end;
  return RecordCountSplice{at, at, R"(,"recordCount":)", ""};
}

}  // namespace

namespace internal {

Status ReadState(std::string_view state_json, Message* m) {
  // One check of the whole payload, at any depth; the members read below are looked at again,
  // which costs little next to the bytes that are only passed on.
  Result<json::RawObject> state = json::ScanObject(state_json);
  if (!state.ok()) return Rejected(state.status());
  m->state_json = state_json;
  m->stream.name.clear();
  m->stream.ns.reset();
  ASSIGN_OR_RETURN(m->record_count_splice, FindRecordCountSplice(state_json, *state));
  Result<const json::RawMember*> type_member = state->FindUnique("type");
  if (!type_member.ok()) return Rejected(type_member.status());
  const json::Value type =
      *type_member == nullptr ? json::Value() : Shallow(json::RawValue(state_json, **type_member));
  if (type.is_null()) {
    m->state_type = StateType::kLegacy;  // the protocol's default for an untyped state
  } else if (type.AsString() == "GLOBAL") {
    m->state_type = StateType::kGlobal;
  } else if (type.AsString() == "LEGACY") {
    m->state_type = StateType::kLegacy;
  } else if (type.AsString() == "STREAM") {
    m->state_type = StateType::kStream;
    ASSIGN_OR_RETURN(m->stream, StateStream(state_json, *state));
  } else {
    return Status::InvalidInput("STATE of unknown type");
  }
  m->type = MessageType::kState;
  return Status::Ok();
}

}  // namespace internal

std::string StateWithRecordCount(const Message& state_message, uint64_t record_count) {
  const std::string_view text = state_message.state_json;
  const RecordCountSplice& splice = state_message.record_count_splice;
  // recordCount is a double by protocol.
  const std::string count = json::Value::Double(static_cast<double>(record_count)).text();
  std::string out;
  out.reserve(text.size() - (splice.end - splice.begin) + splice.prefix.size() + count.size() +
              splice.suffix.size());
  out.append(text.substr(0, splice.begin))
      .append(splice.prefix)
      .append(count)
      .append(splice.suffix)
      .append(text.substr(splice.end));
  return out;
}

}  // namespace datalake::protocol
