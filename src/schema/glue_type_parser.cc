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
    if (word == "string") return Set(t, TypeKind::kString);
    if (word == "varchar" || word == "char") {
      // Hive requires the length; a bare spelling reads as plain text.
      if (!Eat('(')) return Set(t, TypeKind::kString);
      const bool is_char = word == "char";
      *t = DataType::Of(is_char ? TypeKind::kChar : TypeKind::kVarchar);
      if (!Int(&t->length) || !Eat(')')) return false;
      // Hive's limits: char(1..255), varchar(1..65535).
      return t->length >= 1 && t->length <= (is_char ? 255 : 65535);
    }
    if (word == "tinyint") return Set(t, TypeKind::kInt8);
    if (word == "smallint") return Set(t, TypeKind::kInt16);
    if (word == "int" || word == "integer") return Set(t, TypeKind::kInt32);
    if (word == "bigint") return Set(t, TypeKind::kInt64);
    if (word == "float") return Set(t, TypeKind::kFloat);
    if (word == "double") {
      // Hive also spells it "double precision".
      const size_t before = pos_;
      if (Word() != "precision") pos_ = before;
      return Set(t, TypeKind::kDouble);
    }
    if (word == "boolean") return Set(t, TypeKind::kBoolean);
    if (word == "timestamp") return Set(t, TypeKind::kTimestamp);
    if (word == "date") return Set(t, TypeKind::kDate);
    if (word == "binary") return Set(t, TypeKind::kBinary);
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
    if (word == "map") {
      DataType key;
      DataType value;
      if (!Eat('<') || !Parse(&key, depth + 1) || !Eat(',') || !Parse(&value, depth + 1) ||
          !Eat('>')) {
        return false;
      }
      // Hive, Athena and Parquet (a required key) want primitive keys.
      if (!IsPrimitive(key.kind)) return false;
      *t = DataType::Of(TypeKind::kMap);
      t->key = std::make_shared<const DataType>(std::move(key));
      t->element = std::make_shared<const DataType>(std::move(value));
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
      // Field names keep their case. Names this destination writes are Hive identifiers; older
      // tables may hold any character but the type syntax's own (':', ',', '<', '>').
      SkipSpace();
      size_t end = pos_;
      while (end < s_.size() && s_[end] != ':' && s_[end] != ',' && s_[end] != '<' &&
             s_[end] != '>') {
        ++end;
      }
      if (end == s_.size() || s_[end] != ':') return false;
      std::string_view name = s_.substr(pos_, end - pos_);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      if (name.empty()) return false;
      pos_ = end + 1;
      DataType field_type;
      if (!Parse(&field_type, depth + 1)) return false;
      t->fields.push_back(Field{std::string(name), std::string(name), std::move(field_type)});
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
