// MessageWriter: AirbyteMessages out, one compact JSON line each.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "protocol/internal.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

// Lines are coalesced into few write(2) calls, but never held back longer than this much output
// or (checked when the next line arrives) this much time.
constexpr size_t kFlushBytes = 64 * 1024;
constexpr int64_t kMaxHoldMillis = 1000;

// A buffer grown past this by one long line is given back once written.
constexpr size_t kRetainBufferBytes = 4 * kFlushBytes;

// Write all of `rest` to fd. A failed write drops the output: there is nowhere left to report
// it, and the platform notices a missing STATE or a truncated stream anyway.
void WriteAll(int fd, std::string_view rest) {
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n >= 0) {
      rest.remove_prefix(static_cast<size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd, POLLOUT, 0};  // a non-blocking stdout: wait until it drains
      ::poll(&p, 1, -1);
    } else if (errno != EINTR) {
      break;
    }
  }
}

// Write all of *buffer to fd and empty it.
void WriteAll(int fd, std::string* buffer) {
  WriteAll(fd, std::string_view(*buffer));
  if (buffer->capacity() > kRetainBufferBytes) {
    std::string().swap(*buffer);
  } else {
    buffer->clear();
  }
}

json::Value Str(std::string s) { return json::Value::String(std::move(s)); }

json::Value Envelope(std::string_view type, std::string_view payload_key, json::Value payload) {
  return json::Value::Object(
      {{"type", Str(std::string(type))}, {std::string(payload_key), std::move(payload)}});
}

}  // namespace

MessageWriter::MessageWriter(int fd) : fd_(fd) {}

MessageWriter::~MessageWriter() { Flush(); }

void MessageWriter::AddSecret(std::string secret) {
  if (secret.empty()) return;
  std::vector<std::string> forms = {secret};
  // A secret quoted inside a JSON text (a config echoed in an error) appears escaped.
  if (json::IsValidUtf8(secret)) {
    std::string quoted;
    json::AppendQuoted(secret, &quoted);
    std::string escaped = quoted.substr(1, quoted.size() - 2);
    if (escaped != secret) forms.push_back(std::move(escaped));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (std::string& form : forms) {
    if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end()) {
      secrets_.push_back(std::move(form));
    }
  }
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string MessageWriter::Redact(std::string_view s) const {
  std::string redacted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    redacted = internal::ReplaceSecrets(s, secrets_);
  }
  // Output must be valid UTF-8 whatever the message was built from (e.g. an OS error text).
  return internal::ToValidUtf8(redacted);
}

void MessageWriter::Spec(const json::Value& spec) {
  WriteLine(Envelope("SPEC", "spec", spec), true);
}

void MessageWriter::ConnectionStatus(bool succeeded, std::string_view message) {
  json::Value status = json::Value::Object({{"status", Str(succeeded ? "SUCCEEDED" : "FAILED")}});
  if (!message.empty()) status.Set("message", Str(Redact(message)));
  WriteLine(Envelope("CONNECTION_STATUS", "connectionStatus", std::move(status)), true);
}

void MessageWriter::State(std::string_view state_json) {
  // Neither redacted nor re-serialised: a STATE must round-trip byte for byte.
  std::lock_guard<std::mutex> lock(mu_);
  buffer_.append(R"({"type":"STATE","state":)");
  if (state_json.size() > kFlushBytes) {
    // A long state goes out from where it is, not through a copy in the buffer.
    WriteAll(fd_, &buffer_);
    WriteAll(fd_, state_json);
  } else {
    buffer_.append(state_json);
  }
  buffer_.append("}\n");
  EndLineLocked(true);
}

void MessageWriter::Log(std::string_view level, std::string_view message) {
  json::Value log =
      json::Value::Object({{"level", Str(Redact(level))}, {"message", Str(Redact(message))}});
  WriteLine(Envelope("LOG", "log", std::move(log)), false);
}

void MessageWriter::TraceError(std::string_view message, std::string_view internal_message,
                               std::string_view failure_type,
                               const std::optional<StreamDescriptor>& stream) {
  json::Value error = json::Value::Object({{"message", Str(Redact(message))},
                                           {"internal_message", Str(Redact(internal_message))},
                                           {"failure_type", Str(Redact(failure_type))}});
  if (stream.has_value()) {
    json::Value descriptor =
        json::Value::Object({{"name", Str(internal::ToValidUtf8(stream->name))}});
    if (stream->ns.has_value())
      descriptor.Set("namespace", Str(internal::ToValidUtf8(*stream->ns)));
    error.Set("stream_descriptor", std::move(descriptor));
  }
  // emitted_at is a JSON number of epoch milliseconds; written as a float like the Python CDK.
  json::Value trace = json::Value::Object(
      {{"type", Str("ERROR")},
       {"emitted_at", json::Value::NumberText(std::to_string(NowMillis()) + ".0")},
       {"error", std::move(error)}});
  WriteLine(Envelope("TRACE", "trace", std::move(trace)), true);
}

void MessageWriter::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!buffer_.empty()) WriteAll(fd_, &buffer_);
  last_flush_ms_ = NowMillis();
}

void MessageWriter::WriteLine(const json::Value& message, bool flush) {
  std::lock_guard<std::mutex> lock(mu_);
  json::SerializeTo(message, &buffer_);
  buffer_.push_back('\n');
  EndLineLocked(flush);
}

void MessageWriter::EndLineLocked(bool flush) {
  int64_t now = NowMillis();
  if (flush || buffer_.size() >= kFlushBytes || now - last_flush_ms_ >= kMaxHoldMillis) {
    WriteAll(fd_, &buffer_);
    last_flush_ms_ = now;
  }
}

}  // namespace datalake::protocol
