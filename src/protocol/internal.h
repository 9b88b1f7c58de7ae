// Helpers shared by the protocol module's implementation files. Not part of the public interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "json/json.h"
#include "protocol/protocol.h"

namespace datalake::protocol::internal {

// Read a {"name":..., "namespace":...} object. `what` names the object in error messages.
// A null or absent namespace is nullopt; a name must be a string.
Result<StreamDescriptor> DescriptorFromJson(const json::Value& value, std::string_view what);

// Fill the STATE fields of *m (type, state_json, state_type, stream, record_count_splice) from the
// raw `state` object. kInvalidInput when it is not valid JSON, names a type this version does not
// know, has a STREAM state without a stream descriptor, or holds a member the destination reads
// (type, stream, stream_descriptor, name, namespace, destinationStats, recordCount) twice.
Status ReadState(std::string_view state_json, Message* m);

// Replace every occurrence of each secret in `s` by "**********" (by MaskSecret's rule, so a
// secret shorter than kMinSubstringSecretBytes only where it stands alone). `secrets` must be
// ordered longest first, so that a secret containing a shorter one is replaced whole.
std::string ReplaceSecrets(std::string_view s, const std::vector<std::string>& secrets);

// Return `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

}  // namespace datalake::protocol::internal
