// HTTP transport for the AWS clients, over libcurl.
//
// One HttpClient owns one curl easy handle, so connections are reused between requests; a client
// is used by one thread at a time (make one per worker). TLS verification is always on.
// HTTP statuses are not errors here: any complete response is returned. Transport failures
// (DNS, connect, reset, timeout, TLS handshake) are Status kTransient with a message naming the
// method and host (never the query string, which may carry a signature), so the retry layer
// above can decide what to do; a server certificate that does not verify against the CA bundle
// is kConfigError, never retried. A transfer aborted because the sync was cancelled is
// kCancelled.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.h"
#include "common/status.h"

namespace datalake::aws {

struct HttpRequest {
  std::string method{};  // "GET", "PUT", "POST", "DELETE", "HEAD"
  // Absolute URL: scheme://host[:port]/path[?query], path and query already encoded as sent.
  std::string url{};
  // Sent exactly as given (plus Content-Length, which the client always sets from the body, and
  // nothing else: no Expect, no Accept, no default Content-Type).
  std::vector<Header> headers{};
  std::string_view body{};  // not owned; must stay valid during Send
  // A clean-up request (AbortMultipartUpload) that must go through even after cancellation was
  // requested (common/cancel.h). Any other request in flight is aborted then, as kCancelled.
  bool runs_when_cancelled = false;
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers{};  // in order received; names as sent by the server
  std::string body{};

  // Return the value of the first header named `name` (case-insensitive), or "".
  std::string_view HeaderValue(std::string_view name) const;
};

struct HttpOptions {
  int64_t connect_timeout_ms = 10'000;
  // Abort a stalled transfer: one that moved no byte either way for low_speed_time_s, or that
  // moved fewer than low_speed_limit_bytes a second over about that long.
  int64_t low_speed_limit_bytes = 1024;
  int64_t low_speed_time_s = 60;
  // Upper bound on a whole request, 0 for none (large uploads are bounded by low-speed instead).
  int64_t total_timeout_ms = 0;
  std::string user_agent = "destination-aws-datalake/" DATALAKE_VERSION;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> NewCurlHttpClient(const HttpOptions& options = {});

// Return the kTransient Status of a failed transfer: "<METHOD> <scheme://host:port>: <detail>",
// with "timed out: " before the detail when the transfer timed out. Only the origin of `url` is
// kept (never its path or query). Every HttpClient, fakes included, reports failures this way.
Status TransportError(std::string_view method, std::string_view url, std::string_view detail,
                      bool timeout);
// True if `status` is a TransportError made with timeout = true (the retry layer charges
// timeouts more of its retry quota, docs/AWS-WIRE.md#backoff-and-retry-quota).
bool IsTimeout(const Status& status);
// Return "scheme://host:port" of an absolute URL (port made explicit: 443 for https, 80 for
// http), or "" if `url` has no scheme.
std::string UrlOrigin(std::string_view url);

}  // namespace datalake::aws
