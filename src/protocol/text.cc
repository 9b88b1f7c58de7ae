// Making output strings safe: secret redaction and UTF-8 repair.
#include "protocol/internal.h"

namespace datalake::protocol::internal {
namespace {

constexpr std::string_view kMask = "**********";
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if there is none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

// A letter, digit, '_' or a byte of a multi-byte UTF-8 character: part of a word.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || u == '_' || (u >= '0' && u <= '9') ||
         ((u | 0x20) >= 'a' && (u | 0x20) <= 'z');
}

}  // namespace

std::string ReplaceSecrets(std::string_view s, const std::vector<std::string>& secrets) {
  std::string current(s);
  for (const std::string& secret : secrets) {
    if (secret.empty() || current.find(secret) == std::string::npos) continue;
    // A short secret ("x", "1234") occurs by chance inside unrelated words and numbers: masking
    // those would garble every line ("35887178 b**********tes") and point at the secret. It is
    // masked where it stands alone, as a value printed by itself or quoted would.
    const bool whole_words_only = secret.size() < kMinSubstringSecretBytes;
    std::string next;
    next.reserve(current.size());
    size_t pos = 0;
    for (size_t hit = current.find(secret); hit != std::string::npos;
         hit = current.find(secret, hit + 1)) {
      if (hit < pos) continue;
      const size_t end = hit + secret.size();
      if (whole_words_only && ((hit > 0 && IsWordByte(current[hit - 1])) ||
                               (end < current.size() && IsWordByte(current[end])))) {
        continue;
      }
      next.append(current, pos, hit - pos).append(kMask);
      pos = end;
    }
    next.append(current, pos, std::string::npos);
    current = std::move(next);
  }
  return current;
}

std::string ToValidUtf8(std::string_view s) {
  if (json::IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out.append(kReplacementChar);
      ++i;
    } else {
      out.append(s, i, len);
      i += len;
    }
  }
  return out;
}

}  // namespace datalake::protocol::internal
