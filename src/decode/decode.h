// Record decoding: the JSON `data` of a RECORD -> a typed Row for the stream's table schema,
// converting every value per docs/TYPES.md. This is the per-record hot path: it parses with
// simdjson's on-demand API, writes straight into the Row's tape and allocates nothing per record
// once warmed up.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::json {
struct OnDemandValue;  // json/on_demand.h
}  // namespace datalake::json

namespace datalake::decode {

// A destination-side change to a record, reported in _airbyte_meta.changes.
struct Change {
  std::string field;   // source field path: "a", nested "a.b", list element "a[2]"
  std::string change;  // "NULLED" | "TRUNCATED"
  std::string reason;  // e.g. "DESTINATION_SERIALIZATION_ERROR"
};

// Not thread-safe: one decoder per thread (it owns a simdjson parser).
class RecordDecoder {
 public:
  RecordDecoder();
  ~RecordDecoder();
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Append one subtree per column of `schema` to `row`, converting each value per
  // docs/TYPES.md. Values that do not fit their column become null and append a Change to
  // `changes`; fields not in the schema are ignored. `data_json` must be followed in memory by
  // at least simdjson::SIMDJSON_PADDING readable bytes (an InputChunk guarantees it).
  // Return kInvalidInput (without quoting the data) if `data_json` is not a JSON object.
  Status Decode(std::string_view data_json, const schema::TableSchema& schema, format::Row* row,
                std::vector<Change>* changes);
  // The same for a value met while its document is parsed (protocol::RecordDataReader), read
  // in that parse. On failure the value is left half read, and the document must be dropped.
  Status Decode(json::OnDemandValue& data, const schema::TableSchema& schema, format::Row* row,
                std::vector<Change>* changes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace datalake::decode
