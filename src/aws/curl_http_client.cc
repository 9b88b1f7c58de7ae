// HttpClient over one libcurl easy handle.
//
// The handle lives as long as the client and is curl_easy_reset between requests: that clears
// every per-request option but keeps the connection cache, DNS cache and TLS sessions, so
// consecutive requests to one host reuse the connection. The body is handed to curl with
// CURLOPT_POSTFIELDS + CURLOPT_POSTFIELDSIZE_LARGE (no copy, exact Content-Length, and curl can
// resend it by itself when a reused connection turns out dead). curl's own additions that would
// break or confuse SigV4 are suppressed: Expect: 100-continue, Accept: */* and the form
// Content-Type of a POST (docs/AWS-WIRE.md#http-transport).
//
// Servers are verified against libcurl's CA bundle (Debian's, and the image's:
// /etc/ssl/certs/ca-certificates.crt), or the PEM file AWS_CA_BUNDLE names (as for the AWS
// CLI and SDKs), or else SSL_CERT_FILE (OpenSSL's variable). A certificate that does not verify
// is a configuration error, not retried: the endpoint or the bundle must change.

#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "aws/http.h"
#include "common/cancel.h"

namespace datalake::aws {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  // curl_global_init is not thread-safe itself; every client calls it through this once-flag.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != prefix[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<HttpResponse*>(user)->body.append(data, size * count);
  return size * count;
}

// Called once per header line, status lines included.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const std::string_view line(data, size * count);
  if (StartsWithIgnoreCase(line, "http/")) {
    // A new status line (after a 100 Continue, for instance): only the final block counts.
    response->headers.clear();
    return line.size();
  }
  const std::string_view content = Trim(line);
  if (content.empty()) return line.size();
  if ((line.front() == ' ' || line.front() == '\t') && !response->headers.empty()) {
    // Obsolete line folding (RFC 9112 §5.2): continue the previous value.
    response->headers.back().value += " ";
    response->headers.back().value += content;
    return line.size();
  }
  const size_t colon = content.find(':');
  if (colon == std::string_view::npos) return line.size();
  response->headers.push_back(
      {std::string(Trim(content.substr(0, colon))), std::string(Trim(content.substr(colon + 1)))});
  return line.size();
}

// What the progress callback watches during one transfer. curl's own low-speed check averages
// over a window of several seconds, so a request whose body went out at once and whose answer
// never comes would wait that window on top of low_speed_time_s; this notices the silence itself.
struct TransferWatch {
  bool obeys_cancel = true;
  std::chrono::seconds stall_time{60};
  curl_off_t moved = -1;  // bytes sent + received at the last change
  std::chrono::steady_clock::time_point moved_at{};
  bool stalled = false;
};

// Called by curl about once a second while idle, more often while data moves; non-zero aborts
// the transfer (CURLE_ABORTED_BY_CALLBACK): when the sync is cancelled, or when no byte moved
// for the stall time.
int OnProgress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto* watch = static_cast<TransferWatch*>(user);
  if (watch->obeys_cancel && CancelRequested()) return 1;
  const auto now = std::chrono::steady_clock::now();
  if (received + sent != watch->moved) {
    watch->moved = received + sent;
    watch->moved_at = now;
  } else if (now - watch->moved_at >= watch->stall_time) {
    watch->stalled = true;
    return 1;
  }
  return 0;
}

// The CA bundle the environment names, or "" for libcurl's default.
std::string CaBundleFromEnvironment() {
  for (const char* name : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return {};
}

bool HasHeader(const std::vector<Header>& headers, std::string_view lowercase_name) {
  for (const Header& header : headers) {
    if (header.name.size() == lowercase_name.size() &&
        StartsWithIgnoreCase(header.name, lowercase_name)) {
      return true;
    }
  }
  return false;
}

// Return the request's header list: the caller's headers, then blanks that remove curl's
// defaults ("Name:" deletes a header curl would add; "Name;" sends an empty one).
Slist BuildHeaderList(const HttpRequest& request) {
  curl_slist* list = nullptr;
  auto append = [&list](const std::string& line) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown != nullptr) list = grown;
  };
  for (const Header& header : request.headers) {
    append(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  append("Expect:");
  append("Accept:");
  if (!HasHeader(request.headers, "content-type")) append("Content-Type:");
  return Slist(list);
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpOptions options)
      : options_(std::move(options)), ca_bundle_(CaBundleFromEnvironment()) {
    GlobalInitOnce();
    handle_ = curl_easy_init();
  }
  ~CurlHttpClient() override {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
  }
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  // "the CA bundle <path>" for the bundle requests are verified with.
  std::string CaBundleInUse() {
    if (!ca_bundle_.empty()) return "the CA bundle " + ca_bundle_;
    const char* built_in = nullptr;
    if (curl_easy_getinfo(handle_, CURLINFO_CAINFO, &built_in) == CURLE_OK && built_in != nullptr) {
      return "the CA bundle " + std::string(built_in);
    }
    return "libcurl's default CA bundle";
  }

  // Set every option of `request`; false if curl refused one.
  bool Configure(const HttpRequest& request, curl_slist* headers, HttpResponse* response,
                 TransferWatch* watch);

  HttpOptions options_;
  std::string ca_bundle_;  // "" for libcurl's built-in bundle
  CURL* handle_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
};

