#include "format/parquet/schema_converter.h"

#include <utility>

#include "format/parquet/value_conversion.h"

namespace datalake::format::parquet {
namespace {

using schema::DataType;
using schema::TypeKind;

// Levels are stored as bytes; a definition level this deep would need a struct/list nesting of
// over 100, far beyond any real schema.
constexpr int kMaxLevel = 255;

// DECIMAL(p, s) on a minimal-length FLBA: the one decimal layout old Hive reads too
// (docs/FORMATS.md#leaf-types).
Status AnnotateDecimal(const DataType& type, SchemaElement* element, ColumnDescriptor* column) {
  if (type.precision < 1 || type.precision > kMaxDecimalPrecision || type.scale < 0 ||
      type.scale > type.precision) {
    return Status::InvalidInput("parquet: unsupported decimal(" + std::to_string(type.precision) +
                                "," + std::to_string(type.scale) + ") for " + element->name);
  }
  column->kind = LeafKind::kDecimal;
  column->decimal_precision = type.precision;
  column->decimal_scale = type.scale;
  column->type_length = DecimalByteLength(type.precision);
  element->type = Type::kFixedLenByteArray;
  element->type_length = column->type_length;
  element->converted_type = ConvertedType::kDecimal;
  element->scale = type.scale;
  element->precision = type.precision;
  element->logical_type.kind = LogicalType::Kind::kDecimal;
  element->logical_type.scale = type.scale;
  element->logical_type.precision = type.precision;
  return Status::Ok();
}

// INT64 TIMESTAMP(MICROS), or unannotated INT96 on request (docs/FORMATS.md#timestamps).
void AnnotateTimestamp(const DataType& type, bool int96, SchemaElement* element,
                       ColumnDescriptor* column) {
  if (int96) {
    column->kind = LeafKind::kTimestampInt96;
    column->type_length = kInt96Bytes;
    element->type = Type::kInt96;
    return;
  }
  column->kind = LeafKind::kTimestampMicros;
  element->type = Type::kInt64;
  // Local timestamps are annotated with the legacy TIMESTAMP_MICROS too
  // (docs/FORMATS.md#timestamps), so readers that only know ConvertedType still see a timestamp.
  element->converted_type = ConvertedType::kTimestampMicros;
  element->logical_type.kind = LogicalType::Kind::kTimestampMicros;
  element->logical_type.adjusted_to_utc = type.kind == TypeKind::kTimestamp;
}

class Converter {
 public:
  Converter(bool timestamp_int96, ParquetSchema* out) : int96_(timestamp_int96), out_(out) {}

  // Append `field` (a child of a node whose definition level is `def` and repetition level
  // `rep`) and fill `node`. `required`: a map key (REQUIRED, no definition level of its own).
  Status Field(const std::string& name, const DataType& type, int def, int rep,
               std::vector<std::string> path, ShredNode* node, int32_t field_id,
               bool required = false);

 private:
  Status Struct(const std::string& name, const DataType& type, int def, int rep,
                const std::vector<std::string>& path, ShredNode* node);
  Status List(const std::string& name, const DataType& type, int def, int rep,
              const std::vector<std::string>& path, ShredNode* node);
  Status Map(const std::string& name, const DataType& type, int def, int rep,
             const std::vector<std::string>& path, ShredNode* node);
  void RepeatedGroup(const std::string& name, ConvertedType converted, LogicalType::Kind logical,
                     const std::string& repeated_name, int children, int rep, ShredNode* node);
  Status Leaf(SchemaElement element, const DataType& type, int def, int rep,
              std::vector<std::string> path, ShredNode* node);

