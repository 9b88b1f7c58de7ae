// StreamDescriptor helpers and the wall clock.
#include <chrono>
#include <functional>

#include "protocol/internal.h"
#include "protocol/protocol.h"

namespace datalake::protocol {

std::string StreamDescriptor::ToString() const {
  if (!ns.has_value()) return name;
  std::string out;
  out.reserve(ns->size() + 1 + name.size());
  out.append(*ns).append(".").append(name);
  return out;
}

json::Value StreamDescriptor::ToJson() const {
  json::Value out = json::Value::Object();
  out.Set("name", json::Value::String(name));
  if (ns.has_value()) out.Set("namespace", json::Value::String(*ns));
  return out;
}

size_t StreamDescriptorHash::operator()(const StreamDescriptor& d) const {
  std::hash<std::string_view> hasher;
  size_t h = hasher(d.name);
  // A null namespace and an empty one are different streams; mix in the presence bit.
  size_t ns_hash = d.ns.has_value() ? hasher(*d.ns) ^ 0x9e3779b97f4a7c15ULL : 0x51ed270b27f1a5c3ULL;
  return h ^ (ns_hash + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

int64_t NowMillis() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

namespace internal {

Result<StreamDescriptor> DescriptorFromJson(const json::Value& value, std::string_view what) {
  std::string prefix(what);
  if (!value.is_object()) return Status::InvalidInput(prefix + " is not an object");
  StreamDescriptor out;
  const json::Value* name = value.Find("name");
  if (name == nullptr || !name->is_string()) {
    return Status::InvalidInput(prefix + " has no string 'name'");
  }
  out.name = name->text();
  const json::Value* ns = value.Find("namespace");
  if (ns != nullptr && !ns->is_null()) {
    if (!ns->is_string()) {
      return Status::InvalidInput(prefix + " has a 'namespace' that is neither a string nor null");
    }
    out.ns = ns->text();
  }
  return out;
}

}  // namespace internal
}  // namespace datalake::protocol
