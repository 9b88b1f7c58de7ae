#include "format/parquet/shredder.h"

#include <limits>
#include <string>
#include <utility>

#include "format/parquet/value_conversion.h"
#include "schema/schema.h"

namespace datalake::format::parquet {
namespace {

using schema::TypeKind;

}  // namespace

Status Shredder::Shred(const Row& rows, size_t begin, size_t end) {
  row_ = &rows;
  pos_ = begin;
  end_ = end;
  for (const ShredNode& column : schema_.root.children) {
    if (!Value(column, 0, 0)) return Status::Internal(std::move(error_));
  }
  if (pos_ != end) {
    return Status::Internal("parquet: row holds " + std::to_string(end - begin) +
                            " cells, the schema describes " + std::to_string(pos_ - begin));
  }
  return Status::Ok();
}

void Shredder::Prefetch(const Row& rows, size_t begin, size_t end) const {
  size_t pos = begin;
  for (const ShredNode& column : schema_.root.children) {
    if (!PrefetchValue(column, rows, &pos, end)) return;
  }
}

// Prefetch for the subtree at *pos and step past it; false where the walk stops (a list or a
// map, whose cells are not worth counting here, or a row shorter than the schema).
bool Shredder::PrefetchValue(const ShredNode& node, const Row& rows, size_t* pos,
                             size_t end) const {
  if (*pos >= end) return false;
  const Cell& cell = rows.cell((*pos)++);
  const auto prefetch = [&](const void* bytes, size_t n) {
    writers_[static_cast<size_t>(node.leaf)]->Prefetch(
        std::string_view(static_cast<const char*>(bytes), n));
  };
  if (cell.kind == CellKind::kNull) return true;
  if (!CellFitsType(cell.kind, node.kind)) return false;
  if (cell.kind == CellKind::kStruct) {
    for (const ShredNode& child : node.children) {
      if (!PrefetchValue(child, rows, pos, end)) return false;
    }
    return true;
  }
  if (cell.kind == CellKind::kList || cell.kind == CellKind::kMap) return false;
  switch (schema_.columns[static_cast<size_t>(node.leaf)].kind) {
    case LeafKind::kInt64:
    case LeafKind::kTimestampMicros:
      prefetch(&cell.i, sizeof(cell.i));
      break;
    case LeafKind::kDouble:
      prefetch(&cell.d, sizeof(cell.d));
      break;
    case LeafKind::kInt32:
    case LeafKind::kDate: {
      const auto v = static_cast<int32_t>(cell.i);
      prefetch(&v, sizeof(v));
      break;
    }
    case LeafKind::kString:
    case LeafKind::kBinary: {
      const std::string_view bytes = rows.bytes(cell);
      prefetch(bytes.data(), bytes.size());
      break;
    }
    default:  // rare kinds go without
      break;
  }
  return true;
}

bool Shredder::Fail(const ShredNode& node, std::string what) {
  const ColumnDescriptor& leaf = schema_.columns[static_cast<size_t>(node.first_leaf)];
  error_ = "parquet: column " + leaf.path.front() + ": " + std::move(what);
  return false;
}

// The subtree at pos_ for `node`, whose parent is present at definition level `parent_def`.
bool Shredder::Value(const ShredNode& node, uint8_t rep, uint8_t parent_def) {
  if (pos_ >= end_) return Fail(node, "row holds fewer cells than the schema describes");
  const Cell& cell = row_->cell(pos_++);
  if (cell.kind == CellKind::kNull) {
    if (node.required) return Fail(node, "null map key");
    Nulls(node, rep, parent_def);
    return true;
  }
  if (!CellFitsType(cell.kind, node.kind))
    return Fail(node, "cell kind does not match the column type");
  if (cell.kind == CellKind::kStruct) {
    for (const ShredNode& child : node.children) {
      if (!Value(child, rep, node.def_level)) return false;
    }
    return true;
  }
  if (cell.kind == CellKind::kList) return List(node, cell, rep);
  if (cell.kind == CellKind::kMap) return Map(node, cell, rep);
  return Scalar(node, cell, rep);
}

// A present map, shredded like a list of (key, value) entries: def_level when empty; the
// entries sit one level deeper (the repeated "key_value" group).
bool Shredder::Map(const ShredNode& node, const Cell& cell, uint8_t rep) {
  if (cell.count == 0) {
    Nulls(node, rep, node.def_level);
    return true;
  }
  const auto entry_def = static_cast<uint8_t>(node.def_level + 1);
  for (uint32_t i = 0; i < cell.count; ++i) {
    const uint8_t entry_rep = i == 0 ? rep : node.rep_level;
    if (!Value(node.children[0], entry_rep, entry_def)) return false;
    if (!Value(node.children[1], entry_rep, entry_def)) return false;
  }
  return true;
}

// A present list: def_level when empty; its elements sit one level deeper (the repeated
// "list" group), and all but the first repeat at the list's own repetition level.
bool Shredder::List(const ShredNode& node, const Cell& cell, uint8_t rep) {
  if (cell.count == 0) {
    Nulls(node, rep, node.def_level);
    return true;
  }
  const auto element_parent_def = static_cast<uint8_t>(node.def_level + 1);
  for (uint32_t i = 0; i < cell.count; ++i) {
    if (!Value(node.children[0], i == 0 ? rep : node.rep_level, element_parent_def)) return false;
  }
  return true;
}

void Shredder::Nulls(const ShredNode& node, uint8_t rep, uint8_t def) {
  for (int32_t leaf = node.first_leaf; leaf < node.end_leaf; ++leaf) {
    writers_[static_cast<size_t>(leaf)]->AddNull(rep, def);
  }
}

bool Shredder::Scalar(const ShredNode& node, const Cell& cell, uint8_t rep) {
  const ColumnDescriptor& column = schema_.columns[static_cast<size_t>(node.leaf)];
  ColumnWriter& writer = *writers_[static_cast<size_t>(node.leaf)];
  switch (column.kind) {
    case LeafKind::kBoolean:
      writer.AddBool(rep, cell.b);
      return true;
    case LeafKind::kInt64:
      writer.AddInt64(rep, cell.i);
      return true;
    case LeafKind::kTimestampMicros:
      if (!schema::TimestampMicrosInRange(cell.i))
        return Fail(node, "timestamp outside 0001..9999");
      writer.AddInt64(rep, cell.i);
      return true;
    case LeafKind::kInt32:
      if (cell.i < std::numeric_limits<int32_t>::min() ||
          cell.i > std::numeric_limits<int32_t>::max()) {
        return Fail(node, "integer outside the INT32 range");
      }
      writer.AddInt32(rep, static_cast<int32_t>(cell.i));
      return true;
    case LeafKind::kDouble:
      writer.AddDouble(rep, cell.d);
      return true;
    case LeafKind::kFloat:
      writer.AddFloat(rep, static_cast<float>(cell.d));
      return true;
    case LeafKind::kString:
    case LeafKind::kBinary:
      writer.AddByteArray(rep, row_->bytes(cell));
      return true;
    case LeafKind::kDate:
      if (!schema::DateDaysInRange(cell.i)) return Fail(node, "date outside 0001..9999");
      writer.AddInt32(rep, static_cast<int32_t>(cell.i));
      return true;
    case LeafKind::kTimestampInt96:
      if (!schema::TimestampMicrosInRange(cell.i))
        return Fail(node, "timestamp outside 0001..9999");
      writer.AddInt96(rep, cell.i);
      return true;
    case LeafKind::kDecimal: {
      Int128 unscaled = 0;
      if (!ParseDecimal(row_->bytes(cell), column.decimal_precision, column.decimal_scale,
                        &unscaled)) {
        // The value itself stays out of the message: statuses never carry record content.
        return Fail(node, "decimal text does not fit decimal(" +
                              std::to_string(column.decimal_precision) + "," +
                              std::to_string(column.decimal_scale) + ")");
      }
      writer.AddDecimal(rep, unscaled);
      return true;
    }
  }
  return Fail(node, "unknown leaf kind");
}

}  // namespace datalake::format::parquet
