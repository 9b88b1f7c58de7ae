#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "json/json.h"

namespace datalake::json {

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::NumberText(std::string text) {
  assert(IsValidNumber(text));
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  return v;
}

Value Value::Int(int64_t i) { return NumberText(std::to_string(i)); }

Value Value::Double(double d) {
  if (!std::isfinite(d)) return Null();
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);  // shortest round-trip form
  std::string text(buf, res.ptr);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return NumberText(std::move(text));
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(s);
  return v;
}

Value Value::Array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.items_ = std::move(items);
  return v;
}

Value Value::Object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value* Value::FindMutable(std::string_view key) {
  if (kind_ != Kind::kObject) return nullptr;
  for (auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Value::Set(std::string_view key, Value value) {
  assert(is_object());
  if (Value* existing = FindMutable(key)) {
    *existing = std::move(value);
    return;
  }
  members_.emplace_back(std::string(key), std::move(value));
}

void Value::Remove(std::string_view key) {
  assert(is_object());
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return;
    }
  }
}

std::optional<int64_t> Value::AsInt64() const {
  if (kind_ != Kind::kNumber) return std::nullopt;
  int64_t out = 0;
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  auto res = std::from_chars(begin, end, out);
  if (res.ec != std::errc() || res.ptr != end) return std::nullopt;
  return out;
}

std::optional<double> Value::AsDouble() const {
  if (kind_ != Kind::kNumber) return std::nullopt;
  double out = 0;
  auto res = std::from_chars(text_.data(), text_.data() + text_.size(), out);
  if (res.ec != std::errc() || res.ptr != text_.data() + text_.size()) return std::nullopt;
  return out;
}

std::optional<std::string_view> Value::AsString() const {
  if (kind_ != Kind::kString) return std::nullopt;
  return std::string_view(text_);
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.bool_ == b.bool_;
    case Kind::kNumber:
    case Kind::kString:
      return a.text_ == b.text_;
    case Kind::kArray:
      return a.items_ == b.items_;
    case Kind::kObject:
      return a.members_ == b.members_;
  }
  return false;
}

bool IsValidNumber(std::string_view t) {
  size_t i = 0;
  const size_t n = t.size();
  auto digit = [&](size_t k) { return k < n && t[k] >= '0' && t[k] <= '9'; };
  if (i < n && t[i] == '-') ++i;
  if (!digit(i)) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p < len) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) {
      return false;  // overlong
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += len;
  }
  return true;
}

}  // namespace datalake::json
