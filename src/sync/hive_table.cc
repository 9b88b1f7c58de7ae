#include "sync/hive_table.h"

#include <algorithm>

#include "common/crash_point.h"

namespace datalake::sync {

namespace {

std::string ClassificationOf(const json::Value& table) {
  const json::Value* parameters = table.Find("Parameters");
  const json::Value* c = parameters != nullptr ? parameters->Find("classification") : nullptr;
  return c != nullptr && c->is_string() ? c->text() : "";
}

std::string LocationOf(const json::Value& table) {
  const json::Value* sd = table.Find("StorageDescriptor");
  const json::Value* location = sd != nullptr ? sd->Find("Location") : nullptr;
  return location != nullptr && location->is_string() ? location->text() : "";
}

// The last two segments of a table path "[prefix/]database/stream/": "database/stream/".
std::string TailOf(const std::string& path) {
  size_t cut = path.size();
  for (int slashes = 0; slashes < 3 && cut > 0; ++slashes) {
    cut = path.find_last_of('/', cut - 1);
    if (cut == std::string::npos) return path;
  }
  return path.substr(cut + 1);
}

}  // namespace

HiveTable::HiveTable(HiveTableOptions options) : options_(std::move(options)) {}

Status HiveTable::Load() {
  ASSIGN_OR_RETURN(std::optional<json::Value> definition,
                   options_.catalog->GetTable(options_.database, options_.table));
  Adopt(std::move(definition));
  return Status::Ok();
}

void HiveTable::Adopt(std::optional<json::Value> definition) {
  existing_ = std::move(definition);
  current_prefix_ = options_.base_prefix;
  foreign_location_.clear();
  if (existing_.has_value()) {
    // A table switched by an earlier truncate lives in a generation directory of its path.
    const std::string location = LocationOf(*existing_);
    auto prefix = PrefixOfLocation(options_.bucket, location);
    if (prefix.has_value() &&
        prefix->compare(0, options_.base_prefix.size(), options_.base_prefix) == 0) {
      current_prefix_ = *prefix;
    } else {
      foreign_location_ = location.empty() ? "(no Location)" : location;
    }
  }
}

// What makes this stream write to `location` again, for the user: the bucket_name and
// bucket_prefix that put its path there, or that none does; then "run" (a full refresh follows).
std::string HiveTable::SettingsFor(const std::string& location) const {
  const std::string head = "s3://";
  const size_t slash = location.find('/', head.size());
  if (location.starts_with(head) && slash != std::string::npos) {
    const std::string bucket = location.substr(head.size(), slash - head.size());
    const std::optional<std::string> prefix =
        BucketPrefixOf(location.substr(slash + 1), TailOf(options_.base_prefix));
    if (prefix.has_value()) {
      std::string out =
          prefix->empty() ? "clear bucket_prefix" : "bucket_prefix to \"" + *prefix + "\"";
      if (bucket != options_.bucket)
        out = "set bucket_name to \"" + bucket + "\" and " + out;
      else if (!prefix->empty())
        out = "set " + out;
      return out + " to write there again, or run";
    }
  }
  return "no bucket_name and bucket_prefix write this stream there, so run";
}

// True if a reader of the new definition reads the existing table's files right: same file
// format, same partition keys, and every column they share has the same type.
bool HiveTable::CanReadOldFiles() const {
  const json::Value& table = *existing_;
  const bool parquet = shape_.format == format::FileFormat::kParquet;
  if (ClassificationOf(table) != (parquet ? "parquet" : "json")) return false;
  if (catalog::PartitionKeysOf(table) != shape_.partition_keys) return false;
  for (const catalog::Column& old : catalog::MergeColumns(table, {})) {
    for (const catalog::Column& now : shape_.columns) {
      if (now.name == old.name && now.type != old.type) return false;
    }
  }
  return true;
}

Status HiveTable::Plan(TableShape shape) {
  shape_ = std::move(shape);
  data_prefix_ = current_prefix_;
  apart_ = false;
  if (existing_.has_value() && IsIcebergDefinition(*existing_)) {
    // Hive-style files and partitions next to an Iceberg table's would be invisible to its
    // readers, and a truncate would delete the files its snapshots name.
    return Status::ConfigError(
        "table " + options_.database + "." + options_.table + " of stream " + options_.stream +
        " is an Iceberg table, and this configuration writes Hive-layout tables: set "
        "table_format to iceberg to keep writing it");
  }
  if (!foreign_location_.empty() && !options_.truncate) {
    const std::string configured = TableLocation(options_.bucket, options_.base_prefix);
    return Status::ConfigError(
        "table " + options_.database + "." + options_.table + " of stream " + options_.stream +
        " has its data at " + foreign_location_ + ", but this configuration writes the stream to " +
        configured + ". An append must go where the table's data is: " +
        SettingsFor(foreign_location_) + " a full refresh (overwrite) sync, which moves the " +
        "table to " + configured + " and leaves the files at " + foreign_location_ + " in place.");
  }
  if (!options_.truncate || !existing_.has_value()) return Status::Ok();
  const std::string own = options_.base_prefix + GenerationDirectory(options_.origin);
  // A retry of a truncate that already switched the table keeps writing where it is.
  if (own == current_prefix_) return Status::Ok();
  // A retry of a truncate that wrote apart continues there, whatever the table looks like now.
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> earlier, options_.store->List(own));
  if (earlier.empty() && foreign_location_.empty() && CanReadOldFiles()) return Status::Ok();
  data_prefix_ = own;
  apart_ = true;
  if (options_.out != nullptr) {
    options_.out->Log("INFO", "Stream " + options_.stream + ": the new definition of table " +
                                  options_.database + "." + options_.table +
                                  " cannot read its current files; this truncate writes to " +
                                  options_.store->Uri(own) +
                                  " and the table switches there when it completes");
  }
  return Status::Ok();
}

