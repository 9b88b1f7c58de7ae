// Column-name sanitising and collision resolution (SanitizeName, UniqueColumnNames).
//
// SanitizeName reproduces awswrangler 3.7.1's `_sanitize_name`, which the original connector
// applies to every top-level column name:
//   name = "".join(c for c in unicodedata.normalize("NFD", name) if category(c) != "Mn")
//   return re.sub("[^A-Za-z0-9_]+", "_", name).lower()
// Only canonical decomposition (NFD) is used, so letters without one (ß, æ, ø, ł, đ, œ, the
// "ﬁ" ligature, full-width letters) are not transliterated: they fall into a '_' run like any
// other non-ASCII character. Non-Latin text (Japanese, Cyrillic, Greek) becomes '_' runs too.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "schema/schema.h"

namespace datalake::schema {
namespace {

// Lowercase ASCII base letter of each code point whose NFD is one ASCII letter plus combining
// marks ('.' = none). Generated with Python 3.11's unicodedata (Unicode 14.0) from exactly the
// expression above; outside these ranges only U+212A KELVIN SIGN and U+212B ANGSTROM SIGN
// decompose to an ASCII letter.
constexpr char32_t kLatin1First = 0x00C0;  // Latin-1 Supplement .. Latin Extended-B
constexpr std::string_view kLatin1Bases =
    "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.y"  // U+00C0
    "aaaaaaccccccccdd..eeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll."  // U+0100
    "...nnnnnn...oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzz."  // U+0140
    "................................oo.............uu..............."  // U+0180
    ".............aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa...."  // U+01C0
    "aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy............"  // U+0200
    "................";                                                 // U+0240
// Latin Extended Additional (Vietnamese and others).
constexpr char32_t kLatinAdditionalFirst = 0x1E00;
constexpr std::string_view kLatinAdditionalBases =
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm"   // U+1E00
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv"   // U+1E40
    "wwwwwwwwwwxxxxyyzzzzzzhtwy......aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"   // U+1E80
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy......";  // U+1EC0

// Return the lowercase ASCII letter `cp` decomposes to, or 0.
char AsciiBase(char32_t cp) {
  auto lookup = [cp](char32_t first, std::string_view table) -> char {
    if (cp < first || cp - first >= table.size()) return 0;
    const char c = table[cp - first];
    return c == '.' ? 0 : c;
  };
  if (char c = lookup(kLatin1First, kLatin1Bases)) return c;
  if (char c = lookup(kLatinAdditionalFirst, kLatinAdditionalBases)) return c;
  if (cp == 0x212A) return 'k';
  if (cp == 0x212B) return 'a';
  return 0;
}

// True for the combining-mark blocks Latin text uses (all of category Mn): they vanish, as in
// the original. Marks of other scripts are treated as ordinary non-ASCII characters; that can
// only differ from the original when such a mark directly touches an ASCII letter or digit.
// (Checked against the Python expression for every code point below U+30000, alone and between
// two ASCII letters: those marks are the only differences.)
bool IsCombiningMark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

constexpr char32_t kReplacement = 0xFFFD;

// Decode the UTF-8 sequence at s[pos]. An invalid byte (also overlong forms, surrogates, values
// above U+10FFFF) decodes as U+FFFD with length 1, so it sanitises to '_' like other non-ASCII
// characters and can never pass for an accented letter.

std::pair<char32_t, size_t> DecodeUtf8(std::string_view s, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  size_t len = 0;
  char32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    cp = lead & 0x07;
  } else {
    return {kReplacement, 1};
  }
  if (pos + len > s.size()) return {kReplacement, 1};
  for (size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return {kReplacement, 1};
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return {kReplacement, 1};
  }
  return {cp, len};
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// FNV-1a, 64 bit: tiny, stable across platforms and releases (std::hash is neither), and good
// enough to separate column names. Suffixes are persisted in Glue tables, so never change it.
uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// The hash as 16 lowercase hex digits, most significant first.
std::string HashHex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  uint64_t h = Fnv1a64(raw);
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i) {
    hex[i] = kDigits[h & 0xF];
    h >>= 4;
  }
  return hex;
}

std::string Shorten(std::string_view name, size_t max_bytes) {
  if (name.size() <= max_bytes) return std::string(name);
  const std::string suffix = "_" + HashHex(name);
  size_t keep = max_bytes > suffix.size() ? max_bytes - suffix.size() : 0;
  // Cut before a UTF-8 continuation byte, never inside a character.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return std::string(name.substr(0, keep)) + suffix;
}

// Return the first free name among base_<8 hex>, base_<16 hex>, base_<16 hex>_2, _3, ...
// (`taken` holds names as `fold` turns them).
template <typename Fold>
std::string SuffixedName(const std::string& full_base, std::string_view raw,
                         const std::unordered_set<std::string>& taken, const Fold& fold) {
  const std::string hex = HashHex(raw);
  // Room for the longest suffix ("_" + 16 hex + "_n") within Glue's limit.
  const std::string base =
      full_base.size() + 24 > kMaxNameBytes ? full_base.substr(0, kMaxNameBytes - 24) : full_base;
  std::string candidate = base + "_" + hex.substr(0, 8);
  if (!taken.contains(fold(candidate))) return candidate;
  candidate = base + "_" + hex;
  if (!taken.contains(fold(candidate))) return candidate;
  // Only reachable with identical raw names (possible for a programmatic schema) or a full
  // 64-bit hash collision; a counter keeps the result unique.
  for (int n = 2;; ++n) {
    std::string numbered = candidate + "_" + std::to_string(n);
    if (!taken.contains(fold(numbered))) return numbered;
  }
}

