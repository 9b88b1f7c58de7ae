#include "config/sections.h"

#include <array>
#include <optional>
#include <string_view>

#include "common/partition_transform.h"

namespace datalake::config::internal {
namespace {

struct CredentialsOption {
  std::string_view name;  // the credentials_title const in the spec
  CredentialsMode mode;
};

constexpr std::array<CredentialsOption, 3> kCredentialsOptions = {{
    {"IAM Role", CredentialsMode::kIamRole},
    {"IAM User", CredentialsMode::kIamUser},
    {"Default Credentials Chain", CredentialsMode::kDefaultChain},
}};

struct CodecOption {
  std::string_view name;
  Compression compression;
};

// The compression_codec enum of each format option, in spec order.
constexpr std::array<CodecOption, 3> kJsonlCodecs = {{
    {"UNCOMPRESSED", Compression::kUncompressed},
    {"GZIP", Compression::kGzip},
    {"ZSTD", Compression::kZstd},
}};
constexpr std::array<CodecOption, 4> kParquetCodecs = {{
    {"UNCOMPRESSED", Compression::kUncompressed},
    {"SNAPPY", Compression::kSnappy},
    {"GZIP", Compression::kGzip},
    {"ZSTD", Compression::kZstd},
}};

struct PartitioningOption {
  std::string_view name;
  Partitioning partitioning;
};

constexpr std::array<PartitioningOption, 7> kPartitioningOptions = {{
    {"NO PARTITIONING", Partitioning::kNone},
    {"DATE", Partitioning::kDate},
    {"YEAR", Partitioning::kYear},
    {"MONTH", Partitioning::kMonth},
    {"DAY", Partitioning::kDay},
    {"YEAR/MONTH", Partitioning::kYearMonth},
    {"YEAR/MONTH/DAY", Partitioning::kYearMonthDay},
}};

// Return the entry of `table` named `name`, or nullptr.
template <typename Entry, size_t N>
const Entry* FindByName(const std::array<Entry, N>& table, std::string_view name) {
  for (const Entry& entry : table) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

// Return the entry named by the member `key`, or nullptr after recording why there is none.
template <typename Entry, size_t N>
const Entry* ReadChoice(ObjectReader& reader, std::string_view key,
                        const std::array<Entry, N>& table) {
  std::optional<std::string> name = reader.String(key);
  if (!name.has_value()) return nullptr;
  const Entry* entry = FindByName(table, *name);
  if (entry == nullptr) {
    reader.Add(key, QuoteForMessage(*name) + " is not one of " + ListNames(table));
  }
  return entry;
}

void ParseIamRole(ObjectReader& reader, Credentials* out) {
  out->role_arn = reader.NonEmptyString("role_arn", Presence::kRequired).value_or("");
  out->external_id = reader.String("external_id").value_or("");
}

void ParseIamUser(ObjectReader& reader, Credentials* out) {
  // Secret members: ObjectReader never quotes values, and nothing here does either.
  out->access_key_id = reader.NonEmptyString("aws_access_key_id", Presence::kRequired).value_or("");
  out->secret_access_key =
      reader.NonEmptyString("aws_secret_access_key", Presence::kRequired).value_or("");
  out->session_token = reader.String("aws_session_token").value_or("");
}

}  // namespace

void ParseCredentials(ObjectReader& top, bool local, Violations* violations, Credentials* out) {
  *out = Credentials{};
  const json::Value* object =
      top.Object("credentials", local ? Presence::kOptional : Presence::kRequired);
  if (object == nullptr) return;
  ObjectReader reader(*object, top.PathOf("credentials"), violations);
  std::optional<std::string> title = reader.String("credentials_title", Presence::kRequired);
  if (!title.has_value()) return;
  const CredentialsOption* option = FindByName(kCredentialsOptions, *title);
  if (option == nullptr) {
    reader.Add("credentials_title",
               QuoteForMessage(*title) + " is not one of " + ListNames(kCredentialsOptions));
    return;
  }
  out->mode = option->mode;
  switch (option->mode) {
    case CredentialsMode::kIamRole:
      ParseIamRole(reader, out);
      break;
    case CredentialsMode::kIamUser:
      ParseIamUser(reader, out);
      break;
    case CredentialsMode::kDefaultChain:
      break;
  }
}

void ParseFormat(ObjectReader& top, Violations* violations, Config* out) {
  out->format = OutputFormat::kParquet;
  out->compression = Compression::kSnappy;
  const json::Value* object = top.Object("format");
  if (object == nullptr) return;  // the original's default: Parquet
  ObjectReader reader(*object, top.PathOf("format"), violations);
  // A missing format_type means Parquet, as in the original (it read the member with that
  // default). Unlike the original, an unknown value is an error rather than silently JSONL.
  std::optional<std::string> type = reader.String("format_type");
  if (type.has_value() && *type != "Parquet") {
    if (*type != "JSONL") {
      reader.Add("format_type", QuoteForMessage(*type) + R"( is not one of "JSONL", "Parquet")");
      return;
    }
    out->format = OutputFormat::kJsonl;
    out->compression = Compression::kUncompressed;
  }
  // A missing codec takes the chosen option's spec default (SNAPPY for Parquet). The original
  // used UNCOMPRESSED for any missing codec, contradicting its own spec; we follow the spec.
  const CodecOption* codec = out->format == OutputFormat::kJsonl
                                 ? ReadChoice(reader, "compression_codec", kJsonlCodecs)
                                 : ReadChoice(reader, "compression_codec", kParquetCodecs);
  if (codec != nullptr) out->compression = codec->compression;
}

void ParsePartitioning(ObjectReader& top, Config* out) {
  const PartitioningOption* option = ReadChoice(top, "partitioning", kPartitioningOptions);
  out->partitioning = option != nullptr ? option->partitioning : Partitioning::kNone;
}

namespace {

// A transform users may ask for (void is Iceberg's for a dropped field, not a choice).
bool IsTransform(std::string_view t) {
  const std::optional<Transform> parsed = ParseTransform(t);
  return parsed.has_value() && parsed->kind != Transform::Kind::kVoid;
}

bool IsTimeTransform(std::string_view t) {
  const std::optional<Transform> parsed = ParseTransform(t);
  return parsed.has_value() && parsed->temporal();
}

}  // namespace

void ParsePartitionBy(ObjectReader& top, Violations* violations, Config* out) {
  if (!top.IsSet("partition_by")) return;
  const json::Value* list = top.Array("partition_by");
  if (list == nullptr) return;
  if (!list->items().empty() && out->partitioning != Partitioning::kNone) {
    top.Add("partition_by",
            "cannot be combined with partitioning: set partitioning to NO PARTITIONING (the "
            "cursor-date options are the transforms year, month and day of the cursor field)");
  }
  for (size_t i = 0; i < list->items().size(); ++i) {
    const std::string path = top.PathOf("partition_by") + "[" + std::to_string(i) + "]";
    const json::Value& item = list->items()[i];
    if (!item.is_object()) {
      violations->Add(path, "must be an object");
      continue;
    }
    ObjectReader entry(item, path, violations);
    PartitionBy by;
    by.field = entry.NonEmptyString("field", Presence::kRequired).value_or("");
    by.transform = entry.NonEmptyString("transform", Presence::kRequired).value_or("");
    if (!by.transform.empty() && !IsTransform(by.transform)) {
      entry.Add("transform",
                "must be one of identity, year, month, day, hour, bucket[N], truncate[W] (N and "
                "W from 1 to 2147483647)");
      by.transform.clear();
    }
    if (const json::Value* streams = entry.Array("streams")) {
      for (const json::Value& name : streams->items()) {
        if (!name.is_string() || name.text().empty()) {
          entry.Add("streams", "must be a list of stream names");
          break;
        }
        by.streams.push_back(name.text());
      }
    }
    for (const PartitionBy& before : out->partition_by) {
      if (before.field != by.field || by.transform.empty() || before.streams != by.streams) {
        continue;
      }
      if (before.transform == by.transform) {
        violations->Add(path, "repeats an earlier entry");
      } else if (IsTimeTransform(before.transform) && IsTimeTransform(by.transform)) {
        violations->Add(path, "partitions " + by.field + " by " + before.transform + " and " +
                                  by.transform + ": keep the finer one (it implies the other)");
      }
    }
    if (!by.field.empty() && !by.transform.empty()) out->partition_by.push_back(std::move(by));
  }
}

}  // namespace datalake::config::internal
