#include "sync/stream_writer.h"

#include <algorithm>

#include "common/crash_point.h"
#include "sync/iceberg_table.h"
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

bool Truncates(const protocol::ConfiguredStream& stream) {
  return stream.destination_sync_mode == protocol::DestinationSyncMode::kOverwrite ||
         (stream.generation_id > 0 && stream.minimum_generation_id == stream.generation_id);
}

Result<std::unique_ptr<StreamWriter>> StreamWriter::Create(const protocol::ConfiguredStream& stream,
                                                           const StreamTable& resolved,
                                                           const SyncContext& context) {
  std::unique_ptr<StreamWriter> w(new StreamWriter());
  const config::Config& config = *context.config;
  w->context_ = context;
  w->descriptor_ = stream.descriptor;
  w->truncate_ = Truncates(stream);
  w->origin_ = FileOrigin{stream.generation_id, stream.sync_id, context.run_id};
  w->cursor_field_ = stream.cursor_field;
  w->database_ = resolved.database;
  w->table_ = resolved.table;

  HiveTableOptions table;
  table.catalog = context.catalog;
  table.store = context.store;
  table.out = context.out;
  table.bucket = config.bucket_name;
  table.database = w->database_;
  table.table = resolved.table;
  table.stream = stream.descriptor.ToString();
  table.base_prefix = resolved.path;
  table.parameters = {{kStreamNamespaceParameter, resolved.source_database},
                      {kStreamNameParameter, stream.descriptor.name}};
  table.truncate = w->truncate_;
  // An overwrite drops every older generation; without generations (0), what this run did not
  // write. A refresh drops what is below its minimum.
  table.min_generation = stream.destination_sync_mode == protocol::DestinationSyncMode::kOverwrite
                             ? std::max<int64_t>(stream.generation_id, 0)
                             : stream.minimum_generation_id;
  table.origin = w->origin_;
  if (config.table_format == config::TableFormat::kIceberg) {
    auto iceberg = std::make_unique<IcebergTable>(std::move(table), context.manifests);
    iceberg->Adopt(resolved.definition);
    w->lake_table_ = std::move(iceberg);
  } else {
    auto hive = std::make_unique<HiveTable>(std::move(table));
    hive->Adopt(resolved.definition);
    w->lake_table_ = std::move(hive);
  }

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
  files.encode_pool = context.encode_pool;
  files.commit_pool = context.commit_pool;
  // A file closes up to four batches past its target size (sync/data_file.h): small next to it.
  files.batch_bytes = std::min<uint64_t>(files.batch_bytes, config.target_file_size_bytes / 8);
  files.budget = context.budget;
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
  // A truncate gives the table the stream's definition; other modes add to an existing table.
  std::optional<json::Value> existing;
  if (!truncate_) existing = lake_table_->existing();
  RETURN_IF_ERROR(ChoosePartitioning(existing));
  ReservePartitionKeyNames();
  if (existing.has_value()) RETURN_IF_ERROR(KeepExistingColumnTypes(*existing));
  BuildFileSchema();
  if (partitioning_.partitioned()) {
    file_options_.jsonl.chunk_bytes = kPartitionedJsonlChunkBytes;
    file_options_.parquet.row_group_bytes =
        std::min(file_options_.parquet.row_group_bytes, kMaxPartitionedRowGroupBytes);
  }
  TableShape shape;
  shape.columns = catalog::ColumnsOf(file_schema_);
  shape.partition_keys = partitioning_.keys;
  shape.partitioning = partitioning_;
  shape.format = file_options_.format;
  shape.compression = file_options_.jsonl.compression;
  shape.schema = file_schema_;
  RETURN_IF_ERROR(lake_table_->Plan(std::move(shape)));
  // The table format may add to what the files hold (Iceberg: field ids).
  if (const schema::TableSchema* schema = lake_table_->file_schema()) file_schema_ = *schema;
  return Status::Ok();
}

