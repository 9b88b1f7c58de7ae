// Which Glue database and table each stream of a sync writes.
//
// A stream keeps its table whatever else the catalog holds. Every table this destination writes
// carries its stream's identity in its Parameters (kStreamNamespaceParameter: the namespace the
// stream's database and path come from, or the configured database for a stream without one;
// kStreamNameParameter: the stream's name; both as Airbyte sent them). At the start of a sync
// each stream takes, in this order:
//   1. the table bound to it;
//   2. an unbound table whose Location is the stream's data path (a table of the original
//      connector or of an earlier version: the files there are this stream's);
//   3. an unbound table with the stream's sanitised name (someone's DDL or a crawler's table
//      that the user points the stream at: its Location decides where data goes);
//   4. a new name: the sanitised stream name, suffixed ("_<8 hex>", a hash of the raw name) if
//      a table of that name exists or another new stream of the sync keeps it.
// So adding, removing or renaming other streams never changes which table a stream writes.
//
// A stream's data path has two spellings when bucket_prefix has extra '/' (lake_layout.h): the
// original connector's ("data//db/stream/") and the normalised one ("data/db/stream/"). Steps 1
// and 2 recognise a table at either, and the stream writes where its table is. A new table
// takes the original's spelling when its database already holds tables below it and none
// elsewhere below the normalised prefix (a database the original connector wrote keeps one
// layout), else the normalised one.
//
// Refused with a config_error naming both: two streams of the catalog with one identity (which
// would share a table and a data path: a stream without namespace, one with namespace "" and
// one whose namespace is the configured database all resolve alike), and a stream whose data
// path is the Location of a table bound to another stream.
//
// Glue folds database names to lower case; database names are the lowercased namespace (so two
// namespaces differing in case share a Glue database and get distinct tables), shortened with a
// hash past Glue's 255 bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "config/config.h"
#include "json/json.h"
#include "protocol/protocol.h"

namespace datalake::sync {

inline constexpr char kStreamNamespaceParameter[] = "airbyte_namespace";
inline constexpr char kStreamNameParameter[] = "airbyte_stream";

struct StreamTable {
  std::string source_database;  // the namespace, or the configured database: path and identity
  std::string database;         // the Glue database
  std::string table;            // the Glue table
  std::string path;             // the key prefix of the stream's data: "[prefix/]database/stream/"
  // The table's definition (TableInput) as the resolution listed it; none for a new table. The
  // listing is the sync's first read of its tables: nothing reads each one again before writing.
  std::optional<json::Value> definition;
  size_t tables_in_database = 0;  // how many tables that listing returned
};

// Return the Glue database of a namespace (or configured database name): lowercase, as Glue
// stores it. `check` and `write` both name databases by it.
std::string GlueDatabaseName(const std::string& source_database);

// Return the destination prefix (DestinationPrefix or OriginalDestinationPrefix) below which
// the new tables of a Glue database go, given the tables it holds (TableInputs).
std::string NewTablesPrefix(const config::Config& config, const std::vector<json::Value>& tables);

// Return the database, table and data path identity of every stream of `catalog`, in catalog
// order.
Result<std::vector<StreamTable>> ResolveTables(const protocol::ConfiguredCatalog& catalog,
                                               const config::Config& config,
                                               catalog::Catalog* tables);

}  // namespace datalake::sync
