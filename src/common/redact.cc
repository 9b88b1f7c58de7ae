#include "common/redact.h"

namespace datalake {
namespace {

// A letter, digit, '_' or a byte of a multi-byte UTF-8 character: part of a word.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || u == '_' || (u >= '0' && u <= '9') ||
         ((u | 0x20) >= 'a' && (u | 0x20) <= 'z');
}

}  // namespace

std::string MaskSecret(std::string_view text, std::string_view secret, std::string_view mask) {
  if (secret.empty() || text.find(secret) == std::string_view::npos) return std::string(text);
  const bool whole_words_only = secret.size() < kMinSubstringSecretBytes;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (size_t hit = text.find(secret); hit != std::string_view::npos;
       hit = text.find(secret, hit + 1)) {
    if (hit < pos) continue;
    const size_t end = hit + secret.size();
    if (whole_words_only &&
        ((hit > 0 && IsWordByte(text[hit - 1])) || (end < text.size() && IsWordByte(text[end])))) {
      continue;
    }
    out.append(text, pos, hit - pos).append(mask);
    pos = end;
  }
  out.append(text, pos, std::string_view::npos);
  return out;
}

}  // namespace datalake