// SanitizeName (lowercase = true) and SanitizeFieldName (ASCII letters keep their case).
std::string Sanitize(std::string_view name, bool lowercase) {
  std::string out;
  out.reserve(name.size());
  bool in_run = false;  // the last character written is a '_' standing for a run
  auto add_run = [&] {
    if (!in_run) out += '_';
    in_run = true;
  };
  size_t pos = 0;
  while (pos < name.size()) {
    const char c = name[pos];
    if (static_cast<unsigned char>(c) < 0x80) {
      ++pos;
      if (IsWordChar(c)) {
        out += lowercase ? AsciiLower(c) : c;
        in_run = false;
      } else {
        add_run();
      }
      continue;
    }
    const auto [cp, len] = DecodeUtf8(name, pos);
    pos += len;
    // Marks are removed before the regex runs, so they neither start nor break a run.
    if (IsCombiningMark(cp)) continue;
    if (const char base = AsciiBase(cp)) {
      out += base;
      in_run = false;
    } else {
      add_run();
    }
  }
  if (out.empty()) out.push_back('_');  // push_back: g++ 12 -O3 warns (falsely) on = "_"
  if (out.size() > kMaxNameBytes) return Shorten(out, kMaxNameBytes);
  return out;
}

// Resolve collisions among `names` (raw) sanitised to `sanitized`, where two names collide when
// their folded forms are equal (`fold_case`: ignoring ASCII case). The keeper of each folded
// name is a raw name already in sanitised form, else the smallest raw name; every other one gets
// a hash suffix.
// Names in `taken_before` (folded) are not free either.
std::vector<std::string> ResolveCollisions(const std::vector<std::string>& names,
                                           std::vector<std::string> sanitized, bool fold_case,
                                           const std::unordered_set<std::string>& taken_before) {
  const size_t n = names.size();
  auto folded = [&](const std::string& s) { return fold_case ? AsciiLowercase(s) : s; };
  std::vector<std::string> keys(n);
  for (size_t i = 0; i < n; ++i) keys[i] = folded(sanitized[i]);

  // Strict comparisons keep the first of identical raw names.
  auto better = [&](size_t a, size_t b) {
    const bool a_exact = names[a] == sanitized[a];
    const bool b_exact = names[b] == sanitized[b];
    if (a_exact != b_exact) return a_exact;
    return names[a] < names[b];
  };
  std::unordered_map<std::string, size_t> keeper;
  for (size_t i = 0; i < n; ++i) {
    if (taken_before.contains(keys[i])) continue;  // nobody keeps a taken name
    auto [it, inserted] = keeper.try_emplace(keys[i], i);
    if (!inserted && better(i, it->second)) it->second = i;
  }

  std::vector<std::string> result(n);
  std::unordered_set<std::string> taken = taken_before;  // folded
  for (const auto& [key, index] : keeper) {
    result[index] = sanitized[index];
    taken.insert(key);
  }
  // Suffix the others in raw-name order, after every keeper has claimed its name, so that the
  // name a raw name gets does not depend on the order of the input.
  std::vector<size_t> others;
  for (size_t i = 0; i < n; ++i) {
    auto it = keeper.find(keys[i]);
    if (it == keeper.end() || it->second != i) others.push_back(i);
  }
  std::stable_sort(others.begin(), others.end(),
                   [&](size_t a, size_t b) { return names[a] < names[b]; });
  for (size_t index : others) {
    result[index] = SuffixedName(sanitized[index], names[index], taken, folded);
    taken.insert(folded(result[index]));
  }
  return result;
}

}  // namespace

std::string ShortenedName(std::string_view name, size_t max_bytes) {
  return Shorten(name, max_bytes);
}

std::string SanitizeName(std::string_view name) { return Sanitize(name, /*lowercase=*/true); }

std::string SanitizeFieldName(std::string_view name) { return Sanitize(name, /*lowercase=*/false); }

bool IsHiveIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsWordChar(c)) return false;
  }
  return true;
}

std::vector<std::string> UniqueColumnNames(const std::vector<std::string>& names) {
  std::vector<std::string> sanitized(names.size());
  for (size_t i = 0; i < names.size(); ++i) sanitized[i] = SanitizeName(names[i]);
  return ResolveCollisions(names, std::move(sanitized), /*fold_case=*/false, {});
}

std::vector<std::string> UniqueNames(const std::vector<std::string>& names,
                                     const std::unordered_set<std::string>& taken) {
  std::vector<std::string> sanitized(names.size());
  for (size_t i = 0; i < names.size(); ++i) sanitized[i] = SanitizeName(names[i]);
  return ResolveCollisions(names, std::move(sanitized), /*fold_case=*/false, taken);
}

std::vector<std::string> UniqueFieldNames(const std::vector<std::string>& names) {
  std::vector<std::string> sanitized(names.size());
  for (size_t i = 0; i < names.size(); ++i) sanitized[i] = SanitizeFieldName(names[i]);
  return ResolveCollisions(names, std::move(sanitized), /*fold_case=*/true, {});
}

}  // namespace datalake::schema
