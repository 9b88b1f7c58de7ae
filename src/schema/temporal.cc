// Temporal values: RFC 3339 parsing and "YYYY-MM-DD HH:MM:SS.ffffff" rendering.
//
// Everything here is pure integer arithmetic on the proleptic Gregorian calendar (Howard
// Hinnant's days_from_civil / civil_from_days). libc time functions are avoided on purpose: they
// are slow, consult the process time zone and locale, and cannot represent years before 1900 on
// every platform.
//
// Decisions beyond docs/TYPES.md:
// - A leap second (":60") is accepted in any minute and clamped to :59.999999 of that minute, so
//   it sorts after every other instant of the minute and never spills into the next one (a
//   change of the value: the decoder records it as TRUNCATED).
// - After the zone offset is applied, the instant must still lie within
//   0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z ("0001-01-01T00:30:00+01:00" is invalid for
//   a timestamp; with keep_wall_clock the offset is ignored, so it is valid there).
// - A zone offset's hours must be 00-23 and its minutes 00-59.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The date of a day number (Hinnant's civil_from_days). `z` must stay well inside int64 range;
// callers clamp it.
constexpr CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr int64_t kMinDays = DaysFromCivil(1, 1, 1);
constexpr int64_t kMaxDays = DaysFromCivil(9999, 12, 31);
constexpr int64_t kMinMicros = kMinDays * kMicrosPerDay;
constexpr int64_t kMaxMicros = (kMaxDays + 1) * kMicrosPerDay - 1;
static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(CivilFromDays(kMinDays).year == 1 && CivilFromDays(kMaxDays).day == 31);

constexpr bool IsLeapYear(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

constexpr unsigned DaysInMonth(int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parse exactly `n` decimal digits at s[pos..pos+n). The caller guarantees the bounds.
bool Digits(std::string_view s, size_t pos, size_t n, unsigned* out) {
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

// "YYYY-MM-DD" at the start of `s` (which has at least 10 bytes) -> days since the epoch.
std::optional<int64_t> ParseDatePart(std::string_view s) {
  unsigned y, m, d;
  if (!Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &m) || s[7] != '-' ||
      !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

// "[.fraction]" at s[*pos...]: 1-9 digits, truncated to microseconds.
bool ParseFraction(std::string_view s, size_t* pos, int64_t* micros) {
  *micros = 0;
  if (*pos >= s.size() || s[*pos] != '.') return true;
  size_t i = *pos + 1;
  int64_t scale = 100000;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    *micros += (s[i] - '0') * scale;
    scale /= 10;  // reaches 0 after six digits: further digits are truncated
  }
  const size_t count = i - *pos - 1;
  if (count < 1 || count > 9) return false;
  *pos = i;
  return true;
}

// The zone designator ending `s` at s[pos...]: nothing, Z/z, ±HH:MM, ±HHMM or ±HH. Returns the
// offset east of UTC in seconds.
bool ParseZone(std::string_view s, size_t pos, int64_t* offset_seconds) {
  *offset_seconds = 0;
  const size_t rest = s.size() - pos;
  if (rest == 0) return true;
  if (s[pos] == 'Z' || s[pos] == 'z') return rest == 1;
  if (s[pos] != '+' && s[pos] != '-') return false;
  unsigned hours, minutes = 0;
  if (rest == 3) {
    if (!Digits(s, pos + 1, 2, &hours)) return false;
  } else if (rest == 5) {
    if (!Digits(s, pos + 1, 2, &hours) || !Digits(s, pos + 3, 2, &minutes)) return false;
  } else if (rest == 6) {
    if (!Digits(s, pos + 1, 2, &hours) || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &minutes)) {
      return false;
    }
  } else {
    return false;
  }
  if (hours > 23 || minutes > 59) return false;
  const int64_t magnitude = hours * 3600 + minutes * 60;
  *offset_seconds = s[pos] == '-' ? -magnitude : magnitude;
  return true;
}

// The wall-clock time of day in microseconds and the zone offset of the text after the date
// (s[10...], which starts with the separator).
bool ParseTimeAndZone(std::string_view s, int64_t* time_micros, int64_t* offset_seconds,
                      bool* leap_second = nullptr) {
  if (s.size() < 19) return false;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
  unsigned hour, minute, second;
  if (!Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  size_t pos = 19;
  int64_t fraction;
  if (!ParseFraction(s, &pos, &fraction)) return false;
  if (!ParseZone(s, pos, offset_seconds)) return false;
  if (second == 60) {  // leap second: the last representable instant of the minute
    if (leap_second != nullptr) *leap_second = true;
    second = 59;
    fraction = kMicrosPerSecond - 1;
  }
  *time_micros = (hour * 3600 + minute * 60 + second) * kMicrosPerSecond + fraction;
  return true;
}

// Two-digit rendering of 0..99.
char* Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// Render a date as "YYYY-MM-DD". Years outside 0001..9999 (never produced by the parsers) get a
// sign and as many digits as they need, so the output stays unambiguous.
char* PutDate(char* p, int64_t days) {
  // Clamp far outside the calendar's useful range so the arithmetic cannot overflow.
  constexpr int64_t kLimit = int64_t{1} << 50;
  days = days < -kLimit ? -kLimit : (days > kLimit ? kLimit : days);
  const CivilDate date = CivilFromDays(days);
  int64_t year = date.year;
  if (year < 0) {
    *p++ = '-';
    year = -year;
  }
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + year % 10);
    year /= 10;
  } while (year > 0);
  while (n < 4) digits[n++] = '0';
  while (n > 0) *p++ = digits[--n];
  *p++ = '-';
  p = Put2(p, date.month);
  *p++ = '-';
  return Put2(p, date.day);
}

// Floor division and the matching non-negative remainder.
void FloorDivMod(int64_t a, int64_t b, int64_t* q, int64_t* r) {
  *q = a / b;
  *r = a % b;
  if (*r < 0) {
    *r += b;
    *q -= 1;
  }
}

}  // namespace

