// The Airbyte protocol: messages in (stdin) and out (stdout).
//
// MessageReader reads newline-delimited AirbyteMessages of any length from a file descriptor and
// classifies each. RECORD payloads are not decoded by the reader: it hands out the raw JSON text
// of `data`, which decode::RecordDecoder turns into a typed Row for the stream's table schema.
// ConfiguredCatalog parses the `--catalog` file. MessageWriter emits SPEC, CONNECTION_STATUS,
// STATE, LOG and TRACE lines.
//
// Error messages never include record content: a malformed line is reported by line number,
// length and reason only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "json/json.h"

namespace datalake::json {
struct OnDemandValue;  // json/on_demand.h
}  // namespace datalake::json

namespace datalake::protocol {

// A stream's identity. An absent and a null namespace are the same (nullopt).
struct StreamDescriptor {
  std::optional<std::string> ns;
  std::string name;

  friend bool operator==(const StreamDescriptor&, const StreamDescriptor&) = default;
  // "name" or "namespace.name", for messages.
  std::string ToString() const;
  json::Value ToJson() const;  // {"name":...,"namespace":...}
};

struct StreamDescriptorHash {
  size_t operator()(const StreamDescriptor& d) const;
};

enum class DestinationSyncMode { kAppend, kOverwrite, kAppendDedup, kOther };

struct ConfiguredStream {
  StreamDescriptor descriptor;
  json::Value json_schema;
  DestinationSyncMode destination_sync_mode = DestinationSyncMode::kAppend;
  std::string destination_sync_mode_name = "append";  // as sent, for messages
  std::vector<std::string> cursor_field;
  std::vector<std::vector<std::string>> primary_key;
  int64_t generation_id = 0;          // absent or null -> 0
  int64_t minimum_generation_id = 0;  // absent or null -> 0
  int64_t sync_id = 0;                // absent or null -> 0
};

struct ConfiguredCatalog {
  std::vector<ConfiguredStream> streams;
};

// Parse and validate a configured catalog: at least one stream; every stream has a name and an
// object json_schema; no two streams share a descriptor (kConfigError naming the stream).
Result<ConfiguredCatalog> ParseConfiguredCatalog(const json::Value& catalog);

enum class MessageType { kRecord, kState, kStreamStatus, kOther };
enum class StateType { kStream, kGlobal, kLegacy };
enum class StreamStatus { kStarted, kRunning, kComplete, kIncomplete };

// Where a STATE's echo takes destinationStats.recordCount: the echo is the state's text with
// bytes [begin, end) replaced by prefix + the count + suffix. Nothing else changes, so the echo
// is the input byte for byte (whitespace, escapes, number texts, member order) but for the count.
struct RecordCountSplice {
  size_t begin = 0;
  size_t end = 0;
  std::string_view prefix;  // static text
  std::string_view suffix;  // static text
};

// One classified input message. Views point into the reader's buffer and stay valid until the
// next call to Next().
struct Message {
  MessageType type = MessageType::kOther;
  uint64_t line_number = 0;  // 1-based
  size_t line_bytes = 0;

  // kRecord
  StreamDescriptor stream;
  int64_t emitted_at_ms = 0;
  std::string_view data_json;  // the raw JSON text of record.data (an object)
  // record.data was read by a RecordDataReader while the line was parsed; data_json is empty.
  bool data_read = false;
  std::string_view meta_changes_json;  // raw JSON array of record.meta.changes, or empty

  // kState: the `state` object exactly as it came (any depth, unknown members kept), its type,
  // for kStream the stream it belongs to, and where its echo's recordCount goes.
  std::string_view state_json;
  StateType state_type = StateType::kLegacy;
  RecordCountSplice record_count_splice;

  // kStreamStatus (also fills `stream`)
  StreamStatus status = StreamStatus::kStarted;
};

// Return the `state` object to echo for `state_message` (a kState): its text as it came, with
// destinationStats.recordCount set to `record_count`, written as a double ("3.0") as the
// protocol asks. Other destinationStats members are kept; a destinationStats that is not an
// object is replaced; a missing one is added as the last member.
std::string StateWithRecordCount(const Message& state_message, uint64_t record_count);

// Whole input lines, owned: what one thread parses while another reads on (sync/decode_ahead.h).
// Views into a chunk (a Message's data_json, state_json) live as long as its buffer is not
// reused. Every line is followed in memory by at least kPadding readable bytes (simdjson's
// padding), so a line's JSON parses in place.
struct InputChunk {
  static constexpr size_t kPadding = 64;

