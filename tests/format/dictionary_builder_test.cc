// The dictionary builder's hash table against a plain map: values that a slot decides alone
// (<= 8 bytes, told apart by length and zero padding), longer values that share prefix and
// length, values whose hashes all collide, runs of one value, and a table reused across chunks
// by Clear().
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "format/parquet/dictionary_builder.h"
#include "format/parquet/plain_encoder.h"

namespace datalake::format::parquet {
namespace {

using std::string_literals::operator""s;

// A dictionary builder checked, value by value, against std::map and a rebuilt PLAIN body.
template <typename Builder = DictionaryBuilder>
class Checked {
 public:
  explicit Checked(bool length_prefixed)
      : dictionary_(length_prefixed), prefixed_(length_prefixed) {}

  void Insert(const std::string& value) {
    const auto [it, is_new] = expected_.emplace(value, static_cast<uint32_t>(expected_.size()));
    if (is_new) {
      if (prefixed_) {
        PutByteArray(value, &plain_);
      } else {
        plain_ += value;
      }
    }
    bool inserted = !is_new;  // the opposite, so the builder must set it
    ASSERT_EQ(dictionary_.Insert(value, &inserted), it->second) << Show(value);
    ASSERT_EQ(inserted, is_new) << Show(value);
  }

  void ExpectSameEntries() const {
    EXPECT_EQ(dictionary_.size(), expected_.size());
    EXPECT_EQ(dictionary_.plain(), plain_);
    for (const auto& [value, index] : expected_) {
      const std::string_view entry = dictionary_.PlainEntry(index);
      EXPECT_EQ(entry.substr(prefixed_ ? 4 : 0), value) << Show(value);
    }
  }

  void Clear() {
    dictionary_.Clear();
    expected_.clear();
    plain_.clear();
  }

 private:
  static std::string Show(const std::string& value) {
    std::string out = "value of " + std::to_string(value.size()) + " bytes:";
    for (unsigned char c : value) out += " " + std::to_string(c);
    return out;
  }

