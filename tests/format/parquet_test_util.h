// Helpers for the Parquet tests: a small value model that produces both the Row fed to the
// encoder and the canonical JSON the reader script (tests/tools/parquet_read.mjs) prints for it,
// and a runner that reads many files per node invocation.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/format.h"
#include "format/row.h"
#include "json/json.h"
#include "schema/schema.h"

namespace datalake::format::testing {

// One logical value of any column type. Structs hold one item per field, lists their elements,
// maps their keys and values alternately (Entries).
struct TestValue {
  enum class Kind { kNull, kBool, kInt, kDouble, kText, kStruct, kList };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;  // kInt: int64, timestamp micros, date days
  double d = 0;
  std::string s;  // kText: string, JSON text, canonical decimal text
  std::vector<TestValue> items;
};

inline TestValue Null() { return TestValue{}; }
inline TestValue Bool(bool b) {
  TestValue v;
  v.kind = TestValue::Kind::kBool;
  v.b = b;
  return v;
}
// Also timestamps (micros) and dates (days).
inline TestValue Int(int64_t i) {
  TestValue v;
  v.kind = TestValue::Kind::kInt;
  v.i = i;
  return v;
}
inline TestValue Double(double d) {
  TestValue v;
  v.kind = TestValue::Kind::kDouble;
  v.d = d;
  return v;
}
// Also JSON text and canonical decimal text.
inline TestValue Text(std::string s) {
  TestValue v;
  v.kind = TestValue::Kind::kText;
  v.s = std::move(s);
  return v;
}
// A struct's fields or a list's elements.
inline TestValue Items(std::vector<TestValue> items) {
  TestValue v;
  v.kind = TestValue::Kind::kStruct;
  v.items = std::move(items);
  return v;
}
// A map's entries.
inline TestValue Entries(std::vector<std::pair<TestValue, TestValue>> entries) {
  TestValue v;
  v.kind = TestValue::Kind::kStruct;
  for (auto& [key, value] : entries) {
    v.items.push_back(std::move(key));
    v.items.push_back(std::move(value));
  }
  return v;
}

// Append `value` as cells of a column of type `type`.
inline void AppendCells(const schema::DataType& type, const TestValue& value, Row* row) {
  using schema::TypeKind;
  if (value.kind == TestValue::Kind::kNull) {
    row->AppendNull();
    return;
  }
  switch (type.kind) {
    case TypeKind::kBoolean:
      row->AppendBool(value.b);
      return;
    case TypeKind::kInt64:
    case TypeKind::kInt32:
    case TypeKind::kInt16:
    case TypeKind::kInt8:
      row->AppendInt64(value.i);
      return;
    case TypeKind::kDouble:
      row->AppendDouble(value.d);
      return;
    case TypeKind::kFloat:
      row->AppendDouble(static_cast<float>(value.d));
      return;
    case TypeKind::kDecimal:
      row->AppendDecimal(value.s);
      return;
    case TypeKind::kString:
    case TypeKind::kChar:
    case TypeKind::kVarchar:
      row->AppendString(value.s);
      return;
    case TypeKind::kBinary:
      row->AppendBinary(value.s);
      return;
    case TypeKind::kMap: {
      const size_t at = row->BeginMap();
      for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
        AppendCells(*type.key, value.items[i], row);
        AppendCells(*type.element, value.items[i + 1], row);
      }
      row->EndMap(at, static_cast<uint32_t>(value.items.size() / 2));
      return;
    }
    case TypeKind::kJson:
      row->AppendJson(value.s);
      return;
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:
      row->AppendTimestamp(value.i);
      return;
    case TypeKind::kDate:
      row->AppendDate(value.i);
      return;
    case TypeKind::kStruct:
      row->AppendStruct();
      for (size_t f = 0; f < type.fields.size(); ++f) {
        AppendCells(type.fields[f].type, value.items[f], row);
      }
      return;
    case TypeKind::kList: {
      const size_t at = row->BeginList();
      for (const TestValue& item : value.items) AppendCells(*type.element, item, row);
      row->EndList(at, static_cast<uint32_t>(value.items.size()));
      return;
    }
  }
}

inline json::Value ExpectedDouble(double d) {
  if (std::isnan(d)) return json::Value::String("NaN");
  if (std::isinf(d)) return json::Value::String(d > 0 ? "Infinity" : "-Infinity");
  if (d == 0 && std::signbit(d)) return json::Value::String("-0");
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return json::Value::NumberText(std::string(buf, end));
}

// "YYYY-MM-DDTHH:MM:SS.ffffff" (+ "Z" for UTC-adjusted columns), as the reader script prints.
inline json::Value ExpectedTimestamp(int64_t micros, bool utc) {
  std::string text = schema::FormatTimestampMicros(micros);
  text[10] = 'T';
  if (utc) text.push_back('Z');
  return json::Value::String(std::move(text));
}

