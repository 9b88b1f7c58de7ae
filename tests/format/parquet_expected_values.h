// Test-only: what a Parquet file should say about the rows it was written from: each leaf's
// slots by reference shredding (docs/FORMATS.md#definition-and-repetition-levels), and expected
// min/max in each type's sort order (docs/FORMATS.md#statistics), for parquet_file_checker.h.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/parquet/value_conversion.h"
#include "format/parquet_test_util.h"
#include "schema/schema.h"

namespace datalake::format::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The leaves of a column type in schema order, with what the checker needs of each.
struct LeafInfo {
  schema::TypeKind kind;
  int precision = 0, scale = 0;
};

inline void CollectLeaves(const schema::DataType& type, std::vector<LeafInfo>* out) {
  if (type.kind == schema::TypeKind::kStruct) {
    for (const schema::Field& f : type.fields) CollectLeaves(f.type, out);
  } else if (type.kind == schema::TypeKind::kList) {
    CollectLeaves(*type.element, out);
  } else if (type.kind == schema::TypeKind::kMap) {
    CollectLeaves(*type.key, out);
    CollectLeaves(*type.element, out);
  } else {
    out->push_back({type.kind, type.precision, type.scale});
  }
}

inline size_t LeafCount(const schema::DataType& type) {
  std::vector<LeafInfo> leaves;
  CollectLeaves(type, &leaves);
  return leaves.size();
}

// Reference shredding: each leaf's slots for one value; nullptr = a slot without a value.
inline void LeafSlots(const schema::DataType& type, const TestValue& value, size_t first_leaf,
                      std::vector<std::vector<const TestValue*>>* slots) {
  const size_t leaves = LeafCount(type);
  auto nulls = [&] {
    for (size_t l = 0; l < leaves; ++l) (*slots)[first_leaf + l].push_back(nullptr);
  };
  if (value.kind == TestValue::Kind::kNull) return nulls();
  if (type.kind == schema::TypeKind::kStruct) {
    size_t leaf = first_leaf;
    for (size_t f = 0; f < type.fields.size(); ++f) {
      LeafSlots(type.fields[f].type, value.items[f], leaf, slots);
      leaf += LeafCount(type.fields[f].type);
    }
  } else if (type.kind == schema::TypeKind::kList) {
    if (value.items.empty()) return nulls();
    for (const TestValue& item : value.items) LeafSlots(*type.element, item, first_leaf, slots);
  } else if (type.kind == schema::TypeKind::kMap) {
    if (value.items.empty()) return nulls();
    const size_t value_leaf = first_leaf + LeafCount(*type.key);
    for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
      LeafSlots(*type.key, value.items[i], first_leaf, slots);
      LeafSlots(*type.element, value.items[i + 1], value_leaf, slots);
    }
  } else {
    (*slots)[first_leaf].push_back(&value);
  }
}

// Decode PLAIN statistics bytes of a leaf into a comparable double/int/string triple.
struct StatValue {
  int64_t i = 0;
  double d = 0;
  parquet::Int128 dec = 0;
  std::string s;
};

inline StatValue DecodeStat(const LeafInfo& leaf, const std::string& bytes, bool int96) {
  StatValue v;
  using schema::TypeKind;
  switch (leaf.kind) {
    case TypeKind::kBoolean:
      EXPECT_EQ(bytes.size(), 1u);
      v.i = bytes.empty() ? 0 : bytes[0];
      break;
    case TypeKind::kDate:
    case TypeKind::kInt32:
    case TypeKind::kInt16:
    case TypeKind::kInt8: {
      EXPECT_EQ(bytes.size(), 4u);
      int32_t x = 0;
      std::memcpy(&x, bytes.data(), std::min<size_t>(4, bytes.size()));
      v.i = x;
      break;
    }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz:
      EXPECT_FALSE(int96) << "INT96 columns must have no min/max";
      [[fallthrough]];
    case TypeKind::kInt64:
      EXPECT_EQ(bytes.size(), 8u);
      std::memcpy(&v.i, bytes.data(), std::min<size_t>(8, bytes.size()));
      break;
    case TypeKind::kDouble:
      EXPECT_EQ(bytes.size(), 8u);
      std::memcpy(&v.d, bytes.data(), std::min<size_t>(8, bytes.size()));
      break;
    case TypeKind::kFloat: {
      EXPECT_EQ(bytes.size(), 4u);
      float f = 0;
      std::memcpy(&f, bytes.data(), std::min<size_t>(4, bytes.size()));
      v.d = f;
      break;
    }
    case TypeKind::kDecimal: {
      EXPECT_EQ(static_cast<int>(bytes.size()), parquet::DecimalByteLength(leaf.precision));
      unsigned __int128 u = 0;
      for (char c : bytes) u = (u << 8) | static_cast<uint8_t>(c);
      const int bits = 8 * static_cast<int>(bytes.size());
      if (bits < 128 && !bytes.empty() && (bytes[0] & 0x80))
        u -= static_cast<unsigned __int128>(1) << bits;
      v.dec = static_cast<parquet::Int128>(u);
      break;
    }
    default:
      v.s = bytes;
  }
  return v;
}

// Expected min/max of a leaf's values in the type's sort order; nullopt when none must be
// written (no values, NaN present, INT96, over-long strings).
inline std::optional<std::pair<StatValue, StatValue>> ExpectedMinMax(
    const LeafInfo& leaf, const std::vector<const TestValue*>& values, bool int96) {
  using schema::TypeKind;
  std::optional<std::pair<StatValue, StatValue>> out;
  const bool timestamp = leaf.kind == TypeKind::kTimestamp || leaf.kind == TypeKind::kTimestampNtz;
  if (timestamp && int96) return std::nullopt;
  for (const TestValue* v : values) {
    if (v == nullptr) continue;
    StatValue s;
    switch (leaf.kind) {
      case TypeKind::kBoolean:
        s.i = v->b;
        break;
      case TypeKind::kDouble:
        if (std::isnan(v->d)) return std::nullopt;
        s.d = v->d;
        break;
      case TypeKind::kFloat:
        if (std::isnan(v->d)) return std::nullopt;
        s.d = static_cast<float>(v->d);
        break;
      case TypeKind::kString:
      case TypeKind::kChar:
      case TypeKind::kVarchar:
      case TypeKind::kBinary:
      case TypeKind::kJson:
        s.s = v->s;
        break;
      case TypeKind::kDecimal:
        EXPECT_TRUE(parquet::ParseDecimal(v->s, leaf.precision, leaf.scale, &s.dec));
        break;
      default:
        s.i = v->i;
    }
    if (!out) {
      out.emplace(s, s);
      continue;
    }
    auto less = [&](const StatValue& a, const StatValue& b) {
      switch (leaf.kind) {
        case TypeKind::kDouble:
        case TypeKind::kFloat:
          return a.d < b.d;
        case TypeKind::kString:
        case TypeKind::kChar:
        case TypeKind::kVarchar:
        case TypeKind::kBinary:
        case TypeKind::kJson:
          return std::string_view(a.s) < std::string_view(b.s);
        case TypeKind::kDecimal:
          return a.dec < b.dec;
        default:
          return a.i < b.i;
      }
    };
    if (less(s, out->first)) out->first = s;
    if (less(out->second, s)) out->second = s;
  }
  if (out && out->first.s.size() > 4096) return std::nullopt;
  if (out && out->second.s.size() > 4096) return std::nullopt;
  return out;
}

}  // namespace datalake::format::testing
