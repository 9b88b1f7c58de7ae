// Manifests and manifest lists (Iceberg spec, "Manifests" and "Manifest Lists", format version
// 2): Avro object container files whose schemas carry the spec's field ids, with the names and
// shapes Iceberg Java 1.8 writes.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "format/avro.h"
#include "iceberg/iceberg.h"

namespace datalake::iceberg {
namespace {

using format::avro::Encoder;
using json::Value;
using schema::TypeKind;

Value Optional(Value type) { return Value::Array({Value::String("null"), std::move(type)}); }

Value AvroField(std::string name, Value type, int32_t id, bool optional_default = false) {
  std::vector<Value::Member> members = {{"name", Value::String(std::move(name))},
                                        {"type", std::move(type)}};
  if (optional_default) members.emplace_back("default", Value::Null());
  members.emplace_back("field-id", Value::Int(id));
  return Value::Object(std::move(members));
}

Value Record(std::string name, std::vector<Value> fields) {
  return Value::Object({{"type", Value::String("record")},
                        {"name", Value::String(std::move(name))},
                        {"fields", Value::Array(std::move(fields))}});
}

// An int-keyed map as Iceberg writes it: an array of key/value records marked logicalType map.
Value IntMap(int32_t key_id, int32_t value_id, const char* value_type) {
  const std::string name = "k" + std::to_string(key_id) + "_v" + std::to_string(value_id);
  return Optional(Value::Object(
      {{"type", Value::String("array")},
       {"logicalType", Value::String("map")},
       {"items", Record(name, {AvroField("key", Value::String("int"), key_id),
                               AvroField("value", Value::String(value_type), value_id)})}}));
}

Value IdArray(const char* items, int32_t element_id) {
  return Optional(Value::Object({{"type", Value::String("array")},
                                 {"items", Value::String(items)},
                                 {"element-id", Value::Int(element_id)}}));
}

Value PartitionAvroType(const std::string& result) {
  if (result == "date") {
    return Value::Object({{"type", Value::String("int")}, {"logicalType", Value::String("date")}});
  }
  if (result == "timestamp" || result == "timestamptz") {
    return Value::Object({{"type", Value::String("long")},
                          {"logicalType", Value::String("timestamp-micros")},
                          {"adjust-to-utc", Value::Bool(result == "timestamptz")}});
  }
  return Value::String(result);
}

// Avro names allow [A-Za-z_][A-Za-z0-9_]*; Iceberg Java replaces any other character by
// "_x" and its hex code, and prefixes a leading digit with "_".
std::string AvroName(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (letter || (digit && i > 0)) {
      out.push_back(static_cast<char>(c));
    } else if (digit) {
      out += "_" + std::string(1, static_cast<char>(c));
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += "_x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string ManifestEntrySchema(const PartitionSpec& spec, const std::vector<std::string>& types) {
  std::vector<Value> partition;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    partition.push_back(AvroField(AvroName(spec.fields[i].name),
                                  Optional(PartitionAvroType(types[i])), spec.fields[i].field_id,
                                  /*optional_default=*/true));
  }
  Value data_file = Record(
      "r2", {AvroField("content", Value::String("int"), 134),
             AvroField("file_path", Value::String("string"), 100),
             AvroField("file_format", Value::String("string"), 101),
             AvroField("partition", Record("r102", std::move(partition)), 102),
             AvroField("record_count", Value::String("long"), 103),
             AvroField("file_size_in_bytes", Value::String("long"), 104),
             AvroField("column_sizes", IntMap(117, 118, "long"), 108, true),
             AvroField("value_counts", IntMap(119, 120, "long"), 109, true),
             AvroField("null_value_counts", IntMap(121, 122, "long"), 110, true),
             AvroField("nan_value_counts", IntMap(138, 139, "long"), 137, true),
             AvroField("lower_bounds", IntMap(126, 127, "bytes"), 125, true),
             AvroField("upper_bounds", IntMap(129, 130, "bytes"), 128, true),
             AvroField("key_metadata", Optional(Value::String("bytes")), 131, true),
             AvroField("split_offsets", IdArray("long", 133), 132, true),
             AvroField("equality_ids", IdArray("int", 136), 135, true),
             AvroField("sort_order_id", Optional(Value::String("int")), 140, true),
             AvroField("referenced_data_file", Optional(Value::String("string")), 143, true)});
  return json::Serialize(
      Record("manifest_entry",
             {AvroField("status", Value::String("int"), 0),
              AvroField("snapshot_id", Optional(Value::String("long")), 1, true),
              AvroField("sequence_number", Optional(Value::String("long")), 3, true),
              AvroField("file_sequence_number", Optional(Value::String("long")), 4, true),
              AvroField("data_file", std::move(data_file), 2)}));
}

std::string ManifestListSchema() {
  Value summary =
      Record("r508", {AvroField("contains_null", Value::String("boolean"), 509),
                      AvroField("contains_nan", Optional(Value::String("boolean")), 518, true),
                      AvroField("lower_bound", Optional(Value::String("bytes")), 510, true),
                      AvroField("upper_bound", Optional(Value::String("bytes")), 511, true)});
  Value partitions = Optional(Value::Object({{"type", Value::String("array")},
                                             {"items", std::move(summary)},
                                             {"element-id", Value::Int(508)}}));
  return json::Serialize(Record(
      "manifest_file", {AvroField("manifest_path", Value::String("string"), 500),
                        AvroField("manifest_length", Value::String("long"), 501),
                        AvroField("partition_spec_id", Value::String("int"), 502),
                        AvroField("content", Value::String("int"), 517),
                        AvroField("sequence_number", Value::String("long"), 515),
                        AvroField("min_sequence_number", Value::String("long"), 516),
                        AvroField("added_snapshot_id", Value::String("long"), 503),
                        AvroField("added_files_count", Value::String("int"), 504),
                        AvroField("existing_files_count", Value::String("int"), 505),
                        AvroField("deleted_files_count", Value::String("int"), 506),
                        AvroField("added_rows_count", Value::String("long"), 512),
                        AvroField("existing_rows_count", Value::String("long"), 513),
                        AvroField("deleted_rows_count", Value::String("long"), 514),
                        AvroField("partitions", std::move(partitions), 507, true),
                        AvroField("key_metadata", Optional(Value::String("bytes")), 519, true)}));
}

void OptionalLong(Encoder* e, const std::optional<int64_t>& v) {
  if (!v) return e->Branch(0);
  e->Branch(1);
  e->Long(*v);
}

template <typename V, typename Put>
void OptionalIntMap(Encoder* e, const std::vector<std::pair<int32_t, V>>& pairs, Put put) {
  e->Branch(1);  // written even when empty, as Java does
  e->Block(static_cast<int64_t>(pairs.size()));
  for (const auto& [key, value] : pairs) {
    e->Int(key);
    put(value);
  }
  e->End();
}

// The single-value serialization of a partition value (for the manifest list's bounds).
std::string SingleValue(const PartitionValue& v) {
  std::string out;
  if (const auto* i = std::get_if<int32_t>(&v)) {
    out.resize(4);
    std::memcpy(out.data(), i, 4);
  } else if (const auto* l = std::get_if<int64_t>(&v)) {
    out.resize(8);
    std::memcpy(out.data(), l, 8);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    out = *s;
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out.push_back(*b ? '\1' : '\0');
  }
  return out;
}

bool Less(const PartitionValue& a, const PartitionValue& b) { return a < b; }

Status EncodePartitionValue(const PartitionValue& v, const std::string& type, Encoder* e) {
  if (std::holds_alternative<std::monostate>(v)) {
    e->Branch(0);
    return Status::Ok();
  }
  e->Branch(1);
  const bool int_type = type == "int" || type == "date";
  const bool long_type = type == "long" || type == "timestamp" || type == "timestamptz";
  if (int_type && std::holds_alternative<int32_t>(v)) {
    e->Int(std::get<int32_t>(v));
  } else if (long_type && std::holds_alternative<int64_t>(v)) {
    e->Long(std::get<int64_t>(v));
  } else if (type == "string" && std::holds_alternative<std::string>(v)) {
    e->String(std::get<std::string>(v));
  } else if (type == "boolean" && std::holds_alternative<bool>(v)) {
    e->Boolean(std::get<bool>(v));
  } else {
    return Status::Internal("iceberg: a partition value does not match its field's type " + type);
  }
  return Status::Ok();
}

const schema::DataType* SourceType(const schema::TableSchema& schema, int32_t id) {
  for (const schema::Field& column : schema.columns) {
    if (column.field_id == id) return &column.type;
  }
  return nullptr;
}

}  // namespace

Result<std::string> PartitionResultType(const PartitionField& field,
                                        const schema::DataType& source) {
  const std::string& t = field.transform;
  const std::string source_type = schema::IsPrimitive(source.kind) ? PrimitiveTypeName(source) : "";
  const bool temporal =
      source_type == "date" || source_type == "timestamp" || source_type == "timestamptz";
  if (t == "year" || t == "month" || (t == "hour" && source_type != "date")) {
    if (temporal) return std::string("int");
  } else if (t == "day") {
    if (temporal) return std::string("date");
  } else if (t.starts_with("bucket[")) {
    if (!source_type.empty() && source_type != "boolean" && source_type != "float" &&
        source_type != "double") {
      return std::string("int");
    }
  } else if (t == "identity" || t.starts_with("truncate[")) {
    const bool truncatable =
        source_type == "int" || source_type == "long" || source_type == "string";
    if (truncatable || (t == "identity" && (temporal || source_type == "boolean"))) {
      return source_type;
    }
  }
  return Status::InvalidInput(
      "iceberg: partition field " + field.name + " cannot apply " + t + " to a column of type " +
      (source_type.empty() ? std::string("struct, list or map") : source_type));
}

std::optional<std::string> BoundFromParquet(const schema::DataType& type,
                                            std::string_view parquet_plain) {
  if (!schema::IsPrimitive(type.kind)) return std::nullopt;
  if (type.kind != TypeKind::kDecimal) return std::string(parquet_plain);
  // Big-endian two's complement of the column's fixed width: drop the leading bytes that only
  // repeat the sign.
  size_t skip = 0;
  while (skip + 1 < parquet_plain.size()) {
    const auto first = static_cast<unsigned char>(parquet_plain[skip]);
    const auto next = static_cast<unsigned char>(parquet_plain[skip + 1]);
    if (!((first == 0x00 && next < 0x80) || (first == 0xff && next >= 0x80))) break;
    ++skip;
  }
  return std::string(parquet_plain.substr(skip));
}

namespace {

const schema::DataType* FindById(const std::vector<schema::Field>& fields, int32_t id);

const schema::DataType* FindInType(const schema::DataType& type, int32_t id) {
  if (type.kind == TypeKind::kStruct) return FindById(type.fields, id);
  if (type.element != nullptr) {
    if (type.element_id == id) return type.element.get();
    if (const schema::DataType* found = FindInType(*type.element, id)) return found;
  }
  if (type.key != nullptr) {
    if (type.key_id == id) return type.key.get();
    if (const schema::DataType* found = FindInType(*type.key, id)) return found;
  }
  return nullptr;
}

const schema::DataType* FindById(const std::vector<schema::Field>& fields, int32_t id) {
  for (const schema::Field& field : fields) {
    if (field.field_id == id) return &field.type;
    if (const schema::DataType* found = FindInType(field.type, id)) return found;
  }
  return nullptr;
}

}  // namespace

DataFileInfo DataFileFrom(const format::FileSummary& summary, const schema::TableSchema& schema,
                          std::string file_path, std::vector<PartitionValue> partition) {
  DataFileInfo f;
  f.file_path = std::move(file_path);
  f.partition = std::move(partition);
  f.record_count = static_cast<int64_t>(summary.rows);
  f.file_size_in_bytes = static_cast<int64_t>(summary.bytes);
  f.split_offsets = summary.row_group_offsets;
  for (const format::ColumnSummary& column : summary.columns) {
    f.column_sizes.emplace_back(column.field_id, column.compressed_bytes);
    f.value_counts.emplace_back(column.field_id, column.values);
    f.null_value_counts.emplace_back(column.field_id, column.nulls);
    const schema::DataType* type = FindById(schema.columns, column.field_id);
    // Bounds of values inside lists and maps say nothing a filter on a row can use.
    if (type == nullptr || column.repeated || !column.min || !column.max) continue;
    std::optional<std::string> lower = BoundFromParquet(*type, *column.min);
    std::optional<std::string> upper = BoundFromParquet(*type, *column.max);
    if (!lower || !upper) continue;
    f.lower_bounds.emplace_back(column.field_id, std::move(*lower));
    f.upper_bounds.emplace_back(column.field_id, std::move(*upper));
  }
  return f;
}

namespace {

// The result types of a spec's fields, from their source columns in `schema`.
Result<std::vector<std::string>> PartitionTypes(const schema::TableSchema& schema,
                                                const PartitionSpec& spec) {
  std::vector<std::string> types;
  for (const PartitionField& field : spec.fields) {
    const schema::DataType* source = SourceType(schema, field.source_id);
    if (source == nullptr) {
      return Status::InvalidInput("iceberg: partition field " + field.name +
                                  " has no source column " + std::to_string(field.source_id));
    }
    ASSIGN_OR_RETURN(std::string type, PartitionResultType(field, *source));
    types.push_back(std::move(type));
  }
  return types;
}

Value SpecFieldsJson(const PartitionSpec& spec) {
  Value fields = Value::Array();
  for (const PartitionField& f : spec.fields) {
    fields.mutable_items().push_back(Value::Object({{"name", Value::String(f.name)},
                                                    {"transform", Value::String(f.transform)},
                                                    {"source-id", Value::Int(f.source_id)},
                                                    {"field-id", Value::Int(f.field_id)}}));
  }
  return fields;
}

// One manifest_entry record, in the field order of ManifestEntrySchema.
Status EncodeEntry(const ManifestEntry& entry, const std::vector<std::string>& types, Encoder* e) {
  const DataFileInfo& f = entry.file;
  e->Int(static_cast<int32_t>(entry.status));
  OptionalLong(e, entry.snapshot_id);
  OptionalLong(e, entry.sequence_number);
  OptionalLong(e, entry.file_sequence_number);
  e->Int(f.content);
  e->String(f.file_path);
  e->String(f.file_format);
  for (size_t i = 0; i < types.size(); ++i) {
    RETURN_IF_ERROR(EncodePartitionValue(f.partition[i], types[i], e));
  }
  e->Long(f.record_count);
  e->Long(f.file_size_in_bytes);
  auto put_long = [e](int64_t v) { e->Long(v); };
  auto put_bytes = [e](const std::string& v) { e->Bytes(v); };
  OptionalIntMap(e, f.column_sizes, put_long);
  OptionalIntMap(e, f.value_counts, put_long);
  OptionalIntMap(e, f.null_value_counts, put_long);
  if (f.nan_value_counts.empty()) {
    e->Branch(0);  // not counted for the files this destination writes (optional)
  } else {
    OptionalIntMap(e, f.nan_value_counts, put_long);
  }
  OptionalIntMap(e, f.lower_bounds, put_bytes);
  OptionalIntMap(e, f.upper_bounds, put_bytes);
  e->Branch(0);  // key_metadata
  e->Branch(1);
  e->Block(static_cast<int64_t>(f.split_offsets.size()));
  for (int64_t offset : f.split_offsets) e->Long(offset);
  e->End();
  e->Branch(0);  // equality_ids: data files have none
  if (f.sort_order_id) {
    e->Branch(1);
    e->Int(*f.sort_order_id);
  } else {
    e->Branch(0);
  }
  e->Branch(0);  // referenced_data_file: position deletes only
  return Status::Ok();
}

// What a manifest list says of a manifest: counts by status, and per partition field whether
// a live file has a null and the smallest and largest values.
class ManifestTally {
 public:
  explicit ManifestTally(size_t fields) : partitions_(fields), lows_(fields), highs_(fields) {}

