// Every object key and location the destination writes, in one place.
//
// Layout (the original connector's): s3://<bucket>/[<prefix>/]<database>/<stream>/<file>, where
// database and stream are the raw names (made safe as key segments by storage::PathSegment,
// which leaves ordinary names unchanged), and <file> is a data file name (below).
//
// The prefix has two spellings when bucket_prefix has a leading, trailing or repeated '/'. The
// original connector used it as typed ("data/" gave "data//db/stream/"); DestinationPrefix drops
// the extra slashes ("data/db/stream/": Athena does not accept "//" in a Location). A table
// found at either spelling stays there; which one a new table takes is decided per database
// (table_names.h).
//
// Data file names say where the file comes from: "gen<G>-sync<S>-<run>-<n><extension>", the
// stream's generation_id G, the catalog's sync_id S, the writing process' random run id (16 hex
// digits) and a sequence number. So what a truncate may delete and which incomplete uploads
// belong to a finished attempt are questions a listing answers, with no request per object.
// Files without this marker (the original connector's, earlier versions') are generation 0.
//
// A truncate whose new definition cannot read the table's old files (other partition keys,
// changed column types, another format) writes its generation into a directory of its own below
// the table's: "_airbyte_generation_<G>/" (or "_airbyte_run_<run>/" when the platform sends no
// generations). Hive, Athena, Trino and Spark skip paths whose names start with '_', so readers
// of the old definition never see those files; the table's Location moves there when the
// truncate completes.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/storage.h"

namespace datalake::sync {

// Return the prefix without leading, trailing or repeated slashes.
std::string NormalizePrefix(const std::string& prefix);

// Return the key prefix of a table's data: "[prefix/]database/stream/", with the normalised
// prefix.
std::string TablePrefix(const std::string& bucket_prefix, const std::string& database,
                        const std::string& stream_name);

// Return the key prefix of a table's data below `destination_prefix` (DestinationPrefix or
// OriginalDestinationPrefix): "<destination_prefix>database/stream/".
std::string TablePath(const std::string& destination_prefix, const std::string& database,
                      const std::string& stream_name);

// Return the key prefix of everything the destination writes in the bucket: "[prefix/]", with
// the normalised prefix.
std::string DestinationPrefix(const std::string& bucket_prefix);

// Return the original connector's spelling of DestinationPrefix: bucket_prefix as typed and a
// '/' ("data/" gives "data//", "/data" gives "/data/"); "" without a prefix.
std::string OriginalDestinationPrefix(const std::string& bucket_prefix);

// Return the key prefixes below which the destination's tables can be: DestinationPrefix and,
// when that does not cover it, OriginalDestinationPrefix ("/data" or "a//b", not "data/").
std::vector<std::string> DestinationPrefixes(const std::string& bucket_prefix);

// Return the bucket_prefix that puts the data of a table whose path ends with `tail`
// ("database/stream/") at the key prefix `key_prefix` (or in a generation directory below
// it), in either spelling: "p1" for "p1/db/t/", "data/" for "data//db/t/", "" for "db/t/".
// nullopt when no bucket_prefix does.
std::optional<std::string> BucketPrefixOf(const std::string& key_prefix, const std::string& tail);

// Return the rule by which run `run` removes the staging leftovers of dead writers: in S3, the
// incomplete uploads of earlier attempts of its jobs (other runs with one of `sync_ids`, all
// > 0: the platform runs a job's attempts one after another) and any older than a day (no sync
// runs a day without committing its files); in the local lake, those whose writer is gone.
storage::StagingCleanup StagingRule(const std::string& run, std::set<int64_t> sync_ids);

// Return the table's Glue Location: "s3://bucket/[prefix/]database/stream/".
std::string TableLocation(const std::string& bucket, const std::string& table_prefix);

// Where a data file comes from.
struct FileOrigin {
  int64_t generation = 0;
  int64_t sync_id = 0;
  std::string run;  // 16 lowercase hex digits

  bool operator==(const FileOrigin&) const = default;
};

// Return a fresh random run id (16 lowercase hex digits).
std::string NewRunId();

// Return a data file name: "gen<G>-sync<S>-<run>-<sequence><extension>" (negative ids as 0).
std::string DataFileName(const FileOrigin& origin, uint64_t sequence, const std::string& extension);

// Return the origin a data file's key (or name) carries, or nullopt when it has no marker.
std::optional<FileOrigin> OriginOfKey(std::string_view key);

// Whether a truncate whose minimum generation is `min_generation` keeps the data file `key` (a
// key, name or URI): one of that generation or newer, whichever attempt wrote it; without
// generations (0), one written by `run`. Files without the marker (other writers') go.
bool TruncateKeeps(std::string_view key, int64_t min_generation, const std::string& run);

// Return the directory of a generation written apart from the table's files:
// "_airbyte_generation_<G>/", or "_airbyte_run_<run>/" when `origin` has no generation.
std::string GenerationDirectory(const FileOrigin& origin);

// True if a reader of a table at `prefix` reads `key`: the key is below the prefix and no path
// segment after the prefix starts with '_' or '.' (Hive's hidden files and directories).
bool VisibleBelow(const std::string& prefix, std::string_view key);

// Return the key prefix of a table Location "s3://<bucket>/<prefix>", or nullopt when the
// Location is not in `bucket`.
std::optional<std::string> PrefixOfLocation(const std::string& bucket, const std::string& location);

// Return the subdirectory of `key` below `prefix` ("k=v/k2=w/"; "" for a file directly in it).
std::string SubdirectoryBelow(const std::string& prefix, std::string_view key);

}  // namespace datalake::sync
