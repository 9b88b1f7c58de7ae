// Fuzz target: the Avro object container reader (format/avro.h) and the Iceberg manifest and
// manifest list readers over it (iceberg/iceberg.h), which read files other writers made.
//
// Each input is used twice:
// 1. as a file, read whole. Invariants: no crash, no hang; a failure is kInvalidInput; the
//    manifest readers fail or succeed without crashing on the same bytes.
// 2. as the choices (FuzzedDataProvider) for records of a fixed schema with every kind the
//    reader decodes (union, long, double, string, bytes, array of records, map, enum, fixed),
//    written by ContainerWriter in either codec. Invariant: the reader returns exactly the
//    records written.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/avro.h"
#include "fuzz_util.h"
#include "iceberg/iceberg.h"

namespace datalake::fuzzing {
namespace {

using format::avro::Codec;
using format::avro::ContainerReader;
using format::avro::ContainerWriter;
using format::avro::Encoder;
using format::avro::Value;

constexpr char kSchema[] =
    R"({"type":"record","name":"r","fields":[)"
    R"({"name":"u","type":["null","long"],"field-id":1},)"
    R"({"name":"d","type":"double","field-id":2},)"
    R"({"name":"s","type":"string","field-id":3},)"
    R"({"name":"b","type":"bytes","field-id":4},)"
    R"({"name":"a","type":{"type":"array","items":{"type":"record","name":"kv","fields":[)"
    R"({"name":"key","type":"int","field-id":5},{"name":"value","type":"long","field-id":6}]}},)"
    R"("field-id":7},)"
    R"({"name":"m","type":{"type":"map","values":"string"},"field-id":8},)"
    R"({"name":"e","type":{"type":"enum","name":"en","symbols":["x","y","z"]},"field-id":9},)"
    R"({"name":"f","type":{"type":"fixed","name":"f3","size":3},"field-id":10}]})";

struct Record {
  std::optional<int64_t> u;
  double d = 0;
  std::string s, b;
  std::vector<std::pair<int32_t, int64_t>> a;
  std::vector<std::pair<std::string, std::string>> m;
  int64_t e = 0;
  std::string f;
};

void CheckRaw(std::string_view bytes) {
  auto reader = ContainerReader::Open(bytes);
  if (reader.ok()) {
    Value v;
    for (int n = 0; n < 100000; ++n) {
      Result<bool> more = (*reader)->Next(&v);
      if (!more.ok()) {
        FUZZ_CHECK(more.status().code() == StatusCode::kInvalidInput, more.status().ToString());
        break;
      }
      if (!*more) break;
    }
  } else {
    FUZZ_CHECK(reader.status().code() == StatusCode::kInvalidInput, reader.status().ToString());
  }
  (void)iceberg::ReadManifestList(bytes);
  (void)iceberg::ReadManifest(bytes, iceberg::ManifestFile{});
}

void CheckRoundTrip(FuzzedDataProvider* in) {
  const Codec codec = in->ConsumeBool() ? Codec::kDeflate : Codec::kNull;
  ContainerWriter writer(kSchema, {{"k", in->ConsumeRandomLengthString(16)}}, codec, {});
  std::vector<Record> records(in->ConsumeIntegralInRange<size_t>(0, 40));
  for (Record& r : records) {
    if (in->ConsumeBool()) r.u = in->ConsumeIntegral<int64_t>();
    r.d = in->ConsumeFloatingPoint<double>();
    r.s = in->ConsumeRandomLengthString(40);
    r.b = in->ConsumeRandomLengthString(40);
    r.a.resize(in->ConsumeIntegralInRange<size_t>(0, 5));
    for (auto& [k, v] : r.a) {
      k = in->ConsumeIntegral<int32_t>();
      v = in->ConsumeIntegral<int64_t>();
    }
    r.m.resize(in->ConsumeIntegralInRange<size_t>(0, 3));
    for (auto& [k, v] : r.m) {
      k = in->ConsumeRandomLengthString(8);
      v = in->ConsumeRandomLengthString(8);
    }
    r.e = in->ConsumeIntegralInRange<int64_t>(0, 2);
    r.f = in->ConsumeBytesAsString(3);
    r.f.resize(3);
    Encoder e(writer.record());
    if (r.u) {
      e.Branch(1);
      e.Long(*r.u);
    } else {
      e.Branch(0);
    }
    e.Double(r.d);
    e.String(r.s);
    e.Bytes(r.b);
    e.Block(static_cast<int64_t>(r.a.size()));
    for (const auto& [k, v] : r.a) {
      e.Int(k);
      e.Long(v);
    }
    e.End();
    e.Block(static_cast<int64_t>(r.m.size()));
    for (const auto& [k, v] : r.m) {
      e.String(k);
      e.String(v);
    }
    e.End();
    e.Long(r.e);
    writer.record()->append(r.f);
    writer.EndRecord();
  }
  Result<std::string> file = writer.Finish();
  FUZZ_CHECK(file.ok(), file.status().ToString());
  auto reader = ContainerReader::Open(*file);
  FUZZ_CHECK(reader.ok(), reader.status().ToString());
  Value v;
  for (const Record& r : records) {
    Result<bool> more = (*reader)->Next(&v);
    FUZZ_CHECK(more.ok() && *more, more.ok() ? "ended early" : more.status().ToString());
    const Value* u = v.FieldById(1);
    FUZZ_CHECK(u != nullptr && u->is_null() == !r.u.has_value(), "union branch");
    if (r.u) FUZZ_CHECK(u->i == *r.u, "long");
    const double d = v.FieldById(2)->d;
    FUZZ_CHECK(std::memcmp(&d, &r.d, sizeof(d)) == 0, "double bits");
    FUZZ_CHECK(v.FieldById(3)->s == r.s, "string");
    FUZZ_CHECK(v.FieldById(4)->s == r.b, "bytes");
    const Value* a = v.FieldById(7);
    FUZZ_CHECK(a->items.size() == r.a.size(), "array size");
    for (size_t k = 0; k < r.a.size(); ++k) {
      FUZZ_CHECK(a->items[k].FieldById(5)->i == r.a[k].first, "array key");
      FUZZ_CHECK(a->items[k].FieldById(6)->i == r.a[k].second, "array value");
    }
    const Value* m = v.FieldById(8);
    FUZZ_CHECK(m->keys.size() == r.m.size() && m->items.size() == r.m.size(), "map size");
    for (size_t k = 0; k < r.m.size(); ++k) {
      FUZZ_CHECK(m->keys[k] == r.m[k].first && m->items[k].s == r.m[k].second, "map entry");
    }
    FUZZ_CHECK(v.FieldById(9)->i == r.e, "enum");
    FUZZ_CHECK(v.FieldById(10)->s == r.f, "fixed");
  }
  Result<bool> more = (*reader)->Next(&v);
  FUZZ_CHECK(more.ok() && !*more, "records past the end");
}

}  // namespace
}  // namespace datalake::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  datalake::fuzzing::CheckRaw(bytes);
  FuzzedDataProvider in(data, size);
  datalake::fuzzing::CheckRoundTrip(&in);
  return 0;
}
