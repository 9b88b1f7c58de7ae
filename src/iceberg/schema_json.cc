// Iceberg schemas: field ids and the JSON form of table metadata (Iceberg spec, "Schemas and Data
// Types" and Appendix C).
#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

using schema::DataType;
using schema::Field;
using schema::TypeKind;

// Field ids above this are reserved for metadata columns (_file, _pos, ...).
constexpr int32_t kMaxFieldId = 2147483447;

bool IsDecimal(std::string_view name) { return name.starts_with("decimal("); }

// True if a column of type `before` may hold values of type `after` under the same id.
bool SameOrPromoted(const DataType& before, const DataType& after) {
  const bool before_primitive = schema::IsPrimitive(before.kind);
  if (before_primitive != schema::IsPrimitive(after.kind)) return false;
  if (!before_primitive) return before.kind == after.kind;
  const std::string from = PrimitiveTypeName(before);
  const std::string to = PrimitiveTypeName(after);
  if (from == to) return true;
  if (from == "int" && to == "long") return true;
  if (from == "float" && to == "double") return true;
  return IsDecimal(from) && IsDecimal(to) && before.scale == after.scale &&
         after.precision > before.precision;
}

class IdAssigner {
 public:
  explicit IdAssigner(int32_t* last) : last_(last) {}

  Status Next(int32_t* id) {
    if (*last_ >= kMaxFieldId) return Status::InvalidInput("iceberg: out of field ids");
    *id = ++*last_;
    return Status::Ok();
  }

  // Ids for the fields of one struct first, then for what is below them: a new table's
  // top-level columns are numbered 1..n, as Iceberg's own writers number them.
  Status Fields(const std::vector<Field>* previous, std::vector<Field>* fields) {
    std::vector<const Field*> matches(fields->size(), nullptr);
    for (size_t i = 0; i < fields->size(); ++i) {
      Field& field = (*fields)[i];
      if (previous != nullptr) {
        for (const Field& old : *previous) {
          if (old.name == field.name && old.field_id != 0 && SameOrPromoted(old.type, field.type)) {
            matches[i] = &old;
            break;
          }
        }
      }
      if (matches[i] != nullptr) {
        field.field_id = matches[i]->field_id;
      } else {
        RETURN_IF_ERROR(Next(&field.field_id));
      }
    }
    for (size_t i = 0; i < fields->size(); ++i) {
      RETURN_IF_ERROR(
          Type(matches[i] != nullptr ? &matches[i]->type : nullptr, &(*fields)[i].type));
    }
    return Status::Ok();
  }

  // The ids below a node of type `type` (`previous`: the same node in the old schema, or null).
  Status Type(const DataType* previous, DataType* type) {
    if (type->kind == TypeKind::kStruct) {
      return Fields(previous != nullptr ? &previous->fields : nullptr, &type->fields);
    }
    if (type->kind == TypeKind::kList) {
      return Child(previous != nullptr ? previous->element.get() : nullptr,
                   previous != nullptr ? previous->element_id : 0, &type->element,
                   &type->element_id);
    }
    if (type->kind == TypeKind::kMap) {
      RETURN_IF_ERROR(Child(previous != nullptr ? previous->key.get() : nullptr,
                            previous != nullptr ? previous->key_id : 0, &type->key, &type->key_id));
      return Child(previous != nullptr ? previous->element.get() : nullptr,
                   previous != nullptr ? previous->element_id : 0, &type->element,
                   &type->element_id);
    }
    return Status::Ok();
  }

 private:
  // A list's element or a map's key or value, shared and immutable: ids go into a copy.
  Status Child(const DataType* previous, int32_t previous_id,
               std::shared_ptr<const DataType>* child, int32_t* id) {
    if (*child == nullptr) return Status::InvalidInput("iceberg: a list or map without a type");
    const bool kept = previous != nullptr && previous_id != 0 && SameOrPromoted(*previous, **child);
    if (kept) {
      *id = previous_id;
    } else {
      RETURN_IF_ERROR(Next(id));
    }
    auto copy = std::make_shared<DataType>(**child);
    RETURN_IF_ERROR(Type(kept ? previous : nullptr, copy.get()));
    *child = std::move(copy);
    return Status::Ok();
  }

  int32_t* last_;
};

json::Value TypeToJson(const DataType& type);

json::Value FieldsToJson(const std::vector<Field>& fields) {
  std::vector<json::Value> out;
  out.reserve(fields.size());
  for (const Field& field : fields) {
    out.push_back(json::Value::Object({{"id", json::Value::Int(field.field_id)},
                                       {"name", json::Value::String(field.name)},
                                       {"required", json::Value::Bool(false)},
                                       {"type", TypeToJson(field.type)}}));
  }
  return json::Value::Array(std::move(out));
}

