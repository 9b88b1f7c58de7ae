// Parsing and validation of the configured catalog (the `--catalog` file of `write`).
#include <string>
#include <unordered_map>

#include "protocol/internal.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

// Builds "catalog streams[i] (ns.name): <problem>" messages, so every error names the stream.
class StreamContext {
 public:
  explicit StreamContext(size_t index)
      : prefix_("catalog streams[" + std::to_string(index) + "]") {}
  void SetDescriptor(const StreamDescriptor& d) { prefix_ += " (" + d.ToString() + ")"; }
  Status Error(std::string_view problem) const {
    return Status::ConfigError(prefix_ + ": " + std::string(problem));
  }

 private:
  std::string prefix_;
};

Result<DestinationSyncMode> ParseSyncMode(const json::Value* v, const StreamContext& ctx) {
  // An absent (or null) mode is the protocol default.
  if (v == nullptr || v->is_null()) return DestinationSyncMode::kAppend;
  if (!v->is_string()) return ctx.Error("'destination_sync_mode' is not a string");
  const std::string& s = v->text();
  if (s == "append") return DestinationSyncMode::kAppend;
  if (s == "overwrite") return DestinationSyncMode::kOverwrite;
  if (s == "append_dedup") return DestinationSyncMode::kAppendDedup;
  // Modes such as update/soft_delete are valid protocol values; callers decide to reject them.
  return DestinationSyncMode::kOther;
}

// A JSON array of strings (a field path). Absent or null is empty.
Result<std::vector<std::string>> ParsePath(const json::Value* v, std::string_view field,
                                           const StreamContext& ctx) {
  std::vector<std::string> out;
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return ctx.Error("'" + std::string(field) + "' is not an array of strings");
  for (const json::Value& item : v->items()) {
    if (!item.is_string()) {
      return ctx.Error("'" + std::string(field) + "' is not an array of strings");
    }
    out.push_back(item.text());
  }
  return out;
}

Result<std::vector<std::vector<std::string>>> ParsePrimaryKey(const json::Value* v,
                                                              const StreamContext& ctx) {
  std::vector<std::vector<std::string>> out;
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return ctx.Error("'primary_key' is not an array of arrays of strings");
  for (const json::Value& item : v->items()) {
    if (!item.is_array()) return ctx.Error("'primary_key' is not an array of arrays of strings");
    ASSIGN_OR_RETURN(std::vector<std::string> path, ParsePath(&item, "primary_key", ctx));
    out.push_back(std::move(path));
  }
  return out;
}

// An integer; absent or null means 0 (the platform does not support refreshes).
Result<int64_t> ParseGenerationInt(const json::Value& stream, std::string_view field,
                                   const StreamContext& ctx) {
  const json::Value* v = stream.Find(field);
  if (v == nullptr || v->is_null()) return int64_t{0};
  std::optional<int64_t> i = v->is_number() ? v->AsInt64() : std::nullopt;
  if (!i.has_value()) return ctx.Error("'" + std::string(field) + "' is not an integer");
  return *i;
}

Result<ConfiguredStream> ParseStream(const json::Value& entry, size_t index) {
  StreamContext ctx(index);
  if (!entry.is_object()) return ctx.Error("not an object");
  const json::Value* stream = entry.Find("stream");
  if (stream == nullptr || !stream->is_object()) return ctx.Error("has no object 'stream'");

  ConfiguredStream out;
  Result<StreamDescriptor> descriptor = internal::DescriptorFromJson(*stream, "'stream'");
  if (!descriptor.ok()) return ctx.Error(descriptor.status().message());
  out.descriptor = std::move(descriptor).value();
  ctx.SetDescriptor(out.descriptor);

  const json::Value* schema = stream->Find("json_schema");
  if (schema == nullptr || !schema->is_object()) {
    return ctx.Error("'stream' has no object 'json_schema'");
  }
  out.json_schema = *schema;
  ASSIGN_OR_RETURN(out.destination_sync_mode,
                   ParseSyncMode(entry.Find("destination_sync_mode"), ctx));
  if (const json::Value* mode = entry.Find("destination_sync_mode");
      mode != nullptr && mode->is_string()) {
    out.destination_sync_mode_name = mode->text();
  }
  ASSIGN_OR_RETURN(out.cursor_field, ParsePath(entry.Find("cursor_field"), "cursor_field", ctx));
  ASSIGN_OR_RETURN(out.primary_key, ParsePrimaryKey(entry.Find("primary_key"), ctx));
  ASSIGN_OR_RETURN(out.generation_id, ParseGenerationInt(entry, "generation_id", ctx));
  ASSIGN_OR_RETURN(out.minimum_generation_id,
                   ParseGenerationInt(entry, "minimum_generation_id", ctx));
  ASSIGN_OR_RETURN(out.sync_id, ParseGenerationInt(entry, "sync_id", ctx));
  return out;
}

}  // namespace

Result<ConfiguredCatalog> ParseConfiguredCatalog(const json::Value& catalog) {
  if (!catalog.is_object()) return Status::ConfigError("catalog is not a JSON object");
  const json::Value* streams = catalog.Find("streams");
  if (streams == nullptr || !streams->is_array()) {
    return Status::ConfigError("catalog has no 'streams' array");
  }
  if (streams->items().empty()) {
    return Status::ConfigError("Catalog must have at least one stream");
  }
  ConfiguredCatalog out;
  std::unordered_map<StreamDescriptor, size_t, StreamDescriptorHash> seen;
  for (size_t i = 0; i < streams->items().size(); ++i) {
    ASSIGN_OR_RETURN(ConfiguredStream stream, ParseStream(streams->items()[i], i));
    auto [it, inserted] = seen.emplace(stream.descriptor, i);
    if (!inserted) {
      return Status::ConfigError("catalog streams[" + std::to_string(it->second) +
                                 "] and streams[" + std::to_string(i) + "] are the same stream " +
                                 stream.descriptor.ToString());
    }
    out.streams.push_back(std::move(stream));
  }
  return out;
}

}  // namespace datalake::protocol
