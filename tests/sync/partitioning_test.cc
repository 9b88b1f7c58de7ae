// Partitioning (sync/partitioning.h): the keys each option derives from a stream's cursor, when
// a stream is not partitioned, the values of real decoded rows (the cursor column after nested
// columns, so the tape walk matters), Hive subdirectories, and reading an existing table's keys.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "config/config.h"
#include "decode/decode.h"
#include "format/format.h"
#include "format/row.h"
#include "json/json.h"
#include "schema/schema.h"
#include "sync/partitioning.h"

namespace datalake::sync {
namespace {

using config::Partitioning;
using schema::TableSchema;
using schema::TypeKind;
using Keys = std::vector<std::pair<std::string, std::string>>;
using Values = std::vector<std::string>;

constexpr Partitioning kAllOptions[] = {
    Partitioning::kDate, Partitioning::kYear,      Partitioning::kMonth,
    Partitioning::kDay,  Partitioning::kYearMonth, Partitioning::kYearMonthDay,
};

const char* NameOf(Partitioning p) {
  switch (p) {
    case Partitioning::kNone:
      return "NO PARTITIONING";
    case Partitioning::kDate:
      return "DATE";
    case Partitioning::kYear:
      return "YEAR";
    case Partitioning::kMonth:
      return "MONTH";
    case Partitioning::kDay:
      return "DAY";
    case Partitioning::kYearMonth:
      return "YEAR/MONTH";
    case Partitioning::kYearMonthDay:
      return "YEAR/MONTH/DAY";
  }
  return "?";
}

// Map a JSON schema given as its "properties" object text.
TableSchema MapProperties(const std::string& properties) {
  Result<json::Value> parsed = json::Parse(R"({"type":"object","properties":)" + properties + "}");
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << " in " << properties;
  if (!parsed.ok()) return {};
  Result<TableSchema> mapped = schema::MapJsonSchema(*parsed, {});
  EXPECT_TRUE(mapped.ok()) << mapped.status().ToString();
  return mapped.ok() ? *mapped : TableSchema{};
}

int ColumnOf(const PartitionScheme& scheme) {
  return scheme.fields.empty() ? -1 : scheme.fields[0].column;
}

std::vector<PartitionPart> PartsOf(const PartitionScheme& scheme) {
  std::vector<PartitionPart> out;
  for (const PartitionField& f : scheme.fields) out.push_back(f.part);
  return out;
}

Keys KeysOf(const PartitionScheme& scheme) {
  Keys out;
  for (const catalog::Column& k : scheme.keys) out.emplace_back(k.name, k.type);
  return out;
}

std::vector<catalog::Column> Columns(const Keys& keys) {
  std::vector<catalog::Column> out;
  for (const auto& [name, type] : keys) out.push_back({name, type});
  return out;
}

// The original connector's test stream: an id and a date-time cursor.
const char kSimpleProperties[] =
    R"({"id":{"type":"integer"},"datetime_col":{"type":"string","format":"date-time"}})";

TEST(SchemeForStreamTest, KeyNamesAndTypesOfEveryOption) {
  const TableSchema data = MapProperties(kSimpleProperties);
  ASSERT_EQ(data.columns.size(), 2u);
  const std::vector<std::pair<Partitioning, Keys>> cases = {
      // The original connector's unit test expectations (DATE, MONTH, YEAR/MONTH/DAY).
      {Partitioning::kDate, {{"datetime_col_date", "date"}}},
      {Partitioning::kMonth, {{"datetime_col_month", "bigint"}}},
      {Partitioning::kYearMonthDay,
       {{"datetime_col_year", "bigint"},
        {"datetime_col_month", "bigint"},
        {"datetime_col_day", "bigint"}}},
      // The remaining options, by the same rule.
      {Partitioning::kYear, {{"datetime_col_year", "bigint"}}},
      {Partitioning::kDay, {{"datetime_col_day", "bigint"}}},
      {Partitioning::kYearMonth,
       {{"datetime_col_year", "bigint"}, {"datetime_col_month", "bigint"}}},
  };
  for (const auto& [option, keys] : cases) {
    SCOPED_TRACE(NameOf(option));
    const PartitionScheme scheme = SchemeForStream(option, {"datetime_col"}, data);
    EXPECT_TRUE(scheme.partitioned());
    EXPECT_EQ(ColumnOf(scheme), 1);
    EXPECT_EQ(KeysOf(scheme), keys);
    EXPECT_EQ(PartsOf(scheme).size(), keys.size());
  }
}

TEST(SchemeForStreamTest, PartsFollowTheOptionInPathOrder) {
  const TableSchema data = MapProperties(kSimpleProperties);
  using P = PartitionPart;
  EXPECT_EQ(PartsOf(SchemeForStream(Partitioning::kDate, {"datetime_col"}, data)),
            std::vector<P>{P::kCursorDate});
  EXPECT_EQ(PartsOf(SchemeForStream(Partitioning::kYearMonth, {"datetime_col"}, data)),
            (std::vector<P>{P::kCursorYear, P::kCursorMonth}));
  EXPECT_EQ(PartsOf(SchemeForStream(Partitioning::kYearMonthDay, {"datetime_col"}, data)),
            (std::vector<P>{P::kCursorYear, P::kCursorMonth, P::kCursorDay}));
}

TEST(SchemeForStreamTest, NotPartitionedWithoutOneTopLevelTemporalCursor) {
  const TableSchema data = MapProperties(R"({
      "id": {"type": "integer"},
      "name": {"type": "string"},
      "datetime_col": {"type": "string", "format": "date-time"},
      "obj": {"type": "object", "properties": {"datetime_col": {"type": "string",
                                                                 "format": "date-time"}}}})");
  ASSERT_EQ(data.columns.size(), 4u);
  // The option is off.
  EXPECT_FALSE(SchemeForStream(Partitioning::kNone, {"datetime_col"}, data).partitioned());
  for (Partitioning option : kAllOptions) {
    SCOPED_TRACE(NameOf(option));
    // No cursor (full refresh).
    EXPECT_FALSE(SchemeForStream(option, {}, data).partitioned());
    // A nested cursor path, even one that leads to a date-time.
    EXPECT_FALSE(SchemeForStream(option, {"obj", "datetime_col"}, data).partitioned());
    EXPECT_FALSE(SchemeForStream(option, {"datetime_col", "x"}, data).partitioned());
    // A cursor that is not a date or date-time.
    EXPECT_FALSE(SchemeForStream(option, {"name"}, data).partitioned());
    EXPECT_FALSE(SchemeForStream(option, {"id"}, data).partitioned());
    EXPECT_FALSE(SchemeForStream(option, {"obj"}, data).partitioned());
    // A cursor that names no column.
    EXPECT_FALSE(SchemeForStream(option, {"missing"}, data).partitioned());
    // The control: the date-time cursor does partition.
    EXPECT_TRUE(SchemeForStream(option, {"datetime_col"}, data).partitioned());
  }
  const PartitionScheme none = SchemeForStream(Partitioning::kNone, {"datetime_col"}, data);
  EXPECT_EQ(ColumnOf(none), -1);
  EXPECT_TRUE(none.keys.empty());
  EXPECT_TRUE(PartsOf(none).empty());
}

TEST(SchemeForStreamTest, DateAndWallClockTimestampColumnsPartition) {
  const TableSchema data = MapProperties(R"({
      "d": {"type": "string", "format": "date"},
      "ntz": {"type": "string", "format": "date-time",
              "airbyte_type": "timestamp_without_timezone"}})");
  ASSERT_EQ(data.columns.size(), 2u);
  ASSERT_EQ(data.columns[0].type.kind, TypeKind::kDate);
  ASSERT_EQ(data.columns[1].type.kind, TypeKind::kTimestampNtz);
  const PartitionScheme by_date = SchemeForStream(Partitioning::kYearMonthDay, {"d"}, data);
  EXPECT_EQ(ColumnOf(by_date), 0);
  EXPECT_EQ(KeysOf(by_date),
            (Keys{{"d_year", "bigint"}, {"d_month", "bigint"}, {"d_day", "bigint"}}));
  const PartitionScheme by_ntz = SchemeForStream(Partitioning::kDate, {"ntz"}, data);
  EXPECT_EQ(ColumnOf(by_ntz), 1);
  EXPECT_EQ(KeysOf(by_ntz), (Keys{{"ntz_date", "date"}}));
}

