#include "format/json_string.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace datalake::format {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Bytes the escaping loop must look at: controls, '"', '\\', and 0xE2 (the first byte of
// U+2028 and U+2029).
constexpr std::array<bool, 256> MakeSpecialTable() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  table[0xE2] = true;
  return table;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecialTable();

// True if some byte of `w` equals `b`. (The classic "has zero byte" test: exact as a yes/no.)
inline bool HasByte(uint64_t w, uint8_t b) {
  uint64_t x = w ^ (kOnes * b);
  return ((x - kOnes) & ~x & kHighs) != 0;
}

// True if some byte of `w` is special. Lets plain text be skipped eight bytes at a time.
inline bool HasSpecial(uint64_t w) {
  bool has_control = ((w - kOnes * 0x20) & ~w & kHighs) != 0;
  return has_control || HasByte(w, '"') || HasByte(w, '\\') || HasByte(w, 0xE2);
}

void AppendEscapedByte(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out->append("\\\"");
      return;
    case '\\':
      out->append("\\\\");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    default: {
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(escape, sizeof(escape));
    }
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;  // start of the bytes not yet copied to `out`
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof(word));
      if (!HasSpecial(word)) {
        p += 8;
        continue;
      }
    }
    // Look at the next (up to) eight bytes one by one.
    const char* stop = end - p > 8 ? p + 8 : end;
    while (p < stop) {
      unsigned char c = static_cast<unsigned char>(*p);
      if (!kSpecial[c]) {
        ++p;
        continue;
      }
      if (c == 0xE2) {
        bool line_break = end - p >= 3 && p[1] == '\x80' && (p[2] == '\xA8' || p[2] == '\xA9');
        if (!line_break) {
          ++p;
          continue;
        }
        out->append(run, p);
        out->append(p[2] == '\xA8' ? "\\u2028" : "\\u2029");
        p += 3;
      } else {
        out->append(run, p);
        AppendEscapedByte(c, out);
        ++p;
      }
      run = p;
    }
  }
  out->append(run, end);
  out->push_back('"');
}

}  // namespace datalake::format