json::Value HiveTable::TableInput(const std::vector<catalog::Column>& columns) const {
  catalog::TableSpec spec;
  spec.name = options_.table;
  spec.columns = columns;
  spec.partition_keys = shape_.partition_keys;
  spec.location = TableLocation(options_.bucket, data_prefix_);
  spec.format = shape_.format;
  spec.compression = shape_.compression;
  json::Value input = catalog::BuildTableInput(spec);
  json::Value* parameters = input.FindMutable("Parameters");
  // Parameters others set on the table stay; the format's and the binding are ours.
  if (const json::Value* old = existing_.has_value() ? existing_->Find("Parameters") : nullptr;
      old != nullptr && old->is_object()) {
    for (const auto& [key, value] : old->members()) {
      if (parameters->Find(key) == nullptr) parameters->Set(key, value);
    }
  }
  for (const auto& [key, value] : options_.parameters) {
    parameters->Set(key, json::Value::String(value));
  }
  return input;
}

Status HiveTable::ReadForCommit() {
  if (!NeedsRead()) return Status::Ok();
  RETURN_IF_ERROR(options_.catalog->EnsureDatabase(options_.database));
  // Read again: another writer may have added columns since the tables were listed.
  ASSIGN_OR_RETURN(std::optional<json::Value> now,
                   options_.catalog->GetTable(options_.database, options_.table));
  Decide(now);
  return Status::Ok();
}

Status HiveTable::ReadForCommit(std::optional<json::Value> now) {
  if (!NeedsRead()) return Status::Ok();
  RETURN_IF_ERROR(options_.catalog->EnsureDatabase(options_.database));
  Decide(now);
  return Status::Ok();
}

void HiveTable::Decide(const std::optional<json::Value>& now) {
  // Existing columns keep their place and type (files written earlier stay readable); a
  // truncate drops the columns the stream no longer has only when it completes.
  std::vector<catalog::Column> columns =
      now.has_value() ? catalog::MergeColumns(*now, shape_.columns) : shape_.columns;
  table_input_ = TableInput(columns);
  // Most syncs append what the table already says (same columns, Location, format): the
  // definition is written only when it changes.
  put_ = !now.has_value() || !catalog::DefinitionHolds(*now, table_input_);
  read_ = true;
}

Status HiveTable::Commit(const std::vector<CommittedFile>& files) {
  for (const CommittedFile& file : files) {
    if (!file.values.empty()) written_.emplace(file.subdirectory, file.values);
  }
  if (apart_) return Status::Ok();  // readers keep the old definition until the switch
  if (!defined_) {
    // A definition to put is merged from a read made now, after the files became visible, not
    // from one made before their upload: another writer's columns added meanwhile stay.
    if (put_) read_ = false;
    RETURN_IF_ERROR(ReadForCommit());
    if (put_) RETURN_IF_ERROR(options_.catalog->PutTable(options_.database, table_input_));
    defined_ = true;
    CrashPoint("table.defined");
  }
  return AddPartitions(written_);
}

Status HiveTable::AddPartitions(const std::map<std::string, std::vector<std::string>>& partitions) {
  std::vector<json::Value> inputs;
  std::vector<std::string> added;
  for (const auto& [subdirectory, values] : partitions) {
    if (registered_.count(subdirectory) != 0) continue;
    inputs.push_back(catalog::BuildPartitionInput(table_input_, values, subdirectory));
    added.push_back(subdirectory);
  }
  if (inputs.empty()) return Status::Ok();
  RETURN_IF_ERROR(options_.catalog->AddPartitions(options_.database, options_.table, inputs));
  registered_.insert(added.begin(), added.end());
  CrashPoint("partitions.added");
  return Status::Ok();
}

