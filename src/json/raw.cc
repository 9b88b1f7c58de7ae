// ScanObject: an iterative check of a JSON text that remembers where the top object's members are.
#include "json/raw.h"

#include "json/internal.h"
#include "json/json.h"

namespace datalake::json {
namespace {

class Scanner {
 public:
  // `check_only`: members are not recorded, lone surrogates are accepted (see CheckValue).
  Scanner(std::string_view text, bool check_only) : s_(text), check_only_(check_only) {}

  Result<RawObject> Run() {
    SkipSpace();
    if (!ScanValue()) return Fail();
    SkipSpace();
    if (pos_ != s_.size()) {
      SetError("unexpected content after the JSON value");
      return Fail();
    }
    if (!is_object_ && !check_only_) return Status::InvalidInput("not a JSON object");
    return std::move(object_);
  }

 private:
  Status Fail() const {
    return Status::InvalidInput("invalid JSON at byte " + std::to_string(pos_) + ": " + error_);
  }

  bool SetError(const char* what) {
    if (error_ == nullptr) error_ = what;
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // Inside the top object, directly (its members are recorded).
  bool AtTopObject() const { return !check_only_ && is_object_ && open_.size() == 1; }

  // One value, with everything nested in it: a loop over an explicit stack of open containers.
  bool ScanValue() {
    enum class Step { kValue, kMember, kAfterValue };
    Step step = Step::kValue;
    while (true) {
      switch (step) {
        case Step::kValue: {
          if (pos_ >= s_.size()) return SetError("unexpected end of input");
          const char c = s_[pos_];
          if (c == '{' || c == '[') {
            if (open_.empty() && c == '{') is_object_ = true;
            open_.push_back(c);
            ++pos_;
            SkipSpace();
            if (pos_ < s_.size() && s_[pos_] == (c == '{' ? '}' : ']')) {
              step = Step::kAfterValue;  // empty: the close is read there
            } else {
              step = c == '{' ? Step::kMember : Step::kValue;
            }
            continue;
          }
          if (!ScanScalar()) return false;
          if (open_.empty()) return true;
          if (AtTopObject()) object_.members.back().value_end = pos_;
          SkipSpace();
          step = Step::kAfterValue;
          continue;
        }
        case Step::kMember: {
          if (pos_ >= s_.size() || s_[pos_] != '"') return SetError("expected a member name");
          std::string* name = nullptr;
          if (AtTopObject()) name = &object_.members.emplace_back().name;
          if (const char* error = internal::ReadString(s_, &pos_, name)) return SetError(error);
          SkipSpace();
          if (pos_ >= s_.size() || s_[pos_] != ':') return SetError("expected ':'");
          ++pos_;
          SkipSpace();
          if (AtTopObject()) object_.members.back().value_begin = pos_;
          step = Step::kValue;
          continue;
        }
        case Step::kAfterValue: {
          const bool in_object = open_.back() == '{';
          if (pos_ >= s_.size()) {
            return SetError(in_object ? "unterminated object" : "unterminated array");
          }
          const char c = s_[pos_];
          if (c == ',') {
            ++pos_;
            SkipSpace();
            step = in_object ? Step::kMember : Step::kValue;
            continue;
          }
          if (c != (in_object ? '}' : ']')) {
            return SetError(in_object ? "expected ',' or '}'" : "expected ',' or ']'");
          }
          if (AtTopObject()) object_.close = pos_;
          ++pos_;
          open_.pop_back();
          if (open_.empty()) return true;
          if (AtTopObject()) object_.members.back().value_end = pos_;
          SkipSpace();
          continue;  // still kAfterValue, of the enclosing container
        }
      }
    }
  }

  bool ScanScalar() {
    const char c = s_[pos_];
    if (c == '"') {
      const char* error = internal::ReadString(s_, &pos_, nullptr, check_only_);
      return error == nullptr || SetError(error);
    }
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      const char d = s_[pos_];
      if ((d >= '0' && d <= '9') || d == '-' || d == '+' || d == '.' || d == 'e' || d == 'E') {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) return SetError("unexpected character");
    if (!IsValidNumber(s_.substr(start, pos_ - start))) {
      pos_ = start;
      return SetError("invalid number");
    }
    return true;
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return SetError("invalid literal");
    pos_ += word.size();
    return true;
  }

  std::string_view s_;
  const bool check_only_;
  size_t pos_ = 0;
  const char* error_ = nullptr;
  std::string open_;  // '{' or '[' per open container, innermost last
  bool is_object_ = false;
  RawObject object_;
};

}  // namespace

Result<const RawMember*> RawObject::FindUnique(std::string_view name) const {
  const RawMember* found = nullptr;
  for (const RawMember& member : members) {
    if (member.name != name) continue;
    if (found != nullptr) {
      return Status::InvalidInput("duplicate member name '" + std::string(name) + "'");
    }
    found = &member;
  }
  return found;
}

Result<RawObject> ScanObject(std::string_view text) { return Scanner(text, false).Run(); }

Status CheckValue(std::string_view text) {
  Result<RawObject> scanned = Scanner(text, true).Run();
  return scanned.ok() ? Status::Ok() : scanned.status();
}

}  // namespace datalake::json
