// Walking a Row's tape by its schema: a struct cell does not record how many cells follow it,
// so finding a column means skipping the subtrees before it.
#include "format/format.h"

namespace datalake::format {

size_t SkipSubtree(const Row& row, size_t pos, const schema::DataType& type) {
  const Cell& cell = row.cell(pos++);
  if (cell.kind == CellKind::kStruct) {
    for (const schema::Field& field : type.fields) pos = SkipSubtree(row, pos, field.type);
  } else if (cell.kind == CellKind::kList) {
    for (uint32_t i = 0; i < cell.count; ++i) pos = SkipSubtree(row, pos, *type.element);
  } else if (cell.kind == CellKind::kMap) {
    for (uint32_t i = 0; i < cell.count; ++i) {
      pos = SkipSubtree(row, pos, *type.key);
      pos = SkipSubtree(row, pos, *type.element);
    }
  }
  return pos;
}

size_t ColumnCellIndex(const Row& row, const schema::TableSchema& schema, size_t column,
                       size_t first) {
  size_t pos = first;
  for (size_t i = 0; i < column; ++i) pos = SkipSubtree(row, pos, schema.columns[i].type);
  return pos;
}

}  // namespace datalake::format
