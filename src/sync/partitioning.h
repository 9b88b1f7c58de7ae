// Partitioning: how a stream's rows are spread over partitions (docs/LAYOUT.md, "Partitions").
//
// Two ways to ask for it:
// - `partition_by`: top-level fields with Iceberg partition transforms (identity, year, month,
//   day, hour, bucket[N], truncate[W]), for both table formats. A Hive table gets one key per
//   entry, named after the column and the transform ("updated_at_day", "id_bucket_16",
//   "name_trunc_3", identity: the column's own name, the data column becoming "<name>_data"),
//   holding the value as Iceberg renders it ("2023-06-05", "2023-06", "2023-06-05-13", the
//   bucket number, the truncated value); null is Hive's default partition. An Iceberg table
//   gets the same fields as its partition spec.
// - The original connector's `partitioning` option, on the stream's cursor when that is one
//   top-level date or date-time column. On Hive tables it keeps the original's keys
//   ("<cursor>_year", "_month", "_day" as bigint without zero padding, "_date" as a date; nulls
//   as 0, and the date as Hive's default partition), so existing tables keep their partitions.
//   On Iceberg tables it is the transforms it stands for: DATE and DAY day, YEAR year, MONTH
//   month, YEAR/MONTH month, YEAR/MONTH/DAY day (Iceberg keeps one time transform per column;
//   the finer implies the coarser, and Iceberg's month and day are year-qualified).
//
// Values of dates and date-times are of their UTC day (the wall-clock day of a timestamp
// without zone). A row's partition is a key (PartitionKeyOf) from which the Hive values and
// the Iceberg tuple both follow, so rows are routed without building strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "config/config.h"
#include "format/row.h"
#include "iceberg/iceberg.h"
#include "schema/schema.h"

namespace datalake::sync {

// What a partition key holds.
enum class PartitionPart {
  kTransform,    // an Iceberg transform of the column (partition_by; Iceberg tables)
  kCursorYear,   // the original's "<c>_year" bigint: the calendar year; null: 0
  kCursorMonth,  // "<c>_month" bigint: the month of the year, 1 to 12; null: 0
  kCursorDay,    // "<c>_day" bigint: the day of the month, 1 to 31; null: 0
  kCursorDate,   // "<c>_date" date: the day; null: Hive's default partition
};

// The value Hive gives a partition whose key is null (or, for strings, empty).
inline constexpr const char kHiveNullPartition[] = "__HIVE_DEFAULT_PARTITION__";

struct PartitionField {
  int column = -1;  // the source column's index in the data schema
  PartitionPart part = PartitionPart::kTransform;
  iceberg::Transform transform{};  // kTransform's
  catalog::Column key{};           // the Hive key (name and Glue type); the Iceberg field name

  bool operator==(const PartitionField& other) const {
    return column == other.column && part == other.part && transform == other.transform &&
           key == other.key;
  }
};

struct PartitionScheme {
  std::vector<PartitionField> fields;  // in path order; none: unpartitioned
  std::vector<catalog::Column> keys;   // each field's key, in the same order

  bool partitioned() const { return !fields.empty(); }
  bool operator==(const PartitionScheme& other) const { return fields == other.fields; }
};

// Return the original's cursor-date scheme (Hive keys) for a stream with this cursor field and
// data schema; unpartitioned when the option is off or the cursor is not one top-level date or
// date-time column.
PartitionScheme SchemeForStream(config::Partitioning partitioning,
                                const std::vector<std::string>& cursor_field,
                                const schema::TableSchema& data);

// Return the scheme the configuration asks for stream `ns`.`name`: the partition_by entries
// that apply to it, or else the cursor-date option (with `iceberg`: as transforms).
// kConfigError when an entry names the stream but the stream lacks its field, or the field's
// type cannot take the transform.
Result<PartitionScheme> SchemeForConfig(const config::Config& config, const std::string& ns,
                                        const std::string& name,
                                        const std::vector<std::string>& cursor_field,
                                        const schema::TableSchema& data);

// Return the scheme of an existing Hive table's partition keys, so that an append sync adds to
// the partitions already there. No keys: unpartitioned. kConfigError when a key is not one this
// destination derives from a column of `data`.
Result<PartitionScheme> SchemeForKeys(const std::vector<catalog::Column>& keys,
                                      const schema::TableSchema& data);

// Return "k1 t1, k2 t2" for messages ("none" when unpartitioned).
std::string DescribeKeys(const PartitionScheme& scheme);

// Set `key` to the partition of a finished row of `data` (empty when unpartitioned): equal
// keys, equal partitions. The row starts at cell `first` of `row`.
void PartitionKeyOf(const PartitionScheme& scheme, const format::Row& row,
                    const schema::TableSchema& data, std::string* key, size_t first = 0);

// Set `values` to the Hive values of the partition `key` of rows of `data` (one per field,
// unescaped).
void PartitionValuesOfKey(const PartitionScheme& scheme, const std::string& key,
                          const schema::TableSchema& data, std::vector<std::string>* values);

// Set `values` to the Hive values of a finished row of `data` (one per field).
void PartitionValuesOf(const PartitionScheme& scheme, const format::Row& row,
                       const schema::TableSchema& data, std::vector<std::string>* values);

// The Iceberg partition tuple of the partition `key`, for a scheme of transforms: int for
// year, month, day, hour, bucket and int or date sources; long for long sources; string;
// boolean.
std::vector<iceberg::PartitionValue> IcebergPartitionOfKey(const PartitionScheme& scheme,
                                                           const std::string& key,
                                                           const schema::TableSchema& data);

// Return the Hive-style subdirectory of a partition: "k1=v1/k2=v2/" ("" when unpartitioned),
// each value escaped as Hive escapes path names ('/', '=', ':', '%', ... as %XX).
std::string PartitionSubdirectory(const PartitionScheme& scheme,
                                  const std::vector<std::string>& values);
// The value of an escaped path component.
std::string UnescapePartitionValue(std::string_view escaped);

}  // namespace datalake::sync