json::Value TypeToJson(const DataType& type) {
  switch (type.kind) {
    case TypeKind::kStruct:
      return json::Value::Object(
          {{"type", json::Value::String("struct")}, {"fields", FieldsToJson(type.fields)}});
    case TypeKind::kList:
      return json::Value::Object({{"type", json::Value::String("list")},
                                  {"element-id", json::Value::Int(type.element_id)},
                                  {"element-required", json::Value::Bool(false)},
                                  {"element", TypeToJson(*type.element)}});
    case TypeKind::kMap:
      return json::Value::Object({{"type", json::Value::String("map")},
                                  {"key-id", json::Value::Int(type.key_id)},
                                  {"key", TypeToJson(*type.key)},
                                  {"value-id", json::Value::Int(type.element_id)},
                                  {"value-required", json::Value::Bool(false)},
                                  {"value", TypeToJson(*type.element)}});
    default:
      return json::Value::String(PrimitiveTypeName(type));
  }
}

Result<int32_t> IdOf(const json::Value& object, std::string_view key, std::string_view where) {
  const json::Value* id = object.Find(key);
  std::optional<int64_t> value = id != nullptr ? id->AsInt64() : std::nullopt;
  if (!value.has_value() || *value < 0 || *value > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidInput("iceberg: schema field " + std::string(where) + " has no valid " +
                                std::string(key));
  }
  return static_cast<int32_t>(*value);
}

Result<DataType> TypeFromJson(const json::Value* value, const std::string& where);

Result<std::shared_ptr<const DataType>> ChildFromJson(const json::Value& object,
                                                      std::string_view key,
                                                      const std::string& where) {
  ASSIGN_OR_RETURN(DataType type, TypeFromJson(object.Find(key), where));
  return std::make_shared<const DataType>(std::move(type));
}

Result<DataType> PrimitiveFromName(std::string_view name, const std::string& where) {
  static const std::pair<std::string_view, TypeKind> kNames[] = {
      {"boolean", TypeKind::kBoolean},
      {"int", TypeKind::kInt32},
      {"long", TypeKind::kInt64},
      {"float", TypeKind::kFloat},
      {"double", TypeKind::kDouble},
      {"date", TypeKind::kDate},
      {"timestamp", TypeKind::kTimestampNtz},
      {"timestamptz", TypeKind::kTimestamp},
      {"string", TypeKind::kString},
      {"binary", TypeKind::kBinary}};
  for (const auto& [text, kind] : kNames) {
    if (name == text) return DataType::Of(kind);
  }
  if (IsDecimal(name) && name.ends_with(")")) {
    // "decimal(P, S)" (Java) or "decimal(P,S)" (the spec's examples).
    std::string_view inside = name.substr(8, name.size() - 9);
    const size_t comma = inside.find(',');
    DataType type = DataType::Of(TypeKind::kDecimal);
    if (comma != std::string_view::npos) {
      std::string_view p = inside.substr(0, comma);
      std::string_view s = inside.substr(comma + 1);
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      const auto pr = std::from_chars(p.data(), p.data() + p.size(), type.precision);
      const auto sr = std::from_chars(s.data(), s.data() + s.size(), type.scale);
      if (pr.ec == std::errc() && sr.ec == std::errc() && pr.ptr == p.data() + p.size() &&
          sr.ptr == s.data() + s.size() && type.precision >= 1 && type.precision <= 38 &&
          type.scale >= 0 && type.scale <= type.precision) {
        return type;
      }
    }
  }
  return Status::InvalidInput("iceberg: field " + where + " has type " + std::string(name) +
                              ", which this destination does not write");
}

Result<std::vector<Field>> FieldsFromJson(const json::Value* fields, const std::string& where) {
  if (fields == nullptr || !fields->is_array()) {
    return Status::InvalidInput("iceberg: struct " + where + " has no fields");
  }
  std::vector<Field> out;
  for (const json::Value& item : fields->items()) {
    const json::Value* name = item.Find("name");
    if (name == nullptr || !name->is_string()) {
      return Status::InvalidInput("iceberg: a field of " + where + " has no name");
    }
    Field field;
    field.name = name->text();
    field.source_name = name->text();
    const std::string path = where.empty() ? field.name : where + "." + field.name;
    ASSIGN_OR_RETURN(field.field_id, IdOf(item, "id", path));
    ASSIGN_OR_RETURN(field.type, TypeFromJson(item.Find("type"), path));
    out.push_back(std::move(field));
  }
  return out;
}

