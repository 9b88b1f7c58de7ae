// Error codes of the JSON services (Glue, Lake Formation) and their regional endpoints.
#include <cctype>

#include "aws/glue.h"

namespace datalake::aws {
namespace {

bool IsCodeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}

// Codes the user must act on: permissions, keys, quotas (aws-wire.md §3.1, §3.7).
bool IsConfigErrorCode(std::string_view code) {
  return code == "AccessDeniedException" || code == "UnrecognizedClientException" ||
         code == "InvalidSignatureException" || code == "ExpiredTokenException" ||
         code == "ResourceNumberLimitExceededException" || code == "AccessDenied";
}

}  // namespace

std::string RegionalServiceEndpoint(std::string_view service, std::string_view region) {
  std::string out = "https://";
  out += service;
  out += ".";
  out += region;
  out += ".amazonaws.com";
  if (region.starts_with("cn-")) out += ".cn";
  return out;
}

// AwsClient's final failures read "<Operation> <resource>: HTTP <status> <Code> (request id
// ...): <message>" (aws_client.h); GlueClient writes per-partition failures the same way. The
// code is the token after the first "HTTP <3 digits> " that starts with a letter.
std::string_view AwsErrorCodeOf(const Status& status) {
  std::string_view message = status.message();
  size_t from = 0;
  while (true) {
    size_t at = message.find("HTTP ", from);
    if (at == std::string_view::npos) return {};
    size_t pos = at + 5;
    size_t digits = 0;
    while (pos < message.size() && std::isdigit(static_cast<unsigned char>(message[pos])) != 0) {
      ++pos;
      ++digits;
    }
    if (digits == 3 && pos + 1 < message.size() && message[pos] == ' ' &&
        std::isalpha(static_cast<unsigned char>(message[pos + 1])) != 0) {
      size_t end = pos + 1;
      while (end < message.size() && IsCodeChar(message[end])) ++end;
      return message.substr(pos + 1, end - pos - 1);
    }
    from = at + 1;
  }
}

bool IsGlueError(const Status& status, std::string_view code) {
  return !status.ok() && !code.empty() && AwsErrorCodeOf(status) == code;
}

Status NormalizeJsonServiceError(Status status, std::string_view code) {
  if (status.ok()) return status;
  if (code == "EntityNotFoundException") return Status::NotFound(status.message());
  if (IsConfigErrorCode(code)) return Status::ConfigError(status.message());
  // Someone else changed the object first; a later attempt (after a re-read) may succeed.
  if (code == "ConcurrentModificationException") return Status::Transient(status.message());
  return status;
}

Result<json::Value> ExecuteJsonRequest(AwsClient& client, const AwsRequest& request) {
  AwsError error;
  Result<HttpResponse> response = client.Execute(request, &error);
  if (!response.ok()) return NormalizeJsonServiceError(response.status(), error.code);
  if (response->body.empty()) return json::Value::Object();
  Result<json::Value> parsed = json::Parse(response->body);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::IOError(request.operation + " " + request.resource +
                           ": response is not a JSON object");
  }
  return parsed;
}

}  // namespace datalake::aws
