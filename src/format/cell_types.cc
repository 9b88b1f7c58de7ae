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
      return type == TypeKind::kInt64 || type == TypeKind::kInt32 || type == TypeKind::kInt16 ||
             type == TypeKind::kInt8;
    case CellKind::kDouble:
      return type == TypeKind::kDouble || type == TypeKind::kFloat;
    case CellKind::kDecimal:
      return type == TypeKind::kDecimal;
    case CellKind::kString:
      return type == TypeKind::kString || type == TypeKind::kChar || type == TypeKind::kVarchar;
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
    case CellKind::kBinary:
      return type == TypeKind::kBinary;
    case CellKind::kMap:
      return type == TypeKind::kMap;
  }
  return false;
}

}  // namespace datalake::format
