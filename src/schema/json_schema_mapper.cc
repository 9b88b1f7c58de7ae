// MapJsonSchema: a stream's JSON schema -> typed columns (docs/TYPES.md, "Column types").
//
// The rules follow the original connector's `_get_glue_dtypes_from_json_schema` so that Glue
// tables keep their shape, with these deliberate differences (each pinned by a test):
//   - array items keep their format and airbyte_type (arrays of date-times are
//     array<timestamp>, not array<string>; ["null","number"] items with airbyte_type integer are
//     bigint), and nested arrays / arrays of unknown types map instead of crashing;
//   - unions (oneOf/anyOf/allOf, several non-null types) and unknown types are the json kind
//     (still Glue "string"), also at the top level;
//   (truthy additionalProperties makes an object JSON, except on array items, which the original
//   ignores: arrays of such objects stay array<struct<...>>, as existing tables declare them.)
//   - nested names that are not Hive identifiers are sanitised (keeping case) and made unique
//     ignoring case, where the original wrote them verbatim into unparseable Glue types.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/schema.h"

namespace datalake::schema {
namespace {

// Deeper schema nodes map to the json kind: bounds recursion on hostile schemas, and no real
// source nests anywhere near this far.
constexpr int kMaxDepth = 64;

// What a schema node describes, before formats and annotations are looked at.
enum class JsonType {
  kString,
  kInteger,
  kNumber,
  kBoolean,
  kObject,
  kArray,
  kNull,
  kRef,  // a $ref (well-known type or not)
  kUnion,
  kUnknown,
};

JsonType TypeFromName(std::string_view name) {
  if (name == "string") return JsonType::kString;
  if (name == "integer") return JsonType::kInteger;
  if (name == "number") return JsonType::kNumber;
  if (name == "boolean") return JsonType::kBoolean;
  if (name == "object") return JsonType::kObject;
  if (name == "array") return JsonType::kArray;
  if (name == "null") return JsonType::kNull;
  return JsonType::kUnknown;
}

// Python truthiness, because the original tests `properties`, `items`, `oneOf` and
// `additionalProperties` that way (`"additionalProperties": {}` is falsy, `{"type": ...}` not).
bool IsTruthy(const json::Value* v) {
  if (v == nullptr) return false;
  switch (v->kind()) {
    case json::Kind::kNull:
      return false;
    case json::Kind::kBool:
      return v->bool_value();
    case json::Kind::kNumber:
      return v->AsDouble().value_or(1.0) != 0.0;
    case json::Kind::kString:
      return !v->text().empty();
    case json::Kind::kArray:
      return !v->items().empty();
    case json::Kind::kObject:
      return !v->members().empty();
  }
  return false;
}

// Resolve the "type" keyword alone: a name, or a list of names where "null" is dropped and more
// than one distinct remaining name is a union. A missing type with "properties" is an object.
JsonType ResolveTypeKeyword(const json::Value& schema) {
  if (schema.is_string()) return TypeFromName(schema.text());  // "integer" = {"type":"integer"}
  const json::Value* type = schema.Find("type");
  if (type == nullptr) {
    return schema.Find("properties") != nullptr ? JsonType::kObject : JsonType::kUnknown;
  }
  if (type->is_string()) return TypeFromName(type->text());
  if (!type->is_array() || type->items().empty()) return JsonType::kUnknown;
  bool found = false;
  JsonType single = JsonType::kNull;
  for (const json::Value& item : type->items()) {
    if (!item.is_string()) return JsonType::kUnknown;
    const JsonType t = TypeFromName(item.text());
    if (t == JsonType::kNull) continue;
    if (found && t != single) return JsonType::kUnion;
    found = true;
    single = t;
  }
  return single;  // kNull when the list holds only "null"
}

// Resolve a whole schema node: $ref wins (draft-07 ignores its siblings), then combinators.
JsonType ResolveType(const json::Value& schema) {
  if (schema.is_object()) {
    if (schema.Find("$ref") != nullptr) return JsonType::kRef;
    if (IsTruthy(schema.Find("oneOf")) || IsTruthy(schema.Find("anyOf")) ||
        IsTruthy(schema.Find("allOf"))) {
      return JsonType::kUnion;
    }
  } else if (!schema.is_string()) {
    return JsonType::kUnknown;  // true, false, numbers, arrays: no usable schema
  }
  return ResolveTypeKeyword(schema);
}

// Return the string member `key` of `schema`, or "".
std::string_view StringMember(const json::Value& schema, std::string_view key) {
  const json::Value* v = schema.Find(key);
  return v != nullptr && v->is_string() ? std::string_view(v->text()) : std::string_view();
}

// The original's `_is_invalid_struct_or_array` (true = valid): nested properties with oneOf or
// several non-null types, objects without properties and arrays without items anywhere below
// make the enclosing object JSON. Other untypable fields only become JSON fields themselves.
bool PropertiesFormStruct(const json::Value& properties, int depth) {
  if (depth >= kMaxDepth) return true;  // the deeper parts map to json fields on their own
  for (const auto& [key, value] : properties.members()) {
    if (IsTruthy(value.Find("oneOf")) || ResolveTypeKeyword(value) == JsonType::kUnion) {
      return false;
    }
    const JsonType type = ResolveType(value);
    if (type == JsonType::kObject) {
      const json::Value* nested = value.Find("properties");
      if (!IsTruthy(nested)) return false;
      if (nested->is_object() && !PropertiesFormStruct(*nested, depth + 1)) return false;
    } else if (type == JsonType::kArray) {
      const json::Value* items = value.Find("items");
      if (!IsTruthy(items)) return false;
      const json::Value& first = items->is_array() ? items->items().front() : *items;
      const json::Value* nested = first.Find("properties");
      if (IsTruthy(nested) && nested->is_object() && !PropertiesFormStruct(*nested, depth + 1)) {
        return false;
      }
    }
  }
  return true;
}

class Mapper {
 public:
  explicit Mapper(const MappingOptions& options) : options_(options) {}