Result<DataType> TypeFromJson(const json::Value* value, const std::string& where) {
  if (value == nullptr) return Status::InvalidInput("iceberg: field " + where + " has no type");
  if (value->is_string()) return PrimitiveFromName(value->text(), where);
  const json::Value* kind = value->Find("type");
  const std::string name = kind != nullptr && kind->is_string() ? kind->text() : "";
  DataType type;
  if (name == "struct") {
    type.kind = TypeKind::kStruct;
    ASSIGN_OR_RETURN(type.fields, FieldsFromJson(value->Find("fields"), where));
    return type;
  }
  if (name == "list") {
    type.kind = TypeKind::kList;
    ASSIGN_OR_RETURN(type.element_id, IdOf(*value, "element-id", where));
    ASSIGN_OR_RETURN(type.element, ChildFromJson(*value, "element", where + ".element"));
    return type;
  }
  if (name == "map") {
    type.kind = TypeKind::kMap;
    ASSIGN_OR_RETURN(type.key_id, IdOf(*value, "key-id", where));
    ASSIGN_OR_RETURN(type.key, ChildFromJson(*value, "key", where + ".key"));
    ASSIGN_OR_RETURN(type.element_id, IdOf(*value, "value-id", where));
    ASSIGN_OR_RETURN(type.element, ChildFromJson(*value, "value", where + ".value"));
    return type;
  }
  return Status::InvalidInput("iceberg: field " + where +
                              " has a type this destination cannot read");
}

int32_t MaxId(const DataType& type) {
  int32_t most = std::max(type.element_id, type.key_id);
  for (const Field& field : type.fields) most = std::max({most, field.field_id, MaxId(field.type)});
  if (type.element != nullptr) most = std::max(most, MaxId(*type.element));
  if (type.key != nullptr) most = std::max(most, MaxId(*type.key));
  return most;
}

void MergeType(const DataType& writer, DataType* current);

void MergeFields(const std::vector<Field>& writer, std::vector<Field>* current) {
  for (const Field& w : writer) {
    auto it = std::find_if(current->begin(), current->end(),
                           [&](const Field& c) { return c.field_id == w.field_id; });
    if (it == current->end()) {
      current->push_back(w);
    } else {
      MergeType(w.type, &it->type);
    }
  }
}

void MergeChild(const std::shared_ptr<const DataType>& writer,
                std::shared_ptr<const DataType>* current) {
  if (writer == nullptr || *current == nullptr) return;
  auto copy = std::make_shared<DataType>(**current);
  MergeType(*writer, copy.get());
  *current = std::move(copy);
}

// The same node (same id) in both: nested fields merged, a promotion taken.
void MergeType(const DataType& writer, DataType* current) {
  if (writer.kind != current->kind &&
      !(schema::IsPrimitive(writer.kind) && schema::IsPrimitive(current->kind))) {
    return;  // not the same node after all (ids say otherwise): keep the table's
  }
  switch (current->kind) {
    case TypeKind::kStruct:
      MergeFields(writer.fields, &current->fields);
      return;
    case TypeKind::kList:
      if (writer.element_id == current->element_id) MergeChild(writer.element, &current->element);
      return;
    case TypeKind::kMap:
      if (writer.element_id == current->element_id) MergeChild(writer.element, &current->element);
      return;
    default:
      if (PrimitiveTypeName(writer) != PrimitiveTypeName(*current) &&
          SameOrPromoted(*current, writer)) {
        *current = writer;
      }
  }
}

}  // namespace

schema::TableSchema MergeSchemas(const schema::TableSchema& current,
                                 const schema::TableSchema& writer) {
  schema::TableSchema out = current;
  MergeFields(writer.columns, &out.columns);
  return out;
}

std::string PrimitiveTypeName(const DataType& type) {
  switch (type.kind) {
    case TypeKind::kBoolean:
      return "boolean";
    case TypeKind::kInt8:
    case TypeKind::kInt16:
    case TypeKind::kInt32:
      return "int";
    case TypeKind::kInt64:
      return "long";
    case TypeKind::kFloat:
      return "float";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kDecimal:
      // Java's spelling; its parser, like the others, takes it with or without the space.
      return "decimal(" + std::to_string(type.precision) + ", " + std::to_string(type.scale) + ")";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kTimestamp:
      return "timestamptz";
    case TypeKind::kTimestampNtz:
      return "timestamp";
    case TypeKind::kBinary:
      return "binary";
    case TypeKind::kString:
    case TypeKind::kChar:
    case TypeKind::kVarchar:
    case TypeKind::kJson:
    default:
      return "string";
  }
}

Status AssignFieldIds(const schema::TableSchema* previous, int32_t* last_column_id,
                      schema::TableSchema* schema) {
  IdAssigner assigner(last_column_id);
  return assigner.Fields(previous != nullptr ? &previous->columns : nullptr, &schema->columns);
}

json::Value SchemaToJson(const schema::TableSchema& schema, int32_t schema_id) {
  return json::Value::Object({{"type", json::Value::String("struct")},
                              {"schema-id", json::Value::Int(schema_id)},
                              {"fields", FieldsToJson(schema.columns)}});
}

Result<schema::TableSchema> SchemaFromJson(const json::Value& value) {
  schema::TableSchema out;
  ASSIGN_OR_RETURN(out.columns, FieldsFromJson(value.Find("fields"), ""));
  return out;
}

int32_t MaxFieldId(const schema::TableSchema& schema) {
  int32_t most = 0;
  for (const Field& column : schema.columns) {
    most = std::max({most, column.field_id, MaxId(column.type)});
  }
  return most;
}

}  // namespace datalake::iceberg
