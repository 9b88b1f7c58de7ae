#include "decode/decimal.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "decode/number_text.h"

namespace datalake::decode {
namespace {

// The significant digits of a number, digit(i) for any i (zero outside the written digits).
class Digits {
 public:
  explicit Digits(const NumberParts& parts)
      : int_(parts.int_digits),
        frac_(parts.frac_digits),
        size_(static_cast<int64_t>(int_.size() + frac_.size())) {}
  int64_t size() const { return size_; }
  char At(int64_t i) const {
    if (i < 0 || i >= size_) return '0';
    const auto int_size = static_cast<int64_t>(int_.size());
    return i < int_size ? int_[i] : frac_[static_cast<size_t>(i - int_size)];
  }

 private:
  std::string_view int_;
  std::string_view frac_;
  int64_t size_;
};

// Add one unit in the last place of the digit string `out`; false if it carried out of the top.
bool Increment(std::string* out) {
  for (size_t i = out->size(); i-- > 0;) {
    if ((*out)[i] != '9') {
      ++(*out)[i];
      return true;
    }
    (*out)[i] = '0';
  }
  return false;
}

// Insert the point before the last `scale` digits and drop trailing fraction zeros.
void PlacePoint(std::string* out, size_t scale) {
  size_t frac = scale;
  while (frac > 0 && out->back() == '0') {
    out->pop_back();
    --frac;
  }
  if (frac > 0) out->insert(out->size() - frac, 1, '.');
}

}  // namespace

DecimalFit NumberTextToDecimal(std::string_view text, int precision, int scale, std::string* out) {
  out->clear();
  NumberParts parts;
  if (!ParseNumberParts(text, &parts)) return DecimalFit::kInvalid;
  precision = std::max(precision, 0);
  scale = std::clamp(scale, 0, precision);
  const int64_t max_int_digits = precision - scale;

  const Digits digits(parts);
  int64_t first = 0;  // first non-zero digit
  while (first < digits.size() && digits.At(first) == '0') ++first;
  if (first == digits.size()) {
    out->push_back('0');
    return DecimalFit::kExact;
  }
  // Digits [0, point) are the integer part; the exponent moves the point.
  const int64_t point = static_cast<int64_t>(parts.int_digits.size()) + parts.exponent;
  if (point - first > max_int_digits) return DecimalFit::kTooLarge;

  // Integer digits (or a single "0"), then exactly `scale` fraction digits.
  if (point > first) {
    for (int64_t i = first; i < point; ++i) out->push_back(digits.At(i));
  } else {
    out->push_back('0');
  }
  for (int64_t i = point; i < point + scale; ++i) out->push_back(digits.At(i));

  // Everything from point + scale on is dropped; round half away from zero on the first of them.
  const int64_t cut = point + scale;
  bool dropped_non_zero = false;
  for (int64_t i = std::max(cut, first); i < digits.size() && !dropped_non_zero; ++i) {
    dropped_non_zero = digits.At(i) != '0';
  }
  if (digits.At(cut) >= '5' && !Increment(out)) out->insert(out->begin(), '1');
  const size_t int_digits = out->size() - static_cast<size_t>(scale);
  const bool int_is_zero = int_digits == 1 && (*out)[0] == '0';
  if (!int_is_zero && static_cast<int64_t>(int_digits) > max_int_digits) {
    out->clear();
    return DecimalFit::kTooLarge;
  }
  PlacePoint(out, static_cast<size_t>(scale));
  if (parts.negative && *out != "0") out->insert(out->begin(), '-');
  return dropped_non_zero ? DecimalFit::kRounded : DecimalFit::kExact;
}

}  // namespace datalake::decode
