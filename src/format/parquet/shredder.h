// Record shredding (Dremel; docs/FORMATS.md#definition-and-repetition-levels): walks one Row's cell
// tape alongside the schema tree and hands every leaf column its (repetition level, definition
// level, value) slots.
//
// Per leaf and row: a value gives def = max_def; a null (or an empty list) at some node gives
// one slot with the definition level of its nearest present ancestor, and nothing below it.
// rep is 0 for a row's first slot, and for a list's second and later elements the list's
// repetition level. Cells are converted to physical values here (decimal text to an unscaled
// integer, days to INT32, micros to INT96 when asked).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/parquet/column_writer.h"
#include "format/parquet/schema_converter.h"
#include "format/row.h"

namespace datalake::format::parquet {

class Shredder {
 public:
  // `schema` and `writers` (one per leaf, in leaf order) must outlive the shredder.
  Shredder(const ParquetSchema* schema, std::vector<std::unique_ptr<ColumnWriter>>* writers)
      : schema_(*schema), writers_(*writers) {}

  // Shred `row`. Return kInternal if the row does not match the schema (a cell kind that does
  // not fit its column, too few or too many cells, decimal text outside the column's
  // precision/scale): a broken caller contract. The writers are then in an undefined state
  // and the file must be abandoned.
  // The row is cells [begin, end) of `rows` (a whole row, or one of a batch).
  Status Shred(const Row& rows, size_t begin, size_t end);
  // Let the columns prefetch the dictionary slots of the row at cells [begin, end), to be
  // shredded next (ColumnWriter::Prefetch): scalars at the top level and in structs, up to the
  // first list or map. Reads only; a row that does not match the schema is left alone here.
  void Prefetch(const Row& rows, size_t begin, size_t end) const;

 private:
  bool Value(const ShredNode& node, uint8_t rep, uint8_t parent_def);
  bool List(const ShredNode& node, const Cell& cell, uint8_t rep);
  bool Map(const ShredNode& node, const Cell& cell, uint8_t rep);
  bool Scalar(const ShredNode& node, const Cell& cell, uint8_t rep);
  void Nulls(const ShredNode& node, uint8_t rep, uint8_t def);
  bool Fail(const ShredNode& node, std::string what);
  bool PrefetchValue(const ShredNode& node, const Row& rows, size_t* pos, size_t end) const;

  const ParquetSchema& schema_;
  std::vector<std::unique_ptr<ColumnWriter>>& writers_;
  const Row* row_ = nullptr;
  size_t pos_ = 0;  // next cell of row_
  size_t end_ = 0;  // past the row's last cell
  std::string error_;
};

}  // namespace datalake::format::parquet