  void Add(const ManifestEntry& entry) {
    const DataFileInfo& f = entry.file;
    switch (entry.status) {
      case EntryStatus::kAdded:
        ++out_.added_files_count;
        out_.added_rows_count += f.record_count;
        break;
      case EntryStatus::kExisting:
        ++out_.existing_files_count;
        out_.existing_rows_count += f.record_count;
        break;
      case EntryStatus::kDeleted:
        ++out_.deleted_files_count;
        out_.deleted_rows_count += f.record_count;
        return;  // no longer in the table: not in the partition summaries
    }
    for (size_t i = 0; i < partitions_.size(); ++i) {
      const PartitionValue& v = f.partition[i];
      if (std::holds_alternative<std::monostate>(v)) {
        partitions_[i].contains_null = true;
        continue;
      }
      if (!lows_[i] || Less(v, *lows_[i])) lows_[i] = v;
      if (!highs_[i] || Less(*highs_[i], v)) highs_[i] = v;
    }
  }

  ManifestFile Finish(int32_t spec_id) {
    for (size_t i = 0; i < partitions_.size(); ++i) {
      if (lows_[i]) partitions_[i].lower_bound = SingleValue(*lows_[i]);
      if (highs_[i]) partitions_[i].upper_bound = SingleValue(*highs_[i]);
    }
    out_.partition_spec_id = spec_id;
    out_.partitions = std::move(partitions_);
    return std::move(out_);
  }

