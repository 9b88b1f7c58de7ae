#include "sync/stream_writer.h"

#include <algorithm>

#include "sync/lake_layout.h"

namespace datalake::sync {

namespace {

// A Parquet row group is buffered in memory until it is full: keep it within a bound that many
// concurrent streams can afford, and a smaller one when a stream has many partition files open.
constexpr uint64_t kMaxRowGroupBytes = 64 << 20;
constexpr uint64_t kMaxPartitionedRowGroupBytes = 8 << 20;
// JSON Lines bytes are handed to the store in chunks of this size.
constexpr size_t kJsonlChunkBytes = 1 << 20;
constexpr size_t kPartitionedJsonlChunkBytes = 256 << 10;
// Partition files a stream keeps open at once. Input grouped by cursor (as incremental sources
// read it) needs few; beyond this the least recently used file is committed.
constexpr size_t kMaxOpenPartitionFiles = 64;

using schema::DataType;
using schema::Field;
using schema::TypeKind;

Field MakeField(const std::string& name, DataType type) {
  return Field{name, name, std::move(type)};
}

// _airbyte_meta:
// struct<sync_id:bigint,changes:array<struct<field:string,change:string,reason:string>>>
DataType MetaType() {
  DataType change = DataType::Of(TypeKind::kStruct);
  for (const char* name : {"field", "change", "reason"}) {
    change.fields.push_back(MakeField(name, DataType::Of(TypeKind::kString)));
  }
  DataType changes = DataType::Of(TypeKind::kList);
  changes.element = std::make_shared<const DataType>(std::move(change));
  DataType meta = DataType::Of(TypeKind::kStruct);
  meta.fields.push_back(MakeField("sync_id", DataType::Of(TypeKind::kInt64)));
  meta.fields.push_back(MakeField("changes", std::move(changes)));
  return meta;
}

format::Compression ToFormatCompression(config::Compression c) {
  switch (c) {
    case config::Compression::kGzip:
      return format::Compression::kGzip;
    case config::Compression::kZstd:
      return format::Compression::kZstd;
    case config::Compression::kSnappy:
      return format::Compression::kSnappy;
    case config::Compression::kUncompressed:
      return format::Compression::kUncompressed;
  }
  return format::Compression::kUncompressed;
}

// A data column may not take a meta column's name: the data column gets a "_data" suffix.
void ReserveMetaNames(schema::TableSchema* schema) {
  for (Field& f : schema->columns) {
    for (const char* meta : kMetaColumns) {
      if (f.name == meta) f.name += "_data";
    }
  }
}

}  // namespace

Result<std::unique_ptr<StreamWriter>> StreamWriter::Create(const protocol::ConfiguredStream& stream,
                                                           const std::string& table_name,
                                                           const SyncContext& context) {
  std::unique_ptr<StreamWriter> w(new StreamWriter());
  const config::Config& config = *context.config;
  w->context_ = context;
  w->descriptor_ = stream.descriptor;
  w->sync_mode_ = stream.destination_sync_mode;
  w->generation_id_ = stream.generation_id;
  w->sync_id_ = stream.sync_id;
  w->cursor_field_ = stream.cursor_field;
  w->database_ = stream.descriptor.ns.has_value() && !stream.descriptor.ns->empty()
                     ? *stream.descriptor.ns
                     : config.database;
  w->table_ = table_name;
  w->table_prefix_ = TablePrefix(config.bucket_prefix, w->database_, stream.descriptor.name);

  schema::MappingOptions mapping;
  mapping.number_as_decimal = config.float_as_decimal;
  auto mapped = schema::MapJsonSchema(stream.json_schema, mapping);
  if (!mapped.ok()) return mapped.status().WithContext("stream " + stream.descriptor.ToString());
  w->data_schema_ = std::move(mapped).value();
  if (config.airbyte_meta_columns) ReserveMetaNames(&w->data_schema_);
  w->BuildFileSchema();
  DataFileOptions& files = w->file_options_;
  files.format = config.format == config::OutputFormat::kParquet ? format::FileFormat::kParquet
                                                                 : format::FileFormat::kJsonl;
  const format::Compression compression = ToFormatCompression(config.compression);
  files.jsonl.compression = compression;
  files.jsonl.chunk_bytes = kJsonlChunkBytes;
  files.parquet.compression = compression;
  files.parquet.timestamp_int96 = config.parquet_timestamp_int96;
  files.parquet.row_group_bytes =
      std::min<uint64_t>(config.target_file_size_bytes, kMaxRowGroupBytes);
  w->extension_ = format::FileExtension(files.format, compression);
  return w;
}

StreamWriter::~StreamWriter() = default;

void StreamWriter::BuildFileSchema() {
  file_schema_ = data_schema_;
  if (!context_.config->airbyte_meta_columns) return;
  auto& cols = file_schema_.columns;
  cols.push_back(MakeField(kMetaColumns[0], DataType::Of(TypeKind::kString)));
  cols.push_back(MakeField(kMetaColumns[1], DataType::Of(TypeKind::kTimestamp)));
  cols.push_back(MakeField(kMetaColumns[2], MetaType()));
  cols.push_back(MakeField(kMetaColumns[3], DataType::Of(TypeKind::kInt64)));
}

Status StreamWriter::Prepare() {
  RETURN_IF_ERROR(context_.store->CleanupStaging(table_prefix_));
  // An overwrite replaces the table's definition; other modes add to an existing table.
  std::optional<json::Value> existing;
  if (sync_mode_ != protocol::DestinationSyncMode::kOverwrite) {
    ASSIGN_OR_RETURN(existing, context_.catalog->GetTable(database_, table_));
  }
  RETURN_IF_ERROR(ChoosePartitioning(existing));
  ReservePartitionKeyNames();
  if (existing.has_value()) KeepExistingColumnTypes(*existing);
  BuildFileSchema();
  if (partitioning_.partitioned()) {
    file_options_.jsonl.chunk_bytes = kPartitionedJsonlChunkBytes;
    file_options_.parquet.row_group_bytes =
        std::min(file_options_.parquet.row_group_bytes, kMaxPartitionedRowGroupBytes);
  }
  return Status::Ok();
}

Status StreamWriter::ChoosePartitioning(const std::optional<json::Value>& existing) {
  const config::Config& config = *context_.config;
  PartitionScheme wanted = SchemeForStream(config.partitioning, cursor_field_, data_schema_);
  if (!existing.has_value()) {
    partitioning_ = std::move(wanted);
    return Status::Ok();
  }
  // Appending to an existing table: its partition keys stay, or its partitions would no longer
  // match their files.
  auto kept = SchemeForKeys(catalog::PartitionKeysOf(*existing), data_schema_);
  if (!kept.ok()) {
    return Status::ConfigError("table " + database_ + "." + table_ + " of stream " +
                               descriptor_.ToString() +
                               " cannot be appended to: " + kept.status().message() +
                               ". Run a full refresh (overwrite) sync to redefine the table.");
  }
  partitioning_ = std::move(kept).value();
  if (!(partitioning_ == wanted) && context_.out != nullptr) {
    context_.out->Log(
        "WARN", "Stream " + descriptor_.ToString() + ": table " + database_ + "." + table_ +
                    " keeps its partition keys (" + DescribeKeys(partitioning_) +
                    ") in this append sync; the configuration asks for (" + DescribeKeys(wanted) +
                    "). A full refresh (overwrite) sync applies the new partitioning.");
  }
  return Status::Ok();
}

// A data column may not take a partition key's name (Glue and Athena reject a table that has
// both): the data column gets a "_data" suffix, as for the meta column names.
void StreamWriter::ReservePartitionKeyNames() {
  for (schema::Field& f : data_schema_.columns) {
    for (const catalog::Column& key : partitioning_.keys) {
      if (f.name == key.name) f.name += "_data";
    }
  }
}

void StreamWriter::KeepExistingColumnTypes(const json::Value& table) {
  std::vector<catalog::Column> existing = catalog::MergeColumns(table, {});
  for (schema::Field& field : data_schema_.columns) {
    for (const catalog::Column& column : existing) {
      if (column.name != field.name || column.type == schema::GlueTypeString(field.type)) continue;
      auto kept = schema::ParseGlueType(column.type);
      if (!kept.ok()) break;  // a type we cannot write: the stream's own type it is
      if (context_.out != nullptr) {
        context_.out->Log("WARN", "Stream " + descriptor_.ToString() + ": column " + field.name +
                                      " keeps its type " + column.type + " in table " + database_ +
                                      "." + table_ + " (the stream now declares " +
                                      schema::GlueTypeString(field.type) +
                                      "); values that do not convert are nulled and reported "
                                      "in _airbyte_meta.changes");
      }
      field.type = std::move(kept).value();
      break;
    }
  }
}

Status StreamWriter::Append(const protocol::Message& record) {
  format::Row* row = context_.row;
  row->Clear();
  changes_.clear();
  Status s = context_.decoder->Decode(record.data_json, data_schema_, row, &changes_);
  if (!s.ok()) {
    return s.WithContext("line " + std::to_string(record.line_number) + " (stream " +
                         descriptor_.ToString() + ")");
  }
  if (partitioning_.partitioned()) {
    // Rows of one day share a partition: the path is built only when the day changes.
    const std::optional<int64_t> day = PartitionDayOf(partitioning_, *row, data_schema_);
    if (!subdirectory_day_.has_value() || *subdirectory_day_ != day) {
      PartitionValuesOfDay(partitioning_, day, &values_);
      subdirectory_ = PartitionSubdirectory(partitioning_, values_);
      subdirectory_day_ = day;
    }
  }
  if (context_.config->airbyte_meta_columns) AppendMetaColumns(record);
  ASSIGN_OR_RETURN(OpenFile * open, FileFor(subdirectory_));
  open->file->Append(*row);
  open->last_use = ++records_;
  input_bytes_ += record.line_bytes;
  if (open->file->EstimatedSize() >= context_.config->target_file_size_bytes) {
    return CommitFile(open_files_.find(subdirectory_));
  }
  return Status::Ok();
}

Result<StreamWriter::OpenFile*> StreamWriter::FileFor(const std::string& subdirectory) {
  if (last_file_ != nullptr && last_subdirectory_ == subdirectory) return last_file_;
  auto it = open_files_.find(subdirectory);
  if (it == open_files_.end()) {
    if (open_files_.size() >= kMaxOpenPartitionFiles) {
      auto oldest = open_files_.begin();
      for (auto o = open_files_.begin(); o != open_files_.end(); ++o) {
        if (o->second.last_use < oldest->second.last_use) oldest = o;
      }
      if (!warned_evictions_ && context_.out != nullptr) {
        warned_evictions_ = true;
        context_.out->Log("WARN", "Stream " + descriptor_.ToString() +
                                      ": records arrive for more than " +
                                      std::to_string(kMaxOpenPartitionFiles) +
                                      " partitions at once; files are closed early, so partitions "
                                      "get more and smaller files than with input in cursor order");
      }
      RETURN_IF_ERROR(CommitFile(oldest));
    }
    OpenFile open;
    std::string key = DataFileKey(table_prefix_ + subdirectory, context_.uuids->Hex(), extension_);
    ASSIGN_OR_RETURN(open.file, DataFile::Open(context_.store, key, file_schema_, file_options_));
    open.values = values_;
    it = open_files_.emplace(subdirectory, std::move(open)).first;
  }
  last_file_ = &it->second;
  last_subdirectory_ = subdirectory;
  return last_file_;
}

Status StreamWriter::CommitFile(std::map<std::string, OpenFile>::iterator it) {
  if (last_file_ == &it->second) last_file_ = nullptr;
  std::unique_ptr<DataFile> file = std::move(it->second.file);
  std::vector<std::string> values = std::move(it->second.values);
  const std::string subdirectory = it->first;
  open_files_.erase(it);
  Status s = file->Commit();
  if (!s.ok()) return s.WithContext("commit " + context_.store->Uri(file->key()));
  committed_keys_.push_back(file->key());
  bytes_committed_ += file->size();
  if (partitioning_.partitioned()) partitions_written_.emplace(subdirectory, std::move(values));
  return Status::Ok();
}

void StreamWriter::AppendMetaColumns(const protocol::Message& record) {
  format::Row* row = context_.row;
  size_t id = row->BeginString(format::CellKind::kString);
  context_.uuids->AppendV4(row->arena());
  row->EndString(id);
  row->AppendTimestamp(record.emitted_at_ms * 1000);
  row->AppendStruct();
  row->AppendInt64(sync_id_);
  size_t list = row->BeginList();
  uint32_t count = 0;
  // Changes the source reported come first, then ours.
  if (!record.meta_changes_json.empty()) {
    auto parsed = json::Parse(record.meta_changes_json);
    if (parsed.ok() && parsed->is_array()) {
      for (const json::Value& c : parsed->items()) {
        row->AppendStruct();
        for (const char* key : {"field", "change", "reason"}) {
          const json::Value* v = c.Find(key);
          if (v != nullptr && v->is_string()) {
            row->AppendString(v->text());
          } else {
            row->AppendNull();
          }
        }
        ++count;
      }
    }
  }
  for (const decode::Change& c : changes_) {
    row->AppendStruct();
    row->AppendString(c.field);
    row->AppendString(c.change);
    row->AppendString(c.reason);
    ++count;
  }
  row->EndList(list, count);
  row->AppendInt64(generation_id_);
}

Status StreamWriter::CommitOpenFiles() {
  while (!open_files_.empty()) RETURN_IF_ERROR(CommitFile(open_files_.begin()));
  return Status::Ok();
}

Status StreamWriter::CommitTable() {
  if (!table_committed_) {
    catalog::Catalog* catalog = context_.catalog;
    RETURN_IF_ERROR(catalog->EnsureDatabase(database_));
    ASSIGN_OR_RETURN(std::optional<json::Value> existing, catalog->GetTable(database_, table_));
    catalog::TableSpec spec;
    spec.name = table_;
    spec.columns = catalog::ColumnsOf(file_schema_);
    spec.partition_keys = partitioning_.keys;
    if (existing.has_value() && sync_mode_ != protocol::DestinationSyncMode::kOverwrite) {
      spec.columns = catalog::MergeColumns(*existing, spec.columns);
    }
    if (existing.has_value() && sync_mode_ == protocol::DestinationSyncMode::kOverwrite) {
      RETURN_IF_ERROR(DeletePartitionsOfOtherKeys(*existing));
    }
    spec.location = TableLocation(context_.config->bucket_name, table_prefix_);
    spec.format = file_options_.format;
    spec.compression = file_options_.jsonl.compression;
    table_input_ = catalog::BuildTableInput(spec);
    RETURN_IF_ERROR(catalog->PutTable(database_, table_input_));
    table_committed_ = true;
  }
  return RegisterPartitions();
}

// An overwrite that changes the partition keys: the partitions registered under the old keys
// cannot be read with the new ones, so they go before the definition changes.
Status StreamWriter::DeletePartitionsOfOtherKeys(const json::Value& existing) {
  const std::vector<catalog::Column> keys = catalog::PartitionKeysOf(existing);
  bool same = keys.size() == partitioning_.keys.size();
  for (size_t i = 0; same && i < keys.size(); ++i) {
    same = keys[i].name == partitioning_.keys[i].name && keys[i].type == partitioning_.keys[i].type;
  }
  if (same || keys.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto values, context_.catalog->ListPartitions(database_, table_));
  return context_.catalog->DeletePartitions(database_, table_, values);
}

Status StreamWriter::RegisterPartitions() {
  std::vector<json::Value> inputs;
  std::vector<std::string> added;
  for (const auto& [subdirectory, values] : partitions_written_) {
    if (partitions_registered_.count(subdirectory) != 0) continue;
    inputs.push_back(catalog::BuildPartitionInput(table_input_, values, subdirectory));
    added.push_back(subdirectory);
  }
  if (inputs.empty()) return Status::Ok();
  RETURN_IF_ERROR(context_.catalog->AddPartitions(database_, table_, inputs));
  partitions_registered_.insert(added.begin(), added.end());
  return Status::Ok();
}

// Overwrite: the partitions registered by earlier syncs that this one wrote nothing into.
Status StreamWriter::DeleteStalePartitions() {
  if (!table_committed_) return Status::Ok();
  ASSIGN_OR_RETURN(auto registered, context_.catalog->ListPartitions(database_, table_));
  std::set<std::vector<std::string>> ours;
  for (const auto& [subdirectory, values] : partitions_written_) ours.insert(values);
  std::vector<std::vector<std::string>> stale;
  for (std::vector<std::string>& values : registered) {
    if (ours.count(values) == 0) stale.push_back(std::move(values));
  }
  if (stale.empty()) return Status::Ok();
  return context_.catalog->DeletePartitions(database_, table_, stale);
}

Status StreamWriter::FinishSuccessfully() {
  RETURN_IF_ERROR(CommitOpenFiles());
  RETURN_IF_ERROR(CommitTable());
  if (sync_mode_ != protocol::DestinationSyncMode::kOverwrite) return Status::Ok();
  // Overwrite: the new data is complete and visible; now remove what earlier syncs wrote,
  // partitions first so no registered partition points at files being deleted.
  RETURN_IF_ERROR(DeleteStalePartitions());
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, context_.store->List(table_prefix_));
  std::vector<std::string> ours = committed_keys_;
  std::sort(ours.begin(), ours.end());
  std::vector<std::string> stale;
  for (const storage::ObjectInfo& o : objects) {
    if (!std::binary_search(ours.begin(), ours.end(), o.key)) stale.push_back(o.key);
  }
  return context_.store->Delete(stale);
}

}  // namespace datalake::sync
