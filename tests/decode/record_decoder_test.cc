// Records as a whole: field order, missing and undeclared fields, duplicates, nesting, lists,
// change paths, malformed data and decoder reuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decode/decode.h"
#include "decode/test_util.h"

namespace datalake::decode::test_util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class RecordDecoderTest : public ::testing::Test {
 protected:
  Decoded Run(std::string_view json, const TableSchema& schema) {
    return DecodeWith(decoder_, json, schema);
  }

  RecordDecoder decoder_;
  const DataType kInt = Type(TypeKind::kInt64);
  const DataType kStr = Type(TypeKind::kString);
  const TableSchema abc_ = Schema({F("a", kInt), F("b", kStr), F("c", Type(TypeKind::kDouble))});
};

TEST_F(RecordDecoderTest, ColumnsInSchemaOrder) {
  const Decoded d = Run(R"({"a": 1, "b": "x", "c": 2.5})", abc_);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.row, R"(a: 1, b: "x", c: 2.5d)");
  EXPECT_THAT(d.changes, IsEmpty());
}

TEST_F(RecordDecoderTest, WhitespaceEverywhere) {
  const Decoded d = Run(" {\n \"a\" :\t1 ,\r\n\"b\" : \"x\" , \"c\" : 2.5 }\n ", abc_);
  EXPECT_EQ(d.row, R"(a: 1, b: "x", c: 2.5d)");
}

TEST_F(RecordDecoderTest, MissingAndNullFieldsAreNullWithoutChanges) {
  EXPECT_EQ(Run("{}", abc_).row, "a: null, b: null, c: null");
  EXPECT_EQ(Run(R"({"b": "x"})", abc_).row, R"(a: null, b: "x", c: null)");
  EXPECT_EQ(Run(R"({"a": 1, "c": 3})", abc_).row, "a: 1, b: null, c: 3d");
  EXPECT_EQ(Run(R"({"c": 3})", abc_).row, "a: null, b: null, c: 3d");
  const Decoded d = Run(R"({"a": null, "b": null, "c": null})", abc_);
  EXPECT_EQ(d.row, "a: null, b: null, c: null");
  EXPECT_THAT(d.changes, IsEmpty());
}

TEST_F(RecordDecoderTest, UndeclaredFieldsAreIgnored) {
  const Decoded d = Run(
      R"({"z": {"deep": [1, {"x": "y"}]}, "a": 1, "q": "w", "b": "x", "r": [], "c": 1, "s": 0})",
      abc_);
  EXPECT_EQ(d.row, R"(a: 1, b: "x", c: 1d)");
  EXPECT_THAT(d.changes, IsEmpty());
}

TEST_F(RecordDecoderTest, KeysInAnyOrder) {
  EXPECT_EQ(Run(R"({"c": 3, "b": "x", "a": 1})", abc_).row, R"(a: 1, b: "x", c: 3d)");
  EXPECT_EQ(Run(R"({"b": "x", "a": 1})", abc_).row, R"(a: 1, b: "x", c: null)");
  EXPECT_EQ(Run(R"({"c": 3, "a": 1})", abc_).row, "a: 1, b: null, c: 3d");
  EXPECT_EQ(Run(R"({"a": 1, "c": 3, "b": "x"})", abc_).row, R"(a: 1, b: "x", c: 3d)");
}

TEST_F(RecordDecoderTest, ReorderingKeepsStringBytesWithTheirCells) {
  const TableSchema schema =
      Schema({F("s1", kStr), F("j", Type(TypeKind::kJson)), F("s2", kStr), F("d", Decimal(10, 2))});
  const Decoded d = Run(R"({"d": "1.5", "s2": "second", "j": {"k": "v"}, "s1": "first"})", schema);
  EXPECT_EQ(d.row, R"(s1: "first", j: json({"k":"v"}), s2: "second", d: dec(1.5))");
}

TEST_F(RecordDecoderTest, SourceNamesFindColumns) {
  Field first = F("First Name", kStr);
  first.name = "first_name";
  const TableSchema schema = Schema({first, F("caf\xc3\xa9", kInt), F("a\"b", kInt), F("", kInt)});
  const Decoded d =
      Run(R"({"": 4, "a\"b": 3, "caf\u00e9": 2, "First Name": "Ann", "first_name": "no"})", schema);
  EXPECT_EQ(d.row, "First Name: \"Ann\", caf\xc3\xa9: 2, a\"b: 3, : 4");
}

