// Status and Result: the error vocabulary shared by every module.
//
// A Status is a code plus a human-readable message. Codes are few on purpose: each maps to one
// Airbyte failure_type (see FailureTypeOf), which is decided once, in cli. Messages name the
// operation and the object ("write part 3 of s3://b/k: ..."), never record content or secrets.
//
// Result<T> holds either a value or a non-OK Status. No exception crosses a module boundary.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace datalake {

enum class StatusCode {
  kOk = 0,
  kConfigError,   // the user must fix configuration, credentials or permissions
  kInvalidInput,  // the input stream (messages, catalog) breaks the protocol contract
  kNotFound,      // a named object does not exist (often handled by the caller)
  kIOError,       // local file system or network failure that is not retryable
  kTransient,     // still failing after retries; a later attempt may succeed
  kInternal,      // a bug or an unexpected state
  kCancelled,     // the sync was cancelled (SIGTERM, SIGINT; see common/cancel.h)
};

// The Airbyte failure_type of a failure with this code.
std::string_view FailureTypeOf(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status ConfigError(std::string m) { return {StatusCode::kConfigError, std::move(m)}; }
  static Status InvalidInput(std::string m) { return {StatusCode::kInvalidInput, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Transient(std::string m) { return {StatusCode::kTransient, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsCancelled() const { return code_ == StatusCode::kCancelled; }

  // Return a copy whose message is prefixed by `context: `.
  Status WithContext(std::string_view context) const;
  // Return "<code name>: <message>" (or "OK").
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(data_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace datalake

#define DL_CONCAT_INNER(a, b) a##b
#define DL_CONCAT(a, b) DL_CONCAT_INNER(a, b)

// Return from the current function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::datalake::Status dl_status_ = (expr);  \
    if (!dl_status_.ok()) return dl_status_; \
  } while (0)

// Evaluate `rexpr` (a Result<T>); on error return its Status, else move the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(DL_CONCAT(dl_result_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL(result, lhs, rexpr) \
  auto result = (rexpr);                          \
  if (!result.ok()) return result.status();       \
  lhs = std::move(result).value()
