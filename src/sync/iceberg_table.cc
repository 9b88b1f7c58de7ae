#include "sync/iceberg_table.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/crash_point.h"
#include "sync/lake_layout.h"

namespace datalake::sync {

namespace {

constexpr char kMetadataLocation[] = "metadata_location";
constexpr char kPreviousMetadataLocation[] = "previous_metadata_location";
// Commits lost to other writers before this one gives up (each re-reads and plans again).
constexpr int kMaxCommitAttempts = 10;

std::string ParameterOf(const json::Value& table, std::string_view key) {
  const json::Value* parameters = table.Find("Parameters");
  const json::Value* value = parameters != nullptr ? parameters->Find(key) : nullptr;
  return value != nullptr && value->is_string() ? value->text() : "";
}

json::Value ObjectOr(const json::Value* value) {
  return value != nullptr && value->is_object() ? *value : json::Value::Object();
}

// The columns Glue shows for an Iceberg table, as Iceberg's GlueCatalog writes them.
json::Value DisplayColumns(const schema::TableSchema& schema) {
  std::vector<json::Value> columns;
  columns.reserve(schema.columns.size());
  for (const schema::Field& field : schema.columns) {
    columns.push_back(json::Value::Object(
        {{"Name", json::Value::String(field.name)},
         {"Type", json::Value::String(schema::GlueTypeString(field.type))},
         {"Parameters",
          json::Value::Object(
              {{"iceberg.field.id", json::Value::String(std::to_string(field.field_id))},
               {"iceberg.field.optional", json::Value::String("true")},
               {"iceberg.field.current", json::Value::String("true")}})}}));
  }
  return json::Value::Array(std::move(columns));
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool IsIcebergDefinition(const json::Value& table) {
  std::string type = ParameterOf(table, "table_type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "iceberg";
}

IcebergTable::IcebergTable(HiveTableOptions options, ManifestCache* cache)
    : options_(std::move(options)), cache_(cache), random_(std::random_device{}()) {}

void IcebergTable::Adopt(std::optional<json::Value> definition) {
  existing_ = std::move(definition);
}

std::string IcebergTable::Location() const {
  std::string prefix = options_.base_prefix;
  if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return TableLocation(options_.bucket, prefix);
}

std::string IcebergTable::Branch() const {
  if (!options_.truncate) return "main";
  // A retry of the same generation continues its branch; without generations every attempt
  // re-sends everything, so each has its own.
  if (options_.origin.generation > 0) {
    return "airbyte-truncate-generation-" + std::to_string(options_.origin.generation);
  }
  return "airbyte-truncate-run-" + options_.origin.run;
}

Result<std::string> IcebergTable::ReadObject(const std::string& uri) const {
  if (cache_ != nullptr) {
    if (std::optional<std::string> cached = cache_->Get(uri)) return std::move(*cached);
  }
  ASSIGN_OR_RETURN(std::string key, KeyOf(uri));
  ASSIGN_OR_RETURN(std::string bytes, options_.store->Get(key));
  Remember(uri, bytes);
  return bytes;
}

void IcebergTable::Remember(const std::string& uri, const std::string& bytes) const {
  // Manifests and manifest lists never change once written: the next commits' merges and
  // expiries read them again.
  if (cache_ != nullptr && uri.ends_with(".avro")) cache_->Put(uri, bytes);
}

void IcebergTable::RemoveUnreferenced(const std::vector<std::string>& uris) {
  std::vector<std::string> keys;
  for (const std::string& uri : uris) {
    if (Result<std::string> key = KeyOf(uri); key.ok()) keys.push_back(std::move(key).value());
    if (cache_ != nullptr) cache_->Erase(uri);
  }
  if (keys.empty()) return;
  // Nothing the table's metadata keeps names them: a failure leaves orphans, not a broken table.
  Status s = options_.store->Delete(keys);
  if (!s.ok() && options_.out != nullptr) {
    options_.out->Log("WARN", "Iceberg table " + options_.database + "." + options_.table + ": " +
                                  std::to_string(keys.size()) +
                                  " files of expired snapshots were not deleted (" + s.message() +
                                  "); they are unreferenced and can be removed");
  }
}

bool IcebergTable::Keeps(const iceberg::DataFileInfo& file) const {
  return TruncateKeeps(file.file_path, options_.min_generation, options_.origin.run);
}

Result<std::string> IcebergTable::KeyOf(const std::string& uri) const {
  const std::string head = "s3://" + options_.bucket + "/";
  if (uri.compare(0, head.size(), head) != 0 || uri.size() == head.size()) {
    return Status::InvalidInput("Iceberg table " + options_.database + "." + options_.table + ": " +
                                uri + " is not in the bucket " + options_.bucket);
  }
  return uri.substr(head.size());
}

Status IcebergTable::Plan(TableShape shape) {
  shape_ = std::move(shape);
  const std::string name = options_.database + "." + options_.table;
  if (existing_.has_value() && !IsIcebergDefinition(*existing_)) {
    return Status::ConfigError(
        "table " + name + " of stream " + options_.stream +
        " is a Hive-layout table, and table_format iceberg never converts an existing table: "
        "write this connection to another database (lakeformation_database_name) or "
        "bucket_prefix, or delete the table and its files to have it recreated as Iceberg");
  }
  if (shape_.format != format::FileFormat::kParquet) {
    return Status::ConfigError("table_format iceberg writes Parquet files only");
  }
  RETURN_IF_ERROR(options_.catalog->EnsureDatabase(options_.database));
  // The definition as the sync's listing saw it: a table another writer creates or changes
  // meanwhile makes the first commit's swap fail, which reads the table again.
  RETURN_IF_ERROR(ReadTable(&existing_));
  file_schema_ = shape_.schema;
  const auto [from, from_id] = iceberg::BranchSchema(base_, Branch(), options_.truncate);
  if (from == nullptr) {
    return Status::InvalidInput("Iceberg table " + name + ": its metadata " + base_uri_ +
                                " names a schema it does not have");
  }
  int32_t last_column_id = base_.last_column_id;
  RETURN_IF_ERROR(iceberg::AssignFieldIds(from, &last_column_id, &file_schema_));
  spec_ = SpecOf(file_schema_);
  data_prefix_ = options_.base_prefix + "data/";
  return Status::Ok();
}

iceberg::PartitionSpec IcebergTable::SpecOf(const schema::TableSchema& schema) const {
  iceberg::PartitionSpec spec;
  for (const PartitionField& f : shape_.partitioning.fields) {
    const schema::Field& source = schema.columns[static_cast<size_t>(f.column)];
    std::string name = f.key.name;
    // A field's name may be a column's only when it is that column's identity.
    const bool own = f.transform.kind == iceberg::Transform::Kind::kIdentity && name == source.name;
    auto is_column = [&](const std::string& n) {
      return std::any_of(schema.columns.begin(), schema.columns.end(),
                         [&](const schema::Field& c) { return c.name == n; });
    };
    while (!own && (is_column(name) ||
                    std::any_of(spec.fields.begin(), spec.fields.end(),
                                [&](const auto& other) { return other.name == name; }))) {
      name += "_part";
    }
    spec.fields.push_back(
        {source.field_id, 0, std::move(name), iceberg::TransformName(f.transform)});
  }
  return spec;
}

Status IcebergTable::ReadTable(const std::optional<json::Value>* listed) {
  const std::string name = options_.database + "." + options_.table;
  if (listed != nullptr) {
    now_ = *listed;
  } else {
    ASSIGN_OR_RETURN(now_, options_.catalog->GetTable(options_.database, options_.table));
  }
  if (!now_.has_value()) {
    // A new table: its first metadata is this sync's schema, ids from 1.
    schema::TableSchema schema = shape_.schema;
    int32_t last_column_id = 0;
    RETURN_IF_ERROR(iceberg::AssignFieldIds(nullptr, &last_column_id, &schema));
    iceberg::PartitionSpec spec = SpecOf(schema);
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      spec.fields[i].field_id = 1000 + static_cast<int32_t>(i);
    }
    base_ = iceberg::NewTableMetadata(uuids_.V4(), Location(), std::move(schema), std::move(spec),
                                      {}, NowMs());
    base_uri_.clear();
    return Status::Ok();
  }
  if (!IsIcebergDefinition(*now_)) {
    return Status::ConfigError("table " + name + " is no longer an Iceberg table in the catalog");
  }
  const std::string uri = ParameterOf(*now_, kMetadataLocation);
  if (uri.empty()) {
    return Status::InvalidInput("Iceberg table " + name + " has no metadata_location");
  }
  if (uri == base_uri_) return Status::Ok();
  return LoadMetadata(uri);
}

Status IcebergTable::LoadMetadata(const std::string& uri) {
  Result<std::string> bytes = ReadObject(uri);
  if (!bytes.ok()) {
    return bytes.status().WithContext("read the metadata of Iceberg table " + options_.database +
                                      "." + options_.table);
  }
  Result<json::Value> parsed = json::Parse(*bytes);
  if (!parsed.ok()) return parsed.status().WithContext("Iceberg metadata " + uri);
  Result<iceberg::TableMetadata> metadata = iceberg::MetadataFromJson(*parsed);
  if (!metadata.ok()) return metadata.status().WithContext("Iceberg metadata " + uri);
  base_ = std::move(metadata).value();
  base_uri_ = uri;
  return Status::Ok();
}

void IcebergTable::Preload() {
  if (!existing_.has_value() || !IsIcebergDefinition(*existing_)) return;
  const std::string uri = ParameterOf(*existing_, kMetadataLocation);
  if (!uri.empty()) (void)LoadMetadata(uri);
}

Status IcebergTable::CheckFieldIds() const {
  schema::TableSchema again = shape_.schema;
  const auto [from, from_id] = iceberg::BranchSchema(base_, Branch(), options_.truncate);
  int32_t last_column_id = base_.last_column_id;
  if (from != nullptr && iceberg::AssignFieldIds(from, &last_column_id, &again).ok() &&
      json::Serialize(iceberg::SchemaToJson(again, 0)) ==
          json::Serialize(iceberg::SchemaToJson(file_schema_, 0))) {
    return Status::Ok();
  }
  return Status::Transient("Iceberg table " + options_.database + "." + options_.table +
                           ": another writer changed its schema while this sync wrote files, "
                           "so their field ids no longer hold; a retry writes them afresh");
}

iceberg::CommitIds IcebergTable::NewIds() {
  iceberg::CommitIds ids;
  do {
    // Positive and below 2^53: JavaScript readers hold snapshot ids as doubles.
    ids.snapshot_id = static_cast<int64_t>(random_() >> 11);
  } while (ids.snapshot_id == 0 || base_.FindSnapshot(ids.snapshot_id) != nullptr);
  ids.commit_uuid = uuids_.V4();
  ids.now_ms = std::max(NowMs(), base_.last_updated_ms);
  for (size_t i = 0; i < ids.sync.size(); i += 8) {
    uint64_t word = random_();
    for (size_t j = 0; j < 8; ++j) ids.sync[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  return ids;
}

json::Value IcebergTable::TableInput(const iceberg::TableMetadata& metadata,
                                     const std::string& uri) const {
  json::Value input = now_.has_value() ? *now_ : json::Value::Object();
  input.Set("Name", json::Value::String(options_.table));
  input.Set("TableType", json::Value::String("EXTERNAL_TABLE"));
  input.Remove("PartitionKeys");
  json::Value parameters = ObjectOr(input.Find("Parameters"));
  parameters.Set("table_type", json::Value::String("ICEBERG"));
  parameters.Set(kMetadataLocation, json::Value::String(uri));
  if (base_uri_.empty()) {
    parameters.Remove(kPreviousMetadataLocation);
  } else {
    parameters.Set(kPreviousMetadataLocation, json::Value::String(base_uri_));
  }
  for (const auto& [key, value] : options_.parameters) {
    parameters.Set(key, json::Value::String(value));
  }
  input.Set("Parameters", std::move(parameters));
  json::Value storage = ObjectOr(input.Find("StorageDescriptor"));
  storage.Set("Location", json::Value::String(Location()));
  if (const schema::TableSchema* schema = metadata.current_schema()) {
    storage.Set("Columns", DisplayColumns(*schema));
  }
  input.Set("StorageDescriptor", std::move(storage));
  return input;
}

Status IcebergTable::CommitPlanned(
    const std::function<Result<iceberg::PlannedCommit>(const iceberg::CommitIds&)>& plan) {
  const std::string name = options_.database + "." + options_.table;
  for (int attempt = 1; attempt <= kMaxCommitAttempts; ++attempt) {
    ASSIGN_OR_RETURN(iceberg::PlannedCommit planned, plan(NewIds()));
    const std::string metadata_json = json::Serialize(iceberg::MetadataToJson(planned.metadata));
    std::vector<std::pair<std::string, std::string_view>> puts;
    for (const auto& [uri, bytes] : planned.objects) {
      ASSIGN_OR_RETURN(std::string key, KeyOf(uri));
      puts.emplace_back(std::move(key), bytes);
    }
    ASSIGN_OR_RETURN(std::string metadata_key, KeyOf(planned.metadata_uri));
    puts.emplace_back(metadata_key, metadata_json);
    // Nothing names these objects before the swap: they are written together (side by side on
    // S3, where each is a round trip; one directory sync on the local lake).
    RETURN_IF_ERROR(options_.store->PutMany(puts));
    std::vector<std::string> written;
    for (const auto& [key, bytes] : puts) written.push_back(key);
    CrashPoint("iceberg.metadata_written");

    const json::Value input = TableInput(planned.metadata, planned.metadata_uri);
    const std::optional<std::string> expected =
        base_uri_.empty() ? std::nullopt : std::optional<std::string>(base_uri_);
    Result<bool> swapped =
        options_.catalog->SwapTable(options_.database, input, kMetadataLocation, expected);
    if (!swapped.ok()) {
      // The outcome is unknown: the catalog may name the new metadata. Only a read that shows
      // it does tells; otherwise fail and delete nothing.
      Result<std::optional<json::Value>> again =
          options_.catalog->GetTable(options_.database, options_.table);
      if (!again.ok() || !again->has_value() ||
          ParameterOf(**again, kMetadataLocation) != planned.metadata_uri) {
        return swapped.status().WithContext("commit of Iceberg table " + name + " to " +
                                            planned.metadata_uri +
                                            " (its files are kept: the catalog may name them)");
      }
      swapped = true;
    }
    if (*swapped) {
      for (const auto& [uri, bytes] : planned.objects) Remember(uri, bytes);
      RemoveUnreferenced(planned.removable);
      now_ = input;
      base_ = std::move(planned.metadata);
      base_uri_ = planned.metadata_uri;
      CrashPoint("iceberg.committed");
      return Status::Ok();
    }
    // Another writer committed first: nothing names what this attempt wrote.
    (void)options_.store->Delete(written);
    RETURN_IF_ERROR(ReadTable());
  }
  return Status::Transient("commit of Iceberg table " + name + ": other writers committed first " +
                           std::to_string(kMaxCommitAttempts) + " times in a row");
}

Status IcebergTable::Commit(const std::vector<CommittedFile>& files) {
  if (files.empty()) return Status::Ok();
  std::vector<iceberg::DataFileInfo> added;
  added.reserve(files.size());
  for (const CommittedFile& file : files) {
    added.push_back(iceberg::DataFileFrom(
        file.summary, file_schema_, TableLocation(options_.bucket, file.key),
        IcebergPartitionOfKey(shape_.partitioning, file.partition, shape_.schema)));
  }
  return CommitPlanned([&](const iceberg::CommitIds& ids) -> Result<iceberg::PlannedCommit> {
    RETURN_IF_ERROR(CheckFieldIds());
    iceberg::CommitRequest request;
    request.branch = Branch();
    request.added = added;
    request.spec = &spec_;
    request.schema = &shape_.schema;
    request.stage_schema = options_.truncate;
    // A truncate's first commit: the branch starts from main without main's older files.
    request.remove_all = options_.truncate && base_.FindRef(request.branch) == nullptr;
    if (request.remove_all) request.keeps = [this](const auto& f) { return Keeps(f); };
    return iceberg::PlanCommit(base_, base_uri_, request, ids,
                               [this](const std::string& uri) { return ReadObject(uri); });
  });
}

Status IcebergTable::Finish() {
  if (!options_.truncate) return Status::Ok();
  return CommitPlanned([&](const iceberg::CommitIds& ids) -> Result<iceberg::PlannedCommit> {
    if (base_.FindRef(Branch()) != nullptr) {
      return iceberg::PlanFastForward(base_, base_uri_, Branch(), "main", ids,
                                      [this](const std::string& uri) { return ReadObject(uri); });
    }
    // The truncate wrote nothing in this attempt: main keeps only what this generation
    // committed before (nothing at all if it had not), with the stream's schema.
    RETURN_IF_ERROR(CheckFieldIds());
    iceberg::CommitRequest request;
    request.remove_all = true;
    request.keeps = [this](const auto& f) { return Keeps(f); };
    request.schema = &shape_.schema;
    request.spec = &spec_;
    return iceberg::PlanCommit(base_, base_uri_, request, ids,
                               [this](const std::string& uri) { return ReadObject(uri); });
  });
}

}  // namespace datalake::sync