  Builder dictionary_;
  const bool prefixed_;
  std::map<std::string, uint32_t> expected_;
  std::string plain_;
};

// Every value of 0..20 bytes made of one leading byte and zeros: for <= 8 bytes the zero-padded
// prefix is the same, only the length tells them apart; past 8 the tails are equal too.
TEST(DictionaryBuilderTableTest, ValuesDifferingOnlyInLengthOrTrailingZerosStayDistinct) {
  Checked<> dictionary(/*length_prefixed=*/true);
  for (int round = 0; round < 3; ++round) {
    for (const char lead : {'\0', 'a'}) {
      for (size_t n = 0; n <= 20; ++n) {
        std::string value(n, '\0');
        if (n > 0) value[0] = lead;
        dictionary.Insert(value);
        if (n > 0) dictionary.Insert(value.substr(0, n - 1));  // a shorter one in between
      }
      for (size_t n = 21; n-- > 0;) dictionary.Insert(std::string(n, lead));
    }
  }
  dictionary.ExpectSameEntries();
}

// Values of 9..100 bytes sharing their first 40 bytes (or all but one byte), many with equal
// lengths, including lengths past what a slot's tag records exactly.
TEST(DictionaryBuilderTableTest, LongValuesWithEqualPrefixesAndLengthsStayDistinct) {
  Checked<> dictionary(/*length_prefixed=*/true);
  const std::string base(100, 'x');
  for (int round = 0; round < 2; ++round) {
    for (size_t n = 9; n <= 100; ++n) {
      dictionary.Insert(base.substr(0, n));
      for (size_t at = 8; at < n; at += 7) {
        std::string value = base.substr(0, n);
        value[at] = 'y';  // one byte differs: in the tail, at every word offset
        dictionary.Insert(value);
      }
      std::string last = base.substr(0, n);
      last.back() = 'z';
      dictionary.Insert(last);
    }
  }
  dictionary.ExpectSameEntries();
}

// Random values over a two-letter alphabet with a shared prefix: many equal prefixes and tags,
// long probe chains, several table growths; fixed-width values take the other path.
TEST(DictionaryBuilderTableTest, RandomValuesWithSharedPrefixesMatchAMap) {
  std::mt19937_64 rng(7);
  Checked<> bytes(/*length_prefixed=*/true);
  Checked<> fixed(/*length_prefixed=*/false);
  for (int i = 0; i < 100000; ++i) {
    const size_t n = rng() % 41;
    std::string value(n, 'a');
    for (size_t j = 6; j < n; ++j) value[j] = "ab"[rng() % 2];
    bytes.Insert(value);
    std::string word(12, '\0');  // INT96-sized, only 14 distinct low bits
    const uint64_t bits = rng() % (1u << 14);
    for (size_t j = 0; j < 8; ++j) word[4 + j] = static_cast<char>(bits >> (8 * j));
    fixed.Insert(word);
  }
  bytes.ExpectSameEntries();
  fixed.ExpectSameEntries();
}

// With every hash equal, every value probes one cluster and agrees with the others' tag bits:
// only the length kept in the tag, the prefix and the entry bytes can tell values apart.
TEST(DictionaryBuilderTableTest, ValuesWhoseHashesAllCollideStayDistinct) {
  Checked<BasicDictionaryBuilder<ConstantHashForTesting>> dictionary(/*length_prefixed=*/true);
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3000; ++i) {
    const size_t n = rng() % 50;
    std::string value(n, 'p');  // equal prefixes; the zero bytes make lengths <= 8 ambiguous
    for (size_t j = 1; j < n; ++j) value[j] = "p\0q"[rng() % 3];
    dictionary.Insert(value);
  }
  // One value's every prefix past the lengths the tag records exactly, longest and shortest first.
  const std::string base = "pq" + std::string(60, 'p');
  for (size_t n = 62; n >= 25; --n) dictionary.Insert(base.substr(0, n));
  for (size_t n = 25; n <= 62; ++n) dictionary.Insert("q" + base.substr(0, n));
  dictionary.ExpectSameEntries();
}

// A run of one value is answered by the shortcut; its index and `inserted` must still be right,
// and a value that ends a run must not be taken for the run's value.
TEST(DictionaryBuilderTableTest, RunsOfOneValueKeepTheirIndex) {
  Checked<> dictionary(/*length_prefixed=*/true);
  const std::vector<std::string> values = {"US",   "US",   "US", "UK", "UK", "US", "U", "U",
                                           "U\0"s, "U\0"s, "U",  "US", "",   "",   "US"};
  for (const std::string& value : values) dictionary.Insert(value);
  const std::string long_a(44, 'a');
  std::string long_b = long_a;
  long_b[43] = 'b';
  for (int i = 0; i < 3; ++i) dictionary.Insert(long_a);
  for (int i = 0; i < 3; ++i) dictionary.Insert(long_b);
  dictionary.Insert(long_a);
  dictionary.ExpectSameEntries();
}

// Clear() keeps the grown table for the next chunk: nothing of the old chunk may be found, not
// even the value inserted last, and indices restart at 0.
TEST(DictionaryBuilderTableTest, ClearForgetsEveryEntryButTheTableServesTheNextChunk) {
  Checked<> dictionary(/*length_prefixed=*/false);
  for (int chunk = 0; chunk < 3; ++chunk) {
    const int count = chunk == 0 ? 50000 : 300;  // a large table, then small chunks in it
    for (int64_t v = 0; v < count; ++v) {
      const int64_t value = v * 3 + chunk;  // every chunk's values overlap the others'
      dictionary.Insert(std::string(reinterpret_cast<const char*>(&value), 8));
    }
    dictionary.ExpectSameEntries();
    const int64_t last = (count - 1) * 3 + chunk;
    dictionary.Clear();
    dictionary.Insert(std::string(reinterpret_cast<const char*>(&last), 8));  // must be new
    dictionary.ExpectSameEntries();
    dictionary.Clear();
  }
}

}  // namespace
}  // namespace datalake::format::parquet
