// Fuzz target: the Parquet writer (format::NewParquetEncoder) with schemas, values and writer
// options all chosen by the input (FuzzedDataProvider): nested structs, lists and maps of every
// column type, edge values (int64 and float limits, NaN, -0.0, long and empty strings, NUL
// bytes, decimals at their precision), every codec, dictionary on and off, INT96 timestamps,
// and tiny page, row-group and dictionary limits so that files get many pages and row groups and
// dictionaries fall back to PLAIN mid-chunk.
//
// Every file is re-read with the tests' own decoder (tests/format/parquet_file_checker.h, a
// Thrift compact reader written apart from the writer's serialiser), which checks:
// - the file is PAR1 ... footer PAR1, the footer decodes whole;
// - num_rows equals the rows written, and the row groups' rows add up to it;
// - one column chunk per leaf column in every row group, one column order per leaf, one leaf
//   SchemaElement per leaf;
// - every page header and (decompressed) body, chunk offsets and sizes, encodings and
//   encoding_stats against the pages actually there, dictionary pages first;
// - value counts, null counts and min/max statistics against the values written.
#include <fuzzer/FuzzedDataProvider.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "format/format.h"
#include "format/format_test_util.h"
#include "format/parquet_file_checker.h"
#include "format/parquet_test_util.h"
#include "fuzz_util.h"
#include "schema/schema.h"

namespace datalake::fuzzing {
namespace {

using format::testing::TestValue;
using schema::DataType;
using schema::TypeKind;

// The checker reports with gtest assertions; outside a test, make each failure fatal.
class AbortOnFailure : public ::testing::EmptyTestEventListener {
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    Fail(result.file_name() != nullptr ? result.file_name() : "?", result.line_number(),
         "Parquet file check", result.message());
  }
};

// Microsecond bounds: 0001-01-01 .. 9999-12-31T23:59:59.999999, and the INT96 range readers
// converting to int64 nanoseconds hold (as parquet_random_test.cc).
constexpr int64_t kMinMicros = -62135596800000000;
constexpr int64_t kMaxMicros = 253402300799999999;
constexpr int64_t kMinNanosSafe = -9223285636854775;
constexpr int64_t kMaxNanosSafe = 9223286399999999;

class Generator {
 public:
  explicit Generator(FuzzedDataProvider* p) : p_(*p) {}

  bool Chance(int percent) { return p_.ConsumeIntegralInRange(0, 99) < percent; }
  int Uniform(int lo, int hi) { return p_.ConsumeIntegralInRange(lo, hi); }

  DataType RandomType(int depth) {
    static constexpr TypeKind kScalars[] = {
        TypeKind::kBoolean, TypeKind::kInt64,   TypeKind::kDouble,    TypeKind::kString,
        TypeKind::kJson,    TypeKind::kDecimal, TypeKind::kTimestamp, TypeKind::kTimestampNtz,
        TypeKind::kDate,    TypeKind::kInt8,    TypeKind::kInt16,     TypeKind::kInt32,
        TypeKind::kFloat,   TypeKind::kVarchar, TypeKind::kChar,      TypeKind::kBinary};
    constexpr int kScalarCount = static_cast<int>(std::size(kScalars));
    const int pick = Uniform(0, depth < 3 ? kScalarCount + 2 : kScalarCount - 1);
    if (pick < kScalarCount) {
      DataType t = DataType::Of(kScalars[pick]);
      if (t.kind == TypeKind::kDecimal) {
        t.precision = Uniform(1, 38);
        t.scale = Uniform(0, t.precision);
      }
      if (t.kind == TypeKind::kChar || t.kind == TypeKind::kVarchar) t.length = Uniform(1, 255);
      return t;
    }
    if (pick == kScalarCount) return format::testing::ListOf(RandomType(depth + 1));
    if (pick == kScalarCount + 1) {
      static constexpr TypeKind kKeys[] = {TypeKind::kString, TypeKind::kInt32, TypeKind::kInt64,
                                           TypeKind::kDate, TypeKind::kBoolean};
      DataType t = DataType::Of(TypeKind::kMap);
      t.key = std::make_shared<const DataType>(DataType::Of(kKeys[Uniform(0, 4)]));
      t.element = std::make_shared<const DataType>(RandomType(depth + 1));
      return t;
    }
    std::vector<schema::Field> fields;
    const int n = Uniform(1, 3);
    for (int i = 0; i < n; ++i) {
      fields.push_back(format::testing::FieldOf("f" + std::to_string(i), RandomType(depth + 1)));
    }
    return format::testing::StructOf(std::move(fields));
  }

