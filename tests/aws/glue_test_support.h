// Test support for the Glue and Lake Formation clients without a server: fixed credentials and
// a scripted HttpClient that records every request and answers from a queue.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "aws/glue.h"
#include "aws/http.h"
#include "aws/lakeformation.h"
#include "json/json.h"

namespace datalake::aws::testing {

// Credentials that never change (test-only).
class FixedCredentials : public CredentialsProvider {
 public:
  Result<ExpiringCredentials> Get() override {
    return ExpiringCredentials{
        .credentials = {.access_key_id = "AKIDEXAMPLE",
                        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
        .expiration = std::nullopt};
  }
  std::string Name() const override { return "fixed"; }
};

// A request as the scripted client saw it (the body copied, since HttpRequest does not own it).
struct RecordedRequest {
  std::string method;
  std::string url;
  std::vector<Header> headers;
  std::string body;

  std::string HeaderValue(std::string_view name) const {
    for (const Header& h : headers) {
      if (h.name.size() == name.size() &&
          std::equal(h.name.begin(), h.name.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return h.value;
      }
    }
    return "";
  }
  json::Value Json() const {
    Result<json::Value> parsed = json::Parse(body);
    EXPECT_TRUE(parsed.ok()) << body;
    return parsed.ok() ? parsed.value() : json::Value();
  }
};

// What the scripted clients share: the answers to give, in order, and the requests seen.
struct HttpScript {
  std::mutex mu;
  std::deque<HttpResponse> responses;
  std::vector<RecordedRequest> requests;

  void Add(HttpResponse response) {
    std::lock_guard lock(mu);
    responses.push_back(std::move(response));
  }
  // Queue a 200 with a JSON body.
  void AddJson(std::string body) { Add({.status = 200, .headers = {}, .body = std::move(body)}); }
  // Queue a JSON-protocol error, as Glue sends it (docs/AWS-WIRE.md#glue-wire-format).
  void AddError(int status, const std::string& code, const std::string& message) {
    Add({.status = status,
         .headers = {{"X-Amzn-ErrorType", code}, {"x-amzn-RequestId", "req-1"}},
         .body = "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}"});
  }
  // Return the target operations of the requests seen ("GetTable", ...).
  std::vector<std::string> Operations() {
    std::lock_guard lock(mu);
    std::vector<std::string> out;
    for (const RecordedRequest& r : requests) {
      std::string target = r.HeaderValue("X-Amz-Target");
      out.push_back(target.starts_with("AWSGlue.") ? target.substr(8) : r.url);
    }
    return out;
  }
};

class ScriptedHttpClient : public HttpClient {
 public:
  explicit ScriptedHttpClient(std::shared_ptr<HttpScript> script) : script_(std::move(script)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard lock(script_->mu);
    script_->requests.push_back({.method = request.method,
                                 .url = request.url,
                                 .headers = request.headers,
                                 .body = std::string(request.body)});
    if (script_->responses.empty()) {
      ADD_FAILURE() << "unexpected request " << request.url << " " << request.body;
      return TransportError(request.method, request.url, "script exhausted", false);
    }
    HttpResponse response = std::move(script_->responses.front());
    script_->responses.pop_front();
    return response;
  }

 private:
  std::shared_ptr<HttpScript> script_;
};

inline std::function<std::unique_ptr<HttpClient>()> ScriptedFactory(
    std::shared_ptr<HttpScript> script) {
  return [script] { return std::make_unique<ScriptedHttpClient>(script); };
}

// Options of a client (GlueOptions, LakeFormationOptions) talking to `script`: one attempt
// (errors are final at once), no waiting between retries when a test allows more.
template <typename Options>
Options ScriptedOptions(std::shared_ptr<HttpScript> script, std::string catalog_id = "") {
  Options options;
  options.region = "us-east-1";
  options.catalog_id = std::move(catalog_id);
  options.credentials = std::make_shared<FixedCredentials>();
  options.retry.max_attempts = 1;
  options.http_factory = ScriptedFactory(std::move(script));
  options.sleep = [](std::chrono::milliseconds) {};
  return options;
}

inline GlueOptions ScriptedGlueOptions(std::shared_ptr<HttpScript> script,
                                       std::string catalog_id = "") {
  return ScriptedOptions<GlueOptions>(std::move(script), std::move(catalog_id));
}

inline LakeFormationOptions ScriptedLakeFormationOptions(std::shared_ptr<HttpScript> script,
                                                         std::string catalog_id = "") {
  return ScriptedOptions<LakeFormationOptions>(std::move(script), std::move(catalog_id));
}

// Return the compact JSON text of `text` (for exact body comparisons written readably).
inline std::string Compact(std::string_view text) {
  Result<json::Value> parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? json::Serialize(parsed.value()) : std::string();
}

}  // namespace datalake::aws::testing
