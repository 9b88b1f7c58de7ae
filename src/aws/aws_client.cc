// AwsClient::Execute: build, sign, send, classify, back off, repeat (docs/AWS-WIRE.md#retries).
// Throttling is retried on a time budget instead of an attempt count (RetryOptions).
//
// Every attempt is built and signed anew with credentials fetched from the provider for that
// attempt and the clock plus the learned skew offset, so a retry never replays an old
// X-Amz-Date or expired credentials. Two extra attempts outside the normal budget exist, each
// at most once per call and neither sleeping nor charged to the quota: one after a clock-skew
// correction and one after ExpiredToken (with credentials fetched again).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "aws/aws_client.h"
#include "aws/retry_policy.h"
#include "common/cancel.h"
#include "common/redact.h"

namespace datalake::aws {
namespace {

// Return "host[:port]" of "scheme://host[:port]", without the scheme's default port.
std::string HostHeader(std::string_view endpoint) {
  const size_t scheme_end = endpoint.find("://");
  const std::string_view scheme =
      scheme_end == std::string_view::npos ? "https" : endpoint.substr(0, scheme_end);
  std::string_view host =
      scheme_end == std::string_view::npos ? endpoint : endpoint.substr(scheme_end + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  const std::string_view default_port = scheme == "http" ? ":80" : ":443";
  if (host.ends_with(default_port)) host.remove_suffix(default_port.size());
  return std::string(host);
}

std::string TrimTrailingSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// S3 may answer 200 and report the failure in the body (CompleteMultipartUpload,
// docs/AWS-WIRE.md#s3-operations). Only
// responses to writes are checked: a GetObject body is user data that may well be <Error>.
bool IsErrorIn200(Protocol protocol, const AwsRequest& request, const HttpResponse& response) {
  if (protocol != Protocol::kRestXml || request.method == "GET" || request.method == "HEAD") {
    return false;
  }
  if (response.body.find("<Error") == std::string::npos) return false;
  const AwsError parsed = ParseAwsError(protocol, response);
  return !parsed.code.empty();
}

double DefaultJitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// An HttpClient borrowed from the pool for one Execute call, and given back after it.
class PooledHttpClient {
 public:
  PooledHttpClient(std::mutex* mu, std::vector<std::unique_ptr<HttpClient>>* pool,
                   const std::function<std::unique_ptr<HttpClient>()>& factory)
      : mu_(mu), pool_(pool) {
    {
      std::lock_guard<std::mutex> lock(*mu_);
      if (!pool_->empty()) {
        client_ = std::move(pool_->back());
        pool_->pop_back();
      }
    }
    if (client_ == nullptr) client_ = factory();
  }
  ~PooledHttpClient() {
    std::lock_guard<std::mutex> lock(*mu_);
    pool_->push_back(std::move(client_));
  }
  PooledHttpClient(const PooledHttpClient&) = delete;
  PooledHttpClient& operator=(const PooledHttpClient&) = delete;

  HttpClient* operator->() { return client_.get(); }

 private:
  std::mutex* mu_;
  std::vector<std::unique_ptr<HttpClient>>* pool_;
  std::unique_ptr<HttpClient> client_;
};

// What stays the same across the attempts of one call.
struct PreparedRequest {
  std::string url;
  std::vector<Header> headers;  // the caller's, plus Host
  std::string payload_hash;
};

Result<PreparedRequest> Prepare(const AwsClientOptions& options, const AwsRequest& request) {
  PreparedRequest prepared;
  const std::string endpoint =
      request.endpoint.empty() ? options.endpoint : TrimTrailingSlash(request.endpoint);
  const std::string path = request.path.empty() ? "/" : request.path;
  prepared.url = endpoint + path;
  if (!request.query.empty()) prepared.url += "?" + CanonicalQueryString(request.query);
  prepared.headers.push_back({"Host", HostHeader(endpoint)});
  prepared.headers.insert(prepared.headers.end(), request.headers.begin(), request.headers.end());
  if (options.protocol == Protocol::kRestXml && !request.sign_payload) {
    prepared.payload_hash = std::string(kUnsignedPayload);
  } else {
    ASSIGN_OR_RETURN(prepared.payload_hash, Sha256Hex(request.body));
  }
  return prepared;
}

// What an attempt sent that must never be printed, should a server quote it in an error.
struct SentSecrets {
  Credentials credentials;
  std::string signature;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// Return `message` without the secrets of the attempt that met it: the secret key and session
// token, the signature, and the secret parameters of an STS form (the web identity token, the
// external id), as sent and decoded. Applied before a server's message is shortened, so that no
// part of a long token is left.
std::string Scrub(std::string message, const SentSecrets& sent, Protocol protocol,
                  const AwsRequest& request) {
  message = RedactSecrets(std::move(message), sent.credentials);
  message = MaskSecret(message, sent.signature, "[redacted]");
  if (protocol != Protocol::kQuery) return message;
  std::string_view body = request.body;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view param = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    for (std::string_view name : {"WebIdentityToken=", "ExternalId="}) {
      if (!param.starts_with(name)) continue;
      const std::string_view value = param.substr(name.size());
      message = MaskSecret(message, value, "[redacted]");
      message = MaskSecret(message, FormDecode(value), "[redacted]");
    }
  }
  return message;
}

// Build the wire request of one attempt, signed with fresh credentials at the corrected time.
// `sent` receives the credentials and the signature, so that they can be scrubbed from any
// message.
Result<HttpRequest> BuildAttempt(const AwsClientOptions& options, const AwsRequest& request,
                                 const PreparedRequest& prepared, std::chrono::seconds clock_offset,
                                 SentSecrets* sent) {
  HttpRequest wire{.method = request.method,
                   .url = prepared.url,
                   .headers = prepared.headers,
                   .body = request.body,
                   .runs_when_cancelled = request.runs_when_cancelled};
  if (options.credentials == nullptr) return wire;
  ASSIGN_OR_RETURN(ExpiringCredentials credentials, options.credentials->Get());
  sent->credentials = credentials.credentials;
  const auto signing_time = options.clock() + clock_offset;
  SigningConfig config =
      options.protocol == Protocol::kRestXml
          ? S3SigningConfig(options.region, std::move(credentials.credentials), signing_time)
          : ServiceSigningConfig(options.service, options.region,
                                 std::move(credentials.credentials), signing_time);
  SignableRequest signable{.method = request.method,
                           .path = request.path.empty() ? "/" : request.path,
                           .query = request.query,
                           .headers = prepared.headers,
                           .payload_hash = prepared.payload_hash};
  ASSIGN_OR_RETURN(SigningResult signed_result, Sign(signable, config));
  sent->signature = signed_result.signature;
  for (Header& header : signed_result.headers) wire.headers.push_back(std::move(header));
  return wire;
}

// An attempt that did not succeed.
struct Failure {
  Status status;
  bool retryable = false;
  bool timeout = false;
  bool throttled = false;  // the service asked us to slow down (IsThrottlingError)
};

Failure TransportFailure(const AwsRequest& request, const Status& status) {
  // Resending a request that is not idempotent could apply it twice (aws-c-io's warning).
  return {.status = status.WithContext(request.operation + " " + request.resource),
          .retryable = request.idempotent && status.code() == StatusCode::kTransient,
          .timeout = IsTimeout(status)};
}

Failure ResponseFailure(const AwsRequest& request, const AwsError& error) {
  // A 200 carrying <Error> is retried as a 500 would be (botocore's _handle_200_error).
  const bool retryable = IsSuccess(error.http_status) || IsRetryableError(error);
  return {.status = AwsErrorStatus(request, error, retryable, ""),
          .retryable = retryable,
          .throttled = IsThrottlingError(error)};
}

// "12.5": a duration in seconds with one decimal, for messages.
std::string Seconds(std::chrono::steady_clock::duration duration) {
  const int64_t tenths =
      std::chrono::duration_cast<std::chrono::milliseconds>(duration).count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

// Which once-per-call re-signs (not counted as retries) a call has used.
struct Resigns {
  bool clock_corrected = false;
  bool credentials_refetched = false;
};

// Return true if `error` calls for re-signing the same request at once: clock skew shown by the
// server's Date (the corrected offset is stored for every later request), or ExpiredToken.
bool ShouldResign(const AwsClientOptions& options, const AwsError& error,
                  const HttpResponse& response, std::atomic<int64_t>* clock_offset_s,
                  Resigns* resigns) {
  if (!resigns->clock_corrected) {
    const std::chrono::seconds offset{clock_offset_s->load()};
    if (auto fixed = ClockSkewCorrection(error, response, options.clock(), offset)) {
      clock_offset_s->store(fixed->count());
      resigns->clock_corrected = true;
      return true;
    }
  }
  // Providers that cache refresh expired credentials on Get(); fetch them again once.
  if (!resigns->credentials_refetched && options.credentials != nullptr &&
      IsExpiredTokenErrorCode(error.code)) {
    resigns->credentials_refetched = true;
    return true;
  }
  return false;
}

Status FinalStatus(const Failure& failure, const std::string& note, const SentSecrets& sent,
                   Protocol protocol, const AwsRequest& request) {
  std::string message = failure.status.message();
  if (!note.empty()) message += " (" + note + ")";
  return Status(failure.status.code(), Scrub(std::move(message), sent, protocol, request));
}

}  // namespace

struct AwsClient::Impl {
  explicit Impl(const RetryOptions& retry) : quota(retry.retry_quota) {}

  std::mutex pool_mu;
  std::vector<std::unique_ptr<HttpClient>> pool;  // idle clients
  RetryQuota quota;
  std::atomic<int64_t> clock_offset_s{0};  // server clock minus ours, learned from skew errors
};

AwsClient::AwsClient(AwsClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_.retry)) {
  options_.endpoint = TrimTrailingSlash(options_.endpoint);
  if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
  if (!options_.jitter) options_.jitter = &DefaultJitter;
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds delay) { (void)SleepUnlessCancelled(delay); };
  }
  if (!options_.steady_clock) {
    options_.steady_clock = [] { return std::chrono::steady_clock::now(); };
  }
  if (!options_.http_factory) {
    options_.http_factory = [http = options_.http] { return NewCurlHttpClient(http); };
  }
}

