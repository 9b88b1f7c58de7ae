#include "common/status.h"

namespace datalake {

std::string_view FailureTypeOf(StatusCode code) {
  switch (code) {
    case StatusCode::kConfigError:
      return "config_error";
    case StatusCode::kTransient:
    case StatusCode::kCancelled:  // nothing for the user to fix; a later run may succeed
      return "transient_error";
    default:
      return "system_error";
  }
}

namespace {
std::string_view CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kConfigError:
      return "Config error";
    case StatusCode::kInvalidInput:
      return "Invalid input";
    case StatusCode::kNotFound:
      return "Not found";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kTransient:
      return "Transient error";
    case StatusCode::kInternal:
      return "Internal error";
    case StatusCode::kCancelled:
      return "Cancelled";
  }
  return "Unknown";
}
}  // namespace

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace datalake