TEST(SchemeForStreamTest, KeysUseTheSanitisedColumnName) {
  const TableSchema data = MapProperties(
      R"({"id":{"type":"integer"},"Updated At":{"type":"string","format":"date-time"}})");
  ASSERT_EQ(data.columns.size(), 2u);
  ASSERT_EQ(data.columns[1].name, "updated_at");
  // The cursor field names the record's raw key.
  const PartitionScheme scheme = SchemeForStream(Partitioning::kYearMonth, {"Updated At"}, data);
  EXPECT_EQ(ColumnOf(scheme), 1);
  EXPECT_EQ(KeysOf(scheme), (Keys{{"updated_at_year", "bigint"}, {"updated_at_month", "bigint"}}));
  // The sanitised name is not a source key.
  EXPECT_FALSE(SchemeForStream(Partitioning::kYear, {"updated_at"}, data).partitioned());
}

TEST(DescribeKeysTest, NamesEveryKeyWithItsType) {
  const TableSchema data = MapProperties(kSimpleProperties);
  EXPECT_EQ(DescribeKeys(PartitionScheme{}), "none");
  EXPECT_EQ(DescribeKeys(SchemeForStream(Partitioning::kYearMonth, {"datetime_col"}, data)),
            "datetime_col_year bigint, datetime_col_month bigint");
}

