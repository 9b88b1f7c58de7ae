// Error codes of the JSON services (Glue, Lake Formation) and their regional endpoints.
#include <cctype>

#include "aws/glue.h"
#include "aws/retry_policy.h"

namespace datalake::aws {
namespace {

// Codes the user must act on: permissions, keys, quotas (docs/AWS-WIRE.md#glue-errors).
bool IsConfigErrorCode(std::string_view code) {
  return code == "AccessDeniedException" || code == "UnrecognizedClientException" ||
         code == "InvalidSignatureException" || code == "ExpiredTokenException" ||
         code == "ResourceNumberLimitExceededException" || code == "AccessDenied";
}

// Return `status` (a failure of `operation` on `service`, AWS error `code`) explained in the
// words S3Client uses for the same causes when the user must act: rejected credentials, denied
// access. The message keeps AwsClient's text, so AwsErrorCodeOf still finds the code.
Status ExplainConfigError(std::string_view service, std::string_view operation, Status status,
                          std::string_view code) {
  if (status.code() != StatusCode::kConfigError) return status;
  if (std::string_view reason = RejectedCredentialsReason(code); !reason.empty()) {
    return RejectedCredentialsError(reason, status.message());
  }
  if (code == "AccessDeniedException" || code == "AccessDenied") {
    const std::string what = service == "glue" ? "the Glue Data Catalog" : "Lake Formation";
    // With Lake Formation, Glue checks its grants on top of IAM and denies in the same words.
    return Status::ConfigError("access denied to " + what + ": check the credentials, their " +
                               std::string(service) + ":" + std::string(operation) +
                               " permission and their Lake Formation permissions (" +
                               status.message() + ")");
  }
  return status;
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
    if (digits == 3 && pos + 1 < message.size() && message[pos] == ' ') {
      if (std::string_view code = AwsCodeWord(message.substr(pos + 1)); !code.empty()) return code;
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

Status RedactCredentials(Status status, CredentialsProvider* credentials) {
  if (status.ok() || credentials == nullptr) return status;
  Result<ExpiringCredentials> used = credentials->Get();
  if (!used.ok()) return status;
  return Status(status.code(), RedactSecrets(status.message(), used->credentials));
}

Result<json::Value> ExecuteJsonRequest(AwsClient& client, const AwsRequest& request) {
  AwsError error;
  Result<HttpResponse> response = client.Execute(request, &error);
  if (!response.ok()) {
    return ExplainConfigError(client.options().service, request.operation,
                              NormalizeJsonServiceError(response.status(), error.code), error.code);
  }
  if (response->body.empty()) return json::Value::Object();
  Result<json::Value> parsed = json::Parse(response->body);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::IOError(request.operation + " " + request.resource +
                           ": response is not a JSON object");
  }
  return parsed;
}

}  // namespace datalake::aws
