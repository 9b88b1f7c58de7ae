// The shared config and credentials files: the INI dialect and the profile sections.
//
// The dialect follows Python's configparser as botocore uses it (RawConfigParser), with
// aws-c-auth's leniency where configparser would fail the whole file: keys are case-insensitive
// (lowercased), '=' or ':' separates key and value, indented lines after a key continue it (and
// nested blocks such as "s3 =\n  addressing_style = path" are skipped), and an inline comment
// needs whitespace before its '#' or ';' (so "a#b" stays a value).

#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Return `value` without an inline comment (whitespace followed by '#' or ';').
std::string_view StripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
      return TrimWhitespace(value.substr(0, i));
    }
  }
  return value;
}

// Return the name inside "[ name ]" (optionally followed by a comment), or nullopt if malformed.
std::optional<std::string> SectionName(std::string_view line) {
  const size_t close = line.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view rest = TrimWhitespace(line.substr(close + 1));
  if (!rest.empty() && rest[0] != '#' && rest[0] != ';') return std::nullopt;
  const std::string_view name = TrimWhitespace(line.substr(1, close - 1));
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

// Return the profile a config-file section names: "default", or "profile <name>" (botocore
// splits it like a shell word list, so the name may be quoted); nullopt for other sections
// ("sso-session x", "services x", "preview").
std::optional<std::string> ConfigProfileName(const std::string& section) {
  if (section == "default") return section;
  if (!section.starts_with("profile") || section.size() == 7) return std::nullopt;
  if (section[7] != ' ' && section[7] != '\t') return std::nullopt;
  std::string_view name = TrimWhitespace(std::string_view(section).substr(8));
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') &&
      name.back() == name.front()) {
    name = name.substr(1, name.size() - 2);
  }
  if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

// Read one file into `sections`; note why it gave nothing in `problems`.
void ReadInto(const std::string& path, IniSections* sections, std::string* problems) {
  Result<std::string> text = ReadTextFile(path);
  if (text.ok()) {
    *sections = ParseIni(*text);
    return;
  }
  if (!problems->empty()) *problems += ", ";
  *problems += text.status().message();
}

}  // namespace

IniSections ParseIni(std::string_view text) {
  IniSections sections;
  std::map<std::string, std::string>* current = nullptr;  // null: skipping lines
  std::optional<size_t> key_indent;  // indentation of the last key line in `current`
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    const std::string_view content = TrimWhitespace(line);
    if (content.empty() || content[0] == '#' || content[0] == ';') continue;
    const size_t indent = line.find_first_not_of(" \t");
    if (current != nullptr && key_indent && indent > *key_indent) continue;  // continuation
    key_indent.reset();
    if (content[0] == '[') {
      std::optional<std::string> name = SectionName(content);
      // Keys under a malformed header must not land in the previous section.
      current = name ? &sections[*name] : nullptr;
      continue;
    }
    if (current == nullptr) continue;
    const size_t delimiter = content.find_first_of("=:");
    if (delimiter == std::string_view::npos) continue;
    const std::string key = Lowercase(TrimWhitespace(content.substr(0, delimiter)));
    if (key.empty()) continue;
    (*current)[key] =
        std::string(StripInlineComment(TrimWhitespace(content.substr(delimiter + 1))));
    key_indent = indent;
  }
  return sections;
}

std::optional<std::map<std::string, std::string>> ProfileFiles::Find(
    const std::string& name) const {
  const auto in_config = config.find(name);
  const auto in_credentials = credentials.find(name);
  if (in_config == config.end() && in_credentials == credentials.end()) return std::nullopt;
  std::map<std::string, std::string> merged;
  if (in_config != config.end()) merged = in_config->second;
  if (in_credentials != credentials.end()) {
    for (const auto& [key, value] : in_credentials->second) merged[key] = value;
  }
  return merged;
}

ProfileFiles LoadProfileFiles(const EnvironmentFn& env) {
  ProfileFiles files;
  files.config_path = ExpandHome(GetEnv(env, "AWS_CONFIG_FILE").value_or("~/.aws/config"), env);
  files.credentials_path =
      ExpandHome(GetEnv(env, "AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"), env);
  ReadInto(files.credentials_path, &files.credentials, &files.problems);
  IniSections config_sections;
  ReadInto(files.config_path, &config_sections, &files.problems);
  // "[profile default]" and "[default]" both name the default profile; keys merge, the former's
  // win (botocore keeps whichever comes later in the file).
  for (const auto& [section, keys] : config_sections) {
    std::optional<std::string> profile = ConfigProfileName(section);
    if (!profile) continue;
    std::map<std::string, std::string>& target = files.config[*profile];
    for (const auto& [key, value] : keys) {
      if (section != "default" || !target.contains(key)) target[key] = value;
    }
  }
  return files;
}

}  // namespace datalake::aws
