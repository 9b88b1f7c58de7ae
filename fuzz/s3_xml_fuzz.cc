// Fuzz target: the S3 response parsers (aws/s3_xml.h): ListObjectsV2, ListMultipartUploads,
// InitiateMultipartUpload and DeleteObjects results, and the URL decoding of keys.
//
// Each input is used twice:
// 1. as a response body, given to every parser. Invariants: no crash; a parsed list holds one
//    entry per <Contents> / <Upload> / <Error> element of the root (nothing skipped silently:
//    counted independently on the parsed document); an upload id is never empty; a failure is
//    kIOError.
// 2. as the choices (FuzzedDataProvider) for a response document written like S3 writes one:
//    keys of arbitrary bytes (URL-encoded with EncodingType url, as the client asks, or
//    XML-escaped when they are XML text), sizes, ETags, markers, a namespace prefix or none.
//    Invariant: the parser returns exactly what was written.
#include <fuzzer/FuzzedDataProvider.h>

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "aws/s3_xml.h"
#include "fuzz_util.h"
#include "json/json.h"

namespace datalake::fuzzing {
namespace {

std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The number of element children of the document's root named `child`, or -1 if the body does
// not parse or its root is not `root`.
int CountChildren(std::string_view body, std::string_view root, std::string_view child) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return -1;
  const pugi::xml_node r = doc.document_element();
  if (LocalName(r) != root) return -1;
  int n = 0;
  for (pugi::xml_node c : r.children()) {
    if (c.type() == pugi::node_element && LocalName(c) == child) ++n;
  }
  return n;
}

void CheckRaw(std::string_view body) {
  if (Result<aws::ListObjectsPage> page = aws::ParseListObjectsPage(body); page.ok()) {
    const int n = CountChildren(body, "ListBucketResult", "Contents");
    FUZZ_CHECK(n == static_cast<int>(page->objects.size()),
               std::to_string(page->objects.size()) + " objects of " + std::to_string(n));
  } else {
    FUZZ_CHECK(page.status().code() == StatusCode::kIOError, page.status().ToString());
  }
  if (Result<aws::ListUploadsPage> page = aws::ParseListUploadsPage(body); page.ok()) {
    const int n = CountChildren(body, "ListMultipartUploadsResult", "Upload");
    FUZZ_CHECK(n == static_cast<int>(page->uploads.size()),
               std::to_string(page->uploads.size()) + " uploads of " + std::to_string(n));
  } else {
    FUZZ_CHECK(page.status().code() == StatusCode::kIOError, page.status().ToString());
  }
  if (Result<std::string> id = aws::ParseUploadId(body); id.ok()) {
    FUZZ_CHECK(!id->empty(), "empty upload id");
  } else {
    FUZZ_CHECK(id.status().code() == StatusCode::kIOError, id.status().ToString());
  }
  if (Result<std::vector<aws::DeleteObjectError>> errors = aws::ParseDeleteErrors(body);
      errors.ok()) {
    const bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
    const int n = blank ? 0 : CountChildren(body, "DeleteResult", "Error");
    FUZZ_CHECK(n == static_cast<int>(errors->size()),
               std::to_string(errors->size()) + " errors of " + std::to_string(n));
  } else {
    FUZZ_CHECK(errors.status().code() == StatusCode::kIOError, errors.status().ToString());
  }
  const std::string decoded = aws::UrlDecodeS3(body);
  FUZZ_CHECK(decoded.size() <= body.size(), "URL decoding grew the text");
}

// Percent-encode every byte but the unreserved ones, as S3 does with encoding-type=url; a space
// may come as '+'.
std::string UrlEncode(std::string_view s, bool plus_for_space) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ' && plus_for_space) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// True if `s` can stand as XML 1.0 character data (after XmlEscape).
bool IsXmlText(std::string_view s) {
  if (!json::IsValidUtf8(s)) return false;
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  // U+FFFE and U+FFFF are not XML characters either.
  return s.find("\xEF\xBF\xBE") == std::string_view::npos &&
         s.find("\xEF\xBF\xBF") == std::string_view::npos;
}

struct Writer {
  FuzzedDataProvider& p;
  std::string prefix;  // "" or "s3:"
  std::string xml{};