bool HiveTable::Keeps(const std::string& key) const {
  return TruncateKeeps(key, options_.min_generation, options_.origin.run);
}

// The partition values of a subdirectory "k1=v1/k2=v2/" of this table's keys, or nullopt when
// it is not one.
std::optional<std::vector<std::string>> HiveTable::PartitionValuesOf(
    const std::string& subdirectory) const {
  std::vector<std::string> values;
  size_t start = 0;
  for (const catalog::Column& key : shape_.partition_keys) {
    const size_t slash = subdirectory.find('/', start);
    if (slash == std::string::npos) return std::nullopt;
    const std::string part = subdirectory.substr(start, slash - start);
    if (part.compare(0, key.name.size() + 1, key.name + "=") != 0) return std::nullopt;
    values.push_back(UnescapePartitionValue(part.substr(key.name.size() + 1)));
    start = slash + 1;
  }
  if (start != subdirectory.size()) return std::nullopt;
  return values;
}

Status HiveTable::Finish() {
  if (!options_.truncate) return Status::Ok();
  catalog::Catalog* catalog = options_.catalog;
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects,
                   options_.store->List(options_.base_prefix));
  std::map<std::string, std::vector<std::string>> kept_partitions;
  std::vector<std::string> stale;
  for (const storage::ObjectInfo& o : objects) {
    if (!Keeps(o.key)) {
      stale.push_back(o.key);
      continue;
    }
    if (shape_.partition_keys.empty() || !VisibleBelow(data_prefix_, o.key)) continue;
    const std::string subdirectory = SubdirectoryBelow(data_prefix_, o.key);
    if (kept_partitions.count(subdirectory) != 0) continue;
    if (auto values = PartitionValuesOf(subdirectory)) kept_partitions[subdirectory] = *values;
  }

  // The catalog first, so no registered partition points at files being deleted.
  RETURN_IF_ERROR(catalog->EnsureDatabase(options_.database));
  // A table that neither had nor gets partition keys has no partitions to look up.
  const bool had_partitions =
      existing_.has_value() && !catalog::PartitionKeysOf(*existing_).empty();
  std::vector<std::vector<std::string>> registered;
  if (had_partitions || !shape_.partition_keys.empty()) {
    ASSIGN_OR_RETURN(registered, catalog->ListPartitions(options_.database, options_.table));
  }
  std::set<std::vector<std::string>> keep_values;
  for (const auto& [subdirectory, values] : kept_partitions) keep_values.insert(values);
  std::vector<std::vector<std::string>> drop;
  for (std::vector<std::string>& values : registered) {
    // Partitions of the old definition go before the switch: they may have other keys.
    if (apart_ || keep_values.count(values) == 0) drop.push_back(std::move(values));
  }
  if (apart_) RETURN_IF_ERROR(catalog->DeletePartitions(options_.database, options_.table, drop));
  CrashPoint("truncate.old_partitions_dropped");
  // The new definition exactly: columns the stream no longer has go now.
  table_input_ = TableInput(shape_.columns);
  RETURN_IF_ERROR(catalog->PutTable(options_.database, table_input_));
  CrashPoint("truncate.table_switched");
  if (apart_) registered_.clear();
  RETURN_IF_ERROR(AddPartitions(kept_partitions));
  if (!apart_) RETURN_IF_ERROR(catalog->DeletePartitions(options_.database, options_.table, drop));

  CrashPoint("truncate.catalog_final");
  RETURN_IF_ERROR(options_.store->Delete(stale));
  CrashPoint("truncate.files_deleted");
  if (!foreign_location_.empty() && options_.out != nullptr) {
    options_.out->Log("WARN", "Stream " + options_.stream + ": table " + options_.database + "." +
                                  options_.table + " moved to " +
                                  options_.store->Uri(data_prefix_) + "; its files at " +
                                  foreign_location_ +
                                  " are no longer part of it and were left in place");
  }
  if (options_.out != nullptr && (apart_ || !stale.empty())) {
    options_.out->Log(
        "INFO", "Stream " + options_.stream + ": truncate of table " + options_.database + "." +
                    options_.table + " complete" +
                    (apart_ ? " (switched to " + options_.store->Uri(data_prefix_) + ")" : "") +
                    "; " + std::to_string(stale.size()) + " files of older generations deleted");
  }
  return Status::Ok();
}

}  // namespace datalake::sync