  const bool int96_;
  ParquetSchema* const out_;
};

Status Converter::Field(const std::string& name, const DataType& type, int parent_def, int rep,
                        std::vector<std::string> path, ShredNode* node, int32_t field_id,
                        bool required) {
  const int def = required ? parent_def : parent_def + 1;  // every other field is OPTIONAL
  if (def > kMaxLevel) return Status::InvalidInput("parquet: schema nested too deeply at " + name);
  path.push_back(name);
  node->kind = type.kind;
  node->def_level = static_cast<uint8_t>(def);
  node->required = required;
  node->first_leaf = static_cast<int32_t>(out_->columns.size());
  // The id goes on the field's first element: the leaf, the struct's group, or the annotated
  // group of a list or map (whose repeated group has none), as Iceberg's writers put it.
  const size_t first_element = out_->elements.size();
  if (required && !schema::IsPrimitive(type.kind)) {
    return Status::InvalidInput("parquet: map " + name + " needs a primitive key type");
  }
  if (type.kind == TypeKind::kStruct) {
    RETURN_IF_ERROR(Struct(name, type, def, rep, path, node));
  } else if (type.kind == TypeKind::kList) {
    RETURN_IF_ERROR(List(name, type, def, rep, path, node));
  } else if (type.kind == TypeKind::kMap) {
    RETURN_IF_ERROR(Map(name, type, def, rep, path, node));
  } else {
    SchemaElement element;
    element.repetition = required ? Repetition::kRequired : Repetition::kOptional;
    element.name = name;
    RETURN_IF_ERROR(Leaf(std::move(element), type, def, rep, std::move(path), node));
  }
  if (field_id != 0) {
    out_->elements[first_element].field_id = field_id;
    if (schema::IsPrimitive(type.kind)) out_->columns.back().field_id = field_id;
  }
  node->end_leaf = static_cast<int32_t>(out_->columns.size());
  return Status::Ok();
}

Status Converter::Struct(const std::string& name, const DataType& type, int def, int rep,
                         const std::vector<std::string>& path, ShredNode* node) {
  // An empty group is invalid Parquet; the schema module never produces one.
  if (type.fields.empty())
    return Status::InvalidInput("parquet: struct " + name + " has no fields");
  SchemaElement group;
  group.repetition = Repetition::kOptional;
  group.name = name;
  group.num_children = static_cast<int32_t>(type.fields.size());
  out_->elements.push_back(std::move(group));
  node->children.resize(type.fields.size());
  for (size_t i = 0; i < type.fields.size(); ++i) {
    const schema::Field& field = type.fields[i];
    RETURN_IF_ERROR(
        Field(field.name, field.type, def, rep, path, &node->children[i], field.field_id));
  }
  return Status::Ok();
}

// The two groups a LIST or MAP starts with: the OPTIONAL annotated group `name`, and below it the
// repeated group `repeated_name` with `children` fields, one repetition level deeper than `rep`.
void Converter::RepeatedGroup(const std::string& name, ConvertedType converted,
                              LogicalType::Kind logical, const std::string& repeated_name,
                              int children, int rep, ShredNode* node) {
  SchemaElement outer;
  outer.repetition = Repetition::kOptional;
  outer.name = name;
  outer.num_children = 1;
  outer.converted_type = converted;
  outer.logical_type.kind = logical;
  out_->elements.push_back(std::move(outer));
  SchemaElement repeated;
  repeated.repetition = Repetition::kRepeated;
  repeated.name = repeated_name;
  repeated.num_children = children;
  out_->elements.push_back(std::move(repeated));
  node->rep_level = static_cast<uint8_t>(rep + 1);
  node->children.resize(children);
}

// The canonical 3-level LIST (docs/FORMATS.md#lists-and-maps): the repeated "list" group adds one
// definition level and one repetition level; its "element" child is an ordinary OPTIONAL field
// below it.
Status Converter::List(const std::string& name, const DataType& type, int def, int rep,
                       const std::vector<std::string>& path, ShredNode* node) {
  if (type.element == nullptr)
    return Status::InvalidInput("parquet: list " + name + " has no type");
  if (rep + 1 > kMaxLevel) return Status::InvalidInput("parquet: lists nested too deeply");
  RepeatedGroup(name, ConvertedType::kList, LogicalType::Kind::kList, "list", 1, rep, node);
  std::vector<std::string> list_path = path;
  list_path.push_back("list");
  return Field("element", *type.element, def + 1, rep + 1, std::move(list_path), &node->children[0],
               type.element_id);
}

// The canonical MAP: like a list, the repeated "key_value" group adds one definition and
// one repetition level; its "key" child is REQUIRED (no level of its own), "value" OPTIONAL.
Status Converter::Map(const std::string& name, const DataType& type, int def, int rep,
                      const std::vector<std::string>& path, ShredNode* node) {
  if (type.key == nullptr || type.element == nullptr) {
    return Status::InvalidInput("parquet: map " + name + " has no key or value type");
  }
  if (rep + 1 > kMaxLevel) return Status::InvalidInput("parquet: maps nested too deeply");
  RepeatedGroup(name, ConvertedType::kMap, LogicalType::Kind::kMap, "key_value", 2, rep, node);
  std::vector<std::string> entry_path = path;
  entry_path.push_back("key_value");
  RETURN_IF_ERROR(Field("key", *type.key, def + 1, rep + 1, entry_path, &node->children[0],
                        type.key_id, /*required=*/true));
  return Field("value", *type.element, def + 1, rep + 1, std::move(entry_path), &node->children[1],
               type.element_id);
}

// INT32 with INT(bits, signed): what Hive and Athena read into tinyint, smallint and int.
void AnnotateInt32(int bits, SchemaElement* element) {
  element->type = Type::kInt32;
  element->converted_type = bits == 8    ? ConvertedType::kInt8
                            : bits == 16 ? ConvertedType::kInt16
                                         : ConvertedType::kInt32;
  element->logical_type.kind = LogicalType::Kind::kInteger;
  element->logical_type.bit_width = static_cast<int8_t>(bits);
  element->logical_type.is_signed = true;
}

// Physical type and annotations of a leaf (docs/FORMATS.md#leaf-types).
Status Converter::Leaf(SchemaElement element, const DataType& type, int def, int rep,
                       std::vector<std::string> path, ShredNode* node) {
  ColumnDescriptor column;
  switch (type.kind) {
    case TypeKind::kBoolean:
      column.kind = LeafKind::kBoolean;
      element.type = Type::kBoolean;
      break;
    case TypeKind::kInt64:
      column.kind = LeafKind::kInt64;
      element.type = Type::kInt64;
      element.converted_type = ConvertedType::kInt64;
      element.logical_type.kind = LogicalType::Kind::kInteger;
      element.logical_type.bit_width = 64;
      element.logical_type.is_signed = true;
      break;
    case TypeKind::kInt8:
      column.kind = LeafKind::kInt32;
      AnnotateInt32(8, &element);
      break;
    case TypeKind::kInt16:
      column.kind = LeafKind::kInt32;
      AnnotateInt32(16, &element);
      break;
    case TypeKind::kInt32:
      column.kind = LeafKind::kInt32;
      AnnotateInt32(32, &element);
      break;
    case TypeKind::kDouble:
      column.kind = LeafKind::kDouble;
      element.type = Type::kDouble;
      break;
    case TypeKind::kFloat:
      column.kind = LeafKind::kFloat;
      element.type = Type::kFloat;
      break;
    case TypeKind::kBinary:
      column.kind = LeafKind::kBinary;
      element.type = Type::kByteArray;
      break;
    case TypeKind::kString:
    case TypeKind::kChar:     // char(n) and varchar(n) are strings in Parquet; readers apply n
    case TypeKind::kVarchar:  // (the decoder already truncated longer values)
    case TypeKind::kJson:     // JSON text in a STRING column: readable as string everywhere
      column.kind = LeafKind::kString;
      element.type = Type::kByteArray;
      element.converted_type = ConvertedType::kUtf8;
      element.logical_type.kind = LogicalType::Kind::kString;
      break;
    case TypeKind::kDecimal:
      RETURN_IF_ERROR(AnnotateDecimal(type, &element, &column));
      break;
    case TypeKind::kDate:
      column.kind = LeafKind::kDate;
      element.type = Type::kInt32;
      element.converted_type = ConvertedType::kDate;
      element.logical_type.kind = LogicalType::Kind::kDate;
      break;
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:
      AnnotateTimestamp(type, int96_, &element, &column);
      break;
    case TypeKind::kStruct:
    case TypeKind::kList:
    case TypeKind::kMap:
      return Status::Internal("parquet: nested type reached the leaf converter");
  }
  column.physical_type = *element.type;
  column.path = std::move(path);
  column.max_def = static_cast<uint8_t>(def);
  column.max_rep = static_cast<uint8_t>(rep);
  node->leaf = static_cast<int32_t>(out_->columns.size());
  out_->elements.push_back(std::move(element));
  out_->columns.push_back(std::move(column));
  return Status::Ok();
}

}  // namespace

Result<ParquetSchema> ConvertSchema(const schema::TableSchema& table, bool timestamp_int96) {
  if (table.columns.empty()) return Status::InvalidInput("parquet: a table needs a column");
  ParquetSchema out;
  SchemaElement root;  // no type, no repetition
  root.name = "schema";
  root.num_children = static_cast<int32_t>(table.columns.size());
  out.elements.push_back(std::move(root));
  out.root.kind = TypeKind::kStruct;
  out.root.children.resize(table.columns.size());
  Converter converter(timestamp_int96, &out);
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const schema::Field& column = table.columns[i];
    RETURN_IF_ERROR(converter.Field(column.name, column.type, 0, 0, {}, &out.root.children[i],
                                    column.field_id));
  }
  out.root.end_leaf = static_cast<int32_t>(out.columns.size());
  return out;
}

}  // namespace datalake::format::parquet
