#include "format/format.h"

namespace datalake::format {

bool CellFitsType(CellKind cell, schema::TypeKind type) {
  using schema::TypeKind;
  switch (cell) {
    case CellKind::kNull:
      return true;
    case CellKind::kBool:
      return type == TypeKind::kBoolean;
    case CellKind::kInt64:
      return type == TypeKind::kInt64;
    case CellKind::kDouble:
      return type == TypeKind::kDouble;
    case CellKind::kDecimal:
      return type == TypeKind::kDecimal;
    case CellKind::kString:
      return type == TypeKind::kString;
    case CellKind::kJson:
      return type == TypeKind::kJson;
    case CellKind::kTimestamp:
      return type == TypeKind::kTimestamp || type == TypeKind::kTimestampNtz;
    case CellKind::kDate:
      return type == TypeKind::kDate;
    case CellKind::kStruct:
      return type == TypeKind::kStruct;
    case CellKind::kList:
      return type == TypeKind::kList;
  }
  return false;
}

}  // namespace datalake::format
