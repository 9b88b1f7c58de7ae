// Fuzz target: JSON schema -> table schema (schema::MapJsonSchema), with and without
// glue_catalog_float_as_decimal, and the Glue type strings the destination declares for it. An
// input that is not JSON is read as a Glue type string instead (schema::ParseGlueType, the
// parser of existing tables' column types).
//
// Invariants of a mapped schema:
// - one column per property, in property order, keyed by the property name (source_name);
// - column names distinct sanitised names (lowercase [a-z0-9_], at most 255 bytes); struct
//   field names Hive identifiers, distinct ignoring ASCII case, keyed by their property names;
// - every column's Glue type string parses back (ParseGlueType) to the same string;
// - merging each column type with itself keeps it and reports nothing kept or added;
// - a Parquet and a JSON Lines encoder accept the schema and a row of nulls.
// Invariants of a Glue type string: a parsed type prints (GlueTypeString) to a string that parses
// to the same type again, and an accepted map key is primitive.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "format/format.h"
#include "fuzz_util.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::fuzzing {
namespace {

using schema::DataType;
using schema::TypeKind;

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Check a mapped type against its JSON schema node (nullptr when not known).
void CheckType(const DataType& type, const json::Value* node, const std::string& where) {
  switch (type.kind) {
    case TypeKind::kStruct: {
      FUZZ_CHECK(!type.fields.empty(), where + ": empty struct");
      const json::Value* properties = node != nullptr ? node->Find("properties") : nullptr;
      if (properties != nullptr && properties->is_object()) {
        FUZZ_CHECK(properties->members().size() == type.fields.size(),
                   where + ": " + std::to_string(type.fields.size()) + " fields");
      }
      std::set<std::string> seen;
      for (size_t i = 0; i < type.fields.size(); ++i) {
        const schema::Field& f = type.fields[i];
        FUZZ_CHECK(schema::IsHiveIdentifier(f.name), where + ": field " + Printable(f.name));
        FUZZ_CHECK(f.name.size() <= schema::kMaxNameBytes, where + ": long field name");
        FUZZ_CHECK(seen.insert(AsciiLower(f.name)).second,
                   where + ": duplicate field " + Printable(f.name));
        const json::Value* child = nullptr;
        if (properties != nullptr && properties->is_object()) {
          FUZZ_CHECK(properties->members()[i].first == f.source_name,
                     where + ": source name " + Printable(f.source_name));
          child = &properties->members()[i].second;
        }
        CheckType(f.type, child, where + "." + f.name);
      }
      break;
    }
    case TypeKind::kList:
      FUZZ_CHECK(type.element != nullptr, where + ": list without element");
      CheckType(*type.element, nullptr, where + "[]");
      break;
    case TypeKind::kMap:
      FUZZ_CHECK(false, where + ": a JSON schema mapped to a map");
      break;
    case TypeKind::kDecimal:
      FUZZ_CHECK(type.precision >= 1 && type.precision <= 38 && type.scale >= 0 &&
                     type.scale <= type.precision,
                 where + ": decimal");
      break;
    default:
      FUZZ_CHECK(schema::IsPrimitive(type.kind), where + ": kind");
  }
}

class NullSink : public format::Sink {
 public:
  Status Write(std::string_view) override { return Status::Ok(); }
};

void CheckMapped(const json::Value& doc, const schema::MappingOptions& options) {
  Result<schema::TableSchema> mapped = schema::MapJsonSchema(doc, options);
  if (!mapped.ok()) {
    FUZZ_CHECK(
        !doc.is_object() && !doc.is_string() && mapped.status().code() == StatusCode::kInvalidInput,
        mapped.status().ToString());
    return;
  }
  const schema::TableSchema& table = *mapped;
  const json::Value* properties = doc.is_object() ? doc.Find("properties") : nullptr;
  const size_t expected =
      properties != nullptr && properties->is_object() ? properties->members().size() : 0;
  FUZZ_CHECK(table.columns.size() == expected, std::to_string(table.columns.size()) +
                                                   " columns for " + std::to_string(expected) +
                                                   " properties");
  std::set<std::string> names;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const schema::Field& column = table.columns[i];
    const std::string where = "column " + Printable(column.name);
    FUZZ_CHECK(column.source_name == properties->members()[i].first, where);
    FUZZ_CHECK(!column.name.empty() && column.name.size() <= schema::kMaxNameBytes &&
                   column.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
                       std::string::npos,
               where + ": not a sanitised name");
    FUZZ_CHECK(names.insert(column.name).second, where + ": duplicate");
    CheckType(column.type, &properties->members()[i].second, where);

    const std::string glue = schema::GlueTypeString(column.type);
    Result<DataType> parsed = schema::ParseGlueType(glue);
    FUZZ_CHECK(parsed.ok(), where + ": " + Printable(glue) + " -> " + parsed.status().message());
    FUZZ_CHECK(schema::GlueTypeString(*parsed) == glue,
               where + ": " + Printable(glue) + " -> " + schema::GlueTypeString(*parsed));

    std::vector<schema::KeptType> kept;
    std::vector<std::string> added;
    const DataType merged =
        schema::MergeExistingType(column.type, column.type, column.name, &kept, &added);
    FUZZ_CHECK(schema::GlueTypeString(merged) == glue && kept.empty() && added.empty(),
               where + ": merged with itself: " + schema::GlueTypeString(merged));
  }
  if (table.columns.empty()) return;
  format::Row row;
  for (size_t i = 0; i < table.columns.size(); ++i) row.AppendNull();
  NullSink sink;
  format::ParquetOptions parquet;
  parquet.compression = format::Compression::kUncompressed;
  auto encoder = format::NewParquetEncoder(table, parquet, &sink);
  FUZZ_CHECK(encoder.ok(), "Parquet encoder: " + encoder.status().ToString());
  (*encoder)->Append(row);
  Status finished = (*encoder)->Finish();
  FUZZ_CHECK(finished.ok(), "Parquet: " + finished.ToString());
  auto jsonl = format::NewJsonlEncoder(table, format::EncoderOptions{}, &sink);
  FUZZ_CHECK(jsonl.ok(), "JSON Lines encoder: " + jsonl.status().ToString());
  (*jsonl)->Append(row);
  finished = (*jsonl)->Finish();
  FUZZ_CHECK(finished.ok(), "JSON Lines: " + finished.ToString());
}

