// Test doubles for the credentials providers: a scripted HttpClient (for IMDS, the container
// endpoint and STS through AwsClient), an environment map, a settable clock, a temporary
// directory, and STS response documents.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credential_providers.h"
#include "aws/http.h"

namespace datalake::aws::credentials_testing {

// A request as the fake saw it (the body copied, since HttpRequest does not own it).
struct SeenRequest {
  std::string method;
  std::string url;
  std::vector<Header> headers;
  std::string body;

  // Return the first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> HeaderValue(std::string_view name) const {
    for (const Header& h : headers) {
      if (h.name.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < name.size(); ++i) same &= (h.name[i] | 0x20) == (name[i] | 0x20);
      if (same) return h.value;
    }
    return std::nullopt;
  }
};

inline HttpResponse Response(int status, std::string body = "") {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// A scripted HTTP server: every HttpClient made by its factories answers with `handler` and
// records the request. Thread-safe.
class FakeHttp {
 public:
  using Handler = std::function<Result<HttpResponse>(const SeenRequest&)>;

  explicit FakeHttp(Handler handler) : state_(std::make_shared<State>()) {
    state_->handler = std::move(handler);
  }

  // For CredentialsOptions::http_factory; records the options each client was made with.
  HttpClientFactory Factory() {
    return [state = state_](const HttpOptions& options) {
      std::lock_guard<std::mutex> lock(state->mu);
      state->client_options.push_back(options);
      return std::unique_ptr<HttpClient>(new Client(state));
    };
  }
  // For StsOptions::http_factory / AwsClientOptions::http_factory.
  std::function<std::unique_ptr<HttpClient>()> StsFactory() {
    return [state = state_] { return std::unique_ptr<HttpClient>(new Client(state)); };
  }

  std::vector<SeenRequest> requests() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->requests;
  }
  std::vector<HttpOptions> client_options() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->client_options;
  }
  size_t count() const { return requests().size(); }

 private:
  struct State {
    std::mutex mu;
    Handler handler;
    std::vector<SeenRequest> requests;
    std::vector<HttpOptions> client_options;
  };
  class Client : public HttpClient {
   public:
    explicit Client(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Result<HttpResponse> Send(const HttpRequest& request) override {
      SeenRequest seen{request.method, request.url, request.headers, std::string(request.body)};
      {
        std::lock_guard<std::mutex> lock(state_->mu);
        state_->requests.push_back(seen);
      }
      return state_->handler(seen);
    }

   private:
    std::shared_ptr<State> state_;
  };

  std::shared_ptr<State> state_;
};

// A transport failure as every HttpClient reports it.
inline Status ConnectFailure(const SeenRequest& request) {
  return TransportError(request.method, request.url, "Could not connect to server", false);
}

inline EnvironmentFn FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A clock tests move by hand. Thread-safe.
class FakeClock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(std::chrono::system_clock::duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  CredentialsClock Fn() {
    return [this] { return Now(); };
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// 2026-11-25T12:00:00Z, the tests' "now".
inline std::chrono::system_clock::time_point TestNow() {
  using namespace std::chrono;
  return sys_days{year(2026) / November / 25} + hours(12);
}

// A directory removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dl-cred-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Write `contents` to `name` under the directory and return its path.
  std::string Write(const std::string& name, std::string_view contents) const {
    const std::string file = (std::filesystem::path(path_) / name).string();
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }
  std::string Path(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }

 private:
  std::string path_;
};

// An STS success document shaped as docs/AWS-WIRE.md#sts-assumerole says (moto's and AWS's shape).
inline std::string StsResponseXml(std::string_view action, std::string_view key,
                                  std::string_view secret, std::string_view token,
                                  std::string_view expiration) {
  std::string xml = "<" + std::string(action) +
                    "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" +
                    std::string(action) + "Result>\n  <Credentials><AccessKeyId>" +
                    std::string(key) + "</AccessKeyId><SecretAccessKey>" + std::string(secret) +
                    "</SecretAccessKey>\n    <SessionToken>" + std::string(token) +
                    "</SessionToken><Expiration>" + std::string(expiration) +
                    "</Expiration></Credentials>\n  <AssumedRoleUser><AssumedRoleId>"
                    "AROAEXAMPLE:sess1</AssumedRoleId><Arn>arn:aws:sts::123456789012:"
                    "assumed-role/writer/sess1</Arn></AssumedRoleUser>\n  <PackedPolicySize>6"
                    "</PackedPolicySize></" +
                    std::string(action) +
                    "Result>\n  <ResponseMetadata><RequestId>"
                    "c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></" +
                    std::string(action) + "Response>";
  return xml;
}

inline std::string StsErrorXml(std::string_view code, std::string_view message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
         "</Type><Code>" +
         std::string(code) + "</Code><Message>" + std::string(message) +
         "</Message></Error><RequestId>4f3c-req</RequestId></ErrorResponse>";
}

// Options wired to the fakes: STS and metadata requests go to `http`, time is `clock`, retries
// do not sleep.
inline CredentialsOptions FakeOptions(FakeHttp* http, FakeClock* clock, EnvironmentFn env) {
  CredentialsOptions options;
  options.env = std::move(env);
  options.http_factory = http->Factory();
  options.clock = clock->Fn();
  options.sleep = [](std::chrono::milliseconds) {};
  options.sts.region = "us-west-2";
  options.sts.http_factory = http->StsFactory();
  options.sts.clock = clock->Fn();
  options.sts.sleep = [](std::chrono::milliseconds) {};
  return options;
}

}  // namespace datalake::aws::credentials_testing
