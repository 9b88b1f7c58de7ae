// Parquet encode throughput, one thread (so MB/s is per core): int64, double, short strings,
// nested list<struct<int64, string>> columns and a 10-column "users" table shaped like the
// end-to-end benchmark input (unique id/email, low-cardinality strings, a constant column, a
// list and a struct), uncompressed and with each codec. Input bytes
// are the values' raw sizes (8 per number, the string bytes), as Arrow's writer benchmarks
// count them; rows are built once, outside the timed loop. The encoder writes to a sink that
// only counts, so the figures are encoding + statistics + compression.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "format/format.h"
#include "format/row.h"
#include "schema/schema.h"

namespace datalake::format {
namespace {

using schema::DataType;
using schema::TypeKind;

constexpr int kRows = 200'000;

class CountingSink : public Sink {
 public:
  Status Write(std::string_view bytes) override {
    bytes_ += bytes.size();
    return Status::Ok();
  }
  uint64_t bytes_ = 0;
};

enum class Data { kInt64, kDouble, kShortString, kNested, kUsers };

struct Dataset {
  schema::TableSchema schema;
  std::vector<Row> rows;
  int64_t input_bytes = 0;
};

schema::Field Column(const char* name, DataType type) {
  return schema::Field{name, name, std::move(type)};
}

std::string ShortString(std::mt19937_64& rng) {
  const int id = static_cast<int>(rng() % 10000);  // 10,000 distinct values: dictionary-friendly
  return "user-" + std::to_string(id) + std::string(static_cast<size_t>(id % 12), 'x');
}

DataType Type(TypeKind kind) { return DataType::Of(kind); }

schema::TableSchema UsersSchema() {
  DataType tags = Type(TypeKind::kList);
  tags.element = std::make_shared<const DataType>(Type(TypeKind::kString));
  DataType address = Type(TypeKind::kStruct);
  address.fields = {Column("street", Type(TypeKind::kString)),
                    Column("city", Type(TypeKind::kString)), Column("zip", Type(TypeKind::kString)),
                    Column("country", Type(TypeKind::kString))};
  schema::TableSchema schema;
  schema.columns = {Column("id", Type(TypeKind::kInt64)),
                    Column("name", Type(TypeKind::kString)),
                    Column("email", Type(TypeKind::kString)),
                    Column("age", Type(TypeKind::kInt64)),
                    Column("score", Type(TypeKind::kDouble)),
                    Column("active", Type(TypeKind::kBoolean)),
                    Column("created_at", Type(TypeKind::kTimestamp)),
                    Column("tags", std::move(tags)),
                    Column("address", std::move(address)),
                    Column("bio", Type(TypeKind::kString))};
  return schema;
}

// One row of the "users" table; input_bytes counts 8 per number and the string bytes.
void AppendUser(int64_t i, Row* row, int64_t* input_bytes) {
  static const char* const kWords[] = {"lorem",  "ipsum", "dolor",  "amet",   "elit",
                                       "tempor", "magna", "labore", "fugiat", "nulla"};
  static const char* const kCities[] = {"Springfield",   "Shelbyville",
                                        "Ogdenville",    "North Haverbrook",
                                        "Capital City",  "Brockway",
                                        "Cypress Creek", "Waverly Hills",
                                        "Dunkilderry",   "Little Pwagmattasquarmsettport"};
  static const std::string kLorem =
      "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
      "ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation "
      "ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute irure dolor in "
      "reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur "
      "lorem ipsum dolor sit amet consectetur adipi";  // 329 characters, then wraps
  auto text = [&](const std::string& s) {
    row->AppendString(s);
    *input_bytes += static_cast<int64_t>(s.size());
  };
  row->AppendInt64(i);
  text(std::string(kWords[i % 10]) + " " + kWords[(i / 10) % 5]);
  text("u" + std::to_string(i) + "@example.com");
  row->AppendInt64(18 + i % 70);
  row->AppendDouble(static_cast<double>((i * 73) % 81400) / 100.0);
  row->AppendBool(i % 3 != 0);
  row->AppendTimestamp(1'704'067'200'000'000 + (i % 997) * 7'007'919);
  const size_t list = row->BeginList();
  const auto n = static_cast<uint32_t>(1 + i % 3);
  for (uint32_t j = 0; j < n; ++j) text("tag" + std::to_string((i + j * 7) % 10));
  row->EndList(list, n);
  row->AppendStruct();
  text(std::to_string(i % 997) + " Main St");
  text(kCities[i % 10]);
  text(std::to_string(10000 + (i % 997) * 13 % 9000));
  text("US");
  text(kLorem.substr(static_cast<size_t>(i * 37 % 329), 44));
  *input_bytes += 8 * 4 + 1;
}

Dataset Build(Data data) {
  Dataset d;
  if (data == Data::kUsers) {
    d.schema = UsersSchema();
    d.rows.resize(kRows);
    for (size_t i = 0; i < d.rows.size(); ++i) {
      AppendUser(static_cast<int64_t>(i), &d.rows[i], &d.input_bytes);
    }
    return d;
  }
  std::mt19937_64 rng(42);
  DataType type = DataType::Of(TypeKind::kInt64);
  if (data == Data::kDouble) type = DataType::Of(TypeKind::kDouble);
  if (data == Data::kShortString) type = DataType::Of(TypeKind::kString);
  if (data == Data::kNested) {
    DataType element = DataType::Of(TypeKind::kStruct);
    element.fields = {Column("a", DataType::Of(TypeKind::kInt64)),
                      Column("b", DataType::Of(TypeKind::kString))};
    type = DataType::Of(TypeKind::kList);
    type.element = std::make_shared<const DataType>(std::move(element));
  }
  d.schema.columns = {Column("c", type)};
  d.rows.resize(kRows);
  for (Row& row : d.rows) {
    switch (data) {
      case Data::kInt64:
        row.AppendInt64(static_cast<int64_t>(rng()));
        d.input_bytes += 8;
        break;
      case Data::kDouble:
        row.AppendDouble(std::uniform_real_distribution<double>(-1e9, 1e9)(rng));
        d.input_bytes += 8;
        break;
      case Data::kShortString: {
        const std::string s = ShortString(rng);
        row.AppendString(s);
        d.input_bytes += static_cast<int64_t>(s.size());
        break;
      }
      case Data::kNested: {
        const size_t list = row.BeginList();
        const auto n = static_cast<uint32_t>(rng() % 5);
        for (uint32_t i = 0; i < n; ++i) {
          row.AppendStruct();
          row.AppendInt64(static_cast<int64_t>(rng() % 100000));
          const std::string s = ShortString(rng);
          row.AppendString(s);
          d.input_bytes += 8 + static_cast<int64_t>(s.size());
        }
        row.EndList(list, n);
        break;
      }
      case Data::kUsers:
        break;  // built above
    }
  }
  return d;
}

void BM_ParquetEncode(benchmark::State& state, Data data, Compression compression) {
  static const Dataset* datasets[5] = {};
  const Dataset*& dataset = datasets[static_cast<int>(data)];
  if (dataset == nullptr) dataset = new Dataset(Build(data));
  ParquetOptions options;
  options.compression = compression;
  uint64_t file_bytes = 0;
  for (auto _ : state) {
    CountingSink sink;
    auto encoder = NewParquetEncoder(dataset->schema, options, &sink);
    if (!encoder.ok()) {
      state.SkipWithError(encoder.status().ToString().c_str());
      return;
    }
    for (const Row& row : dataset->rows) (*encoder)->Append(row);
    if (!(*encoder)->Finish().ok()) state.SkipWithError("finish failed");
    file_bytes = sink.bytes_;
  }
  state.SetBytesProcessed(state.iterations() * dataset->input_bytes);
  state.counters["file_MB"] = static_cast<double>(file_bytes) / 1e6;
  state.counters["ratio"] =
      static_cast<double>(dataset->input_bytes) / static_cast<double>(file_bytes);
}

#define PARQUET_BENCH(name, data)                                                            \
  BENCHMARK_CAPTURE(BM_ParquetEncode, name##_uncompressed, data, Compression::kUncompressed) \
      ->Unit(benchmark::kMillisecond);                                                       \
  BENCHMARK_CAPTURE(BM_ParquetEncode, name##_snappy, data, Compression::kSnappy)             \
      ->Unit(benchmark::kMillisecond);                                                       \
  BENCHMARK_CAPTURE(BM_ParquetEncode, name##_gzip, data, Compression::kGzip)                 \
      ->Unit(benchmark::kMillisecond);                                                       \
  BENCHMARK_CAPTURE(BM_ParquetEncode, name##_zstd, data, Compression::kZstd)                 \
      ->Unit(benchmark::kMillisecond)

PARQUET_BENCH(int64, Data::kInt64);
PARQUET_BENCH(double, Data::kDouble);
PARQUET_BENCH(short_string, Data::kShortString);
PARQUET_BENCH(nested_list_struct, Data::kNested);
PARQUET_BENCH(users, Data::kUsers);

}  // namespace
}  // namespace datalake::format

BENCHMARK_MAIN();
