// Test helper: read one case of the official SigV4 test suite (awslabs/aws-c-auth
// tests/aws-signing-test-suite/v4/<case>/, see docs/AWS-WIRE.md#test-vectors) into a
// SignableRequest, a SigningConfig and the expected strings.
//
// The suite is part of the repository's test data, tests/aws/testdata/aws-sigv4-test-suite
// (Apache-2.0, its LICENSE beside it). A missing folder is a failure, never a skip.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.h"
#include "json/json.h"

namespace datalake::aws::testing {

inline std::filesystem::path SuiteDir() {
  return std::filesystem::path(DATALAKE_SOURCE_DIR "/tests/aws/testdata/aws-sigv4-test-suite/v4");
}

// Return the sorted case folder names, or nothing when the suite is not there.
inline std::vector<std::string> SuiteCaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  if (!std::filesystem::is_directory(SuiteDir(), ec)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(SuiteDir(), ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline bool ReadWholeFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

// An HTTP/1.1 request as the suite writes it: request line, "Name:value" header lines (a line
// starting with a space or tab continues the previous value, RFC 9112 obs-fold, joined with one
// space), an optional blank line and the body.
struct HttpRequestText {
  std::string method;
  std::string target;  // path and query, raw (the suite's paths may hold spaces and UTF-8)
  std::vector<Header> headers;
  std::string body;
};

inline bool ParseHttpRequestText(std::string_view text, HttpRequestText* out) {
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    const bool last_line = end == std::string_view::npos;
    if (last_line) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = last_line ? end : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {  // "METHOD SP target SP HTTP/1.1"; the target itself may contain spaces
      const size_t a = line.find(' ');
      const size_t b = line.rfind(' ');
      if (a == std::string_view::npos || b == a) return false;
      out->method = std::string(line.substr(0, a));
      out->target = std::string(line.substr(a + 1, b - a - 1));
      first = false;
    } else if (line.empty()) {
      out->body = std::string(text.substr(pos));
      return true;
    } else if (line.front() == ' ' || line.front() == '\t') {
      if (out->headers.empty()) return false;
      out->headers.back().value.append(" ").append(line);
    } else {
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) return false;
      out->headers.push_back(
          {std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    }
  }
  return !first;
}

inline std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Split "a=1&b&c=" into decoded pairs (split on '&', then on the first '=').
inline std::vector<QueryParam> ParseQuery(std::string_view query) {
  std::vector<QueryParam> params;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(pos, end - pos);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      params.push_back({PercentDecode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1))});
    }
    pos = end + 1;
  }
  return params;
}

// Parse "2015-08-30T12:36:00Z".
inline bool ParseTimestamp(std::string_view s, std::chrono::system_clock::time_point* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &sec) !=
      6) {
    return false;
  }
  const std::chrono::sys_days day = std::chrono::year_month_day(
      std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
      std::chrono::day(static_cast<unsigned>(d)));
  *out = day + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec);
  return true;
}

struct SuiteCase {
  HttpRequestText http;
  SignableRequest request;
  SigningConfig config;
  std::string canonical_request;   // header-canonical-request.txt
  std::string string_to_sign;      // header-string-to-sign.txt
  std::string signature;           // header-signature.txt
  HttpRequestText signed_request;  // header-signed-request.txt
};

// Map context.json to our config. The suite runs aws-c-auth with use_double_uri_encode = true;
// "normalize", "sign_body" (add x-amz-content-sha256) and "omit_session_token" map one to one.
inline bool ParseContext(std::string_view text, SigningConfig* config) {
  Result<json::Value> parsed = json::Parse(text);
  if (!parsed.ok()) return false;
  const json::Value& ctx = *parsed;
  const json::Value* creds = ctx.Find("credentials");
  auto str = [](const json::Value* object, std::string_view key) {
    const json::Value* v = object == nullptr ? nullptr : object->Find(key);
    return v != nullptr && v->is_string() ? v->text() : std::string();
  };
  auto flag = [&ctx](std::string_view key) {
    const json::Value* v = ctx.Find(key);
    return v != nullptr && v->is_bool() && v->bool_value();
  };
  config->region = str(&ctx, "region");
  config->service = str(&ctx, "service");
  config->credentials = {.access_key_id = str(creds, "access_key_id"),
                         .secret_access_key = str(creds, "secret_access_key"),
                         .session_token = str(creds, "token")};
  config->double_uri_encode = true;
  config->normalize_uri_path = flag("normalize");
  config->add_content_sha256_header = flag("sign_body");
  config->session_token_mode = flag("omit_session_token") ? SessionTokenMode::kAppendedAfterSigning
                                                          : SessionTokenMode::kSigned;
  return ParseTimestamp(str(&ctx, "timestamp"), &config->signing_time);
}

// Load case `name`; on failure return false and say why in `error`.
inline bool LoadSuiteCase(const std::string& name, SuiteCase* out, std::string* error) {
  const std::filesystem::path dir = SuiteDir() / name;
  std::string request_text, context_text, signed_text;
  if (!ReadWholeFile(dir / "request.txt", &request_text) ||
      !ReadWholeFile(dir / "context.json", &context_text) ||
      !ReadWholeFile(dir / "header-canonical-request.txt", &out->canonical_request) ||
      !ReadWholeFile(dir / "header-string-to-sign.txt", &out->string_to_sign) ||
      !ReadWholeFile(dir / "header-signature.txt", &out->signature) ||
      !ReadWholeFile(dir / "header-signed-request.txt", &signed_text)) {
    *error = "missing a file in " + dir.string();
    return false;
  }
  if (!ParseHttpRequestText(request_text, &out->http) ||
      !ParseHttpRequestText(signed_text, &out->signed_request)) {
    *error = "cannot parse request.txt or header-signed-request.txt";
    return false;
  }
  if (!ParseContext(context_text, &out->config)) {
    *error = "cannot parse context.json";
    return false;
  }
  const size_t question = out->http.target.find('?');
  out->request.method = out->http.method;
  out->request.path = out->http.target.substr(0, question);
  if (question != std::string::npos) {
    out->request.query = ParseQuery(std::string_view(out->http.target).substr(question + 1));
  }
  out->request.headers = out->http.headers;
  Result<std::string> body_hash = Sha256Hex(out->http.body);
  if (!body_hash.ok()) {
    *error = body_hash.status().ToString();
    return false;
  }
  out->request.payload_hash = *body_hash;
  return true;
}

}  // namespace datalake::aws::testing
