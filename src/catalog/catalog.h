// The table catalog: one table per stream, as the AWS Glue Data Catalog holds it. Two
// implementations share the Catalog interface: the local catalog (Glue-shaped JSON files in the
// local lake) and the Glue Data Catalog itself (with Lake Formation tags on databases). Both
// receive the same TableInput, built once by BuildTableInput, so the local lake shows exactly
// what Glue would get.
//
// Thread-safety: calls for different tables may come from several threads at once (a commit
// makes its tables current side by side); calls for one table come from one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/format.h"
#include "json/json.h"
#include "schema/schema.h"
#include "storage/env.h"

namespace datalake::aws {
class GlueClient;
class LakeFormationClient;
}  // namespace datalake::aws

namespace datalake::catalog {

struct Column {
  std::string name;
  std::string type;  // Glue/Hive type string

  bool operator==(const Column&) const = default;
};

// What a table is: enough to build the Glue TableInput the original connector would send.
struct TableSpec {
  std::string name;             // Glue table name (sanitised)
  std::vector<Column> columns;  // data and meta columns, in order
  std::vector<Column> partition_keys;
  std::string location;  // "s3://bucket[/prefix]/database/table/"
  format::FileFormat format = format::FileFormat::kJsonl;
  format::Compression compression = format::Compression::kUncompressed;
  std::string table_type = "EXTERNAL_TABLE";
};

// Return the columns of a table schema with their Glue types.
std::vector<Column> ColumnsOf(const schema::TableSchema& schema);

// Return the Glue TableInput for `spec`: TableType, PartitionKeys, Parameters (classification,
// compressionType, typeOfData, projection.enabled) and a StorageDescriptor with the SerDe and
// input/output formats of the file format, exactly as the original connector's tables.
json::Value BuildTableInput(const TableSpec& spec);

// Return the columns of `existing` (a TableInput or Glue Table) followed by the columns of
// `wanted` that it lacks. Existing columns keep their position and type, so files written
// earlier stay readable; columns that disappeared from the stream stay too. A struct type (at
// any depth, also inside arrays) gains the fields the wanted type has after its own
// (schema::MergeExistingType); the type string is kept as written unless it gains fields.
std::vector<Column> MergeColumns(const json::Value& existing, const std::vector<Column>& wanted);

// True if `existing` (a TableInput) already says everything `wanted` (a TableInput) says, so
// that putting `wanted` would change nothing a reader uses: every member of
// `wanted` is there with the same value (objects member by member, arrays item by item; a
// missing member stands for an empty one), and whatever else `existing` holds is empty or
// descriptive (the table's Description, Owner, access times and Retention; a column's Comment
// and Parameters). A commit writes no such definition again: no request, no table version, no
// race with another writer.
bool DefinitionHolds(const json::Value& existing, const json::Value& wanted);

// Return the partition keys of `table` (a TableInput or Glue Table), in order.
std::vector<Column> PartitionKeysOf(const json::Value& table);

// Return the "Values" of a Glue Partition or PartitionInput.
std::vector<std::string> PartitionValues(const json::Value& partition);

// Return the Glue PartitionInput of one partition of `table_input`: its Values, and the table's
// StorageDescriptor with the Location "<table location><subdirectory>" (the subdirectory ends
// with '/'), and empty Parameters, as the original connector registered partitions.
json::Value BuildPartitionInput(const json::Value& table_input,
                                const std::vector<std::string>& values,
                                const std::string& subdirectory);

class Catalog {
 public:
  virtual ~Catalog() = default;
  // Create the database if it does not exist.
  virtual Status EnsureDatabase(const std::string& database) = 0;
  // Return the table's TableInput, or nullopt if there is no such table.
  virtual Result<std::optional<json::Value>> GetTable(const std::string& database,
                                                      const std::string& table) = 0;
  // Return the TableInput of every table of the database (none for a missing database).
  virtual Result<std::vector<json::Value>> ListTables(const std::string& database) = 0;
  // Create or replace the table definition (TableInput["Name"] names the table).
  virtual Status PutTable(const std::string& database, const json::Value& table_input) = 0;
  // Replace the table's definition only if its Parameters[`key`] is still `expected` (nullopt:
  // the table must not exist, and is created): a compare-and-swap of a pointer, such as an
  // Iceberg table's metadata_location. Returns false, writing nothing, when the pointer is not
  // `expected` (someone else moved it: the caller re-reads and re-plans); an error when the
  // outcome is unknown (the caller must then not delete what the new pointer names).
  virtual Result<bool> SwapTable(const std::string& database, const json::Value& table_input,
                                 const std::string& key,
                                 const std::optional<std::string>& expected) = 0;
  // Delete the table (with its partitions); a missing table is not an error.
  virtual Status DeleteTable(const std::string& database, const std::string& table) = 0;
  // Register partitions of an existing table: Glue PartitionInput objects ({"Values": [...],
  // "StorageDescriptor": {...}, "Parameters": {}}). A partition whose Values are already
  // registered is left as it is (idempotent add, as Glue's AlreadyExists).
  virtual Status AddPartitions(const std::string& database, const std::string& table,
                               const std::vector<json::Value>& partition_inputs) = 0;
  // Return the Values of every registered partition of the table (none for a missing table).
  virtual Result<std::vector<std::vector<std::string>>> ListPartitions(
      const std::string& database, const std::string& table) = 0;
  // Deregister partitions by their Values; ones not registered are not an error. Data files are
  // not touched.
  virtual Status DeletePartitions(const std::string& database, const std::string& table,
                                  const std::vector<std::vector<std::string>>& values) = 0;
};

// Return the local catalog rooted at `dir` (<local_lake_path>/_catalog): one file per table at
// <dir>/<database>/<table>.json holding the TableInput, written atomically; one
// <dir>/<database>/_database.json per database; the partitions of a table, when it has any, in
// <dir>/<database>/<table>.partitions.json as a JSON array of PartitionInput objects in the
// order they were added. Every file operation goes through `env`.
std::unique_ptr<Catalog> NewLocalCatalog(const std::string& dir,
                                         storage::Env* env = storage::Env::Default());

struct GlueCatalogOptions {
  // Lake Formation tag attached to every database the catalog ensures, as the original
  // connector's lakeformation_database_default_tag_key/_values. Both empty: no tagging.
  std::string lf_tag_key;
  std::vector<std::string> lf_tag_values;
  // Attempts of a PutTable (or a database creation) that keeps losing races with concurrent
  // writers (see NewGlueCatalog), and the pause before attempt n + 1 (n times this), so racing
  // writers drift apart.
  int max_put_attempts = 5;
  std::chrono::milliseconds conflict_backoff{50};
};

// Return the Glue Data Catalog. `lake_formation` may be null when no tag is configured.
//
// EnsureDatabase: GetDatabase, CreateDatabase {"Name"} if missing (AlreadyExists is fine; a
// ConcurrentModificationException means another creator: look again), then AddLFTagsToResource
// when a tag is configured; done once per database per catalog object (so once per process).
// ListTables: GetTables, every page, each reduced to its TableInput members.
// GetTable: the Glue Table reduced to its TableInput members (output-only fields such as
// DatabaseName, CreateTime, VersionId are dropped, docs/AWS-WIRE.md#glue-operations); the
// VersionId read is kept for the next PutTable of that table.
// PutTable: CreateTable when the table is absent, else UpdateTable (SkipArchive) with the
// VersionId of the last GetTable (read afresh when there was none), so an update made by someone
// else after our read is detected (ConcurrentModificationException,
// docs/AWS-WIRE.md#table-versions-and-optimistic-locking). On such a conflict, or when a
// concurrent create/delete changed whether the table exists, the table is read again and the
// caller's TableInput is sent again with the new VersionId, up to max_put_attempts in all: the
// caller's definition is authoritative and replaces the other writer's. Callers that must merge
// (new columns) do so from GetTable before calling PutTable.
// AddPartitions: BatchCreatePartition in chunks of 100; existing partitions are kept.
// SwapTable: the table is read (or the state of the caller's last GetTable taken) and its
// pointer compared; then UpdateTable with that VersionId (CreateTable when expected is
// nullopt). A lost race (ConcurrentModificationException, AlreadyExists, EntityNotFound) reads
// again and compares again: the swap goes through only onto the pointer the caller planned on.
// ListPartitions: GetPartitions, every page. DeletePartitions: BatchDeletePartition in chunks
// of 25.
// A database or table that PutTable or AddPartitions needs but Glue says is not found (deleted
// during the sync, or hidden by Lake Formation) is a kConfigError naming it, not a kNotFound.
std::unique_ptr<Catalog> NewGlueCatalog(std::shared_ptr<aws::GlueClient> glue,
                                        std::shared_ptr<aws::LakeFormationClient> lake_formation,
                                        GlueCatalogOptions options);

}  // namespace datalake::catalog
