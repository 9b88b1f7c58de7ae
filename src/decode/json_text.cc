#include "decode/json_text.h"

#include <cstddef>
#include <string>
#include <string_view>

#include "decode/number_text.h"

namespace datalake::decode {
namespace {

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Bytes a string scan must stop at: the closing quote, a backslash, or a control character.
struct StopTable {
  bool stop[256] = {};
  constexpr StopTable() {
    for (int c = 0; c < 0x20; ++c) stop[c] = true;
    stop[static_cast<unsigned char>('"')] = true;
    stop[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr StopTable kStop;

// Return the position just after the string starting with the quote at text[pos], or npos.
// UTF-8 was validated by simdjson's first pass over the whole record; escapes are checked here.
size_t ScanString(std::string_view text, size_t pos) {
  const size_t n = text.size();
  size_t i = pos + 1;
  while (true) {
    while (i < n && !kStop.stop[static_cast<unsigned char>(text[i])]) ++i;
    if (i >= n) return std::string_view::npos;
    const char c = text[i];
    if (c == '"') return i + 1;
    if (c != '\\' || i + 1 >= n) return std::string_view::npos;  // control character
    const char e = text[i + 1];
    if (e == 'u') {
      if (i + 5 >= n) return std::string_view::npos;
      for (size_t k = i + 2; k < i + 6; ++k) {
        if (!IsHexDigit(text[k])) return std::string_view::npos;
      }
      i += 6;  // lone surrogates are well-formed JSON text; they are kept as written
    } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
               e == 't') {
      i += 2;
    } else {
      return std::string_view::npos;
    }
  }
}

// Length of the literal `word` at text[pos], or 0.
size_t ScanLiteral(std::string_view text, size_t pos, std::string_view word) {
  return text.substr(pos, word.size()) == word ? word.size() : 0;
}

// Return the position just after the string, number or literal at text[pos]; on malformed text
// set `error_name` to the simdjson name of the problem.
size_t ScanScalar(std::string_view text, size_t pos, const char** error_name) {
  const char c = text[pos];
  size_t length = 0;
  if (c == '"') {
    const size_t end = ScanString(text, pos);
    if (end == std::string_view::npos) *error_name = "STRING_ERROR";
    return end;
  }
  if (c == 't') {
    length = ScanLiteral(text, pos, "true");
  } else if (c == 'f') {
    length = ScanLiteral(text, pos, "false");
  } else if (c == 'n') {
    length = ScanLiteral(text, pos, "null");
  } else {
    length = ScanNumber(text, pos, nullptr);
    const bool numeric = c == '-' || (c >= '0' && c <= '9');
    // "01", "1.2.3": the number's text goes on where the grammar stopped.
    const size_t end = pos + length;
    const bool runs_on =
        length > 0 && end < text.size() &&
        std::string_view("0123456789.eE+-").find(text[end]) != std::string_view::npos;
    if (numeric && (length == 0 || runs_on)) *error_name = "NUMBER_ERROR";
  }
  if (length == 0 && *error_name == nullptr) *error_name = "TAPE_ERROR";
  return pos + length;
}

}  // namespace

Status InvalidJson(std::string_view error_name) {
  std::string message = "record data is not valid JSON (";
  message.append(error_name);
  message.push_back(')');
  return Status::InvalidInput(std::move(message));
}

std::string_view TrimTrailingWhitespace(std::string_view text) {
  size_t n = text.size();
  while (n > 0 && IsJsonWhitespace(text[n - 1])) --n;
  return text.substr(0, n);
}

Status JsonCompactor::Append(std::string_view text, std::string* out) {
  text_ = text;
  out_ = out;
  pos_ = 0;
  copied_ = 0;
  error_ = nullptr;
  stack_.clear();
  SkipWhitespace();
  Step step = Step::kValue;
  while (step != Step::kDone && error_ == nullptr) {
    if (pos_ >= text_.size()) {
      error_ = "TAPE_ERROR";
      break;
    }
    switch (step) {
      case Step::kValue:
        step = ScanValue();
        break;
      case Step::kKey:
        step = ScanKey();
        break;
      case Step::kAfterValue:
        step = ScanAfterValue();
        break;
      case Step::kDone:
        break;
    }
  }
  if (error_ == nullptr && pos_ != text_.size()) error_ = "TRAILING_CONTENT";
  if (error_ != nullptr) return InvalidJson(error_);
  if (out_ != nullptr) out_->append(text_.data() + copied_, pos_ - copied_);
  return Status::Ok();
}

void JsonCompactor::SkipWhitespace() {
  if (pos_ < text_.size() && IsJsonWhitespace(text_[pos_])) {
    if (out_ != nullptr) out_->append(text_.data() + copied_, pos_ - copied_);
    while (pos_ < text_.size() && IsJsonWhitespace(text_[pos_])) ++pos_;
    copied_ = pos_;
  }
}

JsonCompactor::Step JsonCompactor::ScanValue() {
  const char c = text_[pos_];
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    ++pos_;
    SkipWhitespace();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;  // an empty container is a complete value
      return EndValue();
    }
    stack_.push_back(c);
    return c == '{' ? Step::kKey : Step::kValue;
  }
  pos_ = ScanScalar(text_, pos_, &error_);
  return EndValue();
}

JsonCompactor::Step JsonCompactor::ScanKey() {
  if (text_[pos_] != '"') {
    error_ = "TAPE_ERROR";
    return Step::kDone;
  }
  pos_ = ScanString(text_, pos_);
  if (pos_ == std::string_view::npos) {
    error_ = "STRING_ERROR";
    return Step::kDone;
  }
  SkipWhitespace();
  if (pos_ >= text_.size() || text_[pos_] != ':') {
    error_ = "TAPE_ERROR";
    return Step::kDone;
  }
  ++pos_;
  SkipWhitespace();
  return Step::kValue;
}

JsonCompactor::Step JsonCompactor::ScanAfterValue() {
  const char open = stack_.back();
  const char c = text_[pos_++];
  if (c == ',') {
    SkipWhitespace();
    return open == '{' ? Step::kKey : Step::kValue;
  }
  if (c != (open == '{' ? '}' : ']')) {
    error_ = "TAPE_ERROR";
    return Step::kDone;
  }
  stack_.pop_back();
  return EndValue();
}

JsonCompactor::Step JsonCompactor::EndValue() {
  if (error_ != nullptr) return Step::kDone;
  SkipWhitespace();
  return stack_.empty() ? Step::kDone : Step::kAfterValue;
}

}  // namespace datalake::decode
