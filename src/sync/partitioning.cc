#include "sync/partitioning.h"

#include <algorithm>
#include <optional>

#include "format/format.h"

namespace datalake::sync {
namespace {

struct PartDescription {
  PartitionPart part;
  const char* suffix;  // of the key name
  const char* type;    // Glue type of the key
};

constexpr PartDescription kParts[] = {
    {PartitionPart::kYear, "_year", "bigint"},
    {PartitionPart::kMonth, "_month", "bigint"},
    {PartitionPart::kDay, "_day", "bigint"},
    {PartitionPart::kDate, "_date", "date"},
};

const PartDescription& Describe(PartitionPart part) {
  for (const PartDescription& d : kParts) {
    if (d.part == part) return d;
  }
  return kParts[0];
}

std::vector<PartitionPart> PartsOf(config::Partitioning partitioning) {
  using P = config::Partitioning;
  switch (partitioning) {
    case P::kNone:
      return {};
    case P::kDate:
      return {PartitionPart::kDate};
    case P::kYear:
      return {PartitionPart::kYear};
    case P::kMonth:
      return {PartitionPart::kMonth};
    case P::kDay:
      return {PartitionPart::kDay};
    case P::kYearMonth:
      return {PartitionPart::kYear, PartitionPart::kMonth};
    case P::kYearMonthDay:
      return {PartitionPart::kYear, PartitionPart::kMonth, PartitionPart::kDay};
  }
  return {};
}

bool IsTemporal(schema::TypeKind kind) {
  return kind == schema::TypeKind::kTimestamp || kind == schema::TypeKind::kTimestampNtz ||
         kind == schema::TypeKind::kDate;
}

PartitionScheme MakeScheme(int column, std::vector<PartitionPart> parts,
                           const schema::TableSchema& data) {
  PartitionScheme scheme;
  scheme.column = column;
  scheme.parts = std::move(parts);
  for (PartitionPart part : scheme.parts) {
    const PartDescription& d = Describe(part);
    scheme.keys.push_back({data.columns[column].name + d.suffix, d.type});
  }
  return scheme;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The day number of a cursor cell; nullopt for null and for values that are not a date. A
// string cell is a column whose existing type is string (sticky types): its text is parsed.
std::optional<int64_t> DayOfCell(const format::Row& row, const format::Cell& cell) {
  switch (cell.kind) {
    case format::CellKind::kTimestamp:
      return schema::DaysOfMicros(cell.i);
    case format::CellKind::kDate:
      return cell.i;
    case format::CellKind::kString: {
      std::string_view text = row.bytes(cell);
      if (auto micros = schema::ParseTimestampMicros(text, false)) {
        return schema::DaysOfMicros(*micros);
      }
      return schema::ParseDateDays(text);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

PartitionScheme SchemeForStream(config::Partitioning partitioning,
                                const std::vector<std::string>& cursor_field,
                                const schema::TableSchema& data) {
  std::vector<PartitionPart> parts = PartsOf(partitioning);
  if (parts.empty() || cursor_field.size() != 1) return {};
  const int column = data.FindBySource(cursor_field[0]);
  if (column < 0 || !IsTemporal(data.columns[column].type.kind)) return {};
  return MakeScheme(column, std::move(parts), data);
}

Result<PartitionScheme> SchemeForKeys(const std::vector<catalog::Column>& keys,
                                      const schema::TableSchema& data) {
  if (keys.empty()) return PartitionScheme{};
  int column = -1;
  std::vector<PartitionPart> parts;
  for (const catalog::Column& key : keys) {
    bool matched = false;
    for (const PartDescription& d : kParts) {
      if (!EndsWith(key.name, d.suffix) || key.type != d.type) continue;
      if (std::find(parts.begin(), parts.end(), d.part) != parts.end()) continue;  // repeated
      const std::string base =
          key.name.substr(0, key.name.size() - std::string_view(d.suffix).size());
      int found = -1;
      for (size_t i = 0; i < data.columns.size(); ++i) {
        if (data.columns[i].name == base && IsTemporal(data.columns[i].type.kind)) {
          found = static_cast<int>(i);
        }
      }
      if (found < 0 || (column >= 0 && found != column)) continue;
      column = found;
      parts.push_back(d.part);
      matched = true;
      break;
    }
    if (!matched) {
      return Status::ConfigError("partition key " + key.name + " " + key.type +
                                 " is not one this destination derives from a date or date-time "
                                 "column of the stream");
    }
  }
  return MakeScheme(column, std::move(parts), data);
}

std::string DescribeKeys(const PartitionScheme& scheme) {
  if (!scheme.partitioned()) return "none";
  std::string out;
  for (const catalog::Column& key : scheme.keys) {
    out += (out.empty() ? "" : ", ") + key.name + " " + key.type;
  }
  return out;
}

std::optional<int64_t> PartitionDayOf(const PartitionScheme& scheme, const format::Row& row,
                                      const schema::TableSchema& data, size_t first) {
  if (!scheme.partitioned()) return std::nullopt;
  const size_t index =
      format::ColumnCellIndex(row, data, static_cast<size_t>(scheme.column), first);
  return DayOfCell(row, row.cell(index));
}

void PartitionValuesOf(const PartitionScheme& scheme, const format::Row& row,
                       const schema::TableSchema& data, std::vector<std::string>* values) {
  PartitionValuesOfDay(scheme, PartitionDayOf(scheme, row, data), values);
}

void PartitionValuesOfDay(const PartitionScheme& scheme, std::optional<int64_t> day,
                          std::vector<std::string>* values) {
  values->clear();
  if (!scheme.partitioned()) return;
  const schema::CivilDate date = schema::DateOfDays(day.value_or(0));
  for (PartitionPart part : scheme.parts) {
    switch (part) {
      case PartitionPart::kYear:
        values->push_back(day ? std::to_string(date.year) : "0");
        break;
      case PartitionPart::kMonth:
        values->push_back(day ? std::to_string(date.month) : "0");
        break;
      case PartitionPart::kDay:
        values->push_back(day ? std::to_string(date.day) : "0");
        break;
      case PartitionPart::kDate:
        values->push_back(day ? schema::FormatDateDays(*day) : kNullDatePartition);
        break;
    }
  }
}

std::string PartitionSubdirectory(const PartitionScheme& scheme,
                                  const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < scheme.keys.size() && i < values.size(); ++i) {
    out += scheme.keys[i].name + "=" + values[i] + "/";
  }
  return out;
}

}  // namespace datalake::sync