// Keys in schema order are compared with the declared names without unescaping them, which must
// not match a name against a key that only looks like it in JSON's text.
TEST_F(RecordDecoderTest, KeysAreMatchedByWhatTheyMeanNotHowTheyAreSpelled) {
  EXPECT_EQ(Run(R"({"\u0061": 1, "\u0062": "x", "c": 3})", abc_).row, R"(a: 1, b: "x", c: 3d)");
  // A key whose text is a declared name with a backslash escape means another name.
  const TableSchema escaped = Schema({F("x\\u0041", kInt), F("xA", kInt)});
  EXPECT_EQ(Run(R"({"x\u0041": 1})", escaped).row, "x\\u0041: null, xA: 1");
  EXPECT_EQ(Run(R"({"x\\u0041": 2})", escaped).row, "x\\u0041: 2, xA: null");
  // A name holding a quote is not matched by a key followed by a string value.
  const TableSchema quoted = Schema({F("a\":", kStr), F("a", kStr)});
  EXPECT_EQ(Run(R"({"a":"v"})", quoted).row, R"(a":: null, a: "v")");
  EXPECT_EQ(Run(R"({"a\":":"w"})", quoted).row, R"(a":: "w", a: null)");
}

TEST_F(RecordDecoderTest, DuplicateKeysLastOneWins) {
  EXPECT_EQ(Run(R"({"a": 1, "a": 2})", abc_).row, "a: 2, b: null, c: null");
  EXPECT_EQ(Run(R"({"b": "x", "c": 1, "b": "y"})", abc_).row, R"(a: null, b: "y", c: 1d)");
  // The change of an overridden value is withdrawn; the last value's change stays.
  Decoded d = Run(R"({"a": "x", "b": "s", "a": 5})", abc_);
  EXPECT_EQ(d.row, R"(a: 5, b: "s", c: null)");
  EXPECT_THAT(d.changes, IsEmpty());
  d = Run(R"({"a": 5, "a": "x"})", abc_);
  EXPECT_EQ(d.row, "a: null, b: null, c: null");
  EXPECT_THAT(d.changes, ElementsAre("a NULLED SERIALIZATION"));
  d = Run(R"({"a": 1.5, "c": "x", "a": "y", "b": 1, "a": 7})", abc_);
  EXPECT_EQ(d.row, R"(a: 7, b: "1", c: null)");
  EXPECT_THAT(d.changes, ElementsAre("c NULLED SERIALIZATION"));
}

TEST_F(RecordDecoderTest, NestedStructsWithMissingAndOutOfOrderFields) {
  const TableSchema schema = Schema(
      {F("s", Struct({F("x", kInt), F("y", kStr), F("in", Struct({F("p", kInt), F("q", kInt)}))})),
       F("t", kInt)});
  EXPECT_EQ(Run(R"({"s": {"x": 1, "y": "a", "in": {"p": 1, "q": 2}}, "t": 9})", schema).row,
            R"(s: {x: 1, y: "a", in: {p: 1, q: 2}}, t: 9)");
  EXPECT_EQ(Run(R"({"s": {"y": "a"}})", schema).row, R"(s: {x: null, y: "a", in: null}, t: null)");
  EXPECT_EQ(Run(R"({"s": {}})", schema).row, "s: {x: null, y: null, in: null}, t: null");
  EXPECT_EQ(Run(R"({"s": {"in": {}}})", schema).row,
            "s: {x: null, y: null, in: {p: null, q: null}}, t: null");
  EXPECT_EQ(
      Run(R"({"t": 9, "s": {"in": {"q": 2, "zz": 0, "p": 1}, "y": "a", "x": 1}})", schema).row,
      R"(s: {x: 1, y: "a", in: {p: 1, q: 2}}, t: 9)");
  EXPECT_EQ(Run(R"({"s": {"y": "a", "x": 1, "y": "b"}, "s": {"x": 3}})", schema).row,
            "s: {x: 3, y: null, in: null}, t: null");
}

TEST_F(RecordDecoderTest, StructGivenANonObjectIsNulled) {
  const TableSchema schema = Schema({F("s", Struct({F("x", kInt)}))});
  for (const char* value : {"1", "\"x\"", "[]", "true"}) {
    const Decoded d = Run(std::string(R"({"s": )") + value + "}", schema);
    EXPECT_EQ(d.row, "s: null") << value;
    EXPECT_THAT(d.changes, ElementsAre("s NULLED SERIALIZATION")) << value;
  }
}

