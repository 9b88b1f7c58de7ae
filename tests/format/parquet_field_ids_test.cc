// Field ids in the Parquet schema (SchemaElement.field_id, Thrift field 9), as Iceberg tables need
// them: on every leaf and group that stands for a field, on a list's and a map's annotated group,
// on the element, key and value; never on the repeated groups between. A schema without ids (Hive
// tables) writes none. Read back with hyparquet's footer decoder and DuckDB's parquet_schema().
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "format/format_test_util.h"
#include "format/parquet_test_util.h"
#include "schema/schema.h"

namespace datalake::format::testing {
namespace {

using schema::TypeKind;

schema::Field WithId(schema::Field field, int32_t id) {
  field.field_id = id;
  return field;
}

// id 1; st 2 {a 3, tags 4 (element 5)}; m 6 (key 7, value 8); l 9 (element 10: struct {x 11}).
schema::TableSchema SchemaWithIds() {
  schema::DataType tags = ListOf(Type(TypeKind::kString));
  tags.element_id = 5;
  schema::DataType m = MapOf(Type(TypeKind::kString), Type(TypeKind::kDouble));
  m.key_id = 7;
  m.element_id = 8;
  schema::DataType l = ListOf(StructOf({WithId(FieldOf("x", Type(TypeKind::kInt64)), 11)}));
  l.element_id = 10;
  return SchemaOf({
      WithId(FieldOf("id", Type(TypeKind::kInt64)), 1),
      WithId(FieldOf("st", StructOf({WithId(FieldOf("a", Type(TypeKind::kInt64)), 3),
                                     WithId(FieldOf("tags", std::move(tags)), 4)})),
             2),
      WithId(FieldOf("m", std::move(m)), 6),
      WithId(FieldOf("l", std::move(l)), 9),
  });
}

std::vector<std::vector<TestValue>> Rows() {
  return {
      {Int(1), Items({Int(10), Items({Text("a"), Text("b")})}), Entries({{Text("k"), Double(0.5)}}),
       Items({Items({Int(7)})})},
      {Null(), Null(), Null(), Null()},
  };
}

// Schema element name -> field_id ("" when absent), in schema order, as hyparquet decodes them.
std::vector<std::pair<std::string, std::string>> FieldIdsOf(const json::Value& metadata) {
  std::vector<std::pair<std::string, std::string>> out;
  const json::Value* schema = metadata.Find("schema");
  if (schema == nullptr) return out;
  for (const json::Value& element : schema->items()) {
    const json::Value* name = element.Find("name");
    const json::Value* id = element.Find("field_id");
    std::string text;
    if (id != nullptr && !id->is_null()) {
      text = id->is_string() ? id->text() : std::to_string(id->AsInt64().value_or(-1));
    }
    out.emplace_back(name != nullptr ? name->text() : "?", text);
  }
  return out;
}

TEST(ParquetFieldIdsTest, EveryFieldCarriesItsIdAndTheRepeatedGroupsNone) {
  const std::string reason = ReadersUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  const std::string dir = MakeTempDir("field_ids");
  const std::string with = dir + "/with.parquet";
  const std::string without = dir + "/without.parquet";
  const schema::TableSchema schema = SchemaWithIds();
  WriteParquet(with, schema, Rows(), ParquetOptions{});
  schema::TableSchema bare = schema;
  for (schema::Field& column : bare.columns) column.field_id = 0;
  bare.columns[1].type.fields[0].field_id = 0;
  bare.columns[1].type.fields[1].field_id = 0;
  bare.columns[1].type.fields[1].type.element_id = 0;
  bare.columns[2].type.key_id = 0;
  bare.columns[2].type.element_id = 0;
  bare.columns[3].type.element_id = 0;
  schema::DataType element = *bare.columns[3].type.element;
  element.fields[0].field_id = 0;
  bare.columns[3].type.element = std::make_shared<const schema::DataType>(std::move(element));
  WriteParquet(without, bare, Rows(), ParquetOptions{});

  auto metadata = RunReader("metadata", {with, without});
  ASSERT_TRUE(metadata[with].ok) << metadata[with].error;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"schema", ""}, {"id", "1"},      {"st", "2"},  {"a", "3"},        {"tags", "4"},
      {"list", ""},   {"element", "5"}, {"m", "6"},   {"key_value", ""}, {"key", "7"},
      {"value", "8"}, {"l", "9"},       {"list", ""}, {"element", "10"}, {"x", "11"}};
  EXPECT_EQ(FieldIdsOf(metadata[with].value), expected);
  ASSERT_TRUE(metadata[without].ok) << metadata[without].error;
  for (const auto& [name, id] : FieldIdsOf(metadata[without].value)) EXPECT_EQ(id, "") << name;

  // The ids change nothing else: every reader reads the same rows from both files.
  const json::Value rows = ExpectedRows(schema, Rows(), /*int96=*/false);
  ExpectAllReadersAgree({{with, rows}, {without, rows}});
}

