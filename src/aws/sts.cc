// STS AssumeRole and AssumeRoleWithWebIdentity over AwsClient
// (docs/AWS-WIRE.md#sts-assumerole, docs/AWS-WIRE.md#assumerolewithwebidentity).

#include "aws/sts.h"

#include <pugixml.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

constexpr std::string_view kVersion = "2011-06-15";
constexpr std::string_view kDefaultRegion = "us-east-1";

// The partition DNS suffixes of botocore's partitions.json, by region prefix. The aws and
// aws-us-gov partitions share amazonaws.com, the fallback.
constexpr std::pair<std::string_view, std::string_view> kPartitionSuffixes[] = {
    {"cn-", "amazonaws.com.cn"}, {"us-isob-", "sc2s.sgov.gov"},  {"us-isof-", "csp.hci.ic.gov"},
    {"us-iso-", "c2s.ic.gov"},   {"eu-isoe-", "cloud.adc-e.uk"}, {"eusc-", "amazonaws.eu"},
};

void AppendParam(std::string* body, std::string_view name, std::string_view value) {
  if (!body->empty()) body->push_back('&');
  body->append(name);
  body->push_back('=');
  // Form encoding: UriEncode leaves only RFC 3986 unreserved bytes bare ('/' too is encoded).
  body->append(UriEncode(value, /*encode_slash=*/true));
}

std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Return the first child element of `parent` whose local name is `name` (namespace-agnostic).
pugi::xml_node Child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node child : parent.children()) {
    if (child.type() == pugi::node_element && LocalName(child) == name) return child;
  }
  return {};
}

AwsClientOptions ClientOptions(const StsOptions& options, const std::string& endpoint,
                               std::shared_ptr<CredentialsProvider> source) {
  AwsClientOptions out;
  out.service = "sts";
  out.region = options.region.empty() ? std::string(kDefaultRegion) : options.region;
  out.endpoint = endpoint;
  out.protocol = Protocol::kQuery;
  out.credentials = std::move(source);
  out.retry = options.retry;
  out.http = options.http;
  out.clock = options.clock;
  out.sleep = options.sleep;
  out.steady_clock = options.steady_clock;
  out.http_factory = options.http_factory;
  return out;
}

}  // namespace

std::string StsEndpointForRegion(std::string_view region) {
  if (region.empty()) region = kDefaultRegion;
  std::string_view suffix = "amazonaws.com";
  for (const auto& [prefix, dns_suffix] : kPartitionSuffixes) {
    if (region.starts_with(prefix)) {
      suffix = dns_suffix;
      break;
    }
  }
  return "https://sts." + std::string(region) + "." + std::string(suffix);
}

std::string AssumeRoleRequestBody(const AssumeRoleParams& params) {
  // Parameter order as botocore serialises the model's members; STS accepts any order.
  std::string body;
  AppendParam(&body, "Action", "AssumeRole");
  AppendParam(&body, "Version", kVersion);
  AppendParam(&body, "RoleArn", params.role_arn);
  AppendParam(&body, "RoleSessionName", params.role_session_name);
  if (params.duration_seconds > 0) {
    AppendParam(&body, "DurationSeconds", std::to_string(params.duration_seconds));
  }
  if (!params.external_id.empty()) AppendParam(&body, "ExternalId", params.external_id);
  return body;
}

std::string WebIdentityRequestBody(const WebIdentityParams& params) {
  std::string body;
  AppendParam(&body, "Action", "AssumeRoleWithWebIdentity");
  AppendParam(&body, "Version", kVersion);
  AppendParam(&body, "RoleArn", params.role_arn);
  AppendParam(&body, "RoleSessionName", params.role_session_name);
  AppendParam(&body, "WebIdentityToken", params.web_identity_token);
  if (params.duration_seconds > 0) {
    AppendParam(&body, "DurationSeconds", std::to_string(params.duration_seconds));
  }
  return body;
}

Result<AssumedRole> ParseAssumeRoleResponse(std::string_view action, std::string_view xml) {
  const std::string where = std::string(action) + ": malformed STS response: ";
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) return Status::IOError(where + parsed.description());
  const std::string result_name = std::string(action) + "Result";
  const pugi::xml_node result = Child(doc.document_element(), result_name);
  const pugi::xml_node credentials = Child(result, "Credentials");
  if (!credentials) return Status::IOError(where + "no " + result_name + "/Credentials");
  AssumedRole out;
  Credentials& c = out.credentials.credentials;
  for (auto [field, target] : {std::pair{"AccessKeyId", &c.access_key_id},
                               {"SecretAccessKey", &c.secret_access_key},
                               {"SessionToken", &c.session_token}}) {
    *target = TrimWhitespace(Child(credentials, field).text().as_string());
    if (target->empty()) return Status::IOError(where + "no Credentials/" + field);
  }
  const std::string_view expiration = Child(credentials, "Expiration").text().as_string();
  if (expiration.empty()) return Status::IOError(where + "no Credentials/Expiration");
  Result<std::chrono::system_clock::time_point> when = ParseIso8601(expiration);
  if (!when.ok()) return Status::IOError(where + when.status().message());
  out.credentials.expiration = *when;
  out.assumed_role_arn = Child(Child(result, "AssumedRoleUser"), "Arn").text().as_string();
  return out;
}

StsClient::StsClient(const StsOptions& options, std::shared_ptr<CredentialsProvider> source)
    : endpoint_(options.endpoint.empty() ? StsEndpointForRegion(options.region)
                                         : options.endpoint) {
  if (source != nullptr) {
    signed_ = std::make_unique<AwsClient>(ClientOptions(options, endpoint_, std::move(source)));
  }
  unsigned_ = std::make_unique<AwsClient>(ClientOptions(options, endpoint_, nullptr));
}

StsClient::~StsClient() = default;

Result<AssumedRole> StsClient::AssumeRole(const AssumeRoleParams& params, std::string* error_code) {
  if (signed_ == nullptr) {
    return Status::Internal("AssumeRole " + params.role_arn + ": no source credentials");
  }
  return Call(signed_.get(), "AssumeRole", params.role_arn, AssumeRoleRequestBody(params),
              error_code);
}

Result<AssumedRole> StsClient::AssumeRoleWithWebIdentity(const WebIdentityParams& params,
                                                         std::string* error_code) {
  return Call(unsigned_.get(), "AssumeRoleWithWebIdentity", params.role_arn,
              WebIdentityRequestBody(params), error_code);
}

Result<AssumedRole> StsClient::Call(AwsClient* client, std::string_view action,
                                    std::string_view role_arn, const std::string& body,
                                    std::string* error_code) {
  AwsRequest request{
      .operation = std::string(action),
      .resource = std::string(role_arn),
      .method = "POST",
      .path = "/",
      .headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
      .body = body,
      // AssumeRole creates nothing, so a resend after a lost response is harmless.
      .idempotent = true,
  };
  AwsError error;
  Result<HttpResponse> response = client->Execute(request, &error);
  if (error_code != nullptr) *error_code = error.code;
  if (!response.ok()) {
    const Status& status = response.status();
    if (!status.IsNotFound()) return status;
    // kNotFound must not leave here: a chain would read it as "no credentials, move on". With an
    // HTTP status it is a wrong endpoint; without one, the source provider had no credentials.
    if (error.http_status != 0) return Status::IOError(status.message());
    return Status::ConfigError(status.message());
  }
  return ParseAssumeRoleResponse(action, response->body);
}

}  // namespace datalake::aws