TEST_F(RecordDecoderTest, Lists) {
  const TableSchema schema = Schema({F("l", List(kInt))});
  EXPECT_EQ(Run(R"({"l": [1, 2, 3]})", schema).row, "l: [1, 2, 3]");
  EXPECT_EQ(Run(R"({"l": []})", schema).row, "l: []");
  EXPECT_EQ(Run(R"({"l": [ ]})", schema).row, "l: []");
  EXPECT_EQ(Run(R"({"l": null})", schema).row, "l: null");
  EXPECT_EQ(Run(R"({"l": [null, 1, null]})", schema).row, "l: [null, 1, null]");
  Decoded d = Run(R"({"l": [1, "x", 3, 1e400]})", schema);
  EXPECT_EQ(d.row, "l: [1, null, 3, null]");
  EXPECT_THAT(d.changes, ElementsAre("l[1] NULLED SERIALIZATION", "l[3] NULLED FIELD_SIZE"));
  d = Run(R"({"l": {"0": 1}})", schema);
  EXPECT_EQ(d.row, "l: null");
  EXPECT_THAT(d.changes, ElementsAre("l NULLED SERIALIZATION"));
}

TEST_F(RecordDecoderTest, ListsOfListsAndOfJson) {
  const TableSchema schema =
      Schema({F("ll", List(List(kInt))), F("lj", List(Type(TypeKind::kJson)))});
  const Decoded d =
      Run(R"({"lj": [{"a": 1}, [], "s", 1, null], "ll": [[1, 2], [], null, [3]]})", schema);
  EXPECT_EQ(d.row, R"(ll: [[1, 2], [], null, [3]], lj: [json({"a":1}), json([]), json(s), )"
                   R"(json(1), null])");
}

TEST_F(RecordDecoderTest, ListsOfStructsWithNullsAtEachLevel) {
  const TableSchema schema =
      Schema({F("items", List(Struct({F("a", kInt), F("tags", List(kStr))}))), F("n", kInt)});
  const Decoded d =
      Run(R"({"n": 1, "items": [{"a": 1, "tags": ["x", null]}, null, {"tags": null}, {},)"
          R"( {"a": "bad", "tags": "bad"}, 5, {"tags": [1, {"k": 2}], "a": 2}]})",
          schema);
  EXPECT_EQ(d.row, R"(items: [{a: 1, tags: ["x", null]}, null, {a: null, tags: null}, )"
                   R"({a: null, tags: null}, {a: null, tags: null}, null, )"
                   R"({a: 2, tags: ["1", "{\"k\":2}"]}], n: 1)");
  EXPECT_THAT(d.changes,
              ElementsAre("items[4].a NULLED SERIALIZATION", "items[4].tags NULLED SERIALIZATION",
                          "items[5] NULLED SERIALIZATION"));
}

TEST_F(RecordDecoderTest, ChangePathsNameNestedFields) {
  const TableSchema schema =
      Schema({F("address", Struct({F("lines", List(kInt)), F("geo", Struct({F("lat", kInt)}))}))});
  const Decoded d = Run(R"({"address": {"geo": {"lat": 1.5}, "lines": [1, 2, "x"]}})", schema);
  EXPECT_EQ(d.row, "address: {lines: [1, 2, null], geo: {lat: null}}");
  // Changes come in document order.
  EXPECT_THAT(d.changes, ElementsAre("address.geo.lat NULLED SERIALIZATION",
                                     "address.lines[2] NULLED SERIALIZATION"));
}

TEST_F(RecordDecoderTest, ChangesUseSourceNames) {
  Field f = F("My Field", Struct({F("Inner Key", kInt)}));
  f.name = "my_field";
  const Decoded d = Run(R"({"My Field": {"Inner Key": true}})", Schema({f}));
  EXPECT_THAT(d.changes, ElementsAre("My Field.Inner Key NULLED SERIALIZATION"));
}

TEST_F(RecordDecoderTest, StringsWithEscapesAndNul) {
  const Decoded d =
      Run(R"({"b": "line1\nline2\u0000end \"q\" \\ \/ \u00e9 \ud83d\ude00", "a": 1})", abc_);
  EXPECT_EQ(d.row, R"(a: 1, b: "line1\x0aline2\x00end \"q\" \\ / \xc3\xa9 \xf0\x9f\x98\x80", )"
                   "c: null");
}