bool CurlHttpClient::Configure(const HttpRequest& request, curl_slist* headers,
                               HttpResponse* response, TransferWatch* watch) {
  bool ok = true;
  auto set = [&](CURLoption option, auto value) {
    ok = ok && curl_easy_setopt(handle_, option, value) == CURLE_OK;
  };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we run on several threads
  set(CURLOPT_ERRORBUFFER, error_);
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_bundle_.empty()) set(CURLOPT_CAINFO, ca_bundle_.c_str());
  set(CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an S3 wrong-region answer, handled above
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  set(CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options_.low_speed_limit_bytes));
  set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time_s));
  if (options_.total_timeout_ms > 0) {
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
  }
  set(CURLOPT_USERAGENT, options_.user_agent.c_str());
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_WRITEDATA, static_cast<void*>(response));
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_HEADERDATA, static_cast<void*>(response));
  // A cancelled sync should not wait for a large upload or a silent server to finish; a clean-up
  // request (runs_when_cancelled) still goes, and is still abandoned when it stalls.
  watch->obeys_cancel = !request.runs_when_cancelled;
  watch->stall_time = std::chrono::seconds(options_.low_speed_time_s);
  set(CURLOPT_XFERINFOFUNCTION, &OnProgress);
  set(CURLOPT_XFERINFODATA, static_cast<void*>(watch));
  set(CURLOPT_NOPROGRESS, 0L);
  if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    set(CURLOPT_HTTPGET, 1L);
  } else {
    set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    // PUT and POST always carry a Content-Length, even 0 (S3 answers 411 without one).
    if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      set(CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    }
  }
  return ok;
}

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  if (handle_ == nullptr) {
    return TransportError(request.method, request.url, "curl_easy_init failed", false);
  }
  auto cancelled = [&request] {
    return Status::Cancelled(request.method + " " + UrlOrigin(request.url) +
                             ": not completed, the sync was cancelled");
  };
  if (!request.runs_when_cancelled && CancelRequested()) return cancelled();
  curl_easy_reset(handle_);
  error_[0] = '\0';
  HttpResponse response;
  Slist headers = BuildHeaderList(request);
  TransferWatch watch;
  if (!Configure(request, headers.get(), &response, &watch)) {
    curl_easy_reset(handle_);
    return Status::Internal(request.method + " " + UrlOrigin(request.url) +
                            ": libcurl rejected an option (built without HTTPS?)");
  }
  const CURLcode rc = curl_easy_perform(handle_);
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    curl_easy_reset(handle_);
    if (watch.stalled) {
      return TransportError(request.method, request.url,
                            "no byte sent or received for " +
                                std::to_string(options_.low_speed_time_s) + " s (stalled)",
                            true);
    }
    return cancelled();
  }
  if (rc != CURLE_OK) {
    std::string detail = error_[0] != '\0' ? error_ : curl_easy_strerror(rc);
    // curl's messages name hosts, not paths; still, never let a query (a presigned signature)
    // through.
    const size_t query = request.url.find('?');
    if (query != std::string::npos && query + 1 < request.url.size() &&
        detail.find(request.url.substr(query + 1)) != std::string::npos) {
      detail = curl_easy_strerror(rc);
    }
    curl_easy_reset(handle_);
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
      return Status::ConfigError(request.method + " " + UrlOrigin(request.url) + ": " + detail +
                                 " (TLS: the server's certificate is checked against " +
                                 CaBundleInUse() +
                                 "; AWS_CA_BUNDLE can name a PEM file with the CA that signed it)");
    }
    return TransportError(request.method, request.url, detail, rc == CURLE_OPERATION_TIMEDOUT);
  }
  long status = 0;
  curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  // Drop the pointers into this call's stack (headers, response) before returning.
  curl_easy_reset(handle_);
  return response;
}

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(const HttpOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace datalake::aws