// Rows decoded by the real record decoder, for a schema whose cursor comes after a nested
// struct, a list of structs (with nested lists) and a struct that is often null.
class PartitionValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = MapProperties(R"({
        "id": {"type": "integer"},
        "nested": {"type": "object", "properties": {
            "a": {"type": "integer"},
            "b": {"type": "object", "properties": {
                "c": {"type": "string"},
                "d": {"type": "array", "items": {"type": "integer"}}}}}},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "x": {"type": "integer"},
            "y": {"type": "array", "items": {"type": "string"}}}}},
        "maybe": {"type": "object", "properties": {
            "p": {"type": "string"},
            "q": {"type": "object", "properties": {"r": {"type": "integer"}}}}},
        "ts": {"type": "string", "format": "date-time"},
        "after": {"type": "string"},
        "d": {"type": "string", "format": "date"},
        "ntz": {"type": "string", "format": "date-time",
                "airbyte_type": "timestamp_without_timezone"}})");
    ASSERT_EQ(data_.columns.size(), 8u);
    ASSERT_EQ(data_.columns[1].type.kind, TypeKind::kStruct);
    ASSERT_EQ(data_.columns[2].type.kind, TypeKind::kList);
    ASSERT_EQ(data_.columns[3].type.kind, TypeKind::kStruct);
    ASSERT_EQ(data_.columns[4].type.kind, TypeKind::kTimestamp);
    ASSERT_EQ(data_.columns[6].type.kind, TypeKind::kDate);
    ASSERT_EQ(data_.columns[7].type.kind, TypeKind::kTimestampNtz);
  }

  // Decode a record whose cursor column `cursor` holds `cursor_json` (a JSON value) after busy
  // nested columns, and return the partition values of `option` for `schema` (the data schema
  // the row is decoded with; the scheme always comes from data_).
  Values ValuesFor(Partitioning option, const std::string& cursor, const std::string& cursor_json,
                   const TableSchema* schema = nullptr) {
    if (schema == nullptr) schema = &data_;
    const PartitionScheme scheme = SchemeForStream(option, {cursor}, data_);
    EXPECT_TRUE(scheme.partitioned());
    const std::string record =
        R"({"id": 7,
            "nested": {"a": 1, "b": {"c": "2024-02-02T00:00:00Z", "d": [1, 2, 3]}},
            "items": [{"x": 1, "y": ["a", "b"]}, {"x": null, "y": []}, {"x": 3, "y": null}],
            "maybe": null,
            "after": "1999-09-09",
            ")" +
        cursor + R"(": )" + cursor_json + "}";
    std::string padded = record + std::string(simdjson::SIMDJSON_PADDING, '\0');
    format::Row row;
    std::vector<decode::Change> changes;
    Status s =
        decoder_.Decode(std::string_view(padded.data(), record.size()), *schema, &row, &changes);
    EXPECT_TRUE(s.ok()) << s.ToString();
    Values values = {"stale"};
    PartitionValuesOf(scheme, row, *schema, &values);
    EXPECT_EQ(values.size(), scheme.keys.size());
    return values;
  }

  Values Ymd(const std::string& cursor, const std::string& cursor_json,
             const TableSchema* schema = nullptr) {
    return ValuesFor(Partitioning::kYearMonthDay, cursor, cursor_json, schema);
  }
  Values Date(const std::string& cursor, const std::string& cursor_json,
              const TableSchema* schema = nullptr) {
    return ValuesFor(Partitioning::kDate, cursor, cursor_json, schema);
  }

  // data_ with the cursor column's type turned into string, as when an existing table keeps
  // its string type for the column (sticky types).
  TableSchema WithStringColumn(const std::string& source) const {
    TableSchema s = data_;
    s.columns[static_cast<size_t>(s.FindBySource(source))].type =
        schema::DataType::Of(TypeKind::kString);
    return s;
  }

  TableSchema data_;
  decode::RecordDecoder decoder_;
};

TEST_F(PartitionValuesTest, CursorAfterNestedColumnsIsFound) {
  EXPECT_EQ(Ymd("ts", R"("2024-06-05T10:11:12Z")"), (Values{"2024", "6", "5"}));
  EXPECT_EQ(Date("ts", R"("2024-06-05T10:11:12Z")"), (Values{"2024-06-05"}));
  EXPECT_EQ(ValuesFor(Partitioning::kYear, "ts", R"("2024-06-05T10:11:12Z")"), (Values{"2024"}));
  EXPECT_EQ(ValuesFor(Partitioning::kMonth, "ts", R"("2024-06-05T10:11:12Z")"), (Values{"6"}));
  EXPECT_EQ(ValuesFor(Partitioning::kDay, "ts", R"("2024-06-05T10:11:12Z")"), (Values{"5"}));
  EXPECT_EQ(ValuesFor(Partitioning::kYearMonth, "ts", R"("2024-06-05T10:11:12Z")"),
            (Values{"2024", "6"}));
}