  TestValue RandomValue(const DataType& type, bool ns_safe) {
    using namespace format::testing;
    if (Chance(15)) return Null();
    switch (type.kind) {
      case TypeKind::kBoolean:
        return Bool(p_.ConsumeBool());
      case TypeKind::kInt64:
        return Int(RandomInt());
      case TypeKind::kInt32:
      case TypeKind::kInt16:
      case TypeKind::kInt8: {
        const schema::IntRange range = schema::IntRangeOf(type.kind);
        return Int(p_.ConsumeIntegralInRange<int64_t>(range.min, range.max));
      }
      case TypeKind::kDouble:
        return Double(RandomDouble());
      case TypeKind::kFloat:
        return Double(static_cast<float>(RandomDouble()));
      case TypeKind::kString:
      case TypeKind::kChar:
      case TypeKind::kVarchar:
      case TypeKind::kJson:
        return Text(RandomString());
      case TypeKind::kBinary:
        return Text(p_.ConsumeRandomLengthString(40));
      case TypeKind::kMap: {
        std::vector<std::pair<TestValue, TestValue>> entries;
        std::vector<std::string> seen;  // keys are distinct and never null
        const int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) {
          TestValue key;
          switch (type.key->kind) {
            case TypeKind::kString:
              key = Text(RandomString());
              break;
            case TypeKind::kBoolean:
              key = Bool(p_.ConsumeBool());
              break;
            case TypeKind::kDate:
              key = Int(p_.ConsumeIntegralInRange<int64_t>(-719162, 2932896));
              break;
            default:
              key = Int(type.key->kind == TypeKind::kInt32 ? Uniform(-5, 5) : RandomInt());
          }
          const std::string id = key.kind == TestValue::Kind::kText   ? "s" + key.s
                                 : key.kind == TestValue::Kind::kBool ? (key.b ? "t" : "f")
                                                                      : std::to_string(key.i);
          if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
          seen.push_back(id);
          entries.emplace_back(std::move(key), RandomValue(*type.element, ns_safe));
        }
        return Entries(std::move(entries));
      }
      case TypeKind::kDecimal:
        return Text(RandomDecimal(type.precision, type.scale));
      case TypeKind::kTimestamp:
      case TypeKind::kTimestampNtz:
        if (Chance(30)) return Int(Uniform(-5, 5));
        return ns_safe ? Int(p_.ConsumeIntegralInRange(kMinNanosSafe, kMaxNanosSafe))
                       : Int(p_.ConsumeIntegralInRange(kMinMicros, kMaxMicros));
      case TypeKind::kDate:
        return Int(Chance(30) ? Uniform(-3, 3)
                              : p_.ConsumeIntegralInRange<int64_t>(-719162, 2932896));
      case TypeKind::kStruct: {
        std::vector<TestValue> fields;
        for (const schema::Field& f : type.fields) fields.push_back(RandomValue(f.type, ns_safe));
        return Items(std::move(fields));
      }
      case TypeKind::kList: {
        std::vector<TestValue> items;
        const int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) items.push_back(RandomValue(*type.element, ns_safe));
        return Items(std::move(items));
      }
    }
    return Null();
  }

  format::ParquetOptions RandomOptions() {
    format::ParquetOptions o;
    // gzip and zstd set up a compressor per page: with tiny pages and ASan's allocator that
    // costs most of the time, so they come less often.
    static constexpr format::Compression kCodecs[] = {
        format::Compression::kUncompressed, format::Compression::kSnappy,
        format::Compression::kUncompressed, format::Compression::kSnappy,
        format::Compression::kGzip,         format::Compression::kZstd};
    o.compression = kCodecs[Uniform(0, std::size(kCodecs) - 1)];
    o.dictionary = Chance(70);
    o.timestamp_int96 = Chance(25);
    o.page_rows = static_cast<size_t>(Uniform(1, 8));
    o.page_bytes = static_cast<size_t>(Uniform(16, 4096));
    o.row_group_rows = static_cast<uint64_t>(Uniform(1, 40));
    o.row_group_bytes = static_cast<uint64_t>(Uniform(100, 60000));
    o.dictionary_page_limit_bytes = static_cast<size_t>(Uniform(8, 1500));
    o.gzip_level = 1;
    o.zstd_level = 1;
    return o;
  }

 private:
  int64_t RandomInt() {
    switch (Uniform(0, 3)) {
      case 0:
        return p_.ConsumeBool() ? std::numeric_limits<int64_t>::min()
                                : std::numeric_limits<int64_t>::max();
      case 1:
        return Uniform(-3, 3);  // repeats: dictionary-friendly
      default:
        return p_.ConsumeIntegral<int64_t>();
    }
  }

  double RandomDouble() {
    static constexpr double kSpecial[] = {0.0,
                                          -0.0,
                                          1.5,
                                          -2.25,
                                          5e-324,
                                          1.7976931348623157e308,
                                          std::numeric_limits<double>::infinity(),
                                          -std::numeric_limits<double>::infinity(),
                                          std::numeric_limits<double>::quiet_NaN(),
                                          -std::numeric_limits<double>::quiet_NaN()};
    if (Chance(40)) return kSpecial[Uniform(0, std::size(kSpecial) - 1)];
    if (Chance(50)) return Uniform(-3, 3);
    return p_.ConsumeFloatingPoint<double>();
  }

  std::string RandomString() {
    static const char* kPieces[] = {
        "a",  "b",  "Z",  " ",    "\xc3\xa9", "\xe4\xb8\x96", "\xf0\x9f\x98\x80",
        "\"", "\\", "\n", "\x01", "0"};
    constexpr int kPieceCount = static_cast<int>(std::size(kPieces));
    if (Chance(2)) return std::string(static_cast<size_t>(Uniform(4090, 4200)), 'q');
    std::string s;
    const int n = Uniform(0, 12);
    for (int i = 0; i < n; ++i) {
      const int piece = Uniform(0, kPieceCount);  // kPieceCount: a NUL byte
      if (piece == kPieceCount) {
        s.push_back('\0');
      } else {
        s += kPieces[piece];
      }
    }
    return s;
  }

  // Canonical decimal text with at most precision - scale integer and scale fraction digits.
  std::string RandomDecimal(int precision, int scale) {
    auto digits = [&](int n) {
      std::string d;
      for (int i = 0; i < n; ++i) d.push_back(static_cast<char>('0' + Uniform(0, 9)));
      return d;
    };
    const int int_max = precision - scale;
    std::string int_part = digits(Chance(30) ? int_max : Uniform(0, int_max));
    std::string frac = digits(Chance(30) ? scale : Uniform(0, scale));
    while (!int_part.empty() && int_part[0] == '0') int_part.erase(0, 1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    std::string text = int_part.empty() ? "0" : int_part;
    if (!frac.empty()) text += "." + frac;
    if (text != "0" && p_.ConsumeBool()) text.insert(0, "-");
    return text;
  }

  FuzzedDataProvider& p_;
};

