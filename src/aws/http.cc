// Transport-independent parts of http.h: header lookup and the shape of transport errors, shared
// by the libcurl client and the fakes tests inject.

#include <string>
#include <string_view>

#include "aws/http.h"
#include "common/ascii.h"

namespace datalake::aws {
namespace {

constexpr std::string_view kTimeoutMarker = ": timed out: ";

}  // namespace

std::string_view HttpResponse::HeaderValue(std::string_view name) const {
  for (const Header& header : headers) {
    if (EqualsIgnoringAsciiCase(header.name, name)) return header.value;
  }
  return {};
}

std::string UrlOrigin(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const std::string_view scheme = url.substr(0, scheme_end);
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  // Drop any userinfo: it may be a password.
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  // A port follows the last ':' unless that ':' is inside an IPv6 literal ("[::1]").
  const size_t colon = authority.rfind(':');
  const size_t bracket = authority.rfind(']');
  const bool has_port =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  std::string origin = std::string(scheme) + "://" + std::string(authority);
  if (!has_port) origin += EqualsIgnoringAsciiCase(scheme, "http") ? ":80" : ":443";
  return origin;
}

Status TransportError(std::string_view method, std::string_view url, std::string_view detail,
                      bool timeout) {
  std::string message = std::string(method) + " " + UrlOrigin(url);
  message += timeout ? kTimeoutMarker : std::string_view(": ");
  message += detail;
  return Status::Transient(std::move(message));
}

bool IsTimeout(const Status& status) {
  return status.code() == StatusCode::kTransient &&
         status.message().find(kTimeoutMarker) != std::string::npos;
}

}  // namespace datalake::aws
