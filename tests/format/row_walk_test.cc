// Walking a Row's tape by its schema (format.h: SkipSubtree, ColumnCellIndex).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "format/format.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::format {
namespace {

using schema::DataType;
using schema::Field;
using schema::TableSchema;
using schema::TypeKind;

DataType T(TypeKind kind) { return DataType::Of(kind); }

Field F(std::string name, DataType type) {
  Field f;
  f.name = name;
  f.source_name = std::move(name);
  f.type = std::move(type);
  return f;
}

DataType Struct(std::vector<Field> fields) {
  DataType t = DataType::Of(TypeKind::kStruct);
  t.fields = std::move(fields);
  return t;
}

DataType List(DataType element) {
  DataType t = DataType::Of(TypeKind::kList);
  t.element = std::make_shared<const DataType>(std::move(element));
  return t;
}

class RowWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const DataType point = Struct({F("x", T(TypeKind::kInt64)), F("y", T(TypeKind::kInt64))});
    schema_.columns = {
        F("id", T(TypeKind::kInt64)),
        // struct<name:string,inner:struct<tags:array<string>,p:struct<x,y>>,n:bigint>
        F("nested",
          Struct({F("name", T(TypeKind::kString)),
                  F("inner", Struct({F("tags", List(T(TypeKind::kString))), F("p", point)})),
                  F("n", T(TypeKind::kInt64))})),
        F("matrix", List(List(T(TypeKind::kInt64)))),
        F("empty", List(T(TypeKind::kString))),
        F("null_struct", Struct({F("a", T(TypeKind::kInt64)), F("b", point)})),
        F("null_list", List(point)),
        F("points", List(point)),
        F("json", T(TypeKind::kJson)),
        F("last", T(TypeKind::kTimestamp)),
    };

    starts_.push_back(row_.size());  // id
    row_.AppendInt64(42);

    starts_.push_back(row_.size());  // nested
    row_.AppendStruct();
    row_.AppendString("n1");  // name
    row_.AppendStruct();      // inner
    size_t tags = row_.BeginList();
    row_.AppendString("a");
    row_.AppendNull();
    row_.AppendString("c");
    row_.EndList(tags, 3);
    row_.AppendStruct();  // p
    row_.AppendInt64(1);
    row_.AppendNull();
    row_.AppendInt64(9);  // n

    starts_.push_back(row_.size());  // matrix: [[1, 2], [], null, [3]]
    size_t matrix = row_.BeginList();
    size_t a = row_.BeginList();
    row_.AppendInt64(1);
    row_.AppendInt64(2);
    row_.EndList(a, 2);
    row_.EndList(row_.BeginList(), 0);
    row_.AppendNull();
    size_t c = row_.BeginList();
    row_.AppendInt64(3);
    row_.EndList(c, 1);
    row_.EndList(matrix, 4);

    starts_.push_back(row_.size());  // empty: []
    row_.EndList(row_.BeginList(), 0);

    starts_.push_back(row_.size());  // null_struct
    row_.AppendNull();

    starts_.push_back(row_.size());  // null_list
    row_.AppendNull();

    starts_.push_back(row_.size());  // points: [{1, 2}, null, {null, 4}]
    size_t points = row_.BeginList();
    row_.AppendStruct();
    row_.AppendInt64(1);
    row_.AppendInt64(2);
    row_.AppendNull();
    row_.AppendStruct();
    row_.AppendNull();
    row_.AppendInt64(4);
    row_.EndList(points, 3);

    starts_.push_back(row_.size());  // json
    row_.AppendJson(R"({"k":[1,2]})");

    starts_.push_back(row_.size());  // last
    row_.AppendTimestamp(123);
  }

  TableSchema schema_;
  Row row_;
  std::vector<size_t> starts_;  // the first cell of each column, recorded while building
};