class StringSink : public format::Sink {
 public:
  Status Write(std::string_view bytes) override {
    out.append(bytes);
    return Status::Ok();
  }
  std::string out;
};

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::testing::UnitTest::GetInstance()->listeners().Append(new datalake::fuzzing::AbortOnFailure);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace datalake;
  using namespace datalake::fuzzing;
  FuzzedDataProvider provider(data, size);
  Generator g(&provider);
  const format::ParquetOptions options = g.RandomOptions();
  std::vector<schema::Field> columns;
  const int ncols = g.Uniform(1, 5);
  for (int i = 0; i < ncols; ++i) {
    columns.push_back(format::testing::FieldOf("c" + std::to_string(i), g.RandomType(0)));
  }
  const schema::TableSchema schema = format::testing::SchemaOf(std::move(columns));
  std::vector<std::vector<format::testing::TestValue>> rows(static_cast<size_t>(g.Uniform(0, 45)));
  for (auto& row : rows) {
    for (const schema::Field& f : schema.columns) {
      row.push_back(g.RandomValue(f.type, options.timestamp_int96));
    }
  }

  StringSink sink;
  auto encoder = format::NewParquetEncoder(schema, options, &sink);
  FUZZ_CHECK(encoder.ok(), encoder.status().ToString());
  format::Row row;
  for (const auto& values : rows) {
    row.Clear();
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      format::testing::AppendCells(schema.columns[c].type, values[c], &row);
    }
    (*encoder)->Append(row);
  }
  const Status finished = (*encoder)->Finish();
  FUZZ_CHECK(finished.ok(), finished.ToString());
  FUZZ_CHECK((*encoder)->rows() == rows.size(), std::to_string((*encoder)->rows()));

  format::testing::CheckParquetBytes(sink.out, schema, rows, options);
  // One leaf SchemaElement (no num_children) per leaf column.
  const format::testing::ThriftValue meta = format::testing::DecodeFooter(sink.out);
  std::vector<format::testing::LeafInfo> leaves;
  for (const schema::Field& f : schema.columns) format::testing::CollectLeaves(f.type, &leaves);
  size_t leaf_elements = 0;
  for (const auto& element : meta.At(2).items) leaf_elements += element.Has(5) ? 0 : 1;
  FUZZ_CHECK(leaf_elements == leaves.size(), std::to_string(leaf_elements) + " leaf elements, " +
                                                 std::to_string(leaves.size()) + " leaves");
  return 0;
}