  std::unique_ptr<char[]> data;  // capacity + kPadding bytes
  size_t capacity = 0;
  size_t size = 0;            // bytes of whole lines: [0, size)
  uint64_t first_line = 0;    // the 1-based number of its first line
  bool starts_input = false;  // its first line is the input's first (may start with a BOM)
};

// Reads input into chunks of whole lines: as many as have arrived, up to about 1 MiB (a long
// line whole, however long). Only the chunk boundary and the line count are found here: the
// lines themselves are split and parsed by a ChunkParser, on any thread.
// REQUIRES: one thread reads.
class ChunkReader {
 public:
  static constexpr size_t kChunkBytes = size_t{1} << 20;
  // A chunk buffer grown past this for a long line is not reused once the line is gone.
  static constexpr size_t kRetainCapacity = size_t{16} << 20;

  explicit ChunkReader(int fd);  // not owned
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // Fill *chunk with the next lines, reusing its buffer; blocks until at least one whole line
  // (or the last one, without a newline) has arrived. Return false at end of input. Once
  // cancellation is requested (common/cancel.h), kCancelled, even while blocked on input.
  Result<bool> Next(InputChunk* chunk);
  // True if Next would not wait for the writer of the input: lines, or its end, are there.
  bool Ready();

  uint64_t bytes_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a RECORD's `data` during the parse of its line, so that the record's JSON is parsed once
// rather than once for the envelope and again for the data. ChunkParser offers it the value
// when the line's `type` ("RECORD") and the record's `stream` come before `data`, as Airbyte
// writes them; otherwise, or when the reader declines, the line is parsed without it and
// data_json holds the text.
class RecordDataReader {
 public:
  virtual ~RecordDataReader() = default;
  // `record` holds the line's number and length and the stream (name, and namespace if it came
  // before `data`). Return true once the object is read whole. Return false, at any point, to
  // have the line parsed again without the reader: after an error (so the line's failure is the
  // one a plain parse reports), or for a stream it cannot read. A true is withdrawn, and the
  // line parsed again, when the record turns out to differ (a `namespace` or `stream` after
  // `data`, a second `data`): Message::data_read says which parse the message came from.
  virtual bool Read(const Message& record, json::OnDemandValue& data) = 0;
};

// Splits one chunk into lines and classifies each (see MessageReader::Next). Not thread-safe:
// one parser per thread.
class ChunkParser {
 public:
  ChunkParser();
  ~ChunkParser();
  ChunkParser(const ChunkParser&) = delete;
  ChunkParser& operator=(const ChunkParser&) = delete;

  // Parse `chunk` next; it must outlive the messages Next fills.
  void Reset(const InputChunk* chunk);
  // The next non-blank line of the chunk; false when the chunk has no more. With a `reader`,
  // a RECORD's data may be read by it (Message::data_read).
  Result<bool> Next(Message* message, RecordDataReader* reader = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ChunkReader and ChunkParser on one thread.
// REQUIRES: the caller reads messages from one thread.
class MessageReader {
 public:
  // Read from `fd` (not owned).
  explicit MessageReader(int fd);
  ~MessageReader();
  MessageReader(const MessageReader&) = delete;
  MessageReader& operator=(const MessageReader&) = delete;

  // Read and classify the next non-blank line. Return false at end of input. A line that is not
  // a valid AirbyteMessage is kInvalidInput: "line N (M bytes): <reason>". A data_json string
  // view is padded (simdjson::SIMDJSON_PADDING readable bytes follow it in memory). Once
  // cancellation is requested (common/cancel.h), kCancelled, even while blocked on input.
  Result<bool> Next(Message* message);

  uint64_t bytes_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes AirbyteMessages to a file descriptor, one line each. Thread-safe. Every string it
// writes passes through redaction: registered secrets are replaced by "**********".
class MessageWriter {
 public:
  explicit MessageWriter(int fd);
  ~MessageWriter();

  void AddSecret(std::string secret);

  void Spec(const json::Value& spec);
  void ConnectionStatus(bool succeeded, std::string_view message);
  // Echo a STATE whose `state` object text is given (destinationStats already set by the
  // caller, see StateWithRecordCount), as it is.
  void State(std::string_view state_json);
  // level: "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE".
  void Log(std::string_view level, std::string_view message);
  // A TRACE ERROR with failure_type ("system_error", "config_error", "transient_error").
  void TraceError(std::string_view message, std::string_view internal_message,
                  std::string_view failure_type,
                  const std::optional<StreamDescriptor>& stream = std::nullopt);
  // Flush buffered output now (STATE lines are always flushed at once).
  void Flush();

 private:
  void WriteLine(const json::Value& message, bool flush);
  // Write buffer_ out if `flush`, or if enough output or time has gathered. REQUIRES: mu_ held.
  void EndLineLocked(bool flush);
  std::string Redact(std::string_view s) const;

  int fd_;
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  // longest first; guarded by mu_
  std::string buffer_;                // complete lines not yet written; guarded by mu_
  int64_t last_flush_ms_ = 0;         // NowMillis() of the last write(2); guarded by mu_
};

// Milliseconds since the Unix epoch, now.
int64_t NowMillis();

}  // namespace datalake::protocol
