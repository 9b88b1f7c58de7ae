// JSON number text: strict RFC 8259 grammar and exact conversions to int64 and double.
//
// The decoder converts numbers from their text (the raw token in the record, or the content of a
// string) rather than through a double, so integral values like 1e3 or 9.223372036854775807e18
// convert exactly and out-of-range values are told apart from malformed ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace datalake::decode {

// The pieces of a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
struct NumberParts {
  bool negative = false;
  std::string_view int_digits;   // one or more digits, no leading zero unless exactly "0"
  std::string_view frac_digits;  // may be empty
  int64_t exponent = 0;          // saturated at +-kMaxExponent
};

// Far beyond any representable magnitude, small enough that exponent arithmetic cannot overflow.
inline constexpr int64_t kMaxExponent = int64_t{1} << 40;

// Return the length of the JSON number that starts at text[pos] (0 if there is none) and fill
// `parts` if it is non-null. The number may be followed by anything.
size_t ScanNumber(std::string_view text, size_t pos, NumberParts* parts);

// True if `text` is exactly one JSON number (no sign '+', no spaces, no NaN/Infinity).
bool ParseNumberParts(std::string_view text, NumberParts* parts);

enum class NumberFit {
  kOk,
  kOutOfRange,   // a number, but beyond the target's range
  kNotIntegral,  // a number with a fractional part (int64 only)
  kInvalid,      // not a JSON number
  kUnderflow,    // a nonzero number too small for a double: *out is the zero of its sign
};

// Convert a JSON number text to int64. Integral values written with a fraction or exponent
// ("2.0", "1e3", "-0") convert exactly.
NumberFit NumberTextToInt64(std::string_view text, int64_t* out);

// Convert a JSON number text to the nearest double. Overflow is kOutOfRange; values too small for
// a double become (signed) zero, as every JSON parser does.
NumberFit NumberTextToDouble(std::string_view text, double* out);

}  // namespace datalake::decode
