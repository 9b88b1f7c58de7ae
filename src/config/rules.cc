#include "config/rules.h"

#include <vector>

namespace datalake::config::internal {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consume one or more characters matching `pred` from the front of `s`; return how many.
template <typename Pred>
size_t ConsumeWhile(std::string_view* s, Pred pred) {
  size_t n = 0;
  while (n < s->size() && pred((*s)[n])) ++n;
  s->remove_prefix(n);
  return n;
}

// Consume `literal` from the front of `s` if it is there.
bool ConsumeLiteral(std::string_view* s, std::string_view literal) {
  if (!s->starts_with(literal)) return false;
  s->remove_prefix(literal.size());
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// True for four dot-separated groups of 1-3 digits ("192.168.5.4"), which S3 refuses as a name.
bool LooksLikeIpv4(std::string_view s) {
  std::vector<std::string_view> parts = Split(s, '.');
  if (parts.size() != 4) return false;
  for (std::string_view part : parts) {
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!IsDigit(c)) return false;
    }
  }
  return true;
}

// True if `s` is exactly "-[a-z]+-[0-9]+": the location and number of a region code.
bool IsRegionTail(std::string_view s) {
  if (!ConsumeLiteral(&s, "-") || ConsumeWhile(&s, IsLower) == 0) return false;
  if (!ConsumeLiteral(&s, "-") || ConsumeWhile(&s, IsDigit) == 0) return false;
  return s.empty();
}

}  // namespace

bool HasControlCharacter(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// Equivalent to ^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$, trying each alternative of the
// optional group as a regex engine would ("us-government-1" matches without the group).
bool IsAwsRegionCode(std::string_view region) {
  std::string_view rest = region;
  if (ConsumeWhile(&rest, IsLower) != 2) return false;
  if (IsRegionTail(rest)) return true;
  if (ConsumeLiteral(&rest, "-gov")) return IsRegionTail(rest);
  if (ConsumeLiteral(&rest, "-iso")) {
    if (IsRegionTail(rest)) return true;
    return !rest.empty() && IsLower(rest[0]) && IsRegionTail(rest.substr(1));
  }
  return false;
}

std::optional<std::string> CheckBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return "must be 3 to 63 characters long";
  for (char c : name) {
    if (!IsLower(c) && !IsDigit(c) && c != '.' && c != '-') {
      return "may contain only lowercase letters, digits, '.' and '-'";
    }
  }
  auto alnum = [](char c) { return IsLower(c) || IsDigit(c); };
  if (!alnum(name.front()) || !alnum(name.back())) {
    return "must begin and end with a lowercase letter or digit";
  }
  if (name.find("..") != std::string_view::npos) return "must not contain \"..\"";
  if (LooksLikeIpv4(name)) return "must not be formatted as an IP address";
  return std::nullopt;
}

std::optional<std::string> CheckBucketPrefix(std::string_view prefix) {
  if (HasControlCharacter(prefix)) return "must not contain control characters";
  for (std::string_view segment : Split(prefix, '/')) {
    if (segment == "..") return "must not contain a \"..\" path segment";
  }
  return std::nullopt;
}

std::optional<std::string> CheckDatabaseName(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > 255) return "must be at most 255 bytes long";
  if (HasControlCharacter(name)) return "must not contain control characters";
  if (name.find('/') != std::string_view::npos) return "must not contain '/'";
  return std::nullopt;
}

std::optional<std::string> CheckEndpointUrl(std::string_view url) {
  std::string_view rest = url;
  if (!ConsumeLiteral(&rest, "http://") && !ConsumeLiteral(&rest, "https://")) {
    return "must start with http:// or https://";
  }
  if (rest.empty() || rest[0] == '/') return "must name a host after the scheme";
  if (HasControlCharacter(url) || url.find(' ') != std::string_view::npos) {
    return "must not contain spaces or control characters";
  }
  return std::nullopt;
}

}  // namespace datalake::config::internal