std::optional<int64_t> ParseTimestampMicros(std::string_view s, bool keep_wall_clock,
                                            bool* leap_second) {
  if (leap_second != nullptr) *leap_second = false;
  if (s.size() < 10) return std::nullopt;
  const std::optional<int64_t> days = ParseDatePart(s);
  if (!days) return std::nullopt;
  if (s.size() == 10) return *days * kMicrosPerDay;
  int64_t time_micros, offset_seconds;
  if (!ParseTimeAndZone(s, &time_micros, &offset_seconds, leap_second)) return std::nullopt;
  int64_t micros = *days * kMicrosPerDay + time_micros;
  if (!keep_wall_clock) micros -= offset_seconds * kMicrosPerSecond;
  if (micros < kMinMicros || micros > kMaxMicros) return std::nullopt;
  return micros;
}

std::optional<int64_t> ParseDateDays(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  const std::optional<int64_t> days = ParseDatePart(s);
  if (!days || s.size() == 10) return days;
  // A date-time: its date as written, once the whole string is known to be valid.
  int64_t time_micros, offset_seconds;
  if (!ParseTimeAndZone(s, &time_micros, &offset_seconds)) return std::nullopt;
  return days;
}

void AppendTimestampMicros(int64_t micros, std::string* out) {
  int64_t days, micros_of_day;
  FloorDivMod(micros, kMicrosPerDay, &days, &micros_of_day);
  const auto seconds_of_day = static_cast<unsigned>(micros_of_day / kMicrosPerSecond);
  auto fraction = static_cast<unsigned>(micros_of_day % kMicrosPerSecond);
  char buf[48];
  char* p = PutDate(buf, days);
  *p++ = ' ';
  p = Put2(p, seconds_of_day / 3600);
  *p++ = ':';
  p = Put2(p, seconds_of_day / 60 % 60);
  *p++ = ':';
  p = Put2(p, seconds_of_day % 60);
  *p++ = '.';
  for (int i = 5; i >= 0; --i) {
    p[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out->append(buf, static_cast<size_t>(p + 6 - buf));
}

std::string FormatTimestampMicros(int64_t micros) {
  std::string out;
  AppendTimestampMicros(micros, &out);
  return out;
}

void AppendDateDays(int64_t days, std::string* out) {
  char buf[32];
  const char* end = PutDate(buf, days);
  out->append(buf, static_cast<size_t>(end - buf));
}

bool TimestampMicrosInRange(int64_t micros) { return micros >= kMinMicros && micros <= kMaxMicros; }

bool DateDaysInRange(int64_t days) { return days >= kMinDays && days <= kMaxDays; }

std::optional<int64_t> MillisToTimestampMicros(int64_t millis) {
  // Compare in milliseconds first: the multiplication is then far from overflowing.
  if (millis < kMinMicros / 1000 || millis > kMaxMicros / 1000) return std::nullopt;
  return millis * 1000;
}

std::string FormatDateDays(int64_t days) {
  std::string out;
  AppendDateDays(days, &out);
  return out;
}

CivilDate DateOfDays(int64_t days) {
  constexpr int64_t kLimit = int64_t{1} << 50;
  return CivilFromDays(days < -kLimit ? -kLimit : (days > kLimit ? kLimit : days));
}

int64_t DaysOfMicros(int64_t micros) {
  int64_t days, rest;
  FloorDivMod(micros, kMicrosPerDay, &days, &rest);
  return days;
}

}  // namespace datalake::schema
