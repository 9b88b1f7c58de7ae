#include "sync/stream_writer.h"

#include <algorithm>

#include "sync/lake_layout.h"

namespace datalake::sync {

class StreamWriter::ObjectSink : public format::Sink {
 public:
  explicit ObjectSink(storage::PendingObject* object) : object_(object) {}
  Status Write(std::string_view bytes) override { return object_->Write(bytes); }

 private:
  storage::PendingObject* object_;
};

namespace {

constexpr uint64_t kMaxRowGroupBytes = 64 << 20;

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
  w->format_ = config.format == config::OutputFormat::kParquet ? format::FileFormat::kParquet
                                                               : format::FileFormat::kJsonl;
  w->encoder_options_.compression = ToFormatCompression(config.compression);
  w->encoder_options_.chunk_bytes = 1 << 20;
  w->extension_ = format::FileExtension(w->format_, w->encoder_options_.compression);
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
  if (sync_mode_ == protocol::DestinationSyncMode::kOverwrite) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<json::Value> existing,
                   context_.catalog->GetTable(database_, table_));
  if (existing.has_value()) KeepExistingColumnTypes(*existing);
  return Status::Ok();
}

void StreamWriter::KeepExistingColumnTypes(const json::Value& table) {
  std::vector<catalog::Column> existing = catalog::MergeColumns(table, {});
  bool changed = false;
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
      changed = true;
      break;
    }
  }
  if (changed) BuildFileSchema();
}

Status StreamWriter::OpenFile() {
  std::string key = DataFileKey(table_prefix_, context_.uuids->Hex(), extension_);
  ASSIGN_OR_RETURN(object_, context_.store->Create(key));
  sink_ = std::make_unique<ObjectSink>(object_.get());
  if (format_ == format::FileFormat::kParquet) {
    format::ParquetOptions options;
    options.compression = encoder_options_.compression;
    options.timestamp_int96 = context_.config->parquet_timestamp_int96;
    // A row group is buffered in memory until it is full: keep it within the file size and a
    // bound that many concurrent streams can afford.
    options.row_group_bytes =
        std::min<uint64_t>(context_.config->target_file_size_bytes, kMaxRowGroupBytes);
    ASSIGN_OR_RETURN(encoder_, format::NewParquetEncoder(file_schema_, options, sink_.get()));
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(encoder_, format::NewJsonlEncoder(file_schema_, encoder_options_, sink_.get()));
  return Status::Ok();
}

Status StreamWriter::Append(const protocol::Message& record) {
  if (encoder_ == nullptr) RETURN_IF_ERROR(OpenFile());
  format::Row* row = context_.row;
  row->Clear();
  changes_.clear();
  Status s = context_.decoder->Decode(record.data_json, data_schema_, row, &changes_);
  if (!s.ok()) {
    return s.WithContext("line " + std::to_string(record.line_number) + " (stream " +
                         descriptor_.ToString() + ")");
  }
  if (context_.config->airbyte_meta_columns) AppendMetaColumns(record);
  encoder_->Append(*row);
  ++records_;
  input_bytes_ += record.line_bytes;
  if (encoder_->EstimatedSize() >= context_.config->target_file_size_bytes) {
    return CommitOpenFile();
  }
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

Status StreamWriter::CommitOpenFile() {
  if (encoder_ == nullptr) return Status::Ok();
  Status s = encoder_->Finish();
  if (s.ok()) s = object_->Commit();
  if (!s.ok()) {
    std::string uri = context_.store->Uri(object_->key());
    Abandon();
    return s.WithContext("commit " + uri);
  }
  committed_keys_.push_back(object_->key());
  bytes_committed_ += object_->size();
  encoder_.reset();
  sink_.reset();
  object_.reset();
  return Status::Ok();
}

Status StreamWriter::CommitTable() {
  if (table_committed_) return Status::Ok();
  catalog::Catalog* catalog = context_.catalog;
  RETURN_IF_ERROR(catalog->EnsureDatabase(database_));
  ASSIGN_OR_RETURN(std::optional<json::Value> existing, catalog->GetTable(database_, table_));
  catalog::TableSpec spec;
  spec.name = table_;
  spec.columns = catalog::ColumnsOf(file_schema_);
  if (existing.has_value() && sync_mode_ != protocol::DestinationSyncMode::kOverwrite) {
    spec.columns = catalog::MergeColumns(*existing, spec.columns);
  }
  spec.location = TableLocation(context_.config->bucket_name, table_prefix_);
  spec.format = format_;
  spec.compression = encoder_options_.compression;
  RETURN_IF_ERROR(catalog->PutTable(database_, catalog::BuildTableInput(spec)));
  table_committed_ = true;
  return Status::Ok();
}

Status StreamWriter::FinishSuccessfully() {
  RETURN_IF_ERROR(CommitOpenFile());
  RETURN_IF_ERROR(CommitTable());
  if (sync_mode_ != protocol::DestinationSyncMode::kOverwrite) return Status::Ok();
  // Overwrite: the new data is complete and visible; now remove what earlier syncs wrote.
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, context_.store->List(table_prefix_));
  std::vector<std::string> ours = committed_keys_;
  std::sort(ours.begin(), ours.end());
  std::vector<std::string> stale;
  for (const storage::ObjectInfo& o : objects) {
    if (!std::binary_search(ours.begin(), ours.end(), o.key)) stale.push_back(o.key);
  }
  return context_.store->Delete(stale);
}

void StreamWriter::Abandon() {
  if (object_ != nullptr) object_->Abort();
  encoder_.reset();
  sink_.reset();
  object_.reset();
}

}  // namespace datalake::sync
