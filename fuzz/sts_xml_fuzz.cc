// Fuzz target: the STS response parser (aws::ParseAssumeRoleResponse, for AssumeRole and
// AssumeRoleWithWebIdentity) and the ISO 8601 expirations in it (ParseIso8601).
//
// Each input is used twice:
// 1. as a response body for both actions. Invariants: no crash (ASan, UBSan); success means
//    non-empty access key, secret key and session token and an expiration; a failure is
//    kIOError.
// 2. as the choices (FuzzedDataProvider) for a response written like STS writes one: any
//    namespace prefix, credentials with surrounding whitespace, an expiration with any date and
//    time fields, fraction and zone offset, sometimes a member missing. Invariants: a complete
//    response parses to exactly the values written (trimmed) and the instant the expiration
//    names, computed here independently; an incomplete one, or a date or time out of range,
//    fails; no error message contains the secret key or the session token. (Expirations outside
//    1970..2200 read as its ends: found by this target, years past 2262 overflowed.)
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "aws/s3_xml.h"  // XmlEscape
#include "aws/sts.h"
#include "fuzz_util.h"
#include "json/json.h"

namespace datalake::fuzzing {
namespace {

constexpr std::string_view kActions[] = {"AssumeRole", "AssumeRoleWithWebIdentity"};

void CheckRaw(std::string_view body) {
  for (std::string_view action : kActions) {
    Result<aws::AssumedRole> role = aws::ParseAssumeRoleResponse(action, body);
    if (!role.ok()) {
      FUZZ_CHECK(role.status().code() == StatusCode::kIOError, role.status().ToString());
      continue;
    }
    const aws::Credentials& c = role->credentials.credentials;
    FUZZ_CHECK(!c.access_key_id.empty() && !c.secret_access_key.empty() &&
                   !c.session_token.empty() && role->credentials.expiration.has_value(),
               "incomplete credentials accepted");
  }
}

bool IsXmlText(std::string_view s) {
  if (!json::IsValidUtf8(s)) return false;
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return s.find("\xEF\xBF\xBE") == std::string_view::npos &&
         s.find("\xEF\xBF\xBF") == std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ValidDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string TwoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%02d", v);
  return buf;
}

void CheckRoundTrip(FuzzedDataProvider& p) {
  const std::string_view action = kActions[p.ConsumeIntegralInRange(0, 1)];
  const std::string prefix = p.ConsumeBool() ? "sts:" : "";
  std::string key = p.ConsumeRandomLengthString(30);
  std::string secret = p.ConsumeRandomLengthString(50);
  std::string token = p.ConsumeRandomLengthString(80);
  std::string arn = p.ConsumeRandomLengthString(40);
  for (std::string* s : {&key, &secret, &token, &arn}) {
    if (!IsXmlText(*s)) s->clear();
  }
  // The expiration: fields in and out of their ranges.
  const int y = p.ConsumeIntegralInRange(0, 9999);
  const int mo = p.ConsumeIntegralInRange(0, 13);
  const int d = p.ConsumeIntegralInRange(0, 32);
  const int h = p.ConsumeIntegralInRange(0, 24);
  const int mi = p.ConsumeIntegralInRange(0, 60);
  const int s = p.ConsumeIntegralInRange(0, 61);
  char year[8];
  std::snprintf(year, sizeof(year), "%04d", y);
  std::string expiration = std::string(year) + "-" + TwoDigits(mo) + "-" + TwoDigits(d) +
                           (p.ConsumeBool() ? "T" : " ") + TwoDigits(h) + ":" + TwoDigits(mi) +
                           ":" + TwoDigits(s);
  if (p.ConsumeBool()) expiration += "." + std::to_string(p.ConsumeIntegral<uint32_t>());
  int offset_minutes = 0;
  bool offset_ok = true;
  switch (p.ConsumeIntegralInRange(0, 2)) {
    case 0:
      expiration += "Z";
      break;
    default: {
      const int oh = p.ConsumeIntegralInRange(0, 24);
      const int om = p.ConsumeIntegralInRange(0, 60);
      const bool minus = p.ConsumeBool();
      expiration += std::string(minus ? "-" : "+") + TwoDigits(oh) + ":" + TwoDigits(om);
      offset_ok = oh <= 23 && om <= 59;
      offset_minutes = (oh * 60 + om) * (minus ? -1 : 1);
    }
  }
  const bool omit = p.ConsumeIntegralInRange(0, 9) == 0;
  const int omitted = p.ConsumeIntegralInRange(0, 3);

  auto element = [&](std::string_view name, std::string_view text) {
    return "<" + prefix + std::string(name) + ">" + aws::XmlEscape(text) + "</" + prefix +
           std::string(name) + ">";
  };
  const std::string ns = "\"https://sts.amazonaws.com/doc/2011-06-15/\"";
  std::string xml = "<" + prefix + std::string(action) + "Response " +
                    (prefix.empty() ? "xmlns=" : "xmlns:sts=") + ns + ">\n  <" + prefix +
                    std::string(action) + "Result>\n    <" + prefix + "Credentials>";
  const std::string_view names[] = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"};
  const std::string values[] = {key, secret, token, expiration};
  for (int i = 0; i < 4; ++i) {
    if (omit && omitted == i) continue;
    xml += "\n      " + element(names[i], values[i]);
  }
  xml += "\n    </" + prefix + "Credentials>\n    <" + prefix + "AssumedRoleUser>" +
         element("AssumedRoleId", "AROA:session") + element("Arn", arn) + "</" + prefix +
         "AssumedRoleUser>\n  </" + prefix + std::string(action) + "Result>\n  <" + prefix +
         "ResponseMetadata><" + prefix + "RequestId>c6104cbe</" + prefix + "RequestId></" + prefix +
         "ResponseMetadata>\n</" + prefix + std::string(action) + "Response>\n";

  const bool complete =
      !omit && !Trim(key).empty() && !Trim(secret).empty() && !Trim(token).empty();
  const bool time_ok = ValidDate(y, mo, d) && h <= 23 && mi <= 59 && s <= 60 && offset_ok;
  Result<aws::AssumedRole> role = aws::ParseAssumeRoleResponse(action, xml);
  if (!role.ok()) {
    const std::string& message = role.status().message();
    // What a message may hold besides: its own words and the expiration it quotes.
    const std::string where = std::string(action) + ": malformed STS response: ";
    std::string words = where + "no " + std::string(action) + "Result/Credentials\n" + where +
                        "malformed ISO 8601 timestamp \"" + expiration.substr(0, 40) + "\"\n";
    for (std::string_view name : names)
      words += where + "no Credentials/" + std::string(name) + "\n";
    for (std::string_view hidden : {Trim(secret), Trim(token)}) {
      FUZZ_CHECK(hidden.size() < 6 || words.find(hidden) != std::string::npos ||
                     message.find(hidden) == std::string::npos,
                 "secret in the message: " + Printable(message));
    }
    FUZZ_CHECK(!complete || !time_ok, "rejected " + Printable(xml) + ": " + message);
    return;
  }
  FUZZ_CHECK(complete && time_ok, "accepted " + Printable(xml));
  const aws::Credentials& c = role->credentials.credentials;
  FUZZ_CHECK(c.access_key_id == Trim(key) && c.secret_access_key == Trim(secret) &&
                 c.session_token == Trim(token),
             Printable(xml));
  // (Text of spaces only reads as empty: pugixml's default drops whitespace-only text; XmlEscape
  // writes the other whitespace as character references.)
  const bool spaces = arn.find_first_not_of(' ') == std::string::npos;
  FUZZ_CHECK(role->assumed_role_arn == (spaces ? "" : arn),
             Printable(arn) + " read as " + Printable(role->assumed_role_arn));
  // Instants outside 1970..2200 read as its ends (credentials_internal.h).
  const int64_t seconds = std::clamp<int64_t>(
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
          mi * 60 + std::min(s, 59) - offset_minutes * 60,
      0, 7258118400);
  const auto got = std::chrono::duration_cast<std::chrono::seconds>(
                       role->credentials.expiration->time_since_epoch())
                       .count();
  FUZZ_CHECK(got == seconds, "expiration " + expiration + " read as " + std::to_string(got) +
                                 " s, expected " + std::to_string(seconds));
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake::fuzzing;
  CheckRaw(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider provider(data, size);
  CheckRoundTrip(provider);
  return 0;
}