TEST_F(PartitionValuesTest, NoZeroPadding) {
  EXPECT_EQ(Ymd("ts", R"("2024-06-05")"), (Values{"2024", "6", "5"}));
  EXPECT_EQ(Ymd("ts", R"("2023-01-09T00:00:00Z")"), (Values{"2023", "1", "9"}));
  EXPECT_EQ(Ymd("ts", R"("2023-12-31T23:59:59.999999Z")"), (Values{"2023", "12", "31"}));
  // The date keeps its ISO form.
  EXPECT_EQ(Date("ts", R"("2023-01-09T00:00:00Z")"), (Values{"2023-01-09"}));
}

TEST_F(PartitionValuesTest, TimestampsAreNormalisedToUtcAcrossDayBoundaries) {
  EXPECT_EQ(Ymd("ts", R"("2024-01-01T01:00:00+02:00")"), (Values{"2023", "12", "31"}));
  EXPECT_EQ(Date("ts", R"("2024-01-01T01:00:00+02:00")"), (Values{"2023-12-31"}));
  EXPECT_EQ(Ymd("ts", R"("2023-12-31T22:30:00-01:30")"), (Values{"2024", "1", "1"}));
  EXPECT_EQ(Date("ts", R"("2023-12-31T22:30:00-01:30")"), (Values{"2024-01-01"}));
  // Leap day.
  EXPECT_EQ(Ymd("ts", R"("2024-03-01T00:59:00+01:00")"), (Values{"2024", "2", "29"}));
}

TEST_F(PartitionValuesTest, TimestampsBeforeTheEpochUseTheirOwnDay) {
  EXPECT_EQ(Ymd("ts", R"("1969-12-31T23:00:00Z")"), (Values{"1969", "12", "31"}));
  EXPECT_EQ(Date("ts", R"("1969-12-31T23:00:00Z")"), (Values{"1969-12-31"}));
  EXPECT_EQ(Ymd("ts", R"("1969-12-31T23:59:59.999999Z")"), (Values{"1969", "12", "31"}));
  EXPECT_EQ(Ymd("ts", R"("1970-01-01T00:00:00Z")"), (Values{"1970", "1", "1"}));
  EXPECT_EQ(Ymd("ts", R"("1900-02-28T12:00:00Z")"), (Values{"1900", "2", "28"}));
  EXPECT_EQ(Date("ts", R"("0001-01-01T00:00:01Z")"), (Values{"0001-01-01"}));
  EXPECT_EQ(Ymd("ts", R"("0001-01-01T00:00:01Z")"), (Values{"1", "1", "1"}));
}

TEST_F(PartitionValuesTest, DateColumn) {
  EXPECT_EQ(Ymd("d", R"("2024-06-05")"), (Values{"2024", "6", "5"}));
  EXPECT_EQ(Date("d", R"("2024-06-05")"), (Values{"2024-06-05"}));
  EXPECT_EQ(Ymd("d", R"("1969-07-20")"), (Values{"1969", "7", "20"}));
}

TEST_F(PartitionValuesTest, WallClockTimestampKeepsItsWallClockDay) {
  EXPECT_EQ(Ymd("ntz", R"("2024-01-01T01:00:00+02:00")"), (Values{"2024", "1", "1"}));
  EXPECT_EQ(Date("ntz", R"("2024-01-01T01:00:00+02:00")"), (Values{"2024-01-01"}));
  EXPECT_EQ(Ymd("ntz", R"("2024-01-01T23:30:00")"), (Values{"2024", "1", "1"}));
  EXPECT_EQ(Date("ntz", R"("1969-12-31T23:00:00")"), (Values{"1969-12-31"}));
}

TEST_F(PartitionValuesTest, NullCursorGetsDefaults) {
  for (const std::string cursor : {"ts", "d", "ntz"}) {
    SCOPED_TRACE(cursor);
    EXPECT_EQ(Ymd(cursor, "null"), (Values{"0", "0", "0"}));
    EXPECT_EQ(Date(cursor, "null"), (Values{kHiveNullPartition}));
    EXPECT_EQ(ValuesFor(Partitioning::kYearMonth, cursor, "null"), (Values{"0", "0"}));
  }
  EXPECT_EQ(std::string(kHiveNullPartition), "__HIVE_DEFAULT_PARTITION__");
}

TEST_F(PartitionValuesTest, UnparseableCursorIsNulledAndGetsDefaults) {
  EXPECT_EQ(Ymd("ts", R"("not a date")"), (Values{"0", "0", "0"}));
  EXPECT_EQ(Date("ts", R"("2024-13-01T00:00:00Z")"), (Values{kHiveNullPartition}));
  EXPECT_EQ(Ymd("d", "12345"), (Values{"0", "0", "0"}));
}

TEST_F(PartitionValuesTest, StringCellOfAStickyStringColumnIsParsed) {
  const TableSchema ts_as_string = WithStringColumn("ts");
  ASSERT_EQ(ts_as_string.columns[4].type.kind, TypeKind::kString);
  EXPECT_EQ(Ymd("ts", R"("2024-01-01T01:00:00+02:00")", &ts_as_string),
            (Values{"2023", "12", "31"}));
  EXPECT_EQ(Date("ts", R"("2024-01-01T01:00:00+02:00")", &ts_as_string), (Values{"2023-12-31"}));
  EXPECT_EQ(Ymd("ts", R"("2024-06-05")", &ts_as_string), (Values{"2024", "6", "5"}));
  EXPECT_EQ(Date("ts", R"("1969-12-31T23:00:00Z")", &ts_as_string), (Values{"1969-12-31"}));
  const TableSchema d_as_string = WithStringColumn("d");
  EXPECT_EQ(Date("d", R"("2024-06-05")", &d_as_string), (Values{"2024-06-05"}));
}