  void Open(std::string_view name) { xml += "<" + prefix + std::string(name) + ">"; }
  void Close(std::string_view name) { xml += "</" + prefix + std::string(name) + ">"; }
  void Element(std::string_view name, std::string_view escaped) {
    Open(name);
    xml += escaped;
    Close(name);
  }
  void Whitespace() {
    if (p.ConsumeBool()) xml += "\n  ";
  }
  void Begin(std::string_view root) {
    xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const std::string ns = "\"" + std::string(aws::kS3XmlNamespace) + "\"";
    xml += "<" + prefix + std::string(root) +
           (prefix.empty() ? " xmlns=" + ns : " xmlns:s3=" + ns) + ">";
  }
};

// A value to write and the text it must parse to.
std::string Value(FuzzedDataProvider& p) { return p.ConsumeRandomLengthString(24); }

void CheckRoundTrip(FuzzedDataProvider& p) {
  Writer w{p, p.ConsumeBool() ? "s3:" : ""};
  const bool url = p.ConsumeBool();
  auto key_text = [&](const std::string& key) {
    return url ? UrlEncode(key, p.ConsumeBool()) : aws::XmlEscape(key);
  };
  // Keys that XML cannot carry come only URL-encoded.
  auto usable = [&](const std::string& key) { return url || IsXmlText(key); };
  switch (p.ConsumeIntegralInRange(0, 2)) {
    case 0: {
      w.Begin("ListBucketResult");
      w.Element("Name", "bucket");
      if (url) w.Element("EncodingType", "url");
      std::vector<aws::S3Object> objects;
      const int n = p.ConsumeIntegralInRange(0, 4);
      for (int i = 0; i < n; ++i) {
        aws::S3Object o{Value(p), p.ConsumeIntegral<uint64_t>(), Value(p)};
        if (!usable(o.key) || !IsXmlText(o.etag)) continue;
        w.Whitespace();
        w.Open("Contents");
        w.Element("Key", key_text(o.key));
        w.Element("LastModified", "2026-11-25T14:19:38.000Z");
        w.Element("ETag", aws::XmlEscape(o.etag));
        w.Element("Size", std::to_string(o.size));
        w.Element("StorageClass", "STANDARD");
        w.Close("Contents");
        objects.push_back(std::move(o));
      }
      const bool truncated = p.ConsumeBool();
      std::string token = Value(p);
      if (!IsXmlText(token)) token.clear();
      w.Element("IsTruncated", truncated ? "true" : "false");
      if (!token.empty()) w.Element("NextContinuationToken", aws::XmlEscape(token));
      w.Close("ListBucketResult");
      Result<aws::ListObjectsPage> page = aws::ParseListObjectsPage(w.xml);
      FUZZ_CHECK(page.ok(), Printable(w.xml) + " -> " + page.status().message());
      FUZZ_CHECK(page->objects.size() == objects.size(), Printable(w.xml));
      for (size_t i = 0; i < objects.size(); ++i) {
        FUZZ_CHECK(page->objects[i].key == objects[i].key,
                   Printable(objects[i].key) + " read as " + Printable(page->objects[i].key));
        FUZZ_CHECK(page->objects[i].size == objects[i].size, Printable(w.xml));
        FUZZ_CHECK(page->objects[i].etag == objects[i].etag,
                   Printable(objects[i].etag) + " read as " + Printable(page->objects[i].etag));
      }
      FUZZ_CHECK(page->truncated == truncated, Printable(w.xml));
      FUZZ_CHECK(page->next_continuation_token == token, Printable(w.xml));
      break;
    }
    case 1: {
      w.Begin("ListMultipartUploadsResult");
      w.Element("Bucket", "bucket");
      if (url) w.Element("EncodingType", "url");
      std::string marker = Value(p);
      std::string id_marker = Value(p);
      if (!usable(marker)) marker.clear();
      if (!IsXmlText(id_marker)) id_marker.clear();
      w.Element("NextKeyMarker", key_text(marker));
      w.Element("NextUploadIdMarker", aws::XmlEscape(id_marker));
      std::vector<aws::S3MultipartUploadInfo> uploads;
      const int n = p.ConsumeIntegralInRange(0, 4);
      for (int i = 0; i < n; ++i) {
        aws::S3MultipartUploadInfo u{Value(p), Value(p), "2026-11-25T14:19:38.000Z"};
        if (!usable(u.key) || !IsXmlText(u.upload_id)) continue;
        w.Whitespace();
        w.Open("Upload");
        w.Element("Key", key_text(u.key));
        w.Element("UploadId", aws::XmlEscape(u.upload_id));
        w.Element("Initiated", u.initiated);
        w.Close("Upload");
        uploads.push_back(std::move(u));
      }
      const bool truncated = p.ConsumeBool();
      w.Element("IsTruncated", truncated ? "true" : "false");
      w.Close("ListMultipartUploadsResult");
      Result<aws::ListUploadsPage> page = aws::ParseListUploadsPage(w.xml);
      FUZZ_CHECK(page.ok(), Printable(w.xml) + " -> " + page.status().message());
      FUZZ_CHECK(page->uploads.size() == uploads.size(), Printable(w.xml));
      for (size_t i = 0; i < uploads.size(); ++i) {
        FUZZ_CHECK(page->uploads[i].key == uploads[i].key &&
                       page->uploads[i].upload_id == uploads[i].upload_id &&
                       page->uploads[i].initiated == uploads[i].initiated,
                   Printable(w.xml));
      }
      FUZZ_CHECK(page->truncated == truncated, Printable(w.xml));
      FUZZ_CHECK(page->next_key_marker == marker && page->next_upload_id_marker == id_marker,
                 Printable(w.xml));
      break;
    }
    default: {
      // DeleteObjects results are never URL-encoded (the request sends keys as XML text).
      w.Begin("DeleteResult");
      std::vector<aws::DeleteObjectError> errors;
      const int n = p.ConsumeIntegralInRange(0, 4);
      for (int i = 0; i < n; ++i) {
        aws::DeleteObjectError e{Value(p), Value(p), Value(p)};
        if (!IsXmlText(e.key) || !IsXmlText(e.code) || !IsXmlText(e.message)) continue;
        w.Whitespace();
        w.Open("Error");
        w.Element("Key", aws::XmlEscape(e.key));
        w.Element("Code", aws::XmlEscape(e.code));
        w.Element("Message", aws::XmlEscape(e.message));
        w.Close("Error");
        errors.push_back(std::move(e));
      }
      w.Close("DeleteResult");
      Result<std::vector<aws::DeleteObjectError>> parsed = aws::ParseDeleteErrors(w.xml);
      FUZZ_CHECK(parsed.ok(), Printable(w.xml) + " -> " + parsed.status().message());
      FUZZ_CHECK(parsed->size() == errors.size(), Printable(w.xml));
      for (size_t i = 0; i < errors.size(); ++i) {
        FUZZ_CHECK((*parsed)[i].key == errors[i].key && (*parsed)[i].code == errors[i].code &&
                       (*parsed)[i].message == errors[i].message,
                   Printable(w.xml));
      }
    }
  }
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake::fuzzing;
  CheckRaw(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider provider(data, size);
  CheckRoundTrip(provider);
  return 0;
}
