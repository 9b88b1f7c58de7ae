// Table schema -> Parquet schema (docs/FORMATS.md#schema-tree): the flattened SchemaElement list
// for the footer, one ColumnDescriptor per leaf, and the tree the shredder walks to compute levels.
//
// Every column and field is OPTIONAL (any value may be null), except map keys. Structs become
// plain groups, lists the canonical 3-level form `optional group x (LIST) { repeated group list {
// optional T element; } }`, maps `optional group x (MAP) { repeated group key_value { required K
// key; optional V value; } }` (docs/FORMATS.md#lists-and-maps). Leaf types and annotations follow
// docs/FORMATS.md#leaf-types: ConvertedType and LogicalType both written wherever one exists, and
// what Hive and Athena expect for the Glue type (tinyint/smallint/int: INT32 + INT(8/16/32);
// float: FLOAT; char/varchar/string: BYTE_ARRAY STRING; binary: BYTE_ARRAY unannotated).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/parquet/metadata.h"
#include "schema/schema.h"

namespace datalake::format::parquet {

// How a leaf's cells become physical values.
enum class LeafKind {
  kBoolean,          // BOOLEAN
  kInt32,            // INT32, INT(8/16/32, signed) (tinyint, smallint, int)
  kInt64,            // INT64, INT(64, signed)
  kFloat,            // FLOAT
  kDouble,           // DOUBLE
  kString,           // BYTE_ARRAY, STRING (also JSON columns: STRING is the safest)
  kBinary,           // BYTE_ARRAY, unannotated
  kDecimal,          // FIXED_LEN_BYTE_ARRAY(minimal length), DECIMAL(p, s)
  kDate,             // INT32, DATE
  kTimestampMicros,  // INT64, TIMESTAMP(isAdjustedToUTC, MICROS)
  kTimestampInt96,   // INT96, unannotated (legacy Hive timestamps)
};

struct ColumnDescriptor {
  std::vector<std::string>
      path;  // path_in_schema: names below the root, e.g. {"a","list","element"}
  LeafKind kind = LeafKind::kString;
  Type physical_type = Type::kByteArray;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY and INT96 byte width
  int decimal_precision = 0;
  int decimal_scale = 0;
  uint8_t max_def = 0;  // docs/FORMATS.md#definition-and-repetition-levels
  uint8_t max_rep = 0;
  int32_t field_id = 0;  // the leaf's Iceberg field id; 0: none
};

// One node of the table schema annotated with its levels.
struct ShredNode {
  schema::TypeKind kind = schema::TypeKind::kStruct;
  uint8_t def_level = 0;   // the definition level reached when this node is non-null
  uint8_t rep_level = 0;   // kList/kMap: the repetition level of second and later elements
  int32_t leaf = -1;       // leaves: index of the ColumnDescriptor
  bool required = false;   // a map key: never null, adds no definition level
  int32_t first_leaf = 0;  // the leaves below this node are [first_leaf, end_leaf)
  int32_t end_leaf = 0;
  std::vector<ShredNode> children;  // kStruct: one per field; kList: the element; kMap: key, value
};

struct ParquetSchema {
  std::vector<SchemaElement> elements;    // pre-order, the root first
  std::vector<ColumnDescriptor> columns;  // leaves, in schema order
  ShredNode root;                         // a kStruct node over the top-level columns
};

// Convert `table`. `timestamp_int96` stores both timestamp kinds as INT96. Fail with
// kInvalidInput for what Parquet cannot hold: no columns, an empty struct, a decimal precision
// outside 1..38 or scale outside 0..precision, nesting deeper than the level limit.
Result<ParquetSchema> ConvertSchema(const schema::TableSchema& table, bool timestamp_int96);

}  // namespace datalake::format::parquet