TEST_F(PartitionValuesTest, UnparseableStringCellGetsDefaults) {
  const TableSchema ts_as_string = WithStringColumn("ts");
  for (const std::string text : {R"("not a date")", R"("")", R"("2024-02-30")",
                                 R"("2024-06-05T25:00:00Z")", R"("2024-06-05Tjunk")"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Ymd("ts", text, &ts_as_string), (Values{"0", "0", "0"}));
    EXPECT_EQ(Date("ts", text, &ts_as_string), (Values{kHiveNullPartition}));
  }
}

TEST_F(PartitionValuesTest, UnpartitionedSchemeClearsTheValues) {
  format::Row row;
  row.AppendInt64(1);
  Values values = {"left", "over"};
  PartitionValuesOf(PartitionScheme{}, row, data_, &values);
  EXPECT_TRUE(values.empty());
}

// A hand-built tape: the cursor (a date cell) after a null struct, a list of structs with a
// null struct element, a nested list and an empty list.
TEST(PartitionValuesOfTest, HandBuiltRowWithTheCursorLast) {
  const TableSchema data = MapProperties(R"({
      "s": {"type": "object", "properties": {
          "a": {"type": "integer"},
          "b": {"type": "object", "properties": {"c": {"type": "integer"}}}}},
      "l": {"type": "array", "items": {"type": "object", "properties": {
          "x": {"type": "array", "items": {"type": "integer"}}}}},
      "e": {"type": "array", "items": {"type": "integer"}},
      "n": {"type": "object", "properties": {"z": {"type": "integer"}}},
      "when": {"type": "string", "format": "date"}})");
  ASSERT_EQ(data.columns.size(), 5u);
  format::Row row;
  row.AppendStruct();  // s
  row.AppendInt64(1);  //   a
  row.AppendNull();    //   b (null struct)
  size_t l = row.BeginList();
  row.AppendStruct();  //   {x: [5, 6]}
  size_t x = row.BeginList();
  row.AppendInt64(5);
  row.AppendInt64(6);
  row.EndList(x, 2);
  row.AppendNull();    //   null element
  row.AppendStruct();  //   {x: []}
  row.EndList(row.BeginList(), 0);
  row.EndList(l, 3);
  row.EndList(row.BeginList(), 0);  // e
  row.AppendNull();                 // n
  row.AppendDate(19879);            // when: 2024-06-05
  ASSERT_EQ(schema::FormatDateDays(19879), "2024-06-05");

  const PartitionScheme scheme = SchemeForStream(Partitioning::kYearMonthDay, {"when"}, data);
  ASSERT_EQ(ColumnOf(scheme), 4);
  Values values;
  PartitionValuesOf(scheme, row, data, &values);
  EXPECT_EQ(values, (Values{"2024", "6", "5"}));
  PartitionValuesOf(SchemeForStream(Partitioning::kDate, {"when"}, data), row, data, &values);
  EXPECT_EQ(values, (Values{"2024-06-05"}));
}

TEST(PartitionSubdirectoryTest, HiveStylePath) {
  const TableSchema data = MapProperties(kSimpleProperties);
  const PartitionScheme ymd = SchemeForStream(Partitioning::kYearMonthDay, {"datetime_col"}, data);
  EXPECT_EQ(PartitionSubdirectory(ymd, {"2023", "6", "5"}),
            "datetime_col_year=2023/datetime_col_month=6/datetime_col_day=5/");
  const PartitionScheme date = SchemeForStream(Partitioning::kDate, {"datetime_col"}, data);
  EXPECT_EQ(PartitionSubdirectory(date, {"2023-06-05"}), "datetime_col_date=2023-06-05/");
  EXPECT_EQ(PartitionSubdirectory(date, {kHiveNullPartition}),
            "datetime_col_date=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_EQ(PartitionSubdirectory(PartitionScheme{}, {}), "");
  EXPECT_EQ(PartitionSubdirectory(SchemeForStream(Partitioning::kNone, {"datetime_col"}, data), {}),
            "");
}

TEST(SchemeForKeysTest, NoKeysIsUnpartitioned) {
  const TableSchema data = MapProperties(kSimpleProperties);
  Result<PartitionScheme> scheme = SchemeForKeys({}, data);
  ASSERT_TRUE(scheme.ok()) << scheme.status().ToString();
  EXPECT_FALSE(scheme->partitioned());
  EXPECT_TRUE(scheme->keys.empty());
  EXPECT_EQ(*scheme, PartitionScheme{});
}

TEST(SchemeForKeysTest, KeysOfEveryOptionRoundTrip) {
  const TableSchema data = MapProperties(R"({
      "id": {"type": "integer"},
      "Updated At": {"type": "string", "format": "date-time"},
      "d": {"type": "string", "format": "date"},
      "ntz": {"type": "string", "format": "date-time",
              "airbyte_type": "timestamp_without_timezone"}})");
  for (const std::string cursor : {"Updated At", "d", "ntz"}) {
    for (Partitioning option : kAllOptions) {
      SCOPED_TRACE(cursor + " " + NameOf(option));
      const PartitionScheme wanted = SchemeForStream(option, {cursor}, data);
      ASSERT_TRUE(wanted.partitioned());
      Result<PartitionScheme> kept = SchemeForKeys(wanted.keys, data);
      ASSERT_TRUE(kept.ok()) << kept.status().ToString();
      EXPECT_EQ(*kept, wanted);
      EXPECT_EQ(ColumnOf(*kept), ColumnOf(wanted));
      EXPECT_EQ(KeysOf(*kept), KeysOf(wanted));
    }
  }
  // Schemes of different options or columns differ.
  EXPECT_FALSE(SchemeForStream(Partitioning::kYear, {"d"}, data) ==
               SchemeForStream(Partitioning::kYearMonth, {"d"}, data));
  EXPECT_FALSE(SchemeForStream(Partitioning::kYear, {"d"}, data) ==
               SchemeForStream(Partitioning::kYear, {"ntz"}, data));
}