inline std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// Return the canonical JSON a reader prints for `value` in a column of type `type`.
inline json::Value ExpectedJson(const schema::DataType& type, const TestValue& value, bool int96) {
  using schema::TypeKind;
  if (value.kind == TestValue::Kind::kNull) return json::Value::Null();
  switch (type.kind) {
    case TypeKind::kBoolean:
      return json::Value::Bool(value.b);
    case TypeKind::kInt64:
      return json::Value::String(std::to_string(value.i));
    case TypeKind::kInt32:  // readers give 32-bit integers as numbers
    case TypeKind::kInt16:
    case TypeKind::kInt8:
      return json::Value::NumberText(std::to_string(value.i));
    case TypeKind::kDouble:
      return ExpectedDouble(value.d);
    case TypeKind::kFloat:
      return ExpectedDouble(static_cast<float>(value.d));
    case TypeKind::kDecimal:
    case TypeKind::kString:
    case TypeKind::kChar:
    case TypeKind::kVarchar:
    case TypeKind::kJson:
      return json::Value::String(value.s);
    case TypeKind::kBinary:
      return json::Value::String(Base64(value.s));
    case TypeKind::kMap: {
      // [[key text, value], ...] sorted by key text (readers disagree on key order and type).
      std::vector<std::pair<std::string, json::Value>> entries;
      for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
        const json::Value key = ExpectedJson(*type.key, value.items[i], int96);
        entries.emplace_back(key.is_string() ? key.text() : json::Serialize(key),
                             ExpectedJson(*type.element, value.items[i + 1], int96));
      }
      std::sort(entries.begin(), entries.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<json::Value> items;
      for (auto& [key, v] : entries) {
        items.push_back(json::Value::Array({json::Value::String(key), std::move(v)}));
      }
      return json::Value::Array(std::move(items));
    }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:
      return ExpectedTimestamp(value.i, type.kind == TypeKind::kTimestamp && !int96);
    case TypeKind::kDate:
      return json::Value::String(schema::FormatDateDays(value.i));
    case TypeKind::kStruct: {
      std::vector<json::Value::Member> members;
      for (size_t f = 0; f < type.fields.size(); ++f) {
        members.emplace_back(type.fields[f].name,
                             ExpectedJson(type.fields[f].type, value.items[f], int96));
      }
      return json::Value::Object(std::move(members));
    }
    case TypeKind::kList: {
      std::vector<json::Value> items;
      for (const TestValue& item : value.items)
        items.push_back(ExpectedJson(*type.element, item, int96));
      return json::Value::Array(std::move(items));
    }
  }
  return json::Value::Null();
}

inline json::Value ExpectedRows(const schema::TableSchema& schema,
                                const std::vector<std::vector<TestValue>>& rows, bool int96) {
  std::vector<json::Value> out;
  for (const std::vector<TestValue>& row : rows) {
    std::vector<json::Value::Member> members;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      members.emplace_back(schema.columns[c].name,
                           ExpectedJson(schema.columns[c].type, row[c], int96));
    }
    out.push_back(json::Value::Object(std::move(members)));
  }
  return json::Value::Array(std::move(out));
}

// Writes to a file.
class FileSink : public Sink {
 public:
  explicit FileSink(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {}
  ~FileSink() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  Status Write(std::string_view bytes) override {
    if (file_ == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return Status::IOError("write test file");
    }
    return Status::Ok();
  }

 private:
  std::FILE* file_;
};

// Encode `rows` into `path` (and give the encoder's summary); fail the test on any error.
inline void WriteParquet(const std::string& path, const schema::TableSchema& schema,
                         const std::vector<std::vector<TestValue>>& rows,
                         const ParquetOptions& options, FileSummary* summary = nullptr) {
  FileSink sink(path);
  auto encoder = NewParquetEncoder(schema, options, &sink);
  ASSERT_TRUE(encoder.ok()) << encoder.status().ToString();
  Row row;
  for (const std::vector<TestValue>& values : rows) {
    row.Clear();
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      AppendCells(schema.columns[c].type, values[c], &row);
    }
    (*encoder)->Append(row);
  }
  Status status = (*encoder)->Finish();
  ASSERT_TRUE(status.ok()) << status.ToString();
  if (summary != nullptr) *summary = (*encoder)->summary();
  ASSERT_EQ((*encoder)->rows(), rows.size());
}