AwsClient::~AwsClient() = default;

Result<HttpResponse> AwsClient::Execute(const AwsRequest& request) {
  return Execute(request, nullptr);
}

Result<HttpResponse> AwsClient::Execute(const AwsRequest& request, AwsError* error) {
  if (error != nullptr) *error = AwsError{};
  const std::string context = request.operation + " " + request.resource;
  // Checked before every attempt and before every back-off.
  auto cancelled = [&request] { return !request.runs_when_cancelled && CancelRequested(); };
  auto prepared = Prepare(options_, request);
  if (!prepared.ok()) return prepared.status().WithContext(context);
  PooledHttpClient http(&impl_->pool_mu, &impl_->pool, options_.http_factory);
  SentSecrets secrets;
  auto final_status = [&](const Failure& failure, const std::string& note) {
    return FinalStatus(failure, note, secrets, options_.protocol, request);
  };
  Resigns resigns;
  const RetryOptions& retry = options_.retry;
  const auto first_attempt = options_.steady_clock();
  int attempts = 0;            // attempts sent (re-signs not counted)
  int transient_failures = 0;  // attempts that failed other than by throttling: max_attempts
  int throttled = 0;           // attempts that were throttled: throttle_budget
  int quota_taken = 0;         // retry tokens this call took
  while (true) {
    if (cancelled()) return Status::Cancelled(context + ": not sent, the sync was cancelled");
    const std::chrono::seconds offset{impl_->clock_offset_s.load()};
    auto wire = BuildAttempt(options_, request, prepared.value(), offset, &secrets);
    if (!wire.ok()) return wire.status().WithContext(context);
    Result<HttpResponse> sent = http->Send(wire.value());
    ++attempts;
    Failure failure;
    if (!sent.ok()) {
      failure = TransportFailure(request, sent.status());
    } else if (IsSuccess(sent->status) && !IsErrorIn200(options_.protocol, request, *sent)) {
      impl_->quota.Release(quota_taken);
      return std::move(sent).value();
    } else {
      AwsError parsed = ParseAwsError(options_.protocol, sent.value());
      if (ShouldResign(options_, parsed, *sent, &impl_->clock_offset_s, &resigns)) {
        --attempts;
        continue;
      }
      parsed.message = Scrub(std::move(parsed.message), secrets, options_.protocol, request);
      failure = ResponseFailure(request, parsed);
      if (error != nullptr) *error = std::move(parsed);
    }
    if (!failure.retryable) return final_status(failure, "");
    if (cancelled()) {
      const Status last = final_status(failure, "");
      return Status::Cancelled(last.message() + " (not retried: the sync was cancelled)");
    }
    // A clean-up request still running after cancellation does not sleep (the grace period
    // before SIGKILL is short): there throttling gets the ordinary attempts, not the budget.
    if (failure.throttled && !CancelRequested()) {
      // Not charged to the quota: the budget bounds these retries, and a quota emptied by a
      // throttled minute would fail the sync that the budget is there to carry through it.
      const auto elapsed = options_.steady_clock() - first_attempt;
      const auto left = retry.throttle_budget - elapsed;
      if (left <= std::chrono::steady_clock::duration::zero()) {
        return final_status(failure, "throttled for " + Seconds(elapsed) + " s, gave up after " +
                                         std::to_string(attempts) + " attempts");
      }
      // The last wait ends at the budget's end, for one more attempt there.
      options_.sleep(std::min(ThrottleBackoffDelay(retry, throttled++, options_.jitter()),
                              std::chrono::ceil<std::chrono::milliseconds>(left)));
      continue;
    }
    if (++transient_failures >= retry.max_attempts) {
      return final_status(failure, "gave up after " + std::to_string(attempts) + " attempts");
    }
    const int cost = failure.timeout ? RetryQuota::kTimeoutRetryCost : RetryQuota::kRetryCost;
    if (!impl_->quota.Acquire(cost)) {
      return final_status(failure,
                          "retry quota exhausted after " + std::to_string(attempts) + " attempts");
    }
    quota_taken += cost;
    options_.sleep(BackoffDelay(retry, transient_failures - 1, options_.jitter()));
  }
}

}  // namespace datalake::aws