 private:
  ManifestFile out_;
  std::vector<ManifestFile::FieldSummary> partitions_;
  std::vector<std::optional<PartitionValue>> lows_, highs_;
};

}  // namespace

Result<std::string> WriteManifest(const schema::TableSchema& schema, int32_t schema_id,
                                  const PartitionSpec& spec,
                                  const std::vector<ManifestEntry>& entries,
                                  const std::array<uint8_t, 16>& sync, ManifestFile* summary) {
  ASSIGN_OR_RETURN(std::vector<std::string> types, PartitionTypes(schema, spec));
  format::avro::ContainerWriter writer(
      ManifestEntrySchema(spec, types),
      {{"schema", json::Serialize(SchemaToJson(schema, schema_id))},
       {"schema-id", std::to_string(schema_id)},
       {"partition-spec", json::Serialize(SpecFieldsJson(spec))},
       {"partition-spec-id", std::to_string(spec.spec_id)},
       {"format-version", "2"},
       {"content", "data"}},
      format::avro::Codec::kDeflate, sync);
  ManifestTally tally(spec.fields.size());
  for (const ManifestEntry& entry : entries) {
    if (entry.file.partition.size() != spec.fields.size()) {
      return Status::Internal("iceberg: a data file's partition does not match the spec");
    }
    Encoder e(writer.record());
    RETURN_IF_ERROR(EncodeEntry(entry, types, &e));
    writer.EndRecord();
    tally.Add(entry);
  }
  if (summary != nullptr) *summary = tally.Finish(spec.spec_id);
  return writer.Finish();
}

Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number,
                                      const std::vector<ManifestFile>& manifests,
                                      const std::array<uint8_t, 16>& sync) {
  format::avro::ContainerWriter writer(
      ManifestListSchema(),
      {{"snapshot-id", std::to_string(snapshot_id)},
       {"parent-snapshot-id", parent_id ? std::to_string(*parent_id) : "null"},
       {"sequence-number", std::to_string(sequence_number)},
       {"format-version", "2"}},
      format::avro::Codec::kDeflate, sync);
  for (const ManifestFile& m : manifests) {
    Encoder e(writer.record());
    e.String(m.manifest_path);
    e.Long(m.manifest_length);
    e.Int(m.partition_spec_id);
    e.Int(m.content);
    e.Long(m.sequence_number);
    e.Long(m.min_sequence_number);
    e.Long(m.added_snapshot_id);
    e.Int(m.added_files_count);
    e.Int(m.existing_files_count);
    e.Int(m.deleted_files_count);
    e.Long(m.added_rows_count);
    e.Long(m.existing_rows_count);
    e.Long(m.deleted_rows_count);
    if (!m.partitions) {
      e.Branch(0);
    } else {
      e.Branch(1);
      e.Block(static_cast<int64_t>(m.partitions->size()));
      for (const ManifestFile::FieldSummary& s : *m.partitions) {
        e.Boolean(s.contains_null);
        e.Branch(0);  // contains_nan: no float partition values are written
        if (s.lower_bound) {
          e.Branch(1);
          e.Bytes(*s.lower_bound);
        } else {
          e.Branch(0);
        }
        if (s.upper_bound) {
          e.Branch(1);
          e.Bytes(*s.upper_bound);
        } else {
          e.Branch(0);
        }
      }
      e.End();
    }
    e.Branch(0);  // key_metadata
    writer.EndRecord();
  }
  return writer.Finish();
}

}  // namespace datalake::iceberg
