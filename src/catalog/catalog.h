// The table catalog: one table per stream, as the AWS Glue Data Catalog holds it. Two
// implementations share the Catalog interface: the local catalog (Glue-shaped JSON files in the
// local lake) and, later, Glue itself. Both receive the same TableInput, built once by
// BuildTableInput, so the local lake shows exactly what Glue would get.
//
// Thread-safety: a Catalog is used from one thread (commits happen on the pipeline thread).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/format.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::catalog {

struct Column {
  std::string name;
  std::string type;  // Glue/Hive type string
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
// earlier stay readable; columns that disappeared from the stream stay too.
std::vector<Column> MergeColumns(const json::Value& existing, const std::vector<Column>& wanted);

class Catalog {
 public:
  virtual ~Catalog() = default;
  // Create the database if it does not exist.
  virtual Status EnsureDatabase(const std::string& database) = 0;
  // Return the table's TableInput, or nullopt if there is no such table.
  virtual Result<std::optional<json::Value>> GetTable(const std::string& database,
                                                      const std::string& table) = 0;
  // Create or replace the table definition (TableInput["Name"] names the table).
  virtual Status PutTable(const std::string& database, const json::Value& table_input) = 0;
  // Delete the table; a missing table is not an error.
  virtual Status DeleteTable(const std::string& database, const std::string& table) = 0;
};

// Return the local catalog rooted at `dir` (<local_lake_path>/_catalog): one file per table at
// <dir>/<database>/<table>.json holding the TableInput, written atomically; one
// <dir>/<database>/_database.json per database.
std::unique_ptr<Catalog> NewLocalCatalog(const std::string& dir);

}  // namespace datalake::catalog
