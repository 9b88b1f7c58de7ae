// Test doubles for the AWS layer: a scripted HttpClient that records what it was sent and
// answers from a queue, and a static CredentialsProvider whose credentials a test can change.
#pragma once

#include <cctype>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"

namespace datalake::aws::client_testing {

// A request as the fake received it, the body copied.
struct RecordedRequest {
  std::string method{};
  std::string url{};
  std::vector<Header> headers{};
  std::string body{};
  bool runs_when_cancelled = false;

  // Return the first header named `name` (case-insensitive), or "".
  std::string_view HeaderValue(std::string_view name) const {
    for (const Header& header : headers) {
      if (header.name.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < name.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(header.name[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return header.value;
    }
    return {};
  }
};

// What every FakeHttpClient made by one factory shares.
class FakeHttp {
 public:
  // Queue the answer to the next unanswered request (a response or a transport error).
  void Push(Result<HttpResponse> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_.push_back(std::move(answer));
  }
  void Push(int status, std::string body = "", std::vector<Header> headers = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    Push(Result<HttpResponse>(std::move(response)));
  }
  // Queue a transport error as the curl client reports it.
  void PushTransportError(bool timeout = false) {
    Push(Result<HttpResponse>(
        TransportError("PUT", "https://example.com/", "Connection reset by peer", timeout)));
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int clients_made() const {
    std::lock_guard<std::mutex> lock(mu_);
    return clients_made_;
  }

  // Return the factory to put in AwsClientOptions::http_factory.
  std::function<std::unique_ptr<HttpClient>()> Factory(std::shared_ptr<FakeHttp> self);

  // Record `request` and return the next queued answer (200 with no body when none is left).
  Result<HttpResponse> Answer(const HttpRequest& request) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({request.method, request.url, request.headers, std::string(request.body),
                         request.runs_when_cancelled});
    if (answers_.empty()) {
      HttpResponse ok;
      ok.status = 200;
      return ok;
    }
    Result<HttpResponse> answer = std::move(answers_.front());
    answers_.pop_front();
    return answer;
  }

 private:
  friend class FakeHttpClient;
  mutable std::mutex mu_;
  std::deque<Result<HttpResponse>> answers_;
  std::vector<RecordedRequest> requests_;
  int clients_made_ = 0;
};

class FakeHttpClient : public HttpClient {
 public:
  explicit FakeHttpClient(std::shared_ptr<FakeHttp> http) : http_(std::move(http)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override { return http_->Answer(request); }

 private:
  std::shared_ptr<FakeHttp> http_;
};

inline std::function<std::unique_ptr<HttpClient>()> FakeHttp::Factory(
    std::shared_ptr<FakeHttp> self) {
  return [self] {
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      ++self->clients_made_;
    }
    return std::make_unique<FakeHttpClient>(self);
  };
}

// Fixed credentials for tests; Set() changes them (as a rotation would).
class StaticTestCredentials : public CredentialsProvider {
 public:
  explicit StaticTestCredentials(Credentials credentials) : credentials_(std::move(credentials)) {}
  Result<ExpiringCredentials> Get() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++gets_;
    return ExpiringCredentials{credentials_, std::nullopt};
  }
  std::string Name() const override { return "static test credentials"; }
  void Set(Credentials credentials) {
    std::lock_guard<std::mutex> lock(mu_);
    credentials_ = std::move(credentials);
  }
  int gets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return gets_;
  }

 private:
  mutable std::mutex mu_;
  Credentials credentials_;
  int gets_ = 0;
};

}  // namespace datalake::aws::client_testing