  // Map one schema node at nesting `depth` (top-level columns are depth 1).
  DataType Map(const json::Value& schema, int depth) const {
    if (depth > kMaxDepth) return Json();
    switch (ResolveType(schema)) {
      case JsonType::kString:
        return MapString(schema);
      case JsonType::kInteger:
        return DataType::Of(TypeKind::kInt64);
      case JsonType::kNumber:
        return StringMember(schema, "airbyte_type") == "integer" ? DataType::Of(TypeKind::kInt64)
                                                                 : Number();
      case JsonType::kBoolean:
        return DataType::Of(TypeKind::kBoolean);
      case JsonType::kObject:
        return MapObject(schema, depth);
      case JsonType::kArray:
        return MapArray(schema, depth);
      case JsonType::kNull:
        return DataType::Of(TypeKind::kString);  // only nulls: the original's "null" -> "string"
      case JsonType::kRef:
        return MapRef(schema.Find("$ref"));
      case JsonType::kUnion:
      case JsonType::kUnknown:
        return Json();
    }
    return Json();
  }

 private:
  static DataType Json() { return DataType::Of(TypeKind::kJson); }

  DataType Number() const {
    if (!options_.number_as_decimal) return DataType::Of(TypeKind::kDouble);
    DataType t = DataType::Of(TypeKind::kDecimal);
    t.precision = options_.decimal_precision;
    t.scale = options_.decimal_scale;
    return t;
  }

  static DataType MapString(const json::Value& schema) {
    const std::string_view format = StringMember(schema, "format");
    if (format == "date-time") {
      return DataType::Of(StringMember(schema, "airbyte_type") == "timestamp_without_timezone"
                              ? TypeKind::kTimestampNtz
                              : TypeKind::kTimestamp);
    }
    if (format == "date") return DataType::Of(TypeKind::kDate);
    return DataType::Of(TypeKind::kString);  // "time" and other formats stay strings
  }