Status StreamWriter::ChoosePartitioning(const std::optional<json::Value>& existing) {
  const config::Config& config = *context_.config;
  ASSIGN_OR_RETURN(PartitionScheme wanted,
                   SchemeForConfig(config, descriptor_.ns.value_or(""), descriptor_.name,
                                   cursor_field_, data_schema_));
  // An Iceberg table's files name their partition spec: the table's spec evolves instead.
  const bool iceberg = config.table_format == config::TableFormat::kIceberg;
  const std::vector<catalog::Column> keys = existing.has_value() && !iceberg
                                                ? catalog::PartitionKeysOf(*existing)
                                                : std::vector<catalog::Column>{};
  if (!existing.has_value() || iceberg || keys == wanted.keys) {
    partitioning_ = std::move(wanted);
    return Status::Ok();
  }
  // Appending to an existing Hive table: its partition keys stay, or its partitions would no
  // longer match their files.
  auto kept = SchemeForKeys(keys, data_schema_);
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
// both): the data column gets a "_data" suffix, as for the meta column names. (An Iceberg
// partition field is no column: its names do not collide.)
void StreamWriter::ReservePartitionKeyNames() {
  if (context_.config->table_format == config::TableFormat::kIceberg) return;
  for (schema::Field& f : data_schema_.columns) {
    for (const catalog::Column& key : partitioning_.keys) {
      if (f.name == key.name) f.name += "_data";
    }
  }
}

Status StreamWriter::KeepExistingColumnTypes(const json::Value& table) {
  std::vector<catalog::Column> existing = catalog::MergeColumns(table, {});
  const std::string table_name = database_ + "." + table_;
  for (schema::Field& field : data_schema_.columns) {
    for (const catalog::Column& column : existing) {
      if (column.name != field.name) continue;
      const std::string wanted = schema::GlueTypeString(field.type);
      if (column.type == wanted) break;
      auto kept = schema::ParseGlueType(column.type);
      if (!kept.ok()) {
        // Writing the stream's own type would give files the table's readers reject; converting
        // to a type we cannot write is impossible.
        return Status::ConfigError(
            "Stream " + descriptor_.ToString() + ": column " + field.name + " of table " +
            table_name + " has the type " + column.type +
            ", which this destination cannot write (it writes tinyint, smallint, int, bigint, "
            "float, double, decimal, char, varchar, string, boolean, date, timestamp, binary, "
            "and arrays, maps with primitive keys and structs of them). Change the column's "
            "type in the catalog, or run a full refresh (overwrite) sync to redefine the table.");
      }
      std::vector<schema::KeptType> kept_types;
      std::vector<std::string> added;
      field.type = schema::MergeExistingType(*kept, field.type, field.name, &kept_types, &added);
      if (context_.out == nullptr) break;
      for (const schema::KeptType& k : kept_types) {
        context_.out->Log("WARN", "Stream " + descriptor_.ToString() + ": " +
                                      (k.path == field.name ? "column " : "field ") + k.path +
                                      " keeps its type " + k.table_type + " in table " +
                                      table_name + " (the stream now declares " + k.stream_type +
                                      "); values that do not convert are nulled and reported "
                                      "in _airbyte_meta.changes");
      }
      if (!added.empty()) {
        std::string list;
        for (const std::string& path : added) list += (list.empty() ? "" : ", ") + path;
        context_.out->Log("INFO", "Stream " + descriptor_.ToString() + ": column " + field.name +
                                      " of table " + table_name + " gains the nested fields " +
                                      list + "; older files read them as null");
      }
      break;
    }
  }
  return Status::Ok();
}

Status StreamWriter::Convert(const protocol::Message& record, RecordScratch* scratch,
                             format::Row* rows, std::string* partition) const {
  scratch->changes.clear();
  const size_t first_cell = rows->size();
  Status s = scratch->decoder.Decode(record.data_json, data_schema_, rows, &scratch->changes);
  if (!s.ok()) {
    return s.WithContext("line " + std::to_string(record.line_number) + " (stream " +
                         descriptor_.ToString() + ")");
  }
  FinishConvert(record, scratch, rows, first_cell, partition);
  return Status::Ok();
}

Status StreamWriter::ConvertData(json::OnDemandValue& data, RecordScratch* scratch,
                                 format::Row* rows) const {
  scratch->changes.clear();
  return scratch->decoder.Decode(data, data_schema_, rows, &scratch->changes);
}

void StreamWriter::FinishConvert(const protocol::Message& record, RecordScratch* scratch,
                                 format::Row* rows, size_t first_cell,
                                 std::string* partition) const {
  if (partitioning_.partitioned()) {
    PartitionKeyOf(partitioning_, *rows, data_schema_, partition, first_cell);
  } else {
    partition->clear();
  }
  if (context_.config->airbyte_meta_columns) {
    AppendMetaColumns(record, scratch->changes, &scratch->uuids, rows);
  }
}

Status StreamWriter::AppendConverted(format::Row* rows, const format::RowSpan& span,
                                     const std::string& partition, size_t line_bytes) {
  if (partitioning_.partitioned() &&
      (!subdirectory_partition_.has_value() || *subdirectory_partition_ != partition)) {
    // Rows come in runs of one partition: the path is built only when the partition changes.
    PartitionValuesOfKey(partitioning_, partition, data_schema_, &values_);
    subdirectory_ = PartitionSubdirectory(partitioning_, values_);
    subdirectory_partition_ = partition;
  }
  ASSIGN_OR_RETURN(OpenFile * open, FileFor(subdirectory_));
  if (span.cell_begin == 0 && span.cell_end == rows->size() && span.byte_begin == 0 &&
      span.byte_end == rows->arena_size()) {
    open->file->Append(rows);
  } else {
    open->file->Append(*rows, span);
  }
  open->last_use = ++records_;
  CrashPoint("record.encoded");
  input_bytes_ += line_bytes;
  if (open->file->EstimatedSize() >= context_.config->target_file_size_bytes) {
    return CommitFile(open_files_.find(subdirectory_));
  }
  return Status::Ok();
}

Status StreamWriter::Append(const protocol::Message& record) {
  if (scratch_ == nullptr) scratch_ = std::make_unique<RecordScratch>();
  row_.Clear();
  RETURN_IF_ERROR(Convert(record, scratch_.get(), &row_, &partition_));
  return AppendConverted(&row_, row_.span(), partition_, record.line_bytes);
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
    std::string key = lake_table_->data_prefix() + subdirectory +
                      DataFileName(origin_, ++files_opened_, extension_);
    ASSIGN_OR_RETURN(open.file, DataFile::Open(context_.store, key, file_schema_, file_options_));
    open.values = values_;
    open.partition = subdirectory_partition_.value_or("");
    it = open_files_.emplace(subdirectory, std::move(open)).first;
    // Keeping the memory budget may commit the file before its time (sync/memory_budget.h).
    it->second.file->JoinBudget(
        [this, subdirectory] { return CommitFile(open_files_.find(subdirectory)); });
  }
  last_file_ = &it->second;
  last_subdirectory_ = subdirectory;
  return last_file_;
}

