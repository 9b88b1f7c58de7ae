// SanitizeName and UniqueColumnNames. Expected sanitised names were produced with the original's
// function (awswrangler 3.7.1 `_sanitize_name`, Python 3.11): NFD, drop category Mn, replace
// runs of [^A-Za-z0-9_] by '_', lowercase. Expected hash suffixes are FNV-1a 64 hex digits.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

struct SanitizeCase {
  std::string input;
  std::string expected;
};

TEST(SanitizeNameTest, MatchesTheOriginal) {
  const std::vector<SanitizeCase> cases = {
      {"appId", "appid"},
      {"UPPER", "upper"},
      {"first name", "first_name"},
      {"first-name", "first_name"},
      {"Foo.Bar", "foo_bar"},
      {"1st_col", "1st_col"},  // a leading digit is kept, as in the original
      {"order", "order"},      // reserved words are not quoted or renamed
      {"a__b", "a__b"},        // existing underscores are not collapsed
      {"__", "__"},
      {"  ", "_"},
      {"-", "_"},
      {"", "_"},            // the original would produce an empty name, which Glue rejects
      {"x\u00D7y", "x_y"},  // the multiplication sign is not a letter
      {"trailing!", "trailing_"},
      {"!leading", "_leading"},
      {"a1-B2--c3", "a1_b2_c3"},
  };
  for (const auto& c : cases) EXPECT_EQ(SanitizeName(c.input), c.expected) << c.input;
}

TEST(SanitizeNameTest, TheAcceptanceTestStreamName) {
  EXPECT_EQ(SanitizeName("c'est une belle histoire,./<>?'\";[]\\:{}|`~!@#$%^&*()_+-="),
            "c_est_une_belle_histoire___");
}

TEST(SanitizeNameTest, StripsAccentsOfLatinLetters) {
  EXPECT_EQ(SanitizeName("Cr\u00E8me Br\u00FBl\u00E9e"), "creme_brulee");
  EXPECT_EQ(SanitizeName("\u00C5ngstr\u00F6m"), "angstrom");
  EXPECT_EQ(SanitizeName("\u00E9"), "e");
  EXPECT_EQ(SanitizeName("\u0130stanbul"), "istanbul");  // dotted capital I
  EXPECT_EQ(SanitizeName("Vi\u1EC7t Nam"), "viet_nam");  // Latin Extended Additional
  EXPECT_EQ(SanitizeName("\u212A\u212B"), "ka");         // Kelvin and Angstrom signs
  EXPECT_EQ(SanitizeName("\u00C0\u00C1\u00C2\u00C3\u00C4\u00C5\u00C7\u00D1\u00DD\u00FF"),
            "aaaaaacnyy");
  EXPECT_EQ(SanitizeName("\u010C\u0148\u0159\u0161\u017E\u0171"), "cnrszu");
}

TEST(SanitizeNameTest, LettersWithoutCanonicalDecompositionBecomeUnderscores) {
  // NFD (not NFKD) is what the original uses: these are not transliterated.
  EXPECT_EQ(SanitizeName("stra\u00DFe"), "stra_e");          // sharp s
  EXPECT_EQ(SanitizeName("\u0141\u00F3d\u017A"), "_odz");    // L with stroke
  EXPECT_EQ(SanitizeName("\u00C6r\u00F8"), "_r_");           // AE, o with stroke
  EXPECT_EQ(SanitizeName("\u0152uvre"), "_uvre");            // OE ligature
  EXPECT_EQ(SanitizeName("\uFB01eld"), "_eld");              // fi ligature
  EXPECT_EQ(SanitizeName("\uFF26\uFF55\uFF4C\uFF4C"), "_");  // full-width letters
  EXPECT_EQ(SanitizeName("\u0132ssel"), "_ssel");            // IJ ligature
}

TEST(SanitizeNameTest, NonLatinTextBecomesOneUnderscorePerRun) {
  EXPECT_EQ(SanitizeName("\u540D\u524D"), "_");                          // Japanese
  EXPECT_EQ(SanitizeName("\u65E5\u672C\u8A9E\u306Ecolumn"), "_column");  // Japanese + ASCII
  EXPECT_EQ(SanitizeName("\u0438\u043C\u044F id"), "_id");               // Cyrillic
  EXPECT_EQ(SanitizeName("\U0001F600smile"), "_smile");                  // 4-byte UTF-8
}

