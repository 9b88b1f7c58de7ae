// LakeFormationClient: REST-JSON calls to Lake Formation (docs/AWS-WIRE.md#lake-formation).
#include "aws/lakeformation.h"

#include "aws/glue.h"

namespace datalake::aws {
namespace {

using json::Value;

AwsClientOptions ClientOptions(const LakeFormationOptions& options) {
  AwsClientOptions out;
  out.service = "lakeformation";
  out.region = options.region;
  out.endpoint = options.endpoint.empty() ? RegionalServiceEndpoint("lakeformation", options.region)
                                          : options.endpoint;
  out.protocol = Protocol::kRestJson;
  out.credentials = options.credentials;
  out.retry = options.retry;
  out.http = options.http;
  out.http_factory = options.http_factory;
  out.sleep = options.sleep;
  out.steady_clock = options.steady_clock;
  return out;
}

Value StringArray(const std::vector<std::string>& strings) {
  std::vector<Value> items;
  items.reserve(strings.size());
  for (const std::string& s : strings) items.push_back(Value::String(s));
  return Value::Array(std::move(items));
}

Value DatabaseResource(const std::string& database) {
  return Value::Object({{"Database", Value::Object({{"Name", Value::String(database)}})}});
}

std::string StringMember(const Value* object, std::string_view key) {
  const Value* v = object != nullptr ? object->Find(key) : nullptr;
  return v != nullptr && v->is_string() ? v->text() : "";
}

// Turn the first "Failures" entry of an AddLFTagsToResource response into an error whose
// message reads "HTTP 200 <Code>", as every error of these clients (see AwsErrorCodeOf).
Status CheckTagFailures(const std::string& resource, const Value& response) {
  const Value* failures = response.Find("Failures");
  if (failures == nullptr || !failures->is_array() || failures->items().empty()) {
    return Status::Ok();
  }
  const Value& first = failures->items().front();
  const Value* tag = first.Find("LFTag");
  const Value* values = tag != nullptr ? tag->Find("TagValues") : nullptr;
  const Value* error = first.Find("Error");
  std::string code = StringMember(error, "ErrorCode");
  std::string text = "AddLFTagsToResource " + resource + ": LF-Tag " + StringMember(tag, "TagKey") +
                     "=" + (values != nullptr ? json::Serialize(*values) : "[]") + ": HTTP 200 " +
                     (code.empty() ? "UnknownError" : code);
  std::string message = StringMember(error, "ErrorMessage");
  if (!message.empty()) text += ": " + message;
  // A missing tag or value is something the user must create or fix in Lake Formation.
  if (code == "EntityNotFoundException" || code == "InvalidInputException") {
    return Status::ConfigError(std::move(text));
  }
  return NormalizeJsonServiceError(Status::IOError(std::move(text)), code);
}

}  // namespace

LakeFormationClient::LakeFormationClient(LakeFormationOptions options)
    : options_(std::move(options)), client_(ClientOptions(options_)) {}

Result<Value> LakeFormationClient::Call(std::string_view operation, std::string_view resource,
                                        Value request) {
  if (!options_.catalog_id.empty()) {
    request.Set("CatalogId", Value::String(options_.catalog_id));
  }
  const std::string body = json::Serialize(request);
  AwsRequest aws_request;
  aws_request.operation = std::string(operation);
  aws_request.resource = std::string(resource);
  aws_request.method = "POST";
  aws_request.path = "/" + std::string(operation);
  aws_request.headers = {{"Content-Type", "application/json"}};
  aws_request.body = body;
  // Tagging is idempotent: attaching the same tag values twice leaves the same state.
  aws_request.idempotent = true;
  return ExecuteJsonRequest(client_, aws_request);
}

Status LakeFormationClient::AddLFTagsToDatabase(const std::string& database,
                                                const std::string& tag_key,
                                                const std::vector<std::string>& tag_values) {
  const std::string resource = "database " + database;
  Value tag =
      Value::Object({{"TagKey", Value::String(tag_key)}, {"TagValues", StringArray(tag_values)}});
  const std::string tag_text = tag_key + "=" + json::Serialize(StringArray(tag_values));
  Result<Value> response = Call("AddLFTagsToResource", resource,
                                Value::Object({{"Resource", DatabaseResource(database)},
                                               {"LFTags", Value::Array({std::move(tag)})}}));
  // Lake Formation does not know the tag, one of its values or the database (it hides those the
  // credentials have no permissions on): the user must create or grant them.
  if (response.status().IsNotFound()) {
    return Status::ConfigError("LF-Tag " + tag_text + " or database " + database +
                               " does not exist in Lake Formation, or is hidden from these "
                               "credentials (" +
                               response.status().message() + ")");
  }
  if (!response.ok()) return response.status();
  return RedactCredentials(CheckTagFailures(resource, *response), options_.credentials.get());
}

Status LakeFormationClient::CreateLFTag(const std::string& tag_key,
                                        const std::vector<std::string>& tag_values) {
  return Call("CreateLFTag", "LF-Tag " + tag_key,
              Value::Object(
                  {{"TagKey", Value::String(tag_key)}, {"TagValues", StringArray(tag_values)}}))
      .status();
}

Result<Value> LakeFormationClient::GetDatabaseLFTags(const std::string& database) {
  return Call("GetResourceLFTags", "database " + database,
              Value::Object({{"Resource", DatabaseResource(database)}}));
}

}  // namespace datalake::aws
