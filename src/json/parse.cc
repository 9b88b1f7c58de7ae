// A strict RFC 8259 recursive-descent parser (duplicate keys rejected, depth bounded).
#include <string>

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

  bool ParseHex4(uint32_t* out) {
    if (s_.size() - pos_ < 4) return SetError("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return SetError("invalid \\u escape");
      }
    }
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
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

  bool ParseString(std::string* out) {
    ++pos_;  // opening quote
    size_t run_start = pos_;
    while (true) {
      if (pos_ >= s_.size()) return SetError("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        out->append(s_.substr(run_start, pos_ - run_start));
        ++pos_;
        break;
      }
      if (c < 0x20) return SetError("control character in string");
      if (c != '\\') {
        ++pos_;
        continue;
      }
      out->append(s_.substr(run_start, pos_ - run_start));
      ++pos_;
      if (pos_ >= s_.size()) return SetError("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!ParseHex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (s_.substr(pos_, 2) != "\\u") return SetError("unpaired surrogate");
            pos_ += 2;
            if (!ParseHex4(&low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return SetError("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return SetError("unpaired surrogate");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return SetError("invalid escape");
      }
      run_start = pos_;
    }
    if (!IsValidUtf8(*out)) return SetError("invalid UTF-8 in string");
    return true;
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

Result<Value> Parse(std::string_view text, const ParseOptions& options) {
  Parser parser(text, options);
  return parser.ParseDocument();
}

}  // namespace datalake::json
