// Glue/Hive type strings of column types. The spelling matches what the original connector
// declared (awswrangler strips spaces: "decimal(38,18)", "struct<a:bigint,b:array<string>>").
#include <limits>
#include <string>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

void AppendGlueType(const DataType& type, std::string* out) {
  switch (type.kind) {
    case TypeKind::kString:
    case TypeKind::kJson:  // JSON text in a string column
      *out += "string";
      return;
    case TypeKind::kInt64:
      *out += "bigint";
      return;
    case TypeKind::kDouble:
      *out += "double";
      return;
    case TypeKind::kDecimal:
      *out += "decimal(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
      return;
    case TypeKind::kBoolean:
      *out += "boolean";
      return;
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:  // Glue has one timestamp type; the files carry the semantics
      *out += "timestamp";
      return;
    case TypeKind::kDate:
      *out += "date";
      return;
    case TypeKind::kStruct: {
      *out += "struct<";
      bool first = true;
      for (const Field& field : type.fields) {
        if (!first) *out += ',';
        first = false;
        *out += field.name;
        *out += ':';
        AppendGlueType(field.type, out);
      }
      *out += '>';
      return;
    }
    case TypeKind::kList:
      *out += "array<";
      // A list built by the mapper always has an element; a hand-built one without is JSON text.
      if (type.element) {
        AppendGlueType(*type.element, out);
      } else {
        *out += "string";
      }
      *out += '>';
      return;
    case TypeKind::kInt8:
      *out += "tinyint";
      return;
    case TypeKind::kInt16:
      *out += "smallint";
      return;
    case TypeKind::kInt32:
      *out += "int";
      return;
    case TypeKind::kFloat:
      *out += "float";
      return;
    case TypeKind::kChar:
      *out += "char(" + std::to_string(type.length) + ")";
      return;
    case TypeKind::kVarchar:
      *out += "varchar(" + std::to_string(type.length) + ")";
      return;
    case TypeKind::kBinary:
      *out += "binary";
      return;
    case TypeKind::kMap:
      *out += "map<";
      if (type.key) {
        AppendGlueType(*type.key, out);
      } else {
        *out += "string";
      }
      *out += ',';
      if (type.element) {
        AppendGlueType(*type.element, out);
      } else {
        *out += "string";
      }
      *out += '>';
      return;
  }
}

}  // namespace

bool IsPrimitive(TypeKind kind) {
  return kind != TypeKind::kStruct && kind != TypeKind::kList && kind != TypeKind::kMap;
}

IntRange IntRangeOf(TypeKind kind) {
  switch (kind) {
    case TypeKind::kInt8:
      return {std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max()};
    case TypeKind::kInt16:
      return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
    case TypeKind::kInt32:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default:
      return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
}

std::string GlueTypeString(const DataType& type) {
  std::string out;
  AppendGlueType(type, &out);
  return out;
}

}  // namespace datalake::schema