TEST(SanitizeNameTest, CombiningMarksVanishWithoutBreakingOrStartingRuns) {
  EXPECT_EQ(SanitizeName("e\u0301te\u0301"), "ete");  // already decomposed input
  EXPECT_EQ(SanitizeName("\u0301a"), "a");
  EXPECT_EQ(SanitizeName("!\u0301!"), "_");
  EXPECT_EQ(SanitizeName("a\u0301-b"), "a_b");
}

TEST(SanitizeNameTest, InvalidUtf8BytesBecomeUnderscores) {
  EXPECT_EQ(SanitizeName(std::string("a\xFF\xFE"
                                     "b")),
            "a_b");
  EXPECT_EQ(SanitizeName(std::string("a\xC3")), "a_");                // truncated sequence
  EXPECT_EQ(SanitizeName(std::string("\xC3(x")), "_x");               // bad continuation byte
  EXPECT_EQ(SanitizeName(std::string("a\xE0\x83\xA9z")), "a_z");      // overlong U+00E9
  EXPECT_EQ(SanitizeName(std::string("a\xED\xA0\x80z")), "a_z");      // surrogate
  EXPECT_EQ(SanitizeName(std::string("a\xF4\x90\x80\x80z")), "a_z");  // above U+10FFFF
}

TEST(UniqueColumnNamesTest, DistinctNamesAreOnlySanitised) {
  EXPECT_EQ(UniqueColumnNames({"appId", "first name", "Foo.Bar"}),
            (std::vector<std::string>{"appid", "first_name", "foo_bar"}));
  EXPECT_TRUE(UniqueColumnNames({}).empty());
}

TEST(UniqueColumnNamesTest, TheNameAlreadyInSanitisedFormKeepsIt) {
  // FNV-1a 64 of "Foo" is f2bb95199c92e1d7, of "FOO" f32875199cef7d57.
  EXPECT_EQ(UniqueColumnNames({"Foo", "foo", "FOO"}),
            (std::vector<std::string>{"foo_f2bb9519", "foo", "foo_f3287519"}));
  // "foo-bar" f2c35fe3d7cf6497, "Foo Bar" 9b5f2a88936fa98a.
  EXPECT_EQ(UniqueColumnNames({"foo-bar", "Foo Bar", "foo_bar"}),
            (std::vector<std::string>{"foo_bar_f2c35fe3", "foo_bar_9b5f2a88", "foo_bar"}));
}

TEST(UniqueColumnNamesTest, WithoutAnExactFormTheSmallestRawNameKeepsIt) {
  // 'O' (0x4F) sorts before 'o' (0x6F), so "FOO" < "Foo".
  EXPECT_EQ(UniqueColumnNames({"Foo", "FOO"}), (std::vector<std::string>{"foo_f2bb9519", "foo"}));
}

TEST(UniqueColumnNamesTest, EmptyAndPunctuationNames) {
  // "" hashes to the FNV offset basis cbf29ce484222325; "!" to af639c4c86017fcc.
  EXPECT_EQ(UniqueColumnNames({"", "!", "_"}),
            (std::vector<std::string>{"__cbf29ce4", "__af639c4c", "_"}));
}

// Map each raw name to the name it gets, checking that the names are unique.
std::map<std::string, std::string> Assign(const std::vector<std::string>& raw) {
  const std::vector<std::string> names = UniqueColumnNames(raw);
  EXPECT_EQ(names.size(), raw.size());
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < raw.size(); ++i) out[raw[i]] = names[i];
  return out;
}

TEST(UniqueColumnNamesTest, DoesNotDependOnInputOrder) {
  std::vector<std::string> raw = {"Foo", "foo", "FOO", "f o o", "f-o-o", "f_o_o", "bar"};
  std::sort(raw.begin(), raw.end());
  const std::map<std::string, std::string> expected = Assign(raw);
  int permutations = 0;
  do {
    ASSERT_EQ(Assign(raw), expected);
    ++permutations;
  } while (std::next_permutation(raw.begin(), raw.end()));
  EXPECT_EQ(permutations, 5040);
}

TEST(UniqueColumnNamesTest, ASuffixedNameThatIsTakenIsExtended) {
  // "foo_f2bb9519" is already in sanitised form, so it keeps that name, and "Foo", whose
  // 8-digit suffix would give the same name, gets all 16 hex digits.
  std::vector<std::string> raw = {"Foo", "foo", "foo_f2bb9519"};
  std::sort(raw.begin(), raw.end());
  do {
    const std::map<std::string, std::string> got = Assign(raw);
    EXPECT_EQ(got.at("Foo"), "foo_f2bb95199c92e1d7");
    EXPECT_EQ(got.at("foo"), "foo");
    EXPECT_EQ(got.at("foo_f2bb9519"), "foo_f2bb9519");
  } while (std::next_permutation(raw.begin(), raw.end()));
}