// The summary a table format records next to the file agrees with the footer (hyparquet's
// decoding of it) and with the rows: sizes, counts and offsets over several row groups, bounds
// over all of them, and only the leaves with an id.
TEST(ParquetFieldIdsTest, TheFileSummaryAgreesWithTheFooterAndTheRows) {
  schema::TableSchema schema = SchemaWithIds();
  schema.columns.push_back(FieldOf("no_id", Type(TypeKind::kString)));
  schema.columns.push_back(WithId(FieldOf("d", Type(TypeKind::kDouble)), 12));
  schema.columns.push_back(WithId(FieldOf("s", Type(TypeKind::kString)), 13));
  std::vector<std::vector<TestValue>> rows;
  for (int i = 0; i < 10; ++i) {
    std::vector<TestValue> row = Rows()[i % 2];
    if (i % 2 == 0) row[0] = Int(100 - 7 * i);  // 100, 86, 72, 58, 44
    row.push_back(Text("x"));
    row.push_back(i == 3 ? Null() : Double(i * 0.25 - 1));
    row.push_back(Text(std::string(1, static_cast<char>('m' + (i * 5) % 11))));
    rows.push_back(std::move(row));
  }
  ParquetOptions options;
  options.row_group_rows = 4;  // groups of 4, 4 and 2 rows
  const std::string path = MakeTempDir("summary") + "/summary.parquet";
  FileSummary summary;
  WriteParquet(path, schema, rows, options, &summary);
  EXPECT_EQ(summary.rows, 10u);
  EXPECT_EQ(summary.bytes, std::filesystem::file_size(path));
  ASSERT_EQ(summary.row_group_offsets.size(), 3u);
  EXPECT_EQ(summary.row_group_offsets[0], 4);  // just after "PAR1"

  // Leaves with ids: id, st.a, st.tags.element, m.key, m.value, l.element.x, d, s.
  std::vector<int32_t> ids;
  for (const ColumnSummary& column : summary.columns) ids.push_back(column.field_id);
  EXPECT_EQ(ids, (std::vector<int32_t>{1, 3, 5, 7, 8, 11, 12, 13}));
  auto column = [&](int32_t id) -> const ColumnSummary& {
    for (const ColumnSummary& c : summary.columns) {
      if (c.field_id == id) return c;
    }
    return summary.columns.front();
  };
  auto int64_bytes = [](int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  auto double_bytes = [](double v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  EXPECT_FALSE(column(1).repeated);
  EXPECT_EQ(column(1).values, 10);
  EXPECT_EQ(column(1).nulls, 5);
  EXPECT_EQ(column(1).min, int64_bytes(44));
  EXPECT_EQ(column(1).max, int64_bytes(100));
  EXPECT_TRUE(column(5).repeated);
  EXPECT_EQ(column(5).values, 5 * 2 + 5);  // two tags a row, a null entry for null structs
  EXPECT_EQ(column(12).nulls, 1);
  EXPECT_EQ(column(12).min, double_bytes(-1));
  EXPECT_EQ(column(12).max, double_bytes(1.25));
  EXPECT_EQ(column(13).min, "m");
  EXPECT_EQ(column(13).max, "w");

  const std::string reason = ReadersUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << "summary checked against the rows; " << reason;
  auto metadata = RunReader("metadata", {path});
  ASSERT_TRUE(metadata[path].ok) << metadata[path].error;
  const json::Value* groups = metadata[path].value.Find("row_groups");
  ASSERT_NE(groups, nullptr);
  ASSERT_EQ(groups->items().size(), 3u);
  auto as_int = [](const json::Value* v) -> int64_t {
    if (v == nullptr) return -1;
    return v->is_string() ? std::stoll(v->text()) : v->AsInt64().value_or(-2);
  };
  // Leaf index in the footer of each summarised column (the no_id string is leaf 6).
  const std::vector<size_t> leaves = {0, 1, 2, 3, 4, 5, 7, 8};
  for (size_t k = 0; k < leaves.size(); ++k) {
    int64_t bytes = 0, values = 0, nulls = 0;
    for (size_t g = 0; g < 3; ++g) {
      const json::Value& chunk = groups->items()[g].Find("columns")->items()[leaves[k]];
      const json::Value* meta = chunk.Find("meta_data");
      ASSERT_NE(meta, nullptr);
      bytes += as_int(meta->Find("total_compressed_size"));
      values += as_int(meta->Find("num_values"));
      const json::Value* statistics = meta->Find("statistics");
      if (statistics != nullptr) nulls += as_int(statistics->Find("null_count"));
      if (k == 0) {
        const json::Value* dictionary = meta->Find("dictionary_page_offset");
        const int64_t first = dictionary != nullptr && !dictionary->is_null()
                                  ? as_int(dictionary)
                                  : as_int(meta->Find("data_page_offset"));
        EXPECT_EQ(summary.row_group_offsets[g], first) << g;
      }
    }
    EXPECT_EQ(summary.columns[k].compressed_bytes, bytes) << k;
    EXPECT_EQ(summary.columns[k].values, values) << k;
    EXPECT_EQ(summary.columns[k].nulls, nulls) << k;
  }
}

}  // namespace
}  // namespace datalake::format::testing