TEST_F(RowWalkTest, ColumnCellIndexOfEveryColumn) {
  ASSERT_EQ(starts_.size(), schema_.columns.size());
  // The layout as counted by hand, so the recorded starts are what the tape really holds.
  EXPECT_EQ(starts_, (std::vector<size_t>{0, 1, 12, 20, 21, 22, 23, 31, 32}));
  for (size_t i = 0; i < schema_.columns.size(); ++i) {
    SCOPED_TRACE(schema_.columns[i].name);
    EXPECT_EQ(ColumnCellIndex(row_, schema_, i), starts_[i]);
  }
  // Past the last column: the end of the row.
  EXPECT_EQ(ColumnCellIndex(row_, schema_, schema_.columns.size()), row_.size());
  EXPECT_EQ(row_.cell(ColumnCellIndex(row_, schema_, 8)).kind, CellKind::kTimestamp);
  EXPECT_EQ(row_.cell(ColumnCellIndex(row_, schema_, 8)).i, 123);
  EXPECT_EQ(row_.bytes(row_.cell(ColumnCellIndex(row_, schema_, 7))), R"({"k":[1,2]})");
}

TEST_F(RowWalkTest, SkipSubtreeEndsWhereTheNextColumnStarts) {
  for (size_t i = 0; i < schema_.columns.size(); ++i) {
    SCOPED_TRACE(schema_.columns[i].name);
    const size_t end = i + 1 < starts_.size() ? starts_[i + 1] : row_.size();
    EXPECT_EQ(SkipSubtree(row_, starts_[i], schema_.columns[i].type), end);
  }
}

TEST_F(RowWalkTest, SkipSubtreeInsideNestedValues) {
  const DataType& nested = schema_.columns[1].type;
  const DataType& inner = nested.fields[1].type;
  // nested.inner starts at cell 3 and ends before nested.n (cell 11).
  EXPECT_EQ(row_.cell(3).kind, CellKind::kStruct);
  EXPECT_EQ(SkipSubtree(row_, 3, inner), 11u);
  // inner.tags: the list cell and its three elements.
  EXPECT_EQ(SkipSubtree(row_, 4, inner.fields[0].type), 8u);
  // A null element of a list of strings, a scalar.
  EXPECT_EQ(SkipSubtree(row_, 6, T(TypeKind::kString)), 7u);

  const DataType& matrix = schema_.columns[2].type;
  // Elements of the list of lists: [1, 2], [], null, [3].
  EXPECT_EQ(SkipSubtree(row_, 13, *matrix.element), 16u);
  EXPECT_EQ(SkipSubtree(row_, 16, *matrix.element), 17u);
  EXPECT_EQ(SkipSubtree(row_, 17, *matrix.element), 18u);
  EXPECT_EQ(SkipSubtree(row_, 18, *matrix.element), 20u);

  // A null cell is a whole subtree, whatever its type.
  EXPECT_EQ(SkipSubtree(row_, 21, schema_.columns[4].type), 22u);
  EXPECT_EQ(SkipSubtree(row_, 22, schema_.columns[5].type), 23u);
  EXPECT_EQ(SkipSubtree(row_, 27, *schema_.columns[6].type.element), 28u);
}

TEST(RowWalkSingleTest, EmptyListAndNullAsOnlyColumns) {
  TableSchema schema;
  schema.columns = {F("l", List(Struct({F("a", T(TypeKind::kInt64))}))),
                    F("s", Struct({F("a", List(T(TypeKind::kInt64)))})),
                    F("v", T(TypeKind::kBoolean))};
  Row row;
  row.EndList(row.BeginList(), 0);  // l: []
  row.AppendStruct();               // s: {a: []}
  row.EndList(row.BeginList(), 0);
  row.AppendBool(true);  // v
  EXPECT_EQ(ColumnCellIndex(row, schema, 0), 0u);
  EXPECT_EQ(ColumnCellIndex(row, schema, 1), 1u);
  EXPECT_EQ(ColumnCellIndex(row, schema, 2), 3u);
  EXPECT_TRUE(row.cell(3).b);

  // The same schema with every column null.
  row.Clear();
  row.AppendNull();
  row.AppendNull();
  row.AppendNull();
  EXPECT_EQ(ColumnCellIndex(row, schema, 1), 1u);
  EXPECT_EQ(ColumnCellIndex(row, schema, 2), 2u);
  EXPECT_EQ(ColumnCellIndex(row, schema, 3), 3u);
}

}  // namespace
}  // namespace datalake::format
