// ParseAwsError: AWS error responses into AwsError.
//
// XML services (S3, STS): <Error><Code/><Message/><RequestId/></Error>, the query protocol's
// <ErrorResponse><Error>..</Error><RequestId/></ErrorResponse>, and EC2-style
// <Response><Errors><Error> (docs/AWS-WIRE.md#s3-errors). JSON services (Glue, Lake Formation,
// docs/AWS-WIRE.md#glue-wire-format): the code from
// X-Amzn-ErrorType, else "__type" (or "code"), cut after the last '#' and before the first ':',
// as botocore's parsers.py does; the message from "message" or "Message". Element names are
// matched without their namespace prefix. The request id prefers the response headers.

#include <pugixml.hpp>

#include <cctype>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "json/json.h"

namespace datalake::aws {
namespace {

std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child) == name) return child;
  }
  return {};
}

std::string Trimmed(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::string ChildText(const pugi::xml_node& node, std::string_view name) {
  return Trimmed(Child(node, name).child_value());
}

// Return the code part of a JSON error type: after the last '#', before the first ':'.
std::string JsonErrorCode(std::string_view type) {
  if (const size_t colon = type.find(':'); colon != std::string_view::npos) {
    type = type.substr(0, colon);
  }
  if (const size_t hash = type.rfind('#'); hash != std::string_view::npos) {
    type = type.substr(hash + 1);
  }
  return Trimmed(type);
}

void ParseXmlError(std::string_view body, AwsError* error) {
  if (body.find('<') == std::string_view::npos) return;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node error_node;
  if (LocalName(root) == "Error") {
    error_node = root;
  } else if (LocalName(root) == "ErrorResponse") {
    error_node = Child(root, "Error");
    error->request_id = ChildText(root, "RequestId");
  } else if (LocalName(root) == "Response") {
    error_node = Child(Child(root, "Errors"), "Error");
    error->request_id = ChildText(root, "RequestID");
  }
  if (!error_node) return;
  error->code = ChildText(error_node, "Code");
  error->message = ChildText(error_node, "Message");
  error->region = ChildText(error_node, "Region");
  if (std::string id = ChildText(error_node, "RequestId"); !id.empty()) {
    error->request_id = std::move(id);
  }
}

void ParseJsonError(const HttpResponse& response, AwsError* error) {
  error->code = JsonErrorCode(response.HeaderValue("X-Amzn-ErrorType"));
  auto parsed = json::Parse(response.body);
  if (!parsed.ok() || !parsed->is_object()) return;
  const json::Value& body = parsed.value();
  if (error->code.empty()) {
    for (const char* key : {"__type", "code", "Code"}) {
      const json::Value* type = body.Find(key);
      if (type != nullptr && type->is_string()) {
        error->code = JsonErrorCode(type->text());
        break;
      }
    }
  }
  for (const char* key : {"message", "Message", "errorMessage"}) {
    const json::Value* message = body.Find(key);
    if (message != nullptr && message->is_string()) {
      error->message = message->text();
      break;
    }
  }
}

}  // namespace

std::string_view AwsCodeWord(std::string_view text) {
  if (text.empty() || std::isalpha(static_cast<unsigned char>(text[0])) == 0) return {};
  size_t end = 0;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
                               text[end] == '_' || text[end] == '.')) {
    ++end;
  }
  return text.substr(0, end);
}

AwsError ParseAwsError(Protocol protocol, const HttpResponse& response) {
  AwsError error;
  error.http_status = response.status;
  const bool json_protocol = protocol == Protocol::kJson || protocol == Protocol::kRestJson;
  const size_t first = response.body.find_first_not_of(" \t\r\n");
  const bool xml_body = first != std::string::npos && response.body[first] == '<';
  // A proxy or load balancer in front of a JSON service may still answer in XML (or HTML).
  if (json_protocol && !xml_body) {
    ParseJsonError(response, &error);
  } else {
    ParseXmlError(response.body, &error);
  }
  error.code = std::string(AwsCodeWord(error.code));  // a garbled code: its leading word
  for (const char* name : {"x-amz-request-id", "x-amzn-RequestId", "x-amzn-request-id"}) {
    if (std::string_view id = response.HeaderValue(name); !id.empty()) {
      error.request_id = std::string(id);
      break;
    }
  }
  if (error.region.empty()) error.region = std::string(response.HeaderValue("x-amz-bucket-region"));
  return error;
}

}  // namespace datalake::aws
