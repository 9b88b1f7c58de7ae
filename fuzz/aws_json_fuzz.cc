// Fuzz target: the JSON responses of Glue and Lake Formation, read through the real clients
// (aws::GlueClient, aws::LakeFormationClient over AwsClient: status classification, retries,
// ParseAwsError, ExecuteJsonRequest, paging, per-entry batch errors), plus the JSON error parser
// alone and the JSON credentials documents of IMDS and the container endpoint
// (ParseCredentialsJson).
//
// The input (FuzzedDataProvider) picks an operation and a script of HTTP responses: statuses,
// bodies, X-Amzn-ErrorType headers. A scripted HttpClient serves them in order (then 200 "{}").
//
// Invariants:
// - no error message contains the signing credentials' secret key or session token;
// - a success comes from a 2xx response whose body is empty or a JSON object;
// - paging (GetTables, GetPartitions) returns every entry of every page it read, and reads on
//   exactly while a page has a non-empty NextToken;
// - BatchCreatePartition succeeds only if every per-entry error it read is
//   AlreadyExistsException (BatchDeletePartition: EntityNotFoundException), and
//   AddLFTagsToDatabase only if no response it read lists Failures;
// - a final EntityNotFoundException response is kNotFound for GetTable and GetDatabase and
//   success for DeleteTable and CreateDatabase (AlreadyExistsException); the error code a
//   failure carries is the one the response sent (AwsErrorCodeOf);
// - ParseAwsError: the code is the X-Amzn-ErrorType (else __type / code) without namespace
//   ('#') and suffix (':'), trimmed, cut to its leading word (letters, digits, '_', '.'); the
//   message is the body's message member;
// - ParseCredentialsJson returns the document's keys exactly, requires a token and expiration
//   when asked to, and never quotes the secret key or token in an error.
#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "aws/credentials_internal.h"
#include "aws/glue.h"
#include "aws/lakeformation.h"
#include "fuzz_util.h"
#include "json/json.h"

