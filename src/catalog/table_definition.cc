// Glue table definitions, shaped as awswrangler (which the original connector used) builds them
// (docs/LAYOUT.md#table-definitions).
#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

using json::Value;

Value ColumnList(const std::vector<Column>& columns) {
  std::vector<Value> out;
  out.reserve(columns.size());
  for (const Column& c : columns) {
    out.push_back(
        Value::Object({{"Name", Value::String(c.name)}, {"Type", Value::String(c.type)}}));
  }
  return Value::Array(std::move(out));
}

std::string CompressionType(format::Compression c) {
  switch (c) {
    case format::Compression::kGzip:
      return "gzip";
    case format::Compression::kZstd:
      return "zstd";
    case format::Compression::kSnappy:
      return "snappy";
    case format::Compression::kUncompressed:
      return "none";
  }
  return "none";
}

// Where a value sits in a definition: what else an existing definition may hold there.
enum class Place { kTable, kColumn, kOther };

bool IsEmpty(const Value& v) {
  switch (v.kind()) {
    case json::Kind::kNull:
      return true;
    case json::Kind::kString:
      return v.text().empty();
    case json::Kind::kArray:
      return v.items().empty();
    case json::Kind::kObject:
      for (const Value::Member& m : v.members()) {
        if (!IsEmpty(m.second)) return false;
      }
      return true;
    default:
      return false;
  }
}

bool IsDescriptive(Place place, std::string_view member) {
  switch (place) {
    case Place::kTable:
      return member == "Description" || member == "Owner" || member == "LastAccessTime" ||
             member == "LastAnalyzedTime" || member == "Retention";
    case Place::kColumn:
      return member == "Comment" || member == "Parameters";
    case Place::kOther:
      return false;
  }
  return false;
}

