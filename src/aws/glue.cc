// GlueClient: JSON 1.1 calls to the Glue Data Catalog (docs/AWS-WIRE.md#glue).
#include "aws/glue.h"

#include <algorithm>

namespace datalake::aws {
namespace {

using json::Value;

constexpr std::string_view kJsonContentType = "application/x-amz-json-1.1";

AwsClientOptions ClientOptions(const GlueOptions& options) {
  AwsClientOptions out;
  out.service = "glue";
  out.region = options.region;
  out.endpoint =
      options.endpoint.empty() ? RegionalServiceEndpoint("glue", options.region) : options.endpoint;
  out.protocol = Protocol::kJson;
  out.credentials = options.credentials;
  out.retry = options.retry;
  out.http = options.http;
  out.http_factory = options.http_factory;
  out.sleep = options.sleep;
  out.steady_clock = options.steady_clock;
  return out;
}

std::string TableResource(const std::string& database, const std::string& table) {
  return database + "." + table;
}

// Return the "Name" of a TableInput or DatabaseInput, for messages ("" if it has none).
std::string NameOf(const Value& input) {
  const Value* name = input.Find("Name");
  return name != nullptr && name->is_string() ? name->text() : "";
}

// Return member `key` of a PartitionError's ErrorDetail ("ErrorCode", "ErrorMessage"), or "".
std::string ErrorDetail(const Value& entry, std::string_view key) {
  const Value* detail = entry.Find("ErrorDetail");
  const Value* v = detail != nullptr ? detail->Find(key) : nullptr;
  return v != nullptr && v->is_string() ? v->text() : "";
}

// Check the per-entry "Errors" of a batch partition response (they come in a 200).
// Entries with the code `tolerated` are success. A failure reads "HTTP 200 <Code>" so that
// AwsErrorCodeOf finds its code like any other.
Status CheckPartitionErrors(std::string_view operation, const std::string& resource,
                            const Value& response, std::string_view tolerated) {
  const Value* errors = response.Find("Errors");
  if (errors == nullptr || !errors->is_array()) return Status::Ok();
  const Value* first = nullptr;
  size_t failed = 0;
  for (const Value& entry : errors->items()) {
    if (ErrorDetail(entry, "ErrorCode") == tolerated) continue;
    if (first == nullptr) first = &entry;
    ++failed;
  }
  if (first == nullptr) return Status::Ok();
  std::string code = ErrorDetail(*first, "ErrorCode");
  if (code.empty()) code = "UnknownError";
  const Value* values = first->Find("PartitionValues");
  std::string text = std::string(operation) + " " + resource + ": partition " +
                     (values != nullptr ? json::Serialize(*values) : "[]") + ": HTTP 200 " + code;
  if (std::string message = ErrorDetail(*first, "ErrorMessage"); !message.empty()) {
    text += ": " + message;
  }
  if (failed > 1) text += " (and " + std::to_string(failed - 1) + " more failed partitions)";
  return NormalizeJsonServiceError(Status::IOError(std::move(text)), code);
}

Value StringArray(const std::vector<std::string>& strings) {
  std::vector<Value> items;
  items.reserve(strings.size());
  for (const std::string& s : strings) items.push_back(Value::String(s));
  return Value::Array(std::move(items));
}

}  // namespace

GlueClient::GlueClient(GlueOptions options)
    : options_(std::move(options)), client_(ClientOptions(options_)) {}

Value GlueClient::WithCatalogId(Value request) const {
  if (!options_.catalog_id.empty()) {
    request.Set("CatalogId", Value::String(options_.catalog_id));
  }
  return request;
}

Result<Value> GlueClient::Call(std::string_view operation, std::string_view resource,
                               Value request) {
  const std::string body = json::Serialize(WithCatalogId(std::move(request)));
  AwsRequest aws_request;
  aws_request.operation = std::string(operation);
  aws_request.resource = std::string(resource);
  aws_request.method = "POST";
  aws_request.path = "/";
  aws_request.headers = {{"Content-Type", std::string(kJsonContentType)},
                         {"X-Amz-Target", "AWSGlue." + std::string(operation)}};
  aws_request.body = body;
  // Every operation used is safe to resend after a transport error: reads trivially; a create
  // that landed answers AlreadyExists and a delete EntityNotFound (both absorbed or handled);
  // UpdateTable replaces the whole definition, and a resend whose VersionId went stale comes
  // back as ConcurrentModificationException, which GlueCatalog resolves by re-reading.
  aws_request.idempotent = true;
  return ExecuteJsonRequest(client_, aws_request);
}

Result<Value> GlueClient::GetDatabase(const std::string& name) {
  ASSIGN_OR_RETURN(Value response, Call("GetDatabase", "database " + name,
                                        Value::Object({{"Name", Value::String(name)}})));
  Value* database = response.FindMutable("Database");
  if (database == nullptr || !database->is_object()) {
    return Status::IOError("GetDatabase database " + name + ": response without a Database");
  }
  return std::move(*database);
}

Status GlueClient::CreateDatabase(const Value& database_input) {
  Result<Value> response = Call("CreateDatabase", "database " + NameOf(database_input),
                                Value::Object({{"DatabaseInput", database_input}}));
  if (!response.ok() && !IsGlueError(response.status(), "AlreadyExistsException")) {
    return response.status();
  }
  return Status::Ok();
}

Result<Value> GlueClient::GetTable(const std::string& database, const std::string& name) {
  const std::string resource = TableResource(database, name);
  ASSIGN_OR_RETURN(Value response, Call("GetTable", resource,
                                        Value::Object({{"DatabaseName", Value::String(database)},
                                                       {"Name", Value::String(name)}})));
  Value* table = response.FindMutable("Table");
  if (table == nullptr || !table->is_object()) {
    return Status::IOError("GetTable " + resource + ": response without a Table");
  }
  return std::move(*table);
}

Status GlueClient::CreateTable(const std::string& database, const Value& table_input) {
  return Call("CreateTable", TableResource(database, NameOf(table_input)),
              Value::Object(
                  {{"DatabaseName", Value::String(database)}, {"TableInput", table_input}}))
      .status();
}

Status GlueClient::UpdateTable(const std::string& database, const Value& table_input,
                               const std::optional<std::string>& version_id) {
  Value request = Value::Object({{"DatabaseName", Value::String(database)},
                                 {"TableInput", table_input},
                                 {"SkipArchive", Value::Bool(true)}});
  if (version_id.has_value()) request.Set("VersionId", Value::String(*version_id));
  return Call("UpdateTable", TableResource(database, NameOf(table_input)), std::move(request))
      .status();
}

Status GlueClient::DeleteTable(const std::string& database, const std::string& name) {
  Result<Value> response = Call(
      "DeleteTable", TableResource(database, name),
      Value::Object({{"DatabaseName", Value::String(database)}, {"Name", Value::String(name)}}));
  if (!response.ok() && !IsGlueError(response.status(), "EntityNotFoundException")) {
    return response.status();
  }
  return Status::Ok();
}

Result<std::vector<Value>> GlueClient::GetTables(const std::string& database) {
  std::vector<Value> tables;
  std::string next_token;
  do {
    Value request = Value::Object({{"DatabaseName", Value::String(database)}});
    if (!next_token.empty()) request.Set("NextToken", Value::String(next_token));
    ASSIGN_OR_RETURN(Value response, Call("GetTables", "database " + database, std::move(request)));
    Value* page = response.FindMutable("TableList");
    if (page != nullptr && page->is_array()) {
      for (Value& t : page->mutable_items()) tables.push_back(std::move(t));
    }
    const Value* token = response.Find("NextToken");
    next_token = token != nullptr && token->is_string() ? token->text() : "";
  } while (!next_token.empty());
  return tables;
}

Result<std::vector<Value>> GlueClient::GetPartitions(const std::string& database,
                                                     const std::string& table,
                                                     const std::string& expression) {
  const std::string resource = TableResource(database, table);
  std::vector<Value> partitions;
  std::string next_token;
  do {
    Value request = Value::Object(
        {{"DatabaseName", Value::String(database)}, {"TableName", Value::String(table)}});
    if (!expression.empty()) request.Set("Expression", Value::String(expression));
    if (!next_token.empty()) request.Set("NextToken", Value::String(next_token));
    ASSIGN_OR_RETURN(Value response, Call("GetPartitions", resource, std::move(request)));
    Value* page = response.FindMutable("Partitions");
    if (page != nullptr && page->is_array()) {
      for (Value& p : page->mutable_items()) partitions.push_back(std::move(p));
    }
    const Value* token = response.Find("NextToken");
    next_token = token != nullptr && token->is_string() ? token->text() : "";
  } while (!next_token.empty());
  return partitions;
}

Status GlueClient::BatchCreatePartition(const std::string& database, const std::string& table,
                                        const std::vector<Value>& partition_inputs) {
  const std::string resource = TableResource(database, table);
  for (size_t begin = 0; begin < partition_inputs.size(); begin += kMaxPartitionsPerBatchCreate) {
    const size_t end = std::min(partition_inputs.size(), begin + kMaxPartitionsPerBatchCreate);
    std::vector<Value> chunk(partition_inputs.begin() + begin, partition_inputs.begin() + end);
    ASSIGN_OR_RETURN(Value response,
                     Call("BatchCreatePartition", resource,
                          Value::Object({{"DatabaseName", Value::String(database)},
                                         {"TableName", Value::String(table)},
                                         {"PartitionInputList", Value::Array(std::move(chunk))}})));
    RETURN_IF_ERROR(RedactCredentials(
        CheckPartitionErrors("BatchCreatePartition", resource, response, "AlreadyExistsException"),
        options_.credentials.get()));
  }
  return Status::Ok();
}

Status GlueClient::BatchDeletePartition(
    const std::string& database, const std::string& table,
    const std::vector<std::vector<std::string>>& partition_values) {
  const std::string resource = TableResource(database, table);
  for (size_t begin = 0; begin < partition_values.size(); begin += kMaxPartitionsPerBatchDelete) {
    const size_t end = std::min(partition_values.size(), begin + kMaxPartitionsPerBatchDelete);
    std::vector<Value> chunk;
    for (size_t i = begin; i < end; ++i) {
      chunk.push_back(Value::Object({{"Values", StringArray(partition_values[i])}}));
    }
    ASSIGN_OR_RETURN(Value response,
                     Call("BatchDeletePartition", resource,
                          Value::Object({{"DatabaseName", Value::String(database)},
                                         {"TableName", Value::String(table)},
                                         {"PartitionsToDelete", Value::Array(std::move(chunk))}})));
    RETURN_IF_ERROR(RedactCredentials(
        CheckPartitionErrors("BatchDeletePartition", resource, response, "EntityNotFoundException"),
        options_.credentials.get()));
  }
  return Status::Ok();
}

}  // namespace datalake::aws