Status StreamWriter::CommitFile(std::map<std::string, OpenFile>::iterator it) {
  CommittingFile committing = StartCommit(it);
  return FinishCommit(&committing);
}

StreamWriter::CommittingFile StreamWriter::StartCommit(
    std::map<std::string, OpenFile>::iterator it) {
  if (last_file_ == &it->second) last_file_ = nullptr;
  CommittingFile committing{std::move(it->second.file), std::move(it->second.values),
                            std::move(it->second.partition), it->first};
  open_files_.erase(it);
  committing.file->StartCommit();
  return committing;
}

Status StreamWriter::FinishCommit(CommittingFile* committing) {
  const DataFile& file = *committing->file;
  Status s = committing->file->FinishCommit();
  if (!s.ok()) return s.WithContext("commit " + context_.store->Uri(file.key()));
  ++files_committed_;
  bytes_committed_ += file.size();
  CrashPoint("file.committed");
  unrecorded_.push_back(CommittedFile{file.key(), std::move(committing->subdirectory),
                                      std::move(committing->values),
                                      std::move(committing->partition), file.summary()});
  return Status::Ok();
}

void StreamWriter::AppendMetaColumns(const protocol::Message& record,
                                     const std::vector<decode::Change>& changes,
                                     UuidGenerator* uuids, format::Row* row) const {
  size_t id = row->BeginString(format::CellKind::kString);
  uuids->AppendV4(row->arena());
  row->EndString(id);
  // An emitted_at outside 0001..9999 has no timestamp readers can read: null, with a change.
  const std::optional<int64_t> extracted_at = schema::MillisToTimestampMicros(record.emitted_at_ms);
  if (extracted_at) {
    row->AppendTimestamp(*extracted_at);
  } else {
    row->AppendNull();
  }
  row->AppendStruct();
  row->AppendInt64(origin_.sync_id);
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
  for (const decode::Change& c : changes) {
    row->AppendStruct();
    row->AppendString(c.field);
    row->AppendString(c.change);
    row->AppendString(c.reason);
    ++count;
  }
  if (!extracted_at) {
    row->AppendStruct();
    row->AppendString("_airbyte_extracted_at");
    row->AppendString("NULLED");
    row->AppendString("DESTINATION_FIELD_SIZE_LIMITATION");
    ++count;
  }
  row->EndList(list, count);
  row->AppendInt64(origin_.generation);
}

void StreamWriter::StartCommitOpenFiles() {
  while (!open_files_.empty()) committing_.push_back(StartCommit(open_files_.begin()));
}

// Every started commit is waited for, even after one failed: the files must not be left to
// a pool thread. The first failure is returned.
Status StreamWriter::FinishCommitOpenFiles() {
  Status first;
  for (CommittingFile& committing : committing_) {
    Status s = FinishCommit(&committing);
    if (first.ok() && !s.ok()) first = std::move(s);
  }
  committing_.clear();
  return first;
}

bool StreamWriter::NeedsTableRead() const {
  return (!committing_.empty() || files_committed_ > 0) && lake_table_->NeedsRead();
}

Status StreamWriter::ReadTableForCommit() {
  if (!NeedsTableRead()) return Status::Ok();
  return lake_table_->ReadForCommit();
}

Status StreamWriter::ReadTableForCommit(std::optional<json::Value> listed) {
  if (!NeedsTableRead()) return Status::Ok();
  return lake_table_->ReadForCommit(std::move(listed));
}

Status StreamWriter::CommitTable() {
  RETURN_IF_ERROR(lake_table_->Commit(unrecorded_));
  unrecorded_.clear();
  return Status::Ok();
}

Status StreamWriter::FinishSuccessfully() {
  RETURN_IF_ERROR(CommitOpenFiles());
  RETURN_IF_ERROR(CommitTable());
  return lake_table_->Finish();
}

}  // namespace datalake::sync