TEST(SchemeForKeysTest, KeysNotDerivedFromOneTemporalColumnAreConfigErrors) {
  const TableSchema data = MapProperties(R"({
      "id": {"type": "integer"},
      "name": {"type": "string"},
      "created_at": {"type": "string", "format": "date-time"},
      "updated_at": {"type": "string", "format": "date-time"}})");
  const std::vector<std::pair<std::string, Keys>> cases = {
      {"unknown part", {{"created_at_week", "bigint"}}},
      {"no part suffix", {{"created_at", "timestamp"}}},
      {"year typed string", {{"created_at_year", "string"}}},
      {"year typed date", {{"created_at_year", "date"}}},
      {"date typed bigint", {{"created_at_date", "bigint"}}},
      {"two columns", {{"created_at_year", "bigint"}, {"updated_at_month", "bigint"}}},
      {"integer column", {{"id_year", "bigint"}}},
      {"string column", {{"name_date", "date"}}},
      {"missing column", {{"deleted_at_year", "bigint"}}},
      {"bare suffix", {{"_year", "bigint"}}},
      {"repeated key", {{"created_at_year", "bigint"}, {"created_at_year", "bigint"}}},
      {"one bad key after good ones",
       {{"created_at_year", "bigint"}, {"created_at_month", "bigint"}, {"other", "string"}}},
  };
  for (const auto& [what, keys] : cases) {
    SCOPED_TRACE(what);
    Result<PartitionScheme> scheme = SchemeForKeys(Columns(keys), data);
    ASSERT_FALSE(scheme.ok());
    EXPECT_EQ(scheme.status().code(), StatusCode::kConfigError) << scheme.status().ToString();
    EXPECT_NE(scheme.status().message().find(keys.back().first), std::string::npos)
        << scheme.status().message();
  }
  // The control: the same column's keys are accepted.
  Result<PartitionScheme> ok =
      SchemeForKeys(Columns({{"updated_at_year", "bigint"}, {"updated_at_month", "bigint"}}), data);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ColumnOf(*ok), 3);
  EXPECT_EQ(PartsOf(*ok),
            (std::vector<PartitionPart>{PartitionPart::kCursorYear, PartitionPart::kCursorMonth}));
}

}  // namespace
}  // namespace datalake::sync

namespace datalake::sync {
namespace {

// A stream with a column of every kind partition_by takes, and a record of it decoded.
class PartitionByTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = MapProperties(R"({
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "ts": {"type": "string", "format": "date-time"},
        "d": {"type": "string", "format": "date"},
        "ok": {"type": "boolean"},
        "obj": {"type": "object", "properties": {"a": {"type": "integer"}}},
        "price": {"type": "number"}})");
    ASSERT_EQ(data_.columns.size(), 7u);
  }

  Result<PartitionScheme> Scheme(const std::string& field, const std::string& transform,
                                 config::TableFormat format = config::TableFormat::kHive) {
    config::Config config;
    config.table_format = format;
    config.partition_by = {{field, transform, {}}};
    return SchemeForConfig(config, "", "s", {}, data_);
  }

  format::Row Decode(const std::string& record) {
    std::string padded = record + std::string(simdjson::SIMDJSON_PADDING, '\0');
    format::Row row;
    std::vector<decode::Change> changes;
    Status s =
        decoder_.Decode(std::string_view(padded.data(), record.size()), data_, &row, &changes);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return row;
  }

  // The Hive subdirectory and the Iceberg tuple of `record` under one entry.
  std::pair<std::string, std::vector<iceberg::PartitionValue>> PartitionOf(
      const std::string& field, const std::string& transform, const std::string& record) {
    Result<PartitionScheme> scheme = Scheme(field, transform);
    EXPECT_TRUE(scheme.ok()) << scheme.status().ToString();
    if (!scheme.ok()) return {};
    const format::Row row = Decode(record);
    std::string key;
    PartitionKeyOf(*scheme, row, data_, &key);
    Values values;
    PartitionValuesOfKey(*scheme, key, data_, &values);
    return {PartitionSubdirectory(*scheme, values), IcebergPartitionOfKey(*scheme, key, data_)};
  }

  TableSchema data_;
  decode::RecordDecoder decoder_;
};