TEST(UniqueColumnNamesTest, IdenticalRawNamesStayUnique) {
  // Parsed JSON cannot hold duplicate keys, but a schema built in code can.
  EXPECT_EQ(
      UniqueColumnNames({"a", "a", "a", "a"}),
      (std::vector<std::string>{"a", "a_af63dc4c", "a_af63dc4c8601ec8c", "a_af63dc4c8601ec8c_2"}));
}

TEST(UniqueColumnNamesTest, ManyCollidingNamesAreAllUnique) {
  // Every 4-character string over {a, A, -, _, space}: 625 names, heavy collisions.
  const std::string alphabet = "aA-_ ";
  std::vector<std::string> raw;
  for (char a : alphabet) {
    for (char b : alphabet) {
      for (char c : alphabet) {
        for (char d : alphabet) raw.push_back({a, b, c, d});
      }
    }
  }
  const std::vector<std::string> names = UniqueColumnNames(raw);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    EXPECT_EQ(names[i].rfind(SanitizeName(raw[i]), 0), 0u) << "keeps its sanitised prefix";
  }
  std::vector<std::string> reversed(raw.rbegin(), raw.rend());
  std::vector<std::string> reversed_names = UniqueColumnNames(reversed);
  std::reverse(reversed_names.begin(), reversed_names.end());
  EXPECT_EQ(reversed_names, names);
}

TEST(SanitizeFieldNameTest, KeepsCaseAndMakesHiveIdentifiers) {
  EXPECT_EQ(SanitizeFieldName("zipCode"), "zipCode");
  EXPECT_EQ(SanitizeFieldName("a b"), "a_b");
  EXPECT_EQ(SanitizeFieldName("x:y"), "x_y");
  EXPECT_EQ(SanitizeFieldName("c,d"), "c_d");
  EXPECT_EQ(SanitizeFieldName("e<f>"), "e_f_");
  EXPECT_EQ(SanitizeFieldName(""), "_");
  EXPECT_EQ(SanitizeFieldName("Cr\u00E8me Br\u00FBl\u00E9e"), "Creme_Brulee");
  EXPECT_EQ(SanitizeFieldName("\u00C9t\u00E9"), "ete");  // accented capitals: lowercase base
  for (const char* raw : {"a b", "x:y", "c,d", "e<f>", "", "`q`", "struct<a:int>", "\u540D"}) {
    EXPECT_TRUE(IsHiveIdentifier(SanitizeFieldName(raw))) << raw;
  }
}

TEST(UniqueFieldNamesTest, NamesEqualIgnoringCaseCollide) {
  // FNV-1a 64 of "a" is af63dc4c8601ec8c; "A" < "a" in byte order, so "A" keeps its name.
  EXPECT_EQ(UniqueFieldNames({"A", "a"}), (std::vector<std::string>{"A", "a_af63dc4c"}));
  EXPECT_EQ(UniqueFieldNames({"a", "A"}), (std::vector<std::string>{"a_af63dc4c", "A"}));
  // A name that sanitises to another's exact form loses to it, whatever the case.
  const std::vector<std::string> names = UniqueFieldNames({"a b", "A_B", "x"});
  EXPECT_EQ(names[1], "A_B");
  EXPECT_EQ(names[0].rfind("a_b_", 0), 0u);
  EXPECT_EQ(names[2], "x");
}

TEST(UniqueFieldNamesTest, FunkyNamesBecomeDistinctIdentifiers) {
  const std::vector<std::string> raw = {"a b", "x:y", "c,d", "e<f>", "", "a_b", "A B", "_"};
  const std::vector<std::string> names = UniqueFieldNames(raw);
  std::set<std::string> folded;
  for (size_t i = 0; i < raw.size(); ++i) {
    EXPECT_TRUE(IsHiveIdentifier(names[i])) << names[i];
    std::string lower = names[i];
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    folded.insert(lower);
  }
  EXPECT_EQ(folded.size(), raw.size()) << "unique ignoring case";
  // Deterministic whatever the order.
  std::vector<std::string> reversed(raw.rbegin(), raw.rend());
  std::vector<std::string> reversed_names = UniqueFieldNames(reversed);
  std::reverse(reversed_names.begin(), reversed_names.end());
  EXPECT_EQ(reversed_names, names);
}

}  // namespace
}  // namespace datalake::schema
