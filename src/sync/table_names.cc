#include "sync/table_names.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/ascii.h"
#include "schema/schema.h"
#include "sync/lake_layout.h"

namespace datalake::sync {
namespace {

using Identity = std::pair<std::string, std::string>;  // (source database, stream name)

// A table of the catalog, as the resolver sees it.
struct Existing {
  std::string name;
  std::optional<Identity> bound;
  std::string location;  // with a trailing '/'
  bool claimed = false;
};

std::string Text(const json::Value* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

std::string LocationOf(const json::Value& table) {
  const json::Value* sd = table.Find("StorageDescriptor");
  return Text(sd != nullptr ? sd->Find("Location") : nullptr);
}

Existing Describe(const json::Value& table) {
  Existing e;
  e.name = Text(table.Find("Name"));
  if (const json::Value* parameters = table.Find("Parameters")) {
    const json::Value* ns = parameters->Find(kStreamNamespaceParameter);
    const json::Value* name = parameters->Find(kStreamNameParameter);
    if (ns != nullptr && ns->is_string() && name != nullptr && name->is_string()) {
      e.bound = Identity{ns->text(), name->text()};
    }
  }
  e.location = LocationOf(table);
  if (!e.location.empty() && e.location.back() != '/') e.location += '/';
  return e;
}

std::string Describe(const protocol::StreamDescriptor& d) { return "'" + d.ToString() + "'"; }

// True if a table at `location` holds the data of a stream whose path is `path`: the path
// itself, or a generation directory below it.
bool LocationIsPath(const std::string& location, const std::string& path) {
  if (location == path) return true;
  return location.compare(0, path.size(), path) == 0 &&
         location.compare(path.size(), 9, "_airbyte_") == 0;
}

}  // namespace

std::string GlueDatabaseName(const std::string& source_database) {
  return schema::ShortenedName(AsciiLowercase(source_database), schema::kMaxNameBytes);
}

std::string NewTablesPrefix(const config::Config& config, const std::vector<json::Value>& tables) {
  const std::string normalised = DestinationPrefix(config.bucket_prefix);
  const std::string original = OriginalDestinationPrefix(config.bucket_prefix);
  if (original == normalised) return normalised;
  bool original_layout = false;
  for (const json::Value& t : tables) {
    std::optional<std::string> prefix = PrefixOfLocation(config.bucket_name, LocationOf(t));
    if (!prefix.has_value()) continue;
    if (prefix->starts_with(original)) {
      original_layout = true;
    } else if (prefix->starts_with(normalised)) {
      return normalised;
    }
  }
  return original_layout ? original : normalised;
}

Result<std::vector<StreamTable>> ResolveTables(const protocol::ConfiguredCatalog& catalog,
                                               const config::Config& config,
                                               catalog::Catalog* tables) {
  const std::vector<protocol::ConfiguredStream>& streams = catalog.streams;
  const size_t n = streams.size();
  std::vector<StreamTable> out(n);
  std::map<Identity, size_t> identities;
  std::map<std::string, std::vector<size_t>> by_database;
  for (size_t i = 0; i < n; ++i) {
    const protocol::StreamDescriptor& d = streams[i].descriptor;
    out[i].source_database = d.ns.has_value() && !d.ns->empty() ? *d.ns : config.database;
    out[i].database = GlueDatabaseName(out[i].source_database);
    auto [it, inserted] = identities.emplace(Identity{out[i].source_database, d.name}, i);
    if (!inserted) {
      return Status::ConfigError(
          "streams " + Describe(streams[it->second].descriptor) + " and " + Describe(d) +
          " would write the same table and the same data path (" +
          TableLocation(config.bucket_name,
                        TablePrefix(config.bucket_prefix, out[i].source_database, d.name)) +
          "): a stream without a namespace, or with an empty one, writes to the configured "
          "database " +
          config.database + ". Give one of them another namespace or name.");
    }
    by_database[out[i].database].push_back(i);
  }

  const std::string normalised = DestinationPrefix(config.bucket_prefix);
  const std::string original = OriginalDestinationPrefix(config.bucket_prefix);
  for (const auto& [database, members] : by_database) {
    ASSIGN_OR_RETURN(std::vector<json::Value> listed, tables->ListTables(database));
    std::vector<Existing> existing;
    for (const json::Value& t : listed) existing.push_back(Describe(t));
    // Each stream's path in its spellings, the one of new tables first.
    const std::string fresh = NewTablesPrefix(config, listed);
    std::map<size_t, std::vector<std::string>> spellings;
    for (size_t i : members) {
      const std::string& name = streams[i].descriptor.name;
      spellings[i].push_back(TablePath(fresh, out[i].source_database, name));
      const std::string& other = fresh == normalised ? original : normalised;
      if (other != fresh) spellings[i].push_back(TablePath(other, out[i].source_database, name));
      out[i].path = spellings[i][0];
    }
    // The spelling of stream i's path a table is at (an index of spellings[i]), if any.
    auto spelling_at = [&](const Existing& e, size_t i) -> std::optional<size_t> {
      for (size_t k = 0; k < spellings[i].size(); ++k) {
        if (LocationIsPath(e.location, TableLocation(config.bucket_name, spellings[i][k]))) {
          return k;
        }
      }
      return std::nullopt;
    };
    std::vector<size_t> unresolved;
    // 1. The table bound to the stream; no table bound to another stream may hold its path.
    for (size_t i : members) {
      const Identity identity{out[i].source_database, streams[i].descriptor.name};
      for (Existing& e : existing) {
        const std::optional<size_t> at = spelling_at(e, i);
        if (e.bound == identity) {
          out[i].table = e.name;
          if (at.has_value()) out[i].path = spellings[i][*at];
          e.claimed = true;
        } else if (e.bound.has_value() && at.has_value()) {
          return Status::ConfigError(
              "stream " + Describe(streams[i].descriptor) + " would write to " +
              TableLocation(config.bucket_name, spellings[i][*at]) + ", which holds table " +
              database + "." + e.name + " of stream '" + e.bound->first + "." + e.bound->second +
              "'. Give the stream another name or namespace, or set another bucket_prefix.");
        }
      }
      if (out[i].table.empty()) unresolved.push_back(i);
    }
    // 2. An unbound table at the stream's path: the one of the stream's own name first, then
    // the one at the spelling of new tables.
    std::vector<size_t> still;
    for (size_t i : unresolved) {
      const std::string own = schema::SanitizeName(streams[i].descriptor.name);
      Existing* best = nullptr;
      size_t best_at = 0;
      auto rank = [&](const Existing& e, size_t at) {
        return std::make_tuple(e.name != own, at, e.name);
      };
      for (Existing& e : existing) {
        if (e.claimed || e.bound.has_value()) continue;
        const std::optional<size_t> at = spelling_at(e, i);
        if (!at.has_value()) continue;
        if (best == nullptr || rank(e, *at) < rank(*best, best_at)) {
          best = &e;
          best_at = *at;
        }
      }
      if (best != nullptr) {
        out[i].table = best->name;
        out[i].path = spellings[i][best_at];
        best->claimed = true;
      } else {
        still.push_back(i);
      }
    }
    // 3. An unbound table of the stream's own name, wherever it is.
    unresolved.clear();
    for (size_t i : still) {
      const std::string own = schema::SanitizeName(streams[i].descriptor.name);
      auto e = std::find_if(existing.begin(), existing.end(), [&](const Existing& e) {
        return !e.claimed && !e.bound.has_value() && e.name == own;
      });
      if (e != existing.end()) {
        out[i].table = e->name;
        e->claimed = true;
      } else {
        unresolved.push_back(i);
      }
    }
    // 4. New names, free of every existing table and of each other.
    std::unordered_set<std::string> taken;
    for (const Existing& e : existing) taken.insert(e.name);
    for (size_t i : members) taken.insert(out[i].table);
    std::vector<std::string> raw;
    for (size_t i : unresolved) raw.push_back(streams[i].descriptor.name);
    std::vector<std::string> names = schema::UniqueNames(raw, taken);
    for (size_t k = 0; k < unresolved.size(); ++k) out[unresolved[k]].table = names[k];
    // Every stream given an existing table gets its definition; new names are free of them all.
    std::unordered_map<std::string, const json::Value*> by_name;
    for (const json::Value& t : listed) by_name.emplace(Text(t.Find("Name")), &t);
    for (size_t i : members) {
      if (auto it = by_name.find(out[i].table); it != by_name.end()) {
        out[i].definition = *it->second;
      }
      out[i].tables_in_database = listed.size();
    }
  }
  return out;
}

}  // namespace datalake::sync
