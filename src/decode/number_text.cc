#include "decode/number_text.h"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace datalake::decode {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The significant digits of a number as a virtual string: int_digits followed by frac_digits.
class DigitString {
 public:
  explicit DigitString(const NumberParts& parts)
      : int_(parts.int_digits), frac_(parts.frac_digits) {}
  int64_t size() const { return static_cast<int64_t>(int_.size() + frac_.size()); }
  int64_t int_size() const { return static_cast<int64_t>(int_.size()); }
  int64_t frac_size() const { return static_cast<int64_t>(frac_.size()); }
  int operator[](int64_t i) const {
    return i < int_size() ? int_[i] - '0' : frac_[static_cast<size_t>(i - int_size())] - '0';
  }
  // Index of the first non-zero digit, or size() if all are zero.
  int64_t FirstNonZero() const {
    int64_t i = 0;
    while (i < size() && (*this)[i] == 0) ++i;
    return i;
  }

 private:
  std::string_view int_;
  std::string_view frac_;
};

constexpr uint64_t kInt64Magnitude = uint64_t{1} << 63;  // |INT64_MIN|

NumberFit FinishInt64(bool negative, uint64_t magnitude, int64_t* out) {
  if (negative) {
    if (magnitude > kInt64Magnitude) return NumberFit::kOutOfRange;
    *out = magnitude == kInt64Magnitude ? INT64_MIN : -static_cast<int64_t>(magnitude);
  } else {
    if (magnitude >= kInt64Magnitude) return NumberFit::kOutOfRange;
    *out = static_cast<int64_t>(magnitude);
  }
  return NumberFit::kOk;
}

// Accumulate digits[begin, end) and then `zeros` more zeros into `magnitude`; false on overflow.
bool Accumulate(const DigitString& digits, int64_t begin, int64_t end, int64_t zeros,
                uint64_t* magnitude) {
  uint64_t v = 0;
  for (int64_t i = begin; i < end + zeros; ++i) {
    const int d = i < end ? digits[i] : 0;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(d);
  }
  *magnitude = v;
  return true;
}

}  // namespace

size_t ScanNumber(std::string_view text, size_t pos, NumberParts* parts) {
  const size_t n = text.size();
  size_t i = pos;
  NumberParts p;
  if (i < n && text[i] == '-') {
    p.negative = true;
    ++i;
  }
  const size_t int_start = i;
  if (i < n && text[i] == '0') {
    ++i;
  } else if (i < n && text[i] >= '1' && text[i] <= '9') {
    while (i < n && IsDigit(text[i])) ++i;
  } else {
    return 0;
  }
  p.int_digits = text.substr(int_start, i - int_start);
  if (i < n && text[i] == '.') {
    const size_t frac_start = ++i;
    while (i < n && IsDigit(text[i])) ++i;
    if (i == frac_start) return 0;
    p.frac_digits = text.substr(frac_start, i - frac_start);
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    const size_t exp_start = i;
    int64_t exponent = 0;
    for (; i < n && IsDigit(text[i]); ++i) {
      exponent = exponent >= kMaxExponent ? kMaxExponent : exponent * 10 + (text[i] - '0');
    }
    if (i == exp_start) return 0;
    if (exponent > kMaxExponent) exponent = kMaxExponent;
    p.exponent = negative_exponent ? -exponent : exponent;
  }
  if (parts != nullptr) *parts = p;
  return i - pos;
}

bool ParseNumberParts(std::string_view text, NumberParts* parts) {
  return !text.empty() && ScanNumber(text, 0, parts) == text.size();
}

NumberFit NumberTextToInt64(std::string_view text, int64_t* out) {
  NumberParts parts;
  if (!ParseNumberParts(text, &parts)) return NumberFit::kInvalid;
  const DigitString digits(parts);
  if (parts.frac_digits.empty() && parts.exponent == 0) {
    // A plain integer literal, the common case.
    if (digits.size() > 20) return NumberFit::kOutOfRange;
    uint64_t magnitude;
    if (!Accumulate(digits, 0, digits.size(), 0, &magnitude)) return NumberFit::kOutOfRange;
    return FinishInt64(parts.negative, magnitude, out);
  }
  const int64_t first = digits.FirstNonZero();
  if (first == digits.size()) {  // 0.0, -0e5, ...
    *out = 0;
    return NumberFit::kOk;
  }
  int64_t last = digits.size() - 1;
  while (digits[last] == 0) --last;
  // value = digits[first..last] * 10^scale
  const int64_t scale = parts.exponent - digits.frac_size() + (digits.size() - 1 - last);
  if (scale < 0) return NumberFit::kNotIntegral;
  if ((last - first + 1) + scale > 20) return NumberFit::kOutOfRange;
  uint64_t magnitude;
  if (!Accumulate(digits, first, last + 1, scale, &magnitude)) return NumberFit::kOutOfRange;
  return FinishInt64(parts.negative, magnitude, out);
}

NumberFit NumberTextToDouble(std::string_view text, double* out) {
  NumberParts parts;
  if (!ParseNumberParts(text, &parts)) return NumberFit::kInvalid;
  double value;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    *out = value;
    return NumberFit::kOk;
  }
  if (ec != std::errc::result_out_of_range) return NumberFit::kInvalid;
  // Out of range either way: tell overflow from underflow by the decimal magnitude of the first
  // significant digit (the number is not zero, or it would be in range).
  const DigitString digits(parts);
  const int64_t magnitude = digits.int_size() - 1 - digits.FirstNonZero() + parts.exponent;
  if (magnitude > 0) return NumberFit::kOutOfRange;
  *out = parts.negative ? -0.0 : 0.0;
  return NumberFit::kUnderflow;
}

}  // namespace datalake::decode
