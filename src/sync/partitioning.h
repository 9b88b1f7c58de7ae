// Partitioning: how a stream's rows are spread over Hive-style partitions, as the original
// connector's `partitioning` option does it.
//
// A table is partitioned only when the option is not "NO PARTITIONING" and the stream's cursor
// is a top-level date or date-time column (so full-refresh streams without a cursor never are).
// Each part of the option (YEAR, MONTH, DAY, DATE) becomes one partition key named
// "<cursor column>_<part>": year/month/day are bigint without zero padding
// ("updated_at_year=2023/updated_at_month=6/"), date is a Glue date
// ("updated_at_date=2023-06-05/"). Values come from the UTC day of a date-time (the wall-clock day
// of a timestamp without zone).
//
// A row whose cursor is null (or was nulled because it did not parse) is kept, unlike in the
// original: year/month/day get 0, as the original wrote them (so existing tables keep their
// partitions), and date gets Hive's default partition "__HIVE_DEFAULT_PARTITION__", which
// Athena, Trino, Spark and Hive read as a NULL partition value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "config/config.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::sync {

enum class PartitionPart { kYear, kMonth, kDay, kDate };

inline constexpr const char kNullDatePartition[] = "__HIVE_DEFAULT_PARTITION__";

struct PartitionScheme {
  int column = -1;  // the cursor column's index in the data schema; -1: not partitioned
  std::vector<PartitionPart> parts;
  std::vector<catalog::Column> keys;  // Glue partition keys, one per part, in path order

  bool partitioned() const { return column >= 0; }
  bool operator==(const PartitionScheme& other) const {
    return column == other.column && parts == other.parts;
  }
};

// Return the scheme that `partitioning` asks for a stream with this cursor field and data
// schema; unpartitioned when the option is off or the cursor is not one top-level date or
// date-time column.
PartitionScheme SchemeForStream(config::Partitioning partitioning,
                                const std::vector<std::string>& cursor_field,
                                const schema::TableSchema& data);

// Return the scheme of an existing table's partition keys, so that an append sync adds to the
// partitions already there. No keys: unpartitioned. kConfigError when the keys are not ones
// this destination derives from a date or date-time column of `data`.
Result<PartitionScheme> SchemeForKeys(const std::vector<catalog::Column>& keys,
                                      const schema::TableSchema& data);

// Return "k1, k2" for messages ("none" when unpartitioned).
std::string DescribeKeys(const PartitionScheme& scheme);

// Return the day (days since 1970-01-01) a finished row of `data` is partitioned by, or nullopt
// when its cursor is null. All rows of one day share one partition. The row starts at cell
// `first` of `row`.
std::optional<int64_t> PartitionDayOf(const PartitionScheme& scheme, const format::Row& row,
                                      const schema::TableSchema& data, size_t first = 0);

// Set `values` to the partition values of rows of `day` (one per key).
void PartitionValuesOfDay(const PartitionScheme& scheme, std::optional<int64_t> day,
                          std::vector<std::string>* values);

// Set `values` to the partition values of a finished row of `data` (one per key).
void PartitionValuesOf(const PartitionScheme& scheme, const format::Row& row,
                       const schema::TableSchema& data, std::vector<std::string>* values);

// Return the Hive-style subdirectory of a partition: "k1=v1/k2=v2/" ("" when unpartitioned).
std::string PartitionSubdirectory(const PartitionScheme& scheme,
                                  const std::vector<std::string>& values);

}  // namespace datalake::sync