bool Holds(const Value& existing, const Value& wanted, Place place) {
  if (existing.kind() != wanted.kind()) return false;
  if (wanted.is_array()) {
    if (existing.items().size() != wanted.items().size()) return false;
    for (size_t i = 0; i < wanted.items().size(); ++i) {
      if (!Holds(existing.items()[i], wanted.items()[i], place)) return false;
    }
    return true;
  }
  if (!wanted.is_object()) return existing == wanted;
  for (const Value::Member& m : wanted.members()) {
    const Value* there = existing.Find(m.first);
    if (there == nullptr) {
      if (!IsEmpty(m.second)) return false;
      continue;
    }
    const bool columns = m.first == "Columns" || m.first == "PartitionKeys";
    if (!Holds(*there, m.second, columns ? Place::kColumn : Place::kOther)) return false;
  }
  for (const Value::Member& m : existing.members()) {
    if (wanted.Find(m.first) == nullptr && !IsEmpty(m.second) && !IsDescriptive(place, m.first)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool DefinitionHolds(const Value& existing, const Value& wanted) {
  return Holds(existing, wanted, Place::kTable);
}

std::vector<Column> ColumnsOf(const schema::TableSchema& schema) {
  std::vector<Column> out;
  out.reserve(schema.columns.size());
  for (const schema::Field& f : schema.columns) {
    out.push_back({f.name, schema::GlueTypeString(f.type)});
  }
  return out;
}

Value BuildTableInput(const TableSpec& spec) {
  const bool parquet = spec.format == format::FileFormat::kParquet;
  const std::string classification = parquet ? "parquet" : "json";
  const std::string compression = CompressionType(spec.compression);
  const bool compressed = spec.compression != format::Compression::kUncompressed;

  Value serde =
      parquet ? Value::Object(
                    {{"SerializationLibrary",
                      Value::String("org.apache.hadoop.hive.ql.io.parquet.serde."
                                    "ParquetHiveSerDe")},
                     {"Parameters", Value::Object({{"serialization.format", Value::String("1")}})}})
              : Value::Object(
                    {{"SerializationLibrary", Value::String("org.openx.data.jsonserde.JsonSerDe")},
                     {"Parameters", Value::Object()}});
  Value sd_parameters = Value::Object();
  if (parquet) sd_parameters.Set("CrawlerSchemaDeserializerVersion", Value::String("1.0"));
  sd_parameters.Set("classification", Value::String(classification));
  sd_parameters.Set("compressionType", Value::String(compression));
  sd_parameters.Set("typeOfData", Value::String("file"));

  Value storage = Value::Object({
      {"Columns", ColumnList(spec.columns)},
      {"Location", Value::String(spec.location)},
      {"InputFormat",
       Value::String(parquet ? "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
                             : "org.apache.hadoop.mapred.TextInputFormat")},
      {"OutputFormat",
       Value::String(parquet ? "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
                             : "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")},
      {"Compressed", Value::Bool(compressed)},
      {"NumberOfBuckets", Value::Int(-1)},
      {"SerdeInfo", std::move(serde)},
      {"BucketColumns", Value::Array()},
      {"StoredAsSubDirectories", Value::Bool(false)},
      {"SortColumns", Value::Array()},
      {"Parameters", std::move(sd_parameters)},
  });
  return Value::Object({
      {"Name", Value::String(spec.name)},
      {"TableType", Value::String(spec.table_type)},
      {"PartitionKeys", ColumnList(spec.partition_keys)},
      {"Parameters", Value::Object({{"classification", Value::String(classification)},
                                    {"compressionType", Value::String(compression)},
                                    {"typeOfData", Value::String("file")},
                                    {"projection.enabled", Value::String("false")}})},
      {"StorageDescriptor", std::move(storage)},
  });
}

std::vector<Column> MergeColumns(const Value& existing, const std::vector<Column>& wanted) {
  std::vector<Column> out;
  const Value* sd = existing.Find("StorageDescriptor");
  const Value* columns = sd != nullptr ? sd->Find("Columns") : nullptr;
  if (columns != nullptr && columns->is_array()) {
    for (const Value& c : columns->items()) {
      const Value* name = c.Find("Name");
      const Value* type = c.Find("Type");
      if (name == nullptr || !name->is_string() || type == nullptr || !type->is_string()) continue;
      out.push_back({name->text(), type->text()});
    }
  }
  for (const Column& c : wanted) {
    Column* present = nullptr;
    for (Column& e : out) {
      if (e.name == c.name) present = &e;
    }
    if (present == nullptr) {
      out.push_back(c);
      continue;
    }
    if (present->type == c.type) continue;
    // The existing type stays; a struct gains the nested fields `wanted` has and it lacks.
    auto existing_type = schema::ParseGlueType(present->type);
    auto wanted_type = schema::ParseGlueType(c.type);
    if (!existing_type.ok() || !wanted_type.ok()) continue;
    std::vector<std::string> added;
    const schema::DataType merged =
        schema::MergeExistingType(*existing_type, *wanted_type, c.name, nullptr, &added);
    // Otherwise the table's own spelling stays ("decimal(38, 25)", "integer").
    if (!added.empty()) present->type = schema::GlueTypeString(merged);
  }
  return out;
}

}  // namespace datalake::catalog

namespace datalake::catalog {

std::vector<Column> PartitionKeysOf(const Value& table) {
  std::vector<Column> out;
  const Value* keys = table.Find("PartitionKeys");
  if (keys == nullptr || !keys->is_array()) return out;
  for (const Value& k : keys->items()) {
    const Value* name = k.Find("Name");
    const Value* type = k.Find("Type");
    if (name == nullptr || !name->is_string()) continue;
    out.push_back({name->text(), type != nullptr && type->is_string() ? type->text() : ""});
  }
  return out;
}

std::vector<std::string> PartitionValues(const Value& partition) {
  std::vector<std::string> out;
  const Value* values = partition.Find("Values");
  if (values == nullptr || !values->is_array()) return out;
  for (const Value& v : values->items()) out.push_back(v.is_string() ? v.text() : "");
  return out;
}

Value BuildPartitionInput(const Value& table_input, const std::vector<std::string>& values,
                          const std::string& subdirectory) {
  std::vector<Value> value_list;
  value_list.reserve(values.size());
  for (const std::string& v : values) value_list.push_back(Value::String(v));
  const Value* table_sd = table_input.Find("StorageDescriptor");
  Value sd = table_sd != nullptr ? *table_sd : Value::Object();
  const Value* location = sd.Find("Location");
  std::string base = location != nullptr && location->is_string() ? location->text() : "";
  if (!base.empty() && base.back() != '/') base += '/';
  sd.Set("Location", Value::String(base + subdirectory));
  return Value::Object({{"Values", Value::Array(std::move(value_list))},
                        {"StorageDescriptor", std::move(sd)},
                        {"Parameters", Value::Object()}});
}

}  // namespace datalake::catalog