  // `honor_additional_properties` is false for array items, as in the original.
  DataType MapObject(const json::Value& schema, int depth,
                     bool honor_additional_properties = true) const {
    const json::Value* properties = schema.Find("properties");
    // Empty properties would be struct<>, which Glue rejects.
    if (properties == nullptr || !properties->is_object() || properties->members().empty()) {
      return Json();
    }
    if (honor_additional_properties && IsTruthy(schema.Find("additionalProperties"))) {
      return Json();
    }
    if (!PropertiesFormStruct(*properties, depth)) return Json();
    DataType t = DataType::Of(TypeKind::kStruct);
    t.fields.reserve(properties->members().size());
    std::vector<std::string> keys;
    keys.reserve(properties->members().size());
    for (const auto& member : properties->members()) keys.push_back(member.first);
    // Nested names keep their case, as in the original's Glue types, but become Hive
    // identifiers: other characters break the Glue type string ("struct<a b:string>").
    std::vector<std::string> names = UniqueFieldNames(keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      t.fields.push_back(Field{std::move(names[i]), std::move(keys[i]),
                               Map(properties->members()[i].second, depth + 1)});
    }
    return t;
  }

  DataType MapArray(const json::Value& schema, int depth) const {
    const json::Value* items = schema.Find("items");
    if (items == nullptr) return Json();
    if (items->is_array()) {
      // A list of item schemas means "any of these" in Airbyte, not tuple typing.
      if (items->items().size() != 1) return Json();
      items = &items->items().front();
    }
    DataType element = depth + 1 <= kMaxDepth && ResolveType(*items) == JsonType::kObject
                           ? MapObject(*items, depth + 1, /*honor_additional_properties=*/false)
                           : Map(*items, depth + 1);
    // An array of JSON values is one JSON value: the column keeps the array's own JSON text.
    if (element.kind == TypeKind::kJson) return Json();
    DataType t = DataType::Of(TypeKind::kList);
    t.element = std::make_shared<const DataType>(std::move(element));
    return t;
  }

  DataType MapRef(const json::Value* ref) const {
    if (ref == nullptr || !ref->is_string()) return Json();
    std::string_view name = ref->text();
    bool matched = false;
    for (std::string_view prefix :
         {"WellKnownTypes.json#/definitions/", "WellKnownTypes.json#definitions/"}) {
      if (name.starts_with(prefix)) {
        name.remove_prefix(prefix.size());
        matched = true;
        break;
      }
    }
    if (!matched) return Json();
    if (name == "String" || name == "BinaryData" || name == "TimeWithTimezone" ||
        name == "TimeWithoutTimezone") {
      return DataType::Of(TypeKind::kString);
    }
    if (name == "Integer") return DataType::Of(TypeKind::kInt64);
    if (name == "Number") return Number();
    if (name == "Boolean") return DataType::Of(TypeKind::kBoolean);
    if (name == "Date") return DataType::Of(TypeKind::kDate);
    if (name == "TimestampWithTimezone") return DataType::Of(TypeKind::kTimestamp);
    if (name == "TimestampWithoutTimezone") return DataType::Of(TypeKind::kTimestampNtz);
    return Json();
  }

  const MappingOptions& options_;
};

}  // namespace

int TableSchema::FindBySource(std::string_view key) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].source_name == key) return static_cast<int>(i);
  }
  return -1;
}

Result<TableSchema> MapJsonSchema(const json::Value& json_schema, const MappingOptions& options) {
  TableSchema table;
  if (json_schema.is_string()) return table;  // a bare type name has no properties
  if (!json_schema.is_object()) {
    return Status::InvalidInput("json_schema must be a JSON object");
  }
  if (options.number_as_decimal &&
      (options.decimal_precision < 1 || options.decimal_precision > 38 ||
       options.decimal_scale < 0 || options.decimal_scale > options.decimal_precision)) {
    return Status::Internal("decimal(" + std::to_string(options.decimal_precision) + "," +
                            std::to_string(options.decimal_scale) +
                            ") is not a valid Glue decimal type");
  }
  const json::Value* properties = json_schema.Find("properties");
  if (properties == nullptr || !properties->is_object()) return table;

  std::vector<std::string> raw_names;
  raw_names.reserve(properties->members().size());
  for (const auto& member : properties->members()) raw_names.push_back(member.first);
  std::vector<std::string> names = UniqueColumnNames(raw_names);

  const Mapper mapper(options);
  table.columns.reserve(raw_names.size());
  for (size_t i = 0; i < raw_names.size(); ++i) {
    const json::Value& property = properties->members()[i].second;
    table.columns.push_back(
        Field{std::move(names[i]), std::move(raw_names[i]), mapper.Map(property, 1)});
  }
  return table;
}

}  // namespace datalake::schema
