// S3 XML bodies and documents (docs/AWS-WIRE.md#s3-operations), Content-MD5
// (docs/AWS-WIRE.md#content-md5).

#include "aws/s3_xml.h"

#include <openssl/evp.h>
#include <pugixml.hpp>

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace datalake::aws {
namespace {

// Keep whitespace-only keys (" ") and CR characters exactly as S3 sent them.
constexpr unsigned kParseOptions =
    (pugi::parse_default & ~pugi::parse_eol) | pugi::parse_ws_pcdata_single;

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

std::string Text(const pugi::xml_node& node, std::string_view name) {
  return Child(node, name).child_value();
}

// Load `body` and return its root element if it is named `root_name`.
Result<pugi::xml_node> LoadRoot(pugi::xml_document* doc, std::string_view body,
                                std::string_view root_name) {
  const pugi::xml_parse_result parsed = doc->load_buffer(body.data(), body.size(), kParseOptions);
  if (!parsed) {
    return Status::IOError("malformed " + std::string(root_name) + " XML: " + parsed.description() +
                           " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc->document_element();
  if (LocalName(root) != root_name) {
    return Status::IOError("expected XML root " + std::string(root_name) + ", got " +
                           std::string(LocalName(root)));
  }
  return root;
}

bool IsTrue(std::string_view text) { return text == "true" || text == "True"; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UrlDecodeS3(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < value.size() && HexValue(value[i + 1]) >= 0 &&
               HexValue(value[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(value[i + 1]) * 16 + HexValue(value[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<ListObjectsPage> ParseListObjectsPage(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "ListBucketResult"));
  const bool url_encoded = Text(root, "EncodingType") == "url";
  ListObjectsPage page;
  for (pugi::xml_node node : root.children()) {
    if (LocalName(node) != "Contents") continue;
    S3Object object;
    object.key = Text(node, "Key");
    if (url_encoded) object.key = UrlDecodeS3(object.key);
    object.etag = Text(node, "ETag");
    const std::string size = Text(node, "Size");
    const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), object.size);
    if (ec != std::errc() || end != size.data() + size.size()) {
      return Status::IOError("ListBucketResult: bad <Size> for an object");
    }
    page.objects.push_back(std::move(object));
  }
  page.truncated = IsTrue(Text(root, "IsTruncated"));
  page.next_continuation_token = Text(root, "NextContinuationToken");
  return page;
}

Result<ListUploadsPage> ParseListUploadsPage(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "ListMultipartUploadsResult"));
  const bool url_encoded = Text(root, "EncodingType") == "url";
  auto decode = [url_encoded](std::string s) { return url_encoded ? UrlDecodeS3(s) : s; };
  ListUploadsPage page;
  for (pugi::xml_node node : root.children()) {
    if (LocalName(node) != "Upload") continue;
    page.uploads.push_back({.key = decode(Text(node, "Key")),
                            .upload_id = Text(node, "UploadId"),
                            .initiated = Text(node, "Initiated")});
  }
  page.truncated = IsTrue(Text(root, "IsTruncated"));
  page.next_key_marker = decode(Text(root, "NextKeyMarker"));
  page.next_upload_id_marker = Text(root, "NextUploadIdMarker");
  return page;
}

Result<std::string> ParseUploadId(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "InitiateMultipartUploadResult"));
  std::string upload_id = Text(root, "UploadId");
  if (upload_id.empty()) return Status::IOError("InitiateMultipartUploadResult has no UploadId");
  return upload_id;
}

Result<std::vector<DeleteObjectError>> ParseDeleteErrors(std::string_view body) {
  // Quiet mode reports only failures; a server with nothing to report may send no document.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::vector<DeleteObjectError>{};
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "DeleteResult"));
  std::vector<DeleteObjectError> errors;
  for (pugi::xml_node node : root.children()) {
    if (LocalName(node) != "Error") continue;
    errors.push_back(
        {.key = Text(node, "Key"), .code = Text(node, "Code"), .message = Text(node, "Message")});
  }
  return errors;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "&#" + std::to_string(static_cast<int>(c)) + ";";
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string DeleteObjectsBody(const std::string* begin, const std::string* end) {
  std::string body = "<Delete xmlns=\"" + std::string(kS3XmlNamespace) + "\"><Quiet>true</Quiet>";
  for (const std::string* key = begin; key != end; ++key) {
    body += "<Object><Key>" + XmlEscape(*key) + "</Key></Object>";
  }
  body += "</Delete>";
  return body;
}

std::string CompleteMultipartUploadBody(const std::vector<CompletedPart>& parts) {
  std::string body = "<CompleteMultipartUpload xmlns=\"" + std::string(kS3XmlNamespace) + "\">";
  for (const CompletedPart& part : parts) {
    body += "<Part><PartNumber>" + std::to_string(part.part_number) + "</PartNumber><ETag>" +
            XmlEscape(part.etag) + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

Result<std::string> ContentMd5(std::string_view body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_size = 0;
  if (EVP_Digest(body.data(), body.size(), md, &md_size, EVP_md5(), nullptr) != 1) {
    return Status::Internal("MD5: OpenSSL EVP_Digest failed");
  }
  // Base64 of n bytes is 4 * ceil(n / 3) characters, plus the NUL EVP_EncodeBlock writes.
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int length = EVP_EncodeBlock(encoded, md, static_cast<int>(md_size));
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<size_t>(length));
}

}  // namespace datalake::aws
