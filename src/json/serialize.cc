#include "json/json.h"

namespace datalake::json {
namespace {

void Indent(int level, std::string* out) { out->append(static_cast<size_t>(level) * 2, ' '); }

void SerializeImpl(const Value& v, bool pretty, int level, std::string* out) {
  switch (v.kind()) {
    case Kind::kNull:
      out->append("null");
      return;
    case Kind::kBool:
      out->append(v.bool_value() ? "true" : "false");
      return;
    case Kind::kNumber:
      out->append(v.text());
      return;
    case Kind::kString:
      AppendQuoted(v.text(), out);
      return;
    case Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        if (pretty) {
          out->push_back('\n');
          Indent(level + 1, out);
        }
        SerializeImpl(item, pretty, level + 1, out);
      }
      if (pretty && !v.items().empty()) {
        out->push_back('\n');
        Indent(level, out);
      }
      out->push_back(']');
      return;
    }
    case Kind::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.members()) {
        if (!first) out->push_back(',');
        first = false;
        if (pretty) {
          out->push_back('\n');
          Indent(level + 1, out);
        }
        AppendQuoted(key, out);
        out->append(pretty ? ": " : ":");
        SerializeImpl(item, pretty, level + 1, out);
      }
      if (pretty && !v.members().empty()) {
        out->push_back('\n');
        Indent(level, out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

void AppendQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(s.data() + run_start, s.size() - run_start);
  out->push_back('"');
}

void SerializeTo(const Value& value, std::string* out) { SerializeImpl(value, false, 0, out); }

std::string Serialize(const Value& value) {
  std::string out;
  SerializeTo(value, &out);
  return out;
}

std::string SerializePretty(const Value& value) {
  std::string out;
  SerializeImpl(value, true, 0, &out);
  out.push_back('\n');
  return out;
}

}  // namespace datalake::json