namespace datalake::fuzzing {
namespace {

using json::Value;

constexpr std::string_view kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kToken = "FwoGZXIvYXdzEJr//////////wEaDOEXAMPLETOKENxyzzy";

class FixedCredentials : public aws::CredentialsProvider {
 public:
  Result<aws::ExpiringCredentials> Get() override {
    return aws::ExpiringCredentials{.credentials = {.access_key_id = "AKIDEXAMPLE",
                                                    .secret_access_key = std::string(kSecretKey),
                                                    .session_token = std::string(kToken)},
                                    .expiration = std::nullopt};
  }
  std::string Name() const override { return "fixed"; }
};

// The responses to serve and those served.
struct Script {
  std::mutex mu;
  std::deque<aws::HttpResponse> pending;
  std::vector<aws::HttpResponse> served;
};

class ScriptedHttp : public aws::HttpClient {
 public:
  explicit ScriptedHttp(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  Result<aws::HttpResponse> Send(const aws::HttpRequest&) override {
    std::lock_guard<std::mutex> lock(script_->mu);
    aws::HttpResponse response;
    if (script_->pending.empty()) {
      response.status = 200;
      response.body = "{}";
    } else {
      response = std::move(script_->pending.front());
      script_->pending.pop_front();
    }
    script_->served.push_back(response);
    return response;
  }

 private:
  std::shared_ptr<Script> script_;
};

// The reference reading of an error type: after the last '#', before the first ':', trimmed.
std::string JsonCode(std::string_view type) {
  type = type.substr(0, type.find(':'));
  if (const size_t hash = type.rfind('#'); hash != std::string_view::npos) {
    type = type.substr(hash + 1);
  }
  const size_t begin = type.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  return std::string(type.substr(begin, type.find_last_not_of(" \t\r\n") - begin + 1));
}

bool IsXmlBody(const aws::HttpResponse& r) {
  const size_t first = r.body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && r.body[first] == '<';
}

// The code as the clients tell it from a failure's message (AwsErrorCodeOf): its leading run of
// letters, digits, '_' and '.', when that starts with a letter ("" otherwise).
std::string CodeWord(std::string_view code) {
  if (code.empty() || !std::isalpha(static_cast<unsigned char>(code[0]))) return "";
  size_t end = 0;
  while (end < code.size() && (std::isalnum(static_cast<unsigned char>(code[end])) ||
                               code[end] == '_' || code[end] == '.')) {
    ++end;
  }
  return std::string(code.substr(0, end));
}

// The code a JSON-protocol error response carries, by the reference reading ("" for an XML or
// HTML body, from a proxy: read as XML, which this target does not check): the header's, else
// the body's type, cut to its leading word as the clients read codes back (CodeWord).
std::string CodeOf(const aws::HttpResponse& r) {
  if (IsXmlBody(r)) return "";
  std::string code = JsonCode(r.HeaderValue("X-Amzn-ErrorType"));
  if (!code.empty()) return CodeWord(code);
  Result<Value> body = json::Parse(r.body);
  if (!body.ok() || !body->is_object()) return "";
  for (const char* key : {"__type", "code", "Code"}) {
    const Value* type = body->Find(key);
    if (type != nullptr && type->is_string()) return CodeWord(JsonCode(type->text()));
  }
  return "";
}

void CheckParseAwsError(FuzzedDataProvider& p) {
  aws::HttpResponse r;
  r.status = p.ConsumeIntegralInRange(400, 599);
  if (p.ConsumeBool()) r.headers.push_back({"X-Amzn-ErrorType", p.ConsumeRandomLengthString(40)});
  r.body = p.ConsumeRemainingBytesAsString();
  const bool rest_json = r.status % 2 == 0;
  const aws::AwsError e =
      aws::ParseAwsError(rest_json ? aws::Protocol::kRestJson : aws::Protocol::kJson, r);
  FUZZ_CHECK(e.http_status == r.status, "status");
  if (IsXmlBody(r)) return;  // read as XML
  FUZZ_CHECK(e.code == CodeOf(r), Printable(e.code) + " for " + Printable(r.body));
  Result<Value> body = json::Parse(r.body);
  std::string message;
  if (body.ok() && body->is_object()) {
    for (const char* key : {"message", "Message", "errorMessage"}) {
      const Value* m = body->Find(key);
      if (m != nullptr && m->is_string()) {
        message = m->text();
        break;
      }
    }
  }
  FUZZ_CHECK(e.message == message, Printable(e.message) + " for " + Printable(r.body));
}

void CheckCredentialsJson(FuzzedDataProvider& p) {
  // A document with the usual members, each present or not, of the right type or not.
  constexpr std::string_view kSecret = "S3cr3tKeyxyzzy";
  constexpr std::string_view kSessionToken = "T0kenxyzzy";
  std::vector<Value::Member> members;
  std::string quotable;  // the text of the members that are no secret
  auto maybe = [&](std::string_view key, Value value) {
    switch (p.ConsumeIntegralInRange(0, 3)) {
      case 0:
        return;
      case 1:
        members.emplace_back(std::string(key), Value::Int(p.ConsumeIntegral<int8_t>()));
        return;
      default:
        if (key != "SecretAccessKey" && key != "Token") quotable += value.text() + "\n";
        members.emplace_back(std::string(key), std::move(value));
    }
  };
  maybe("Code", Value::String(p.ConsumeBool() ? "Success" : p.ConsumeRandomLengthString(10)));
  maybe("AccessKeyId", Value::String(p.ConsumeRandomLengthString(10)));
  maybe("SecretAccessKey", Value::String(std::string(kSecret)));
  maybe("Token", Value::String(std::string(kSessionToken)));
  maybe("Expiration",
        Value::String(p.ConsumeBool() ? "2026-11-25T18:00:00Z" : p.ConsumeRandomLengthString(30)));
  maybe("Message", Value::String(p.ConsumeRandomLengthString(20)));
  const bool require_session = p.ConsumeBool();
  std::string body = json::Serialize(Value::Object(members));
  if (p.ConsumeBool()) {
    body = p.ConsumeRemainingBytesAsString();  // or anything at all
    quotable = body;
  }
  Result<aws::ExpiringCredentials> got =
      aws::ParseCredentialsJson(body, "http://169.254.170.2/creds", require_session);
  Result<Value> doc = json::Parse(body);
  if (!got.ok()) {
    FUZZ_CHECK(got.status().code() == StatusCode::kIOError, got.status().ToString());
    for (std::string_view hidden : {kSecret, kSessionToken}) {
      FUZZ_CHECK(quotable.find(hidden) != std::string::npos ||
                     got.status().message().find(hidden) == std::string::npos,
                 "secret in: " + Printable(got.status().message()));
    }
    return;
  }
  FUZZ_CHECK(doc.ok() && doc->is_object(), "accepted " + Printable(body));
  auto member = [&](std::string_view key) -> std::optional<std::string> {
    const Value* v = doc->Find(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return v->text();
  };
  const aws::Credentials& c = got->credentials;
  FUZZ_CHECK(member("Code").value_or("Success") == "Success", Printable(body));
  FUZZ_CHECK(!c.access_key_id.empty() && member("AccessKeyId") == c.access_key_id, Printable(body));
  FUZZ_CHECK(!c.secret_access_key.empty() && member("SecretAccessKey") == c.secret_access_key,
             Printable(body));
  FUZZ_CHECK(member("Token").value_or("") == c.session_token, Printable(body));
  if (require_session) {
    FUZZ_CHECK(!c.session_token.empty() && got->expiration.has_value(), Printable(body));
  }
}

enum class Op {
  kGetTables,
  kGetPartitions,
  kGetTable,
  kGetDatabase,
  kCreateDatabase,
  kDeleteTable,
  kBatchCreatePartition,
  kBatchDeletePartition,
  kAddLFTags,
  kGetLFTags,
  kMaxValue = kGetLFTags
};

// Size of member `key` of a 2xx body if an array, else 0.
size_t ArraySize(const aws::HttpResponse& r, std::string_view key) {
  Result<Value> body = json::Parse(r.body);
  const Value* v = body.ok() ? body->Find(key) : nullptr;
  return v != nullptr && v->is_array() ? v->items().size() : 0;
}

bool HasNextToken(const aws::HttpResponse& r) {
  Result<Value> body = json::Parse(r.body);
  const Value* v = body.ok() ? body->Find("NextToken") : nullptr;
  return v != nullptr && v->is_string() && !v->text().empty();
}

// True if every entry of the body's Errors array has ErrorDetail.ErrorCode `tolerated`.
bool OnlyTolerated(const aws::HttpResponse& r, std::string_view tolerated) {
  Result<Value> body = json::Parse(r.body);
  const Value* errors = body.ok() ? body->Find("Errors") : nullptr;
  if (errors == nullptr || !errors->is_array()) return true;
  for (const Value& e : errors->items()) {
    const Value* detail = e.Find("ErrorDetail");
    const Value* code = detail != nullptr ? detail->Find("ErrorCode") : nullptr;
    if (code == nullptr || code->AsString() != tolerated) return false;
  }
  return true;
}

void CheckClients(FuzzedDataProvider& p) {
  const Op op = p.ConsumeEnum<Op>();
  auto script = std::make_shared<Script>();
  static constexpr int kStatuses[] = {200, 200, 200, 200, 204, 400, 403, 404, 409, 429, 500, 503};
  const int n = p.ConsumeIntegralInRange(1, 5);
  for (int i = 0; i < n; ++i) {
    aws::HttpResponse r;
    r.status = kStatuses[p.ConsumeIntegralInRange<size_t>(0, std::size(kStatuses) - 1)];
    if (r.status >= 400 && p.ConsumeBool()) {
      r.headers.push_back({"X-Amzn-ErrorType", p.ConsumeRandomLengthString(40)});
    }
    r.body = p.ConsumeRandomLengthString(400);
    script->pending.push_back(std::move(r));
  }
  aws::RetryOptions retry;
  retry.max_attempts = p.ConsumeIntegralInRange(1, 3);
  auto factory = [script] { return std::make_unique<ScriptedHttp>(script); };
  auto no_sleep = [](std::chrono::milliseconds) {};
  auto credentials = std::make_shared<FixedCredentials>();

  Status status;
  size_t entries = 0;  // GetTables, GetPartitions
  if (op == Op::kAddLFTags || op == Op::kGetLFTags) {
    aws::LakeFormationClient lf({.region = "us-east-1",
                                 .endpoint = "https://lakeformation.example",
                                 .catalog_id = "",
                                 .credentials = credentials,
                                 .retry = retry,
                                 .http = {},
                                 .http_factory = factory,
                                 .sleep = no_sleep});
    status = op == Op::kAddLFTags ? lf.AddLFTagsToDatabase("db", "team", {"a", "b"})
                                  : lf.GetDatabaseLFTags("db").status();
  } else {
    aws::GlueClient glue({.region = "us-east-1",
                          .endpoint = "https://glue.example",
                          .catalog_id = p.ConsumeBool() ? "123456789012" : "",
                          .credentials = credentials,
                          .retry = retry,
                          .http = {},
                          .http_factory = factory,
                          .sleep = no_sleep});
    switch (op) {
      case Op::kGetTables: {
        Result<std::vector<Value>> tables = glue.GetTables("db");
        status = tables.status();
        if (tables.ok()) entries = tables->size();
        break;
      }
      case Op::kGetPartitions: {
        Result<std::vector<Value>> partitions = glue.GetPartitions("db", "t", "year='2024'");
        status = partitions.status();
        if (partitions.ok()) entries = partitions->size();
        break;
      }
      case Op::kGetTable:
        status = glue.GetTable("db", "t").status();
        break;
      case Op::kGetDatabase:
        status = glue.GetDatabase("db").status();
        break;
      case Op::kCreateDatabase:
        status = glue.CreateDatabase(Value::Object({{"Name", Value::String("db")}}));
        break;
      case Op::kDeleteTable:
        status = glue.DeleteTable("db", "t");
        break;
      case Op::kBatchCreatePartition:
        status = glue.BatchCreatePartition(
            "db", "t", {Value::Object({{"Values", Value::Array({Value::String("2024")})}})});
        break;
      case Op::kBatchDeletePartition:
        status = glue.BatchDeletePartition("db", "t", {{"2024"}});
        break;
      default:
        break;
    }
  }
  const std::vector<aws::HttpResponse>& served = script->served;
  FUZZ_CHECK(!served.empty(), "no request sent");
  const aws::HttpResponse& last = served.back();
  std::string trace;
  for (const aws::HttpResponse& r : served) {
    trace += "\n  " + std::to_string(r.status) + " " + Printable(r.body, 120);
  }
  const std::string& message = status.message();
  for (std::string_view hidden : {kSecretKey, kToken}) {
    FUZZ_CHECK(message.find(hidden) == std::string::npos, "secret in: " + Printable(message));
  }
  const bool last_ok = last.status >= 200 && last.status < 300;
  // (A response quoting the credentials is redacted in the message: its code is not checked.)
  const std::string raw_code = last_ok ? "" : CodeOf(last);
  const bool quotes_secret =
      raw_code.find(kSecretKey) != std::string::npos || raw_code.find(kToken) != std::string::npos;
  const std::string code = quotes_secret ? "" : CodeWord(raw_code);
  if (status.ok()) {
    const bool absorbed = (op == Op::kDeleteTable && code == "EntityNotFoundException") ||
                          (op == Op::kCreateDatabase && code == "AlreadyExistsException");
    FUZZ_CHECK(last_ok || absorbed, "success from " + trace);
    for (const aws::HttpResponse& r : served) {
      if (r.status < 200 || r.status >= 300) continue;
      Result<Value> body = json::Parse(r.body);
      FUZZ_CHECK(r.body.empty() || (body.ok() && body->is_object()), "success from " + trace);
    }
  }
  if (!last_ok && !code.empty() && !status.ok()) {
    FUZZ_CHECK(aws::AwsErrorCodeOf(status) == code,
               "code " + std::string(aws::AwsErrorCodeOf(status)) + " of " + Printable(message) +
                   " for " + trace);
    if (code == "EntityNotFoundException" && (op == Op::kGetTable || op == Op::kGetDatabase)) {
      FUZZ_CHECK(status.code() == StatusCode::kNotFound, status.ToString() + trace);
    }
  }
  if (code == "EntityNotFoundException" && op == Op::kDeleteTable) {
    FUZZ_CHECK(status.ok(), status.ToString() + trace);
  }
  // Only 2xx responses are pages.
  std::vector<const aws::HttpResponse*> pages;
  for (const aws::HttpResponse& r : served) {
    if (r.status >= 200 && r.status < 300) pages.push_back(&r);
  }
  if (status.ok() && (op == Op::kGetTables || op == Op::kGetPartitions)) {
    const std::string_view key = op == Op::kGetTables ? "TableList" : "Partitions";
    size_t expected = 0;
    for (size_t i = 0; i < pages.size(); ++i) {
      expected += ArraySize(*pages[i], key);
      FUZZ_CHECK(HasNextToken(*pages[i]) == (i + 1 < pages.size()), "paging: " + trace);
    }
    FUZZ_CHECK(entries == expected,
               std::to_string(entries) + " entries of " + std::to_string(expected) + trace);
  }
  if (status.ok() && op == Op::kBatchCreatePartition) {
    for (const auto* page : pages) {
      FUZZ_CHECK(OnlyTolerated(*page, "AlreadyExistsException"), "success from " + trace);
    }
  }
  if (status.ok() && op == Op::kBatchDeletePartition) {
    for (const auto* page : pages) {
      FUZZ_CHECK(OnlyTolerated(*page, "EntityNotFoundException"), "success from " + trace);
    }
  }
  if (status.ok() && op == Op::kAddLFTags) {
    for (const auto* page : pages) {
      FUZZ_CHECK(ArraySize(*page, "Failures") == 0, "success from " + trace);
    }
  }
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake::fuzzing;
  FuzzedDataProvider provider(data, size);
  switch (provider.ConsumeIntegralInRange(0, 3)) {
    case 0:
      CheckParseAwsError(provider);
      break;
    case 1:
      CheckCredentialsJson(provider);
      break;
    default:
      CheckClients(provider);
  }
  return 0;
}