TEST_F(RecordDecoderTest, LargeStringsAndManyColumns) {
  std::vector<Field> columns;
  std::string json = "{";
  std::string expected;
  for (int i = 199; i >= 0; --i) {
    json +=
        (i == 199 ? "" : ",") + ("\"c" + std::to_string(i) + "\":\"v" + std::to_string(i)) + "\"";
  }
  const std::string big(1 << 20, 'x');
  json += ",\"big\":\"" + big + "\"}";
  for (int i = 0; i < 200; ++i) {
    columns.push_back(F("c" + std::to_string(i), kStr));
    expected +=
        (i == 0 ? "" : ", ") + ("c" + std::to_string(i) + ": \"v" + std::to_string(i)) + "\"";
  }
  columns.push_back(F("big", kStr));
  expected += ", big: \"" + big + "\"";
  const Decoded d = Run(json, Schema(columns));
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_TRUE(d.row == expected);
}

TEST_F(RecordDecoderTest, EmptySchema) {
  const Decoded d = Run(R"({"a": 1, "b": [1, 2]})", Schema({}));
  EXPECT_TRUE(d.status.ok());
  EXPECT_EQ(d.row, "");
}

TEST_F(RecordDecoderTest, InvalidDataIsInvalidInputWithoutTheData) {
  const char* const kBad[] = {
      "",
      "   ",
      R"({"a": "hunter2")",
      R"({"a": "hunter2",})",
      R"({"a" "hunter2"})",
      R"({"a": hunter2})",
      R"({"a": 1, "b": "hunter2})",
      R"({"a": 01, "b": "hunter2"})",
      R"({"b": "hunter2\q"})",
      R"({"b": "hunter2"} {"c": 1})",
      R"({"b": ["hunter2" 1]})",
      "{\"b\": \"hunter2\xff\"}",
      "{\"b\": \"hunter2\x01\"}",
      R"({"b": {"hunter2": tru}})",
      R"({"c": nul, "b": "hunter2"})",
  };
  for (const char* json : kBad) {
    const Decoded d = Run(json, abc_);
    EXPECT_EQ(d.status.code(), StatusCode::kInvalidInput) << json;
    EXPECT_THAT(d.status.message(), HasSubstr("record data is not valid JSON (")) << json;
    EXPECT_THAT(d.status.message(), Not(HasSubstr("hunter2"))) << json;
  }
}

TEST_F(RecordDecoderTest, ValuesNotStoredAreCheckedAllTheSame) {
  // On-demand parsing skips what is not read, counting brackets only; these would pass unchecked.
  const TableSchema typed =
      Schema({F("a", kInt), F("s", Struct({F("x", kInt)})), F("l", List(kInt)),
              F("b", Type(TypeKind::kBoolean)), F("t", Type(TypeKind::kTimestamp)),
              F("bin", Type(TypeKind::kBinary)), F("m", Map(Type(TypeKind::kInt32), kInt))});
  const char* const kBad[] = {
      R"({"a": 1, "undeclared": [}, "hunter2": 1})",
      R"({"undeclared": {"hunter2": tru}})",
      R"({"undeclared": [01, "hunter2"]})",
      R"({"undeclared": "hunter2\q"})",
      R"({"undeclared": -})",
      R"({"s": {"x": 1, "y": [}, "hunter2": 1}})",
      R"({"s": ["hunter2" 1]})",
      R"({"l": {"hunter2": }})",
      R"({"a": ["hunter2",]})",
      R"({"a": {"hunter2" 1}})",
      R"({"a": tru})",
      R"({"b": 01})",
      R"({"b": ["hunter2"})",
      R"({"t": 1.5.5})",
      R"({"bin": {"hunter2": nul}})",
      R"({"m": {"not an int": [}, "1": 2}})",
      R"({"m": ["hunter2"})",
  };
  for (const char* json : kBad) {
    const Decoded d = Run(json, typed);
    EXPECT_EQ(d.status.code(), StatusCode::kInvalidInput) << json;
    EXPECT_THAT(d.status.message(), HasSubstr("record data is not valid JSON (")) << json;
    EXPECT_THAT(d.status.message(), Not(HasSubstr("hunter2"))) << json;
  }
  // Well-formed values of the wrong shape are still nulled, and undeclared ones ignored.
  const std::string deep = std::string(5000, '[') + "\"\\ud800\"" + std::string(5000, ']');
  const Decoded d =
      Run(R"({"z": )" + deep + R"(, "a": [1e400, -0.0], "b": 1, "m": {"x": [true]}})", typed);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.row, "a: null, s: null, l: null, b: null, t: null, bin: null, m: map{}");
  ASSERT_EQ(d.changes.size(), 3u);
}

