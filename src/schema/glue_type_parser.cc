// Parsing Glue/Hive type strings back into column types, so that an existing table's column
// types can be kept ("sticky types"): files written earlier stay readable.
#include <cctype>
#include <charconv>
#include <string>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

class GlueTypeParser {
 public:
  explicit GlueTypeParser(std::string_view text) : s_(text) {}

  Result<DataType> ParseAll() {
    DataType t;
    if (!Parse(&t, 0)) return Fail();
    SkipSpace();
    if (pos_ != s_.size()) return Fail();
    return t;
  }

 private:
  Status Fail() const {
    return Status::InvalidInput("unsupported Glue type at offset " + std::to_string(pos_) + ": " +
                                std::string(s_));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
      ++pos_;
    }
    std::string w(s_.substr(start, pos_ - start));
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return w;
  }
  bool Int(int* out) {
    SkipSpace();
    auto res = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), *out);
    if (res.ec != std::errc()) return false;
    pos_ = static_cast<size_t>(res.ptr - s_.data());
    return true;
  }

  bool Parse(DataType* t, int depth) {
    if (depth > 64) return false;
    const std::string word = Word();
    if (word == "string" || word == "varchar" || word == "char") {
      // varchar(n) / char(n): read as strings.
      if (Eat('(')) {
        int n;
        if (!Int(&n) || !Eat(')')) return false;
      }
      *t = DataType::Of(TypeKind::kString);
      return true;
    }
    if (word == "bigint" || word == "int" || word == "integer" || word == "smallint" ||
        word == "tinyint") {
      *t = DataType::Of(TypeKind::kInt64);
      return true;
    }
    if (word == "double" || word == "float") return Set(t, TypeKind::kDouble);
    if (word == "boolean") return Set(t, TypeKind::kBoolean);
    if (word == "timestamp") return Set(t, TypeKind::kTimestamp);
    if (word == "date") return Set(t, TypeKind::kDate);
    if (word == "decimal") {
      *t = DataType::Of(TypeKind::kDecimal);
      t->precision = 10;  // Hive's default for a bare "decimal"
      t->scale = 0;
      if (Eat('(')) {
        if (!Int(&t->precision)) return false;
        if (Eat(',') && !Int(&t->scale)) return false;
        if (!Eat(')')) return false;
      }
      return t->precision >= 1 && t->precision <= 38 && t->scale >= 0 && t->scale <= t->precision;
    }
    if (word == "array") {
      DataType element;
      if (!Eat('<') || !Parse(&element, depth + 1) || !Eat('>')) return false;
      *t = DataType::Of(TypeKind::kList);
      t->element = std::make_shared<const DataType>(std::move(element));
      return true;
    }
    if (word == "struct") return ParseStruct(t, depth);
    return false;
  }

  bool ParseStruct(DataType* t, int depth) {
    if (!Eat('<')) return false;
    *t = DataType::Of(TypeKind::kStruct);
    if (Eat('>')) return false;  // struct<> is not a valid Glue type
    do {
      // Field names keep their case and may hold any character but ':' (as the mapper writes
      // them).
      SkipSpace();
      size_t colon = s_.find(':', pos_);
      if (colon == std::string_view::npos || colon == pos_) return false;
      std::string name(s_.substr(pos_, colon - pos_));
      pos_ = colon + 1;
      DataType field_type;
      if (!Parse(&field_type, depth + 1)) return false;
      t->fields.push_back(Field{name, name, std::move(field_type)});
    } while (Eat(','));
    return Eat('>');
  }

  static bool Set(DataType* t, TypeKind kind) {
    *t = DataType::Of(kind);
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<DataType> ParseGlueType(std::string_view text) { return GlueTypeParser(text).ParseAll(); }

}  // namespace datalake::schema
