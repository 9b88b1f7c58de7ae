// Fuzz target: the shared config and credentials files (aws/credentials_ini.cc): ParseIni on
// arbitrary text, and LoadProfileFiles with the same text as both files.
//
// Invariants:
// - section names are non-empty and trimmed, without ']'; keys are non-empty, trimmed,
//   lowercase, without '=' or ':', and start with no comment or section character; values are
//   trimmed;
// - parsing is a fixed point: the sections written back as plain INI text parse to the same
//   sections;
// - every section of the credentials file is a profile, whose keys Find() returns over the
//   config file's; every "[default]" and "[profile <name>]" section of the config file is a
//   profile (with its keys, each from one of the sections naming that profile), and no other
//   section is.
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials_internal.h"
#include "fuzz_util.h"

namespace datalake::fuzzing {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

bool Trimmed(std::string_view s) {
  return s.empty() || (kSpace.find(s.front()) == std::string_view::npos &&
                       kSpace.find(s.back()) == std::string_view::npos);
}

std::string Render(const aws::IniSections& sections) {
  std::string out;
  for (const auto& [name, keys] : sections) {
    out += "[" + name + "]\n";
    for (const auto& [key, value] : keys) out += key + " = " + value + "\n";
  }
  return out;
}

std::string Describe(const aws::IniSections& sections) { return Printable(Render(sections)); }

// The profile a config-file section names, as botocore reads it: "default", or "profile <name>"
// with the name optionally quoted.
std::optional<std::string> ProfileOf(const std::string& section) {
  if (section == "default") return section;
  if (!section.starts_with("profile ") && !section.starts_with("profile\t")) return std::nullopt;
  std::string_view name = std::string_view(section).substr(8);
  name.remove_prefix(std::min(name.size(), name.find_first_not_of(kSpace)));
  while (!name.empty() && kSpace.find(name.back()) != std::string_view::npos) {
    name.remove_suffix(1);
  }
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') &&
      name.back() == name.front()) {
    name = name.substr(1, name.size() - 2);
  }
  if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const aws::IniSections sections = aws::ParseIni(text);
  for (const auto& [name, keys] : sections) {
    FUZZ_CHECK(!name.empty() && Trimmed(name) && name.find(']') == std::string::npos,
               "section " + Printable(name));
    for (const auto& [key, value] : keys) {
      FUZZ_CHECK(!key.empty() && Trimmed(key) && key.find_first_of("=:") == std::string::npos &&
                     key.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos &&
                     key[0] != '#' && key[0] != ';' && key[0] != '[',
                 "key " + Printable(key));
      FUZZ_CHECK(Trimmed(value), "value " + Printable(value));
    }
  }
  const std::string rendered = Render(sections);
  const aws::IniSections again = aws::ParseIni(rendered);
  FUZZ_CHECK(again == sections, Describe(sections) + " reads back as " + Describe(again));

  // The same text as both shared files.
  MemFd file(text);
  const std::string path = "/proc/self/fd/" + std::to_string(file.fd());
  const aws::ProfileFiles files =
      aws::LoadProfileFiles([&](std::string_view name) -> std::optional<std::string> {
        if (name == "AWS_CONFIG_FILE" || name == "AWS_SHARED_CREDENTIALS_FILE") return path;
        return std::nullopt;
      });
  FUZZ_CHECK(files.problems.empty(), files.problems);
  FUZZ_CHECK(files.credentials == sections, "credentials file read differently");
  for (const auto& [name, keys] : sections) {
    const std::optional<std::map<std::string, std::string>> profile = files.Find(name);
    FUZZ_CHECK(profile.has_value(), "no profile " + Printable(name));
    for (const auto& [key, value] : keys) {
      FUZZ_CHECK(profile->count(key) != 0 && profile->at(key) == value,
                 "profile " + Printable(name) + " key " + Printable(key));
    }
  }
  size_t profiles = 0;
  for (const auto& [name, keys] : sections) {
    const std::optional<std::string> profile = ProfileOf(name);
    if (!profile) continue;
    auto it = files.config.find(*profile);
    FUZZ_CHECK(it != files.config.end(), "section " + Printable(name) + " is no profile");
    for (const auto& [key, value] : keys) {
      FUZZ_CHECK(it->second.count(key) != 0,
                 "profile " + Printable(*profile) + " lost " + Printable(key));
      // The value comes from one of the sections naming this profile.
      bool found = false;
      for (const auto& [other, other_keys] : sections) {
        if (ProfileOf(other) == profile && other_keys.count(key) != 0 &&
            other_keys.at(key) == it->second.at(key)) {
          found = true;
        }
      }
      FUZZ_CHECK(found, "profile " + Printable(*profile) + " key " + Printable(key));
    }
  }
  for (const auto& [profile, keys] : files.config) {
    bool named = false;
    for (const auto& [name, unused] : sections) named = named || ProfileOf(name) == profile;
    FUZZ_CHECK(named, "profile " + Printable(profile) + " from no section");
    ++profiles;
  }
  FUZZ_CHECK(profiles == files.config.size(), "");
  return 0;
}
