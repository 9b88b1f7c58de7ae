// Shared helpers of the credentials providers: environment and option defaults, files, ISO 8601
// timestamps, and the JSON credentials document of the container and IMDS endpoints.

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "aws/credentials_internal.h"
#include "common/cancel.h"
#include "json/json.h"

namespace datalake::aws {

EnvironmentFn ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    // getenv is safe to call concurrently as long as nobody calls setenv, which we never do.
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

CredentialsOptions WithDefaults(const CredentialsOptions& options) {
  CredentialsOptions out = options;
  if (!out.env) out.env = ProcessEnvironment();
  if (!out.http_factory) {
    out.http_factory = [](const HttpOptions& http) { return NewCurlHttpClient(http); };
  }
  if (!out.clock) out.clock = [] { return std::chrono::system_clock::now(); };
  if (!out.sleep) out.sleep = [](std::chrono::milliseconds d) { (void)SleepUnlessCancelled(d); };
  return out;
}

StsOptions ResolveStsOptions(const CredentialsOptions& options) {
  StsOptions sts = options.sts;
  if (sts.region.empty() && options.env) {
    // botocore's region lookup for the STS client of a credentials provider.
    if (auto region = GetEnv(options.env, "AWS_REGION")) {
      sts.region = *region;
    } else if (auto default_region = GetEnv(options.env, "AWS_DEFAULT_REGION")) {
      sts.region = *default_region;
    }
  }
  return sts;
}

std::optional<std::string> GetEnv(const EnvironmentFn& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

bool EnvIsTrue(const EnvironmentFn& env, std::string_view name) {
  std::optional<std::string> value = GetEnv(env, name);
  if (!value) return false;
  std::string_view v = TrimWhitespace(*value);
  if (v.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    if ((v[i] | 0x20) != "true"[i]) return false;
  }
  return true;
}

std::string_view TrimWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

std::string ExpandHome(std::string_view path, const EnvironmentFn& env) {
  if (path.empty() || path[0] != '~' || (path.size() > 1 && path[1] != '/')) {
    return std::string(path);
  }
  std::string home;
  if (auto from_env = GetEnv(env, "HOME")) {
    home = *from_env;
  } else {
    passwd entry{};
    passwd* found = nullptr;
    char buffer[4096];
    if (getpwuid_r(getuid(), &entry, buffer, sizeof(buffer), &found) == 0 && found != nullptr) {
      home = found->pw_dir;
    }
  }
  return home + std::string(path.substr(1));
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int error = errno;
    std::string message = path + ": " + std::generic_category().message(error);
    if (error == ENOENT || error == ENOTDIR) return Status::NotFound(std::move(message));
    return Status::IOError("cannot read " + message);
  }
  std::string contents;
  char buffer[8192];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) contents.append(buffer, n);
  if (std::ferror(file.get())) {
    return Status::IOError("cannot read " + path + ": " + std::generic_category().message(errno));
  }
  return contents;
}

namespace {

// A cursor over a timestamp; each Read* consumes what it matched.
struct TimestampCursor {
  std::string_view text;
  size_t pos = 0;

