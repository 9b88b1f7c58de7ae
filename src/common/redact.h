// Masking secrets in text that is about to be printed: one rule for every module, so that a
// message redacted twice (by the AWS client, then by the message writer) is redacted alike.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace datalake {

// Secrets of fewer bytes than this are masked only where they stand alone (not inside a word or
// number); longer ones wherever they occur.
inline constexpr size_t kMinSubstringSecretBytes = 8;

// Return `text` with each occurrence of `secret` replaced by `mask`. A short secret ("b",
// "1234") occurs by chance inside unrelated words, numbers and request ids; masking those would
// garble every line ("35887178 b**********tes") and point at the secret, so it is masked only
// where it stands alone, as a value printed by itself or quoted would. An empty secret masks
// nothing.
std::string MaskSecret(std::string_view text, std::string_view secret, std::string_view mask);

}  // namespace datalake
