// Property: however a record's keys are ordered, repeated or interleaved with undeclared keys,
// it decodes to the same row (and the same set of changes) as the same record written in schema
// order with only the last occurrence of each key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "decode/decode.h"
#include "decode/test_util.h"

namespace datalake::decode::test_util {
namespace {

// A generated JSON value, as written in the shuffled record and in the canonical one.
struct Text {
  std::string shuffled;
  std::string canonical;
};

class RecordGenerator {
 public:
  explicit RecordGenerator(uint32_t seed) : rng_(seed) {}

  Text Object(const std::vector<Field>& fields) {
    struct Entry {
      int field;  // -1: undeclared
      Text text;
    };
    std::vector<Entry> entries;
    for (size_t f = 0; f < fields.size(); ++f) {
      if (Chance(20)) continue;  // missing
      const int occurrences = Chance(15) ? 2 : 1;
      for (int i = 0; i < occurrences; ++i) {
        entries.push_back({static_cast<int>(f), Value(fields[f].type)});
      }
    }
    for (int i = Pick(3); i > 0; --i) entries.push_back({-1, {R"({"u": [1, "x"]})", ""}});
    std::shuffle(entries.begin(), entries.end(), rng_);
    Text out{"{", "{"};
    for (const Entry& e : entries) {
      if (out.shuffled.size() > 1) out.shuffled += ", ";
      out.shuffled +=
          Quoted(e.field < 0 ? "undeclared" : fields[e.field].source_name) + ": " + e.text.shuffled;
    }
    for (size_t f = 0; f < fields.size(); ++f) {
      const Entry* last = nullptr;
      for (const Entry& e : entries) {
        if (e.field == static_cast<int>(f)) last = &e;
      }
      if (last == nullptr) continue;
      if (out.canonical.size() > 1) out.canonical += ", ";
      out.canonical += Quoted(fields[f].source_name) + ": " + last->text.canonical;
    }
    out.shuffled += "}";
    out.canonical += "}";
    return out;
  }

 private:
  Text Value(const DataType& type) {
    if (Chance(10)) return Same("null");
    switch (type.kind) {
      case TypeKind::kInt64:
        return Same(OneOf({"1", "-5", "2.0", R"("7")", "1.5", R"("x")", "1e400", "true"}));
      case TypeKind::kString:
        return Same(OneOf({R"("s")", R"("a\nb")", "3", R"({"k": 1})", R"("")"}));
      case TypeKind::kJson:
        return Same(OneOf({R"({"a": [1, 2]})", "[ ]", R"("j")", "4"}));
      case TypeKind::kDecimal:
        return Same(OneOf({"1.25", R"("2.5")", "1e-30", "1e30", R"("z")"}));
      case TypeKind::kStruct:
        return Chance(10) ? Same("5") : Object(type.fields);
      case TypeKind::kList: {
        if (Chance(10)) return Same(R"("not a list")");
        Text out{"[", "["};
        for (int i = Pick(4); i > 0; --i) {
          const Text element = Value(*type.element);
          out.shuffled += element.shuffled + (i > 1 ? ", " : "");
          out.canonical += element.canonical + (i > 1 ? ", " : "");
        }
        out.shuffled += "]";
        out.canonical += "]";
        return out;
      }
      default:
        return Same("null");
    }
  }

  static Text Same(std::string s) { return Text{s, s}; }
  static std::string Quoted(const std::string& s) { return "\"" + s + "\""; }
  bool Chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::string OneOf(std::vector<std::string> options) { return options[Pick(options.size())]; }

  std::mt19937 rng_;
};

TEST(ReorderPropertyTest, AnyKeyOrderDecodesLikeSchemaOrder) {
  const DataType kInt = Type(TypeKind::kInt64);
  const DataType kStr = Type(TypeKind::kString);
  const DataType inner = Struct({F("p", kInt), F("q", kStr), F("r", Decimal(10, 2))});
  const TableSchema schema = Schema({
      F("a", kInt),
      F("b", kStr),
      F("s", Struct({F("x", kInt), F("in", inner), F("y", kStr), F("l", List(inner))})),
      F("j", Type(TypeKind::kJson)),
      F("l", List(Struct({F("m", kInt), F("n", kStr)}))),
      F("d", Decimal(38, 18)),
      F("ll", List(List(kInt))),
  });
  RecordDecoder decoder;
  RecordGenerator generator(20240601);
  for (int i = 0; i < 3000; ++i) {
    const Text record = generator.Object(schema.columns);
    Decoded shuffled = DecodeWith(decoder, record.shuffled, schema);
    Decoded canonical = DecodeWith(decoder, record.canonical, schema);
    ASSERT_TRUE(shuffled.status.ok()) << shuffled.status.ToString() << "\n" << record.shuffled;
    ASSERT_TRUE(canonical.status.ok()) << canonical.status.ToString();
    ASSERT_EQ(shuffled.row, canonical.row) << record.shuffled << "\n" << record.canonical;
    std::sort(shuffled.changes.begin(), shuffled.changes.end());
    std::sort(canonical.changes.begin(), canonical.changes.end());
    ASSERT_EQ(shuffled.changes, canonical.changes) << record.shuffled;
  }
}

}  // namespace
}  // namespace datalake::decode::test_util