  bool ReadDigits(int count, int* out) {
    int value = 0;
    for (int i = 0; i < count; ++i, ++pos) {
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return false;
      value = value * 10 + (text[pos] - '0');
    }
    *out = value;
    return true;
  }
  bool ReadChar(std::string_view any_of) {
    if (pos >= text.size() || any_of.find(text[pos]) == std::string_view::npos) return false;
    ++pos;
    return true;
  }
};

// Read "Z" or "+hh:mm" / "-hhmm" into a UTC offset.
bool ReadUtcOffset(TimestampCursor* c, std::chrono::minutes* offset) {
  if (c->ReadChar("Zz")) {
    *offset = std::chrono::minutes(0);
    return true;
  }
  if (c->pos >= c->text.size()) return false;
  const char sign = c->text[c->pos];
  if (!c->ReadChar("+-")) return false;
  int hours = 0;
  int minutes = 0;
  if (!c->ReadDigits(2, &hours)) return false;
  c->ReadChar(":");
  if (!c->ReadDigits(2, &minutes) || hours > 23 || minutes > 59) return false;
  *offset = std::chrono::minutes(hours * 60 + minutes) * (sign == '-' ? -1 : 1);
  return true;
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text) {
  using namespace std::chrono;
  // Timestamps are not secret, but bound what a message may quote.
  const Status bad =
      Status::IOError("malformed ISO 8601 timestamp \"" + std::string(text.substr(0, 40)) + "\"");
  TimestampCursor c{TrimWhitespace(text)};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!c.ReadDigits(4, &y) || !c.ReadChar("-") || !c.ReadDigits(2, &mo) || !c.ReadChar("-") ||
      !c.ReadDigits(2, &d) || !c.ReadChar("Tt ") || !c.ReadDigits(2, &h) || !c.ReadChar(":") ||
      !c.ReadDigits(2, &mi) || !c.ReadChar(":") || !c.ReadDigits(2, &s)) {
    return bad;
  }
  if (c.ReadChar(".")) {
    // Fractional seconds are dropped: the expiration only moves earlier, which is safe.
    int digit = 0;
    if (!c.ReadDigits(1, &digit)) return bad;
    while (c.ReadDigits(1, &digit)) {
    }
  }
  minutes offset{0};
  if (!ReadUtcOffset(&c, &offset) || c.pos != c.text.size()) return bad;
  const year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                            day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return bad;
  s = std::min(s, 59);  // a leap second
  const sys_seconds instant = sys_days(date) + hours(h) + minutes(mi) + seconds(s) - offset;
  // system_clock counts nanoseconds in an int64 (years 1677..2262), and the credentials cache
  // subtracts refresh windows and lifetimes from an expiration: keep it within a range where
  // none of that overflows. Earlier is already expired, later is the far future all the same.
  constexpr sys_seconds kEarliest{};                   // 1970-01-01T00:00:00Z
  constexpr sys_seconds kLatest{seconds(7258118400)};  // 2200-01-01T00:00:00Z
  return time_point_cast<system_clock::duration>(std::clamp(instant, kEarliest, kLatest));
}

namespace {

// Return the string member `key` of `object`, or nullopt when absent or not a string.
std::optional<std::string> StringMember(const json::Value& object, std::string_view key) {
  const json::Value* value = object.Find(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->text();
}

}  // namespace

Result<ExpiringCredentials> ParseCredentialsJson(std::string_view body, std::string_view source,
                                                 bool require_session) {
  const std::string where(source);
  Result<json::Value> parsed = json::Parse(body);
  if (!parsed.ok()) {
    return Status::IOError(where + ": malformed credentials JSON: " + parsed.status().message());
  }
  const json::Value& doc = *parsed;
  if (!doc.is_object()) return Status::IOError(where + ": credentials JSON is not an object");
  // IMDS reports failures in-band: {"Code": "...", "Message": "..."} (botocore checks "Code").
  if (auto code = StringMember(doc, "Code"); code && *code != "Success") {
    return Status::IOError(where + ": credentials response has Code " + code->substr(0, 64));
  }
  ExpiringCredentials out;
  std::optional<std::string> key = StringMember(doc, "AccessKeyId");
  std::optional<std::string> secret = StringMember(doc, "SecretAccessKey");
  std::optional<std::string> token = StringMember(doc, "Token");
  std::optional<std::string> expiration = StringMember(doc, "Expiration");
  for (auto [field, value] : {std::pair{"AccessKeyId", &key},
                              {"SecretAccessKey", &secret},
                              {"Token", &token},
                              {"Expiration", &expiration}}) {
    const bool required = require_session || field[0] == 'A' || field[0] == 'S';
    if (required && (!*value || (*value)->empty())) {
      return Status::IOError(where + ": credentials response has no " + field);
    }
  }
  out.credentials.access_key_id = std::move(*key);
  out.credentials.secret_access_key = std::move(*secret);
  if (token) out.credentials.session_token = std::move(*token);
  if (expiration && !expiration->empty()) {
    Result<std::chrono::system_clock::time_point> when = ParseIso8601(*expiration);
    if (!when.ok()) return when.status().WithContext(where + ": Expiration");
    out.expiration = *when;
  }
  return out;
}

}  // namespace datalake::aws
