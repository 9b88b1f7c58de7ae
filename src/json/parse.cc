// A strict RFC 8259 recursive-descent parser (duplicate keys rejected, depth bounded).
#include <string>

#include "json/internal.h"
#include "json/json.h"

namespace datalake::json {
namespace {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : s_(text), options_(options) {}

  Result<Value> ParseDocument() {
    SkipSpace();
    Value v;
    if (!ParseValue(&v, 0)) return Fail();
    SkipSpace();
    if (pos_ != s_.size()) {
      error_ = "unexpected content after the JSON value";
      return Fail();
    }
    return v;
  }

 private:
  Status Fail() const {
    return Status::InvalidInput("invalid JSON at byte " + std::to_string(pos_) + ": " + error_);
  }

  bool SetError(const char* what) {
    if (error_.empty()) error_ = what;
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return SetError("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool ParseValue(Value* out, int depth) {
    if (pos_ >= s_.size()) return SetError("unexpected end of input");
    switch (s_[pos_]) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"': {
        std::string str;
        if (!ParseString(&str)) return false;
        *out = Value::String(std::move(str));
        return true;
      }
      case 't':
        if (!Literal("true")) return false;
        *out = Value::Bool(true);
        return true;
      case 'f':
        if (!Literal("false")) return false;
        *out = Value::Bool(false);
        return true;
      case 'n':
        if (!Literal("null")) return false;
        *out = Value::Null();
        return true;
      default:
        return ParseNumber(out);
    }
  }

  bool ParseNumber(Value* out) {
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
        ++pos_;
      } else {
        break;
      }
    }
    std::string_view text = s_.substr(start, pos_ - start);
    if (text.empty()) return SetError("unexpected character");
    if (!IsValidNumber(text)) {
      pos_ = start;
      return SetError("invalid number");
    }
    *out = Value::NumberText(std::string(text));
    return true;
  }

  bool ParseString(std::string* out) {
    const char* error = internal::ReadString(s_, &pos_, out);
    return error == nullptr || SetError(error);
  }

  bool ParseArray(Value* out, int depth) {
    if (depth > options_.max_depth) return SetError("nesting too deep");
    ++pos_;
    std::vector<Value> items;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      *out = Value::Array(std::move(items));
      return true;
    }
    while (true) {
      SkipSpace();
      Value item;
      if (!ParseValue(&item, depth)) return false;
      items.push_back(std::move(item));
      SkipSpace();
      if (pos_ >= s_.size()) return SetError("unterminated array");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        break;
      }
      return SetError("expected ',' or ']'");
    }
    *out = Value::Array(std::move(items));
    return true;
  }

  bool ParseObject(Value* out, int depth) {
    if (depth > options_.max_depth) return SetError("nesting too deep");
    ++pos_;
    Value obj = Value::Object();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      *out = std::move(obj);
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return SetError("expected a member name");
      std::string key;
      if (!ParseString(&key)) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return SetError("expected ':'");
      ++pos_;
      SkipSpace();
      Value v;
      if (!ParseValue(&v, depth)) return false;
      if (obj.Find(key) != nullptr) return SetError("duplicate member name");
      obj.mutable_members().emplace_back(std::move(key), std::move(v));
      SkipSpace();
      if (pos_ >= s_.size()) return SetError("unterminated object");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        break;
      }
      return SetError("expected ',' or '}'");
    }
    *out = std::move(obj);
    return true;
  }

  std::string_view s_;
  const ParseOptions& options_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

namespace internal {
namespace {

// Read the four hex digits of a \u escape at s[*pos]; return the reason when they are not.
const char* ReadHex4(std::string_view s, size_t* pos, uint32_t* out) {
  if (s.size() - *pos < 4) return "truncated \\u escape";
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = s[(*pos)++];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v |= c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v |= c - 'A' + 10;
    } else {
      return "invalid \\u escape";
    }
  }
  *out = v;
  return nullptr;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The character an escape other than \u stands for, or 0 for an invalid escape.
char SimpleEscape(char e) {
  switch (e) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

}  // namespace

const char* ReadString(std::string_view s, size_t* pos, std::string* out, bool lone_surrogates) {
  const size_t open = *pos;
  const size_t out_start = out != nullptr ? out->size() : 0;
  size_t i = open + 1;
  size_t run_start = i;
  while (true) {
    if (i >= s.size()) {
      *pos = i;
      return "unterminated string";
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') break;
    if (c < 0x20) {
      *pos = i;
      return "control character in string";
    }
    if (c != '\\') {
      ++i;
      continue;
    }
    if (out != nullptr) out->append(s.substr(run_start, i - run_start));
    ++i;
    if (i >= s.size()) {
      *pos = i;
      return "unterminated string";
    }
    char e = s[i++];
    if (e == 'u') {
      uint32_t cp;
      if (const char* error = ReadHex4(s, &i, &cp)) {
        *pos = i;
        return error;
      }
      if (lone_surrogates && cp >= 0xD800 && cp <= 0xDFFF) {
        // Checked only: the hex digits were read; whatever follows is read on its own.
      } else if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low;
        if (s.substr(i, 2) != "\\u") {
          *pos = i;
          return "unpaired surrogate";
        }
        i += 2;
        if (const char* error = ReadHex4(s, &i, &low)) {
          *pos = i;
          return error;
        }
        if (low < 0xDC00 || low > 0xDFFF) {
          *pos = i;
          return "unpaired surrogate";
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        *pos = i;
        return "unpaired surrogate";
      }
      if (out != nullptr) AppendUtf8(cp, out);
    } else {
      const char decoded = SimpleEscape(e);
      if (decoded == 0) {
        *pos = i;
        return "invalid escape";
      }
      if (out != nullptr) out->push_back(decoded);
    }
    run_start = i;
  }
  // Escapes are ASCII and decode to well-formed UTF-8: checking the text as written (or the
  // unescaped string) is the same check.
  bool valid_utf8;
  if (out != nullptr) {
    out->append(s.substr(run_start, i - run_start));
    valid_utf8 = IsValidUtf8(std::string_view(*out).substr(out_start));
  } else {
    valid_utf8 = IsValidUtf8(s.substr(open + 1, i - open - 1));
  }
  *pos = i + 1;
  return valid_utf8 ? nullptr : "invalid UTF-8 in string";
}

}  // namespace internal

Result<Value> Parse(std::string_view text, const ParseOptions& options) {
  Parser parser(text, options);
  return parser.ParseDocument();
}

}  // namespace datalake::json
