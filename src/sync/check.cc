// `check`: a small real write, as the original connector does, so that a passing check means
// a sync will work: the tables of the configured database are listed (as every sync starts), a
// probe table is created where a new table of that database would go, its data file written and
// read back, then both are removed. Databases are named as a sync names them (lowercase).
#include <string>
#include <vector>

#include "sync/lake_layout.h"
#include "sync/sync.h"
#include "sync/table_names.h"
#include "sync/uuid.h"

namespace datalake::sync {

Status RunCheck(const config::Config& config, Destination* destination,
                protocol::MessageWriter* out) {
  UuidGenerator uuids;
  const std::string table = "airbyte_test_" + uuids.Hex().substr(0, 8);
  // The Glue database of a stream without namespace; its path keeps the name as typed.
  const std::string database = GlueDatabaseName(config.database);
  const std::string probe = "{\"id\":1,\"value\":\"foo\"}\n{\"id\":2,\"value\":\"bar\"}\n";
  storage::ObjectStore* store = destination->store.get();
  catalog::Catalog* catalog = destination->catalog.get();

  if (destination->preflight) {
    Status reachable = destination->preflight();
    if (!reachable.ok()) {
      return Status(
          reachable.code() == StatusCode::kTransient ? reachable.code() : StatusCode::kConfigError,
          reachable.message());
    }
  }
  out->Log("INFO", "Checking the destination with probe table " + database + "." + table);
  auto fail = [&](const Status& s, const std::string& what) {
    return Status(s.code() == StatusCode::kTransient ? s.code() : StatusCode::kConfigError,
                  "Could not " + what + ": " + s.message());
  };
  // Every sync first lists the tables of its databases (glue:GetTables).
  auto tables = catalog->ListTables(database);
  if (!tables.ok()) return fail(tables.status(), "list the tables of database " + database);
  const std::string prefix = TablePath(NewTablesPrefix(config, *tables), config.database, table);
  const std::string key = prefix + uuids.Hex() + ".json";

  Status s = store->Put(key, probe);
  if (!s.ok()) return fail(s, "write " + store->Uri(key));
  auto read = store->Get(key);
  if (!read.ok()) return fail(read.status(), "read back " + store->Uri(key));
  if (*read != probe)
    return Status::ConfigError("read back different bytes from " + store->Uri(key));

  catalog::TableSpec spec;
  spec.name = table;
  spec.columns = {{"id", "bigint"}, {"value", "string"}};
  spec.location = TableLocation(config.bucket_name, prefix);
  s = catalog->EnsureDatabase(database);
  if (s.ok()) s = catalog->PutTable(database, catalog::BuildTableInput(spec));
  if (!s.ok()) return fail(s, "create table " + database + "." + table);

  s = catalog->DeleteTable(database, table);
  if (!s.ok()) return fail(s, "delete probe table " + database + "." + table);
  s = store->Delete({key});
  if (!s.ok()) return fail(s, "delete " + store->Uri(key));
  // Uploads that died with their syncs (a stream never synced again would keep them forever).
  for (const std::string& below : DestinationPrefixes(config.bucket_prefix)) {
    auto removed = store->CleanupStaging(below, StagingRule("", {}));
    if (!removed.ok()) return fail(removed.status(), "remove incomplete uploads older than a day");
    if (*removed > 0) {
      out->Log("INFO", "Removed " + std::to_string(*removed) +
                           " incomplete uploads older than a day under " + store->Uri(below));
    }
  }
  return Status::Ok();
}

}  // namespace datalake::sync