using PV = iceberg::PartitionValue;

TEST_F(PartitionByTest, EveryTransformGivesItsHiveValueAndItsIcebergValue) {
  const std::string record =
      R"({"id": 34, "name": "iceberg/é:x", "ts": "2017-11-16T22:31:08Z", "d": "2017-11-16",
          "ok": true})";
  const int32_t day = static_cast<int32_t>(*schema::ParseDateDays("2017-11-16"));
  const std::vector<std::tuple<std::string, std::string, std::string, PV>> cases = {
      {"ts", "year", "ts_year=2017/", PV{int32_t{47}}},
      {"ts", "month", "ts_month=2017-11/", PV{int32_t{47 * 12 + 10}}},
      {"ts", "day", "ts_day=2017-11-16/", PV{day}},
      {"ts", "hour", "ts_hour=2017-11-16-22/", PV{int32_t{day * 24 + 22}}},
      {"d", "month", "d_month=2017-11/", PV{int32_t{47 * 12 + 10}}},
      {"d", "day", "d_day=2017-11-16/", PV{day}},
      {"d", "identity", "d=2017-11-16/", PV{day}},
      {"id", "identity", "id=34/", PV{int64_t{34}}},
      {"id", "bucket[100]", "id_bucket_100=79/", PV{int32_t{(2017239379 & 0x7fffffff) % 100}}},
      {"id", "truncate[10]", "id_trunc_10=30/", PV{int64_t{30}}},
      {"ts", "bucket[16]", "ts_bucket_16=" + std::to_string((-2047944441 & 0x7fffffff) % 16) + "/",
       PV{int32_t{(-2047944441 & 0x7fffffff) % 16}}},
      {"d", "bucket[16]", "d_bucket_16=" + std::to_string((-653330422 & 0x7fffffff) % 16) + "/",
       PV{int32_t{(-653330422 & 0x7fffffff) % 16}}},
      // Hive escapes '/' and ':' in a path; the Iceberg value is the text itself.
      {"name", "identity", "name=iceberg%2F\xc3\xa9%3Ax/", PV{std::string("iceberg/\xc3\xa9:x")}},
      {"name", "truncate[9]", "name_trunc_9=iceberg%2F\xc3\xa9/",
       PV{std::string("iceberg/\xc3\xa9")}},
      {"name", "bucket[16]",
       "name_bucket_16=" + std::to_string(iceberg::BucketOfBytes("iceberg/\xc3\xa9:x", 16)) + "/",
       PV{iceberg::BucketOfBytes("iceberg/\xc3\xa9:x", 16)}},
      {"ok", "identity", "ok=true/", PV{true}},
  };
  for (const auto& [field, transform, subdirectory, value] : cases) {
    SCOPED_TRACE(field + " " + transform);
    const auto [path, tuple] = PartitionOf(field, transform, record);
    EXPECT_EQ(path, subdirectory);
    ASSERT_EQ(tuple.size(), 1u);
    EXPECT_EQ(tuple[0], value);
  }
}

