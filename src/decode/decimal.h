// Exact decimal conversion of JSON number text for decimal(p,s) columns.
#pragma once

#include <string>
#include <string_view>

namespace datalake::decode {

enum class DecimalFit {
  kExact,     // the value fits as is
  kRounded,   // non-zero digits beyond the scale were rounded away
  kTooLarge,  // more than precision - scale integer digits (after rounding)
  kInvalid,   // not a JSON number
};

// Convert the JSON number `text` to canonical decimal text in `out` (replacing its content):
// optional '-', the integer digits without leading zeros ("0" if none), and, if any remain, '.'
// and the fraction digits rounded half away from zero to at most `scale` digits, without trailing
// zeros. Zero is "0" (never "-0"). Works on the digits, never through a double, so any exponent
// form ("1.5e3", "12E-20") converts exactly.
DecimalFit NumberTextToDecimal(std::string_view text, int precision, int scale, std::string* out);

}  // namespace datalake::decode
