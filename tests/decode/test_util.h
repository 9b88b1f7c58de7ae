// Test helpers for the decode module: schema builders, a padded Decode call, and a renderer that
// turns a Row back into readable text (checking the tape's shape against the schema on the way).
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decode/decode.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::decode::test_util {

using format::CellKind;
using format::Row;
using schema::DataType;
using schema::Field;
using schema::TableSchema;
using schema::TypeKind;

inline DataType Type(TypeKind kind) { return DataType::Of(kind); }

inline DataType Decimal(int precision, int scale) {
  DataType t = DataType::Of(TypeKind::kDecimal);
  t.precision = precision;
  t.scale = scale;
  return t;
}

inline Field F(std::string source_name, DataType type) {
  Field f;
  f.name = source_name;
  f.source_name = std::move(source_name);
  f.type = std::move(type);
  return f;
}

inline DataType Struct(std::vector<Field> fields) {
  DataType t = DataType::Of(TypeKind::kStruct);
  t.fields = std::move(fields);
  return t;
}

inline DataType List(DataType element) {
  DataType t = DataType::Of(TypeKind::kList);
  t.element = std::make_shared<const DataType>(std::move(element));
  return t;
}

inline DataType Map(DataType key, DataType value) {
  DataType t = DataType::Of(TypeKind::kMap);
  t.key = std::make_shared<const DataType>(std::move(key));
  t.element = std::make_shared<const DataType>(std::move(value));
  return t;
}

inline DataType Sized(TypeKind kind, int length) {
  DataType t = DataType::Of(kind);
  t.length = length;
  return t;
}

inline TableSchema Schema(std::vector<Field> columns) {
  TableSchema s;
  s.columns = std::move(columns);
  return s;
}

// Printable form of text: quotes, backslashes and bytes outside 0x20..0x7e escaped as \xNN.
inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u > 0x7e) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Renders one subtree per schema type starting at cell `*pos`; records shape errors in `error`.
class RowRenderer {
 public:
  explicit RowRenderer(const Row& row) : row_(row) {}

  std::string Render(const TableSchema& schema) {
    std::string out;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      if (i > 0) out += ", ";
      out += schema.columns[i].source_name + ": " + Value(schema.columns[i].type);
    }
    if (pos_ != row_.size()) error_ += " extra cells at the end;";
    return error_.empty() ? out : "TAPE ERROR:" + error_ + " got: " + out;
  }

 private:
  std::string Value(const DataType& type) {
    if (pos_ >= row_.size()) {
      error_ += " missing cells;";
      return "?";
    }
    const format::Cell& c = row_.cell(pos_++);
    if (c.kind == CellKind::kNull) return "null";
    if (c.kind != ExpectedKind(type.kind)) error_ += " cell kind does not match the type;";
    switch (c.kind) {
      case CellKind::kBool:
        return c.b ? "true" : "false";
      case CellKind::kInt64:
        return std::to_string(c.i);
      case CellKind::kDouble: {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof(buf), c.d);
        return std::string(buf, r.ptr) + "d";
      }
      case CellKind::kDecimal:
        return "dec(" + std::string(row_.bytes(c)) + ")";
      case CellKind::kString:
        return Quote(row_.bytes(c));
      case CellKind::kJson:
        return "json(" + std::string(row_.bytes(c)) + ")";
      case CellKind::kTimestamp:
        return "ts(" + schema::FormatTimestampMicros(c.i) + ")";
      case CellKind::kDate:
        return "date(" + schema::FormatDateDays(c.i) + ")";
      case CellKind::kStruct: {
        std::string out = "{";
        for (size_t i = 0; i < type.fields.size(); ++i) {
          if (i > 0) out += ", ";
          out += type.fields[i].source_name + ": " + Value(type.fields[i].type);
        }
        return out + "}";
      }
      case CellKind::kList: {
        std::string out = "[";
        for (uint32_t i = 0; i < c.count; ++i) {
          if (i > 0) out += ", ";
          out += Value(*type.element);
        }
        return out + "]";
      }
      case CellKind::kBinary:
        return "bin(" + Quote(row_.bytes(c)) + ")";
      case CellKind::kMap: {
        std::string out = "map{";
        for (uint32_t i = 0; i < c.count; ++i) {
          if (i > 0) out += ", ";
          out += Value(*type.key);
          out += " => ";
          out += Value(*type.element);
        }
        return out + "}";
      }
      case CellKind::kNull:
        break;
    }
    return "?";
  }

  static CellKind ExpectedKind(TypeKind kind) {
    switch (kind) {
      case TypeKind::kString:
      case TypeKind::kChar:
      case TypeKind::kVarchar:
        return CellKind::kString;
      case TypeKind::kInt64:
      case TypeKind::kInt32:
      case TypeKind::kInt16:
      case TypeKind::kInt8:
        return CellKind::kInt64;
      case TypeKind::kDouble:
      case TypeKind::kFloat:
        return CellKind::kDouble;
      case TypeKind::kBinary:
        return CellKind::kBinary;
      case TypeKind::kMap:
        return CellKind::kMap;
      case TypeKind::kDecimal:
        return CellKind::kDecimal;
      case TypeKind::kBoolean:
        return CellKind::kBool;
      case TypeKind::kTimestamp:
      case TypeKind::kTimestampNtz:
        return CellKind::kTimestamp;
      case TypeKind::kDate:
        return CellKind::kDate;
      case TypeKind::kJson:
        return CellKind::kJson;
      case TypeKind::kStruct:
        return CellKind::kStruct;
      case TypeKind::kList:
        return CellKind::kList;
    }
    return CellKind::kNull;
  }

  const Row& row_;
  size_t pos_ = 0;
  std::string error_;
};

inline std::string RenderRow(const Row& row, const TableSchema& schema) {
  return RowRenderer(row).Render(schema);
}

// "field CHANGE REASON" with the reason shortened to SERIALIZATION / FIELD_SIZE.
inline std::string RenderChange(const Change& c) {
  std::string reason = c.reason;
  if (reason == "DESTINATION_SERIALIZATION_ERROR") reason = "SERIALIZATION";
  if (reason == "DESTINATION_FIELD_SIZE_LIMITATION") reason = "FIELD_SIZE";
  return c.field + " " + c.change + " " + reason;
}

// A copy of `json` followed by simdjson::SIMDJSON_PADDING bytes, as the MessageReader provides.
class Padded {
 public:
  explicit Padded(std::string_view json) : size_(json.size()), buffer_(json) {
    buffer_.append(simdjson::SIMDJSON_PADDING, '\0');
  }
  std::string_view view() const { return std::string_view(buffer_.data(), size_); }

 private:
  size_t size_;
  std::string buffer_;
};

struct Decoded {
  Status status;
  std::string row;                   // RenderRow of the decoded row
  std::vector<std::string> changes;  // RenderChange of each change
};

// Decode `json` into a fresh row.
inline Decoded DecodeWith(RecordDecoder& decoder, std::string_view json,
                          const TableSchema& schema) {
  const Padded padded(json);
  Row row;
  std::vector<Change> changes;
  Decoded out;
  out.status = decoder.Decode(padded.view(), schema, &row, &changes);
  if (out.status.ok()) out.row = RenderRow(row, schema);
  for (const Change& c : changes) out.changes.push_back(RenderChange(c));
  return out;
}

}  // namespace datalake::decode::test_util