TEST_F(PartitionByTest, NullsAreHivesDefaultPartitionAndIcebergNulls) {
  for (const char* t : {"year", "month", "day", "hour", "bucket[4]"}) {
    const auto [path, tuple] = PartitionOf("ts", t, R"({"id": 1, "ts": null})");
    EXPECT_EQ(path.substr(path.find('=')), "=__HIVE_DEFAULT_PARTITION__/") << t;
    EXPECT_EQ(tuple, std::vector<PV>{PV{}}) << t;
  }
  // An unparseable date-time is nulled by the decoder: the same partition.
  EXPECT_EQ(PartitionOf("ts", "day", R"({"ts": "not a time"})").first,
            "ts_day=__HIVE_DEFAULT_PARTITION__/");
  // Hive reads an empty string value as null; Iceberg keeps it.
  const auto [path, tuple] = PartitionOf("name", "identity", R"({"name": ""})");
  EXPECT_EQ(path, "name=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_EQ(tuple, std::vector<PV>{PV{std::string()}});
}

TEST_F(PartitionByTest, TimesBeforeTheEpochFloor) {
  EXPECT_EQ(PartitionOf("ts", "hour", R"({"ts": "1969-12-31T23:59:59.999999Z"})").second,
            std::vector<PV>{PV{int32_t{-1}}});
  EXPECT_EQ(PartitionOf("ts", "year", R"({"ts": "1969-12-31T23:59:59Z"})").first, "ts_year=1969/");
  EXPECT_EQ(PartitionOf("ts", "month", R"({"ts": "1969-12-31T23:59:59Z"})").first,
            "ts_month=1969-12/");
}

TEST_F(PartitionByTest, FieldsAndTypesEachTransformTakes) {
  for (const auto& [field, transform] :
       std::vector<std::pair<std::string, std::string>>{{"ts", "identity"},
                                                        {"name", "day"},
                                                        {"id", "year"},
                                                        {"d", "hour"},
                                                        {"ok", "bucket[4]"},
                                                        {"ok", "truncate[2]"},
                                                        {"obj", "identity"},
                                                        {"price", "identity"},
                                                        {"ts", "truncate[3]"}}) {
    Result<PartitionScheme> scheme = Scheme(field, transform);
    ASSERT_FALSE(scheme.ok()) << field << " " << transform;
    EXPECT_EQ(scheme.status().code(), StatusCode::kConfigError);
    EXPECT_NE(scheme.status().message().find("field " + field + " of stream s"), std::string::npos)
        << scheme.status().message();
  }
  // A stream without the field is not partitioned by it, unless the entry names the stream.
  EXPECT_FALSE(Scheme("missing", "day")->partitioned());
  config::Config config;
  config.partition_by = {{"missing", "day", {"shop.s"}}};
  Result<PartitionScheme> named = SchemeForConfig(config, "shop", "s", {}, data_);
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find("stream shop.s has no top-level field missing"),
            std::string::npos);
  // An entry for other streams leaves this one alone.
  config.partition_by = {{"ts", "day", {"other"}}};
  EXPECT_FALSE(SchemeForConfig(config, "shop", "s", {}, data_)->partitioned());
  config.partition_by = {{"ts", "day", {"s"}}, {"id", "bucket[8]", {"shop.s"}}};
  EXPECT_EQ(KeysOf(*SchemeForConfig(config, "shop", "s", {}, data_)),
            (Keys{{"ts_day", "date"}, {"id_bucket_8", "int"}}));
}

TEST_F(PartitionByTest, TheCursorDateOptionIsTheFinestTransformOnIcebergTables) {
  const std::vector<std::pair<Partitioning, std::string>> cases = {
      {Partitioning::kDate, "day"},        {Partitioning::kYear, "year"},
      {Partitioning::kMonth, "month"},     {Partitioning::kDay, "day"},
      {Partitioning::kYearMonth, "month"}, {Partitioning::kYearMonthDay, "day"}};
  for (const auto& [option, transform] : cases) {
    config::Config config;
    config.partitioning = option;
    config.table_format = config::TableFormat::kIceberg;
    Result<PartitionScheme> scheme = SchemeForConfig(config, "", "s", {"ts"}, data_);
    ASSERT_TRUE(scheme.ok());
    ASSERT_EQ(scheme->fields.size(), 1u) << NameOf(option);
    EXPECT_EQ(iceberg::TransformName(scheme->fields[0].transform), transform) << NameOf(option);
    EXPECT_EQ(scheme->fields[0].part, PartitionPart::kTransform);
    // On Hive tables the option keeps the original's keys.
    config.table_format = config::TableFormat::kHive;
    EXPECT_EQ(*SchemeForConfig(config, "", "s", {"ts"}, data_),
              SchemeForStream(option, {"ts"}, data_));
  }
}

TEST_F(PartitionByTest, KeysOfAnExistingTableReadBackAsTheirTransforms) {
  config::Config config;
  config.partition_by = {{"ts", "hour", {}},          {"id", "bucket[8]", {}},
                         {"name", "truncate[2]", {}}, {"d", "identity", {}},
                         {"d", "month", {}},          {"ok", "identity", {}}};
  Result<PartitionScheme> wanted = SchemeForConfig(config, "", "s", {}, data_);
  ASSERT_TRUE(wanted.ok()) << wanted.status().ToString();
  Result<PartitionScheme> kept = SchemeForKeys(wanted->keys, data_);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*kept, *wanted);
  EXPECT_EQ(KeysOf(*kept), (Keys{{"ts_hour", "string"},
                                 {"id_bucket_8", "int"},
                                 {"name_trunc_2", "string"},
                                 {"d", "date"},
                                 {"d_month", "string"},
                                 {"ok", "boolean"}}));
}

TEST(PartitionSubdirectoryEscapeTest, EscapedValuesReadBack) {
  const std::string value = std::string("a/b=c:d%e#f\x01g h\xc3\xa9");
  PartitionScheme scheme;
  scheme.fields.resize(1);
  scheme.keys = {{"k", "string"}};
  const std::string path = PartitionSubdirectory(scheme, {value});
  EXPECT_EQ(path, "k=a%2Fb%3Dc%3Ad%25e%23f%01g h\xc3\xa9/");
  EXPECT_EQ(UnescapePartitionValue(path.substr(2, path.size() - 3)), value);
}

}  // namespace
}  // namespace datalake::sync