TEST_F(RecordDecoderTest, DataThatIsNotAnObject) {
  for (const char* json : {"[1, 2]", "42", R"("a")", "null", "true"}) {
    const Decoded d = Run(json, abc_);
    EXPECT_EQ(d.status.code(), StatusCode::kInvalidInput) << json;
    EXPECT_EQ(d.status.message(), "record data is not a JSON object") << json;
  }
}

TEST_F(RecordDecoderTest, FailedDecodeLeavesRowAndChangesAsTheyWere) {
  const std::string good = R"({"a": "x", "b": "keep"})";
  const std::string bad = R"({"c": 1, "b": "gone", "a": "y", "b": [1 2]})";
  Row row;
  std::vector<Change> changes;
  ASSERT_TRUE(decoder_.Decode(Padded(good).view(), abc_, &row, &changes).ok());
  const size_t cells = row.size();
  const size_t bytes = row.arena()->size();
  EXPECT_FALSE(decoder_.Decode(Padded(bad).view(), abc_, &row, &changes).ok());
  EXPECT_EQ(row.size(), cells);
  EXPECT_EQ(row.arena()->size(), bytes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(RenderRow(row, abc_), R"(a: null, b: "keep", c: null)");
  // The decoder is still usable.
  EXPECT_EQ(Run(R"({"c": 1, "a": 2})", abc_).row, "a: 2, b: null, c: 1d");
}

TEST_F(RecordDecoderTest, AppendsToExistingRowAndChanges) {
  // Two records on one tape: offsets of the second (reordered) record stay right.
  Row row;
  std::vector<Change> changes = {{"from_source", "NULLED", "SOURCE_SERIALIZATION_ERROR"}};
  ASSERT_TRUE(
      decoder_.Decode(Padded(R"({"b": "one", "a": "bad"})").view(), abc_, &row, &changes).ok());
  ASSERT_TRUE(
      decoder_.Decode(Padded(R"({"c": 2, "b": "two", "a": 3})").view(), abc_, &row, &changes).ok());
  TableSchema twice = abc_;
  twice.columns.insert(twice.columns.end(), abc_.columns.begin(), abc_.columns.end());
  EXPECT_EQ(RenderRow(row, twice), R"(a: null, b: "one", c: null, a: 3, b: "two", c: 2d)");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field, "from_source");
  EXPECT_EQ(RenderChange(changes[1]), "a NULLED SERIALIZATION");
}

TEST_F(RecordDecoderTest, OneDecoderManyRecordsAndSchemas) {
  const TableSchema other = Schema({F("b", kInt), F("x", Struct({F("a", kStr)}))});
  for (int i = 0; i < 500; ++i) {
    const std::string n = std::to_string(i);
    ASSERT_EQ(Run(R"({"c": )" + n + R"(, "b": "s)" + n + R"(", "a": )" + n + "}", abc_).row,
              "a: " + n + ", b: \"s" + n + "\", c: " + n + "d");
    ASSERT_EQ(Run(R"({"x": {"a": "t)" + n + R"("}, "b": )" + n + "}", other).row,
              "b: " + n + ", x: {a: \"t" + n + "\"}");
  }
}

TEST_F(RecordDecoderTest, SchemaChangedInPlaceIsNoticed) {
  // The field index is cached by address; a schema mutated (or replaced) at the same address must
  // not be looked up through the stale index.
  TableSchema schema = Schema({F("a", kInt), F("b", kInt)});
  EXPECT_EQ(Run(R"({"b": 1, "a": 2})", schema).row, "a: 2, b: 1");
  schema.columns[0].source_name = "c";
  schema.columns[1].source_name = "d";
  EXPECT_EQ(Run(R"({"d": 1, "c": 2, "a": 5})", schema).row, "c: 2, d: 1");
  schema.columns.push_back(F("e", kInt));
  EXPECT_EQ(Run(R"({"e": 3, "d": 1, "c": 2})", schema).row, "c: 2, d: 1, e: 3");
}

}  // namespace
}  // namespace datalake::decode::test_util