bool MapKeysPrimitive(const DataType& t) {
  if (t.kind == TypeKind::kMap) {
    if (t.key == nullptr || !schema::IsPrimitive(t.key->kind)) return false;
  }
  if (t.element != nullptr && !MapKeysPrimitive(*t.element)) return false;
  for (const schema::Field& f : t.fields) {
    if (!MapKeysPrimitive(f.type)) return false;
  }
  return true;
}

void CheckGlueType(std::string_view text) {
  Result<DataType> parsed = schema::ParseGlueType(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == StatusCode::kInvalidInput, parsed.status().ToString());
    return;
  }
  FUZZ_CHECK(MapKeysPrimitive(*parsed), Printable(text));
  const std::string printed = schema::GlueTypeString(*parsed);
  Result<DataType> again = schema::ParseGlueType(printed);
  FUZZ_CHECK(again.ok(),
             Printable(text) + " -> " + Printable(printed) + " -> " + again.status().message());
  FUZZ_CHECK(schema::GlueTypeString(*again) == printed,
             Printable(text) + " -> " + Printable(printed) + " -> " +
                 Printable(schema::GlueTypeString(*again)));
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<json::Value> doc = json::Parse(input);
  if (!doc.ok()) {
    CheckGlueType(input);
    return 0;
  }
  CheckMapped(*doc, schema::MappingOptions{});
  CheckMapped(*doc, schema::MappingOptions{.number_as_decimal = true});
  return 0;
}