// True if two reader JSON documents are equal; numbers compare as doubles (JS prints them in
// its own shortest form, C++ in another).
inline bool JsonEquals(const json::Value& a, const json::Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::Kind::kNull:
      return true;
    case json::Kind::kBool:
      return a.bool_value() == b.bool_value();
    case json::Kind::kNumber:
      return a.AsDouble() == b.AsDouble();
    case json::Kind::kString:
      return a.text() == b.text();
    case json::Kind::kArray:
      if (a.items().size() != b.items().size()) return false;
      for (size_t i = 0; i < a.items().size(); ++i) {
        if (!JsonEquals(a.items()[i], b.items()[i])) return false;
      }
      return true;
    case json::Kind::kObject:
      if (a.members().size() != b.members().size()) return false;
      for (size_t i = 0; i < a.members().size(); ++i) {
        if (a.members()[i].first != b.members()[i].first) return false;
        if (!JsonEquals(a.members()[i].second, b.members()[i].second)) return false;
      }
      return true;
  }
  return false;
}

// Return the first differing row, for failure messages.
inline std::string FirstDifference(const json::Value& actual, const json::Value& expected) {
  if (!actual.is_array() || !expected.is_array()) return "not arrays";
  if (actual.items().size() != expected.items().size()) {
    return "row count " + std::to_string(actual.items().size()) + " != expected " +
           std::to_string(expected.items().size());
  }
  for (size_t i = 0; i < actual.items().size(); ++i) {
    if (!JsonEquals(actual.items()[i], expected.items()[i])) {
      return "row " + std::to_string(i) + ":\n  actual   " + json::Serialize(actual.items()[i]) +
             "\n  expected " + json::Serialize(expected.items()[i]);
    }
  }
  return "equal";
}

// A fresh directory under the test temp dir.
inline std::string MakeTempDir(std::string_view name) {
  std::string pattern = ::testing::TempDir() + "parquet_" + std::string(name) + "_XXXXXX";
  char* dir = mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return pattern;
}

// The outcome of reading one file with one reader.
struct ReaderOutput {
  bool ok = false;
  std::string error;
  json::Value value;  // "rows" or "metadata"
};

inline std::string SourceDir() { return DATALAKE_SOURCE_DIR; }

// Return "" if node and the readers' node_modules are available, else why not (tests skip).
inline std::string ReadersUnavailableReason() {
  if (std::system("command -v node >/dev/null 2>&1") != 0) return "node is not on PATH";
  for (const char* module :
       {"@duckdb/node-api", "hyparquet", "hyparquet-compressors", "parquet-wasm", "apache-arrow"}) {
    const std::string dir = SourceDir() + "/node_modules/" + module;
    if (!std::filesystem::exists(dir)) return dir + " is missing (run npm ci)";
  }
  return "";
}

inline std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// Run `command` (a tool printing one JSON document per line) and return its lines parsed; a
// non-zero exit or an unparsable line fails the test.
inline std::vector<json::Value> RunJsonLines(const std::string& command) {
  std::vector<json::Value> out;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return out;
  }
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) text.append(buf, n);
  const int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << command << " exited with " << rc;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = json::Parse(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (!line.ok()) {
      ADD_FAILURE() << "unparsable output of " << command << ": " << line.status().ToString();
      continue;
    }
    out.push_back(std::move(line).value());
  }
  return out;
}

// Run the reader script once over all `files`: one node process, one line of JSON per file.
inline std::map<std::string, ReaderOutput> RunReader(std::string_view reader,
                                                     const std::vector<std::string>& files) {
  std::string command = "node " + ShellQuote(SourceDir() + "/tests/tools/parquet_read.mjs") +
                        " --reader " + std::string(reader);
  for (const std::string& file : files) command += " " + ShellQuote(file);
  std::map<std::string, ReaderOutput> out;
  for (const json::Value& line : RunJsonLines(command)) {
    ReaderOutput result;
    const json::Value* file = line.Find("file");
    if (const json::Value* error = line.Find("error")) {
      result.error = error->text();
    } else if (const json::Value* value = line.Find(reader == "metadata" ? "metadata" : "rows")) {
      result.ok = true;
      result.value = *value;
    }
    if (file != nullptr) out[file->text()] = std::move(result);
  }
  return out;
}

constexpr const char* kRowReaders[] = {"duckdb", "hyparquet", "arrow"};

// Read every file with all three row readers and compare with its expected rows.
inline void ExpectAllReadersAgree(const std::map<std::string, json::Value>& expected) {
  std::vector<std::string> files;
  for (const auto& [file, rows] : expected) files.push_back(file);
  for (const char* reader : kRowReaders) {
    std::map<std::string, ReaderOutput> outputs = RunReader(reader, files);
    for (const auto& [file, rows] : expected) {
      auto it = outputs.find(file);
      if (it == outputs.end()) {
        ADD_FAILURE() << reader << ": no output for " << file;
        continue;
      }
      if (!it->second.ok) {
        ADD_FAILURE() << reader << " failed on " << file << ": " << it->second.error;
        continue;
      }
      EXPECT_TRUE(JsonEquals(it->second.value, rows))
          << reader << " read " << file
          << " differently: " << FirstDifference(it->second.value, rows);
    }
  }
}

}  // namespace datalake::format::testing
