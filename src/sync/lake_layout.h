// Every object key and location the destination writes, in one place.
//
// Layout (the original connector's): s3://<bucket>/[<prefix>/]<database>/<stream>/<file>, where
// database and stream are the raw names (made safe as key segments by storage::PathSegment,
// which leaves ordinary names unchanged), and <file> is <uuid hex><extension>. The prefix is
// normalised: leading, trailing and repeated '/' are dropped (the original produced "a//db/" for
// the prefix "a/", which S3 consoles and Athena handle poorly).
#pragma once

#include <string>

namespace datalake::sync {

// Return the prefix without leading, trailing or repeated slashes.
std::string NormalizePrefix(const std::string& prefix);

// Return the key prefix of a table's data: "[prefix/]database/stream/".
std::string TablePrefix(const std::string& bucket_prefix, const std::string& database,
                        const std::string& stream_name);

// Return the table's Glue Location: "s3://bucket/[prefix/]database/stream/".
std::string TableLocation(const std::string& bucket, const std::string& table_prefix);

// Return a data file key: "<table_prefix><file_id><extension>".
std::string DataFileKey(const std::string& table_prefix, const std::string& file_id,
                        const std::string& extension);

}  // namespace datalake::sync
