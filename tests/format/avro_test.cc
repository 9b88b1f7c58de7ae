// The Avro encoder against the specification's examples, and object container files read back
// by Debian's python3-avro (an independent implementation): records of every shape Iceberg's
// manifests use, the writer's schema text and metadata kept verbatim, both codecs, many blocks.
#include "format/avro.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "format/avro_test_util.h"
#include "format/parquet_test_util.h"
#include "json/json.h"

namespace datalake::format::avro {
namespace {

std::string Encoded(void (*write)(Encoder*)) {
  std::string out;
  Encoder encoder(&out);
  write(&encoder);
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

TEST(AvroEncoderTest, MatchesTheSpecificationsExamples) {
  // Zig-zag varints (spec "Binary Encoding": 0, -1, 1, -2, 2, ..., -64, 64).
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(0); })), "00");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(-1); })), "01");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(1); })), "02");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(-2); })), "03");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(-64); })), "7f");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(64); })), "8001");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Int(std::numeric_limits<int32_t>::max()); })),
            "feffffff0f");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Long(std::numeric_limits<int64_t>::min()); })),
            "ffffffffffffffffff01");
  // The string "foo"; a union ["null","string"] holding "a"; an array of 3 and 27 as one block.
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->String("foo"); })), "06666f6f");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) {
              e->Branch(1);
              e->String("a");
            })),
            "020261");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) {
              e->Block(2);
              e->Long(3);
              e->Long(27);
              e->End();
            })),
            "04063600");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Double(1.0); })), "000000000000f03f");
  EXPECT_EQ(Hex(Encoded([](Encoder* e) { e->Boolean(true); })), "01");
}

// A record shaped like the parts of an Iceberg manifest entry: field ids in the schema text.
constexpr char kSchema[] =
    R"({"type":"record","name":"entry","fields":[)"
    R"({"name":"status","type":"int","field-id":0},)"
    R"({"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1},)"
    R"({"name":"path","type":"string","field-id":100},)"
    R"({"name":"sizes","type":{"type":"array","items":{"type":"record",)"
    R"("name":"k117_v118","fields":[{"name":"key","type":"int","field-id":117},)"
    R"({"name":"value","type":"long","field-id":118}]},"logicalType":"map"},)"
    R"("field-id":108},)"
    R"({"name":"bound","type":["null","bytes"],"default":null,"field-id":125},)"
    R"({"name":"ratio","type":"double","field-id":7},)"
    R"({"name":"props","type":{"type":"map","values":"string"},"field-id":8}]})";

void EncodeEntry(int64_t i, std::string* out) {
  Encoder e(out);
  e.Int(static_cast<int32_t>(i % 3));
  if (i % 4 == 0) {
    e.Branch(0);
  } else {
    e.Branch(1);
    e.Long(i * 1'000'000'007);
  }
  e.String("s3://bucket/db/t/data/file-" + std::to_string(i) + ".parquet");
  e.Block(i % 3);  // i % 3 map entries, key k -> value k * i
  for (int64_t k = 0; k < i % 3; ++k) {
    e.Int(static_cast<int32_t>(k + 1));
    e.Long((k + 1) * i);
  }
  e.End();
  if (i % 5 == 0) {
    e.Branch(0);
  } else {
    e.Branch(1);
    e.Bytes(std::string("\x00\xff", 2) + std::to_string(i));
  }
  e.Double(static_cast<double>(i) / 8);
  e.Block(1);
  e.String("key");
  e.String("v" + std::to_string(i));
  e.End();
}

int64_t AsInt(const json::Value* v) { return v == nullptr ? -1 : v->AsInt64().value_or(-2); }

TEST(AvroContainerTest, Python3AvroReadsEveryRecordAndTheHeaderVerbatim) {
  const std::string reason = format::testing::AvroReaderUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  const std::string dir = format::testing::MakeTempDir("avro");
  std::array<uint8_t, 16> sync{};
  for (size_t i = 0; i < sync.size(); ++i) sync[i] = static_cast<uint8_t>(i * 37 + 11);
  struct Case {
    std::string name;
    Codec codec;
    int64_t records;
  };
  // 20,000 records of ~80 bytes: two 1 MiB blocks.
  const std::vector<Case> cases = {{"deflate", Codec::kDeflate, 20000},
                                   {"null", Codec::kNull, 20000},
                                   {"one", Codec::kDeflate, 1},
                                   {"empty", Codec::kDeflate, 0}};
  std::vector<std::string> files;
  for (const Case& c : cases) {
    ContainerWriter writer(kSchema, {{"format-version", "2"}, {"content", "data"}}, c.codec, sync);
    for (int64_t i = 0; i < c.records; ++i) {
      EncodeEntry(i, writer.record());
      writer.EndRecord();
    }
    EXPECT_EQ(writer.records(), static_cast<uint64_t>(c.records));
    auto bytes = writer.Finish();
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    if (c.name == "null") {
      // The header's marker, then one after each block.
      size_t markers = 0;
      const std::string marker(sync.begin(), sync.end());
      for (size_t at = bytes->find(marker); at != std::string::npos;
           at = bytes->find(marker, at + 1)) {
        ++markers;
      }
      EXPECT_EQ(markers, 3u);
    }
    if (c.name == "deflate") {
      // Blocks are compressed: far smaller than the same records uncompressed.
      EXPECT_LT(bytes->size(), static_cast<size_t>(c.records) * 40);
    }
    const std::string path = dir + "/" + c.name + ".avro";
    std::ofstream(path, std::ios::binary) << *bytes;
    files.push_back(path);
  }
  std::map<std::string, json::Value> read = format::testing::ReadAvro(files);
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].name);
    const json::Value& out = read[files[k]];
    ASSERT_EQ(out.Find("error"), nullptr) << out.Find("error")->text();
    const json::Value* meta = out.Find("meta");
    ASSERT_NE(meta, nullptr);
    EXPECT_EQ(meta->Find("avro.schema")->text(), kSchema);
    // Deflate where asked, but for files too small to gain from it (one record, none).
    const bool deflated = cases[k].codec == Codec::kDeflate && cases[k].records > 100;
    EXPECT_EQ(meta->Find("avro.codec")->text(), deflated ? "deflate" : "null");
    EXPECT_EQ(meta->Find("format-version")->text(), "2");
    EXPECT_EQ(meta->Find("content")->text(), "data");
    const json::Value* records = out.Find("records");
    ASSERT_NE(records, nullptr);
    ASSERT_EQ(records->items().size(), static_cast<size_t>(cases[k].records));
    for (int64_t i = 0; i < cases[k].records; i += 397) {
      const json::Value& r = records->items()[static_cast<size_t>(i)];
      EXPECT_EQ(AsInt(r.Find("status")), i % 3) << i;
      if (i % 4 == 0) {
        EXPECT_TRUE(r.Find("snapshot_id")->is_null()) << i;
      } else {
        EXPECT_EQ(AsInt(r.Find("snapshot_id")), i * 1'000'000'007) << i;
      }
      EXPECT_EQ(r.Find("path")->text(),
                "s3://bucket/db/t/data/file-" + std::to_string(i) + ".parquet");
      ASSERT_EQ(r.Find("sizes")->items().size(), static_cast<size_t>(i % 3)) << i;
      for (int64_t m = 0; m < i % 3; ++m) {
        const json::Value& entry = r.Find("sizes")->items()[static_cast<size_t>(m)];
        EXPECT_EQ(AsInt(entry.Find("key")), m + 1);
        EXPECT_EQ(AsInt(entry.Find("value")), (m + 1) * i);
      }
      if (i % 5 == 0) {
        EXPECT_TRUE(r.Find("bound")->is_null()) << i;
      } else {
        ASSERT_NE(r.Find("bound")->Find("bytes"), nullptr) << i;
      }
      EXPECT_EQ(r.Find("ratio")->AsDouble().value_or(-1), static_cast<double>(i) / 8) << i;
      EXPECT_EQ(r.Find("props")->Find("key")->text(), "v" + std::to_string(i)) << i;
    }
  }
}

// Our reader decodes what our writer wrote, by the writer's schema, fields found by field id.
TEST(AvroReaderTest, ReadsBackEveryRecordByFieldId) {
  std::array<uint8_t, 16> sync{};
  sync[3] = 9;
  for (const auto& [codec, records] :
       {std::pair{Codec::kDeflate, int64_t{20000}}, std::pair{Codec::kDeflate, int64_t{3}},
        std::pair{Codec::kNull, int64_t{5000}}, std::pair{Codec::kNull, int64_t{0}}}) {
    ContainerWriter writer(kSchema, {{"content", "data"}}, codec, sync);
    for (int64_t i = 0; i < records; ++i) {
      EncodeEntry(i, writer.record());
      writer.EndRecord();
    }
    auto bytes = writer.Finish();
    ASSERT_TRUE(bytes.ok());
    auto reader = ContainerReader::Open(*bytes);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    ASSERT_NE((*reader)->Metadata("content"), nullptr);
    EXPECT_EQ(*(*reader)->Metadata("content"), "data");
    EXPECT_EQ(*(*reader)->Metadata("avro.schema"), kSchema);
    Value v;
    int64_t i = 0;
    for (;; ++i) {
      auto more = (*reader)->Next(&v);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      ASSERT_NE(v.FieldById(0), nullptr);
      EXPECT_EQ(v.FieldById(0)->i, i % 3);
      if (i % 4 == 0) {
        EXPECT_TRUE(v.FieldById(1)->is_null());
      } else {
        EXPECT_EQ(v.FieldById(1)->i, i * 1'000'000'007);
      }
      EXPECT_EQ(v.FieldById(100)->s,
                "s3://bucket/db/t/data/file-" + std::to_string(i) + ".parquet");
      const Value* sizes = v.FieldById(108);
      ASSERT_EQ(sizes->items.size(), static_cast<size_t>(i % 3));
      for (size_t m = 0; m < sizes->items.size(); ++m) {
        EXPECT_EQ(sizes->items[m].FieldById(117)->i, static_cast<int64_t>(m) + 1);
        EXPECT_EQ(sizes->items[m].FieldById(118)->i, (static_cast<int64_t>(m) + 1) * i);
      }
      if (i % 5 == 0) {
        EXPECT_TRUE(v.FieldById(125)->is_null());
      } else {
        EXPECT_EQ(v.FieldById(125)->s, std::string("\x00\xff", 2) + std::to_string(i));
      }
      EXPECT_EQ(v.FieldById(7)->d, static_cast<double>(i) / 8);
      ASSERT_EQ(v.FieldById(8)->keys, std::vector<std::string>{"key"});
      EXPECT_EQ(v.FieldById(8)->items[0].s, "v" + std::to_string(i));
      if (HasFailure()) return;
    }
    EXPECT_EQ(i, records);
  }
}

// Files from other writers: named types referred to by name (with a namespace), enums, fixed,
// floats, negative block counts with sizes.
TEST(AvroReaderTest, ReadsNamedTypesEnumsFixedAndSizedBlocks) {
  const std::string schema =
      R"({"type":"record","name":"pair","namespace":"ns","fields":[)"
      R"({"name":"a","type":{"type":"record","name":"point","fields":[{"name":"x","type":"float"}]}},)"
      R"({"name":"b","type":"ns.point"},)"
      R"({"name":"c","type":{"type":"enum","name":"color","symbols":["red","green"]}},)"
      R"({"name":"d","type":{"type":"fixed","name":"f2","size":2}},)"
      R"({"name":"e","type":{"type":"array","items":"point"}}]})";
  std::array<uint8_t, 16> sync{};
  ContainerWriter writer(schema, {}, Codec::kNull, sync);
  Encoder e(writer.record());
  e.Float(1.5f);
  e.Float(-2.0f);
  e.Long(1);  // green
  writer.record()->append("hi");
  e.Long(-2);  // a block of 2 items, with its size in bytes
  e.Long(8);
  e.Float(3.0f);
  e.Float(4.0f);
  e.End();
  writer.EndRecord();
  auto bytes = writer.Finish();
  ASSERT_TRUE(bytes.ok());
  auto reader = ContainerReader::Open(*bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Value v;
  auto more = (*reader)->Next(&v);
  ASSERT_TRUE(more.ok() && *more) << more.status().ToString();
  ASSERT_EQ(v.items.size(), 5u);
  EXPECT_EQ(v.items[0].items[0].d, 1.5);
  EXPECT_EQ(v.items[1].items[0].d, -2.0);
  EXPECT_EQ(v.items[2].s, "green");
  EXPECT_EQ(v.items[3].s, "hi");
  ASSERT_EQ(v.items[4].items.size(), 2u);
  EXPECT_EQ(v.items[4].items[1].items[0].d, 4.0);
  more = (*reader)->Next(&v);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

// Every truncation and many corruptions of a valid file are errors or fewer records, never a
// crash, a hang or a huge allocation (the sanitizer runs check the memory side).
TEST(AvroReaderTest, DamagedFilesAreErrorsNotCrashes) {
  std::array<uint8_t, 16> sync{};
  sync[0] = 1;
  ContainerWriter writer(kSchema, {{"k", "v"}}, Codec::kDeflate, sync);
  for (int64_t i = 0; i < 300; ++i) {
    EncodeEntry(i, writer.record());
    writer.EndRecord();
  }
  auto file = writer.Finish();
  ASSERT_TRUE(file.ok());
  auto read_all = [](std::string_view bytes) -> Result<int64_t> {
    ASSIGN_OR_RETURN(std::unique_ptr<ContainerReader> reader, ContainerReader::Open(bytes));
    Value v;
    int64_t n = 0;
    for (;;) {
      ASSIGN_OR_RETURN(bool more, reader->Next(&v));
      if (!more) return n;
      ++n;
    }
  };
  auto whole = read_all(*file);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, 300);
  for (size_t cut = 0; cut < file->size(); cut += 7) {
    auto n = read_all(std::string_view(*file).substr(0, cut));
    EXPECT_FALSE(n.ok()) << cut;  // a cut file always ends inside a block or the header
  }
  std::string damaged = *file;
  for (size_t at = 0; at < damaged.size(); at += 3) {
    const char saved = damaged[at];
    damaged[at] = static_cast<char>(saved ^ 0x5a);
    (void)read_all(damaged);
    damaged[at] = saved;
  }
  EXPECT_FALSE(read_all(std::string("Obj\x01", 4)).ok());
  EXPECT_FALSE(read_all("not avro").ok());
}

}  // namespace
}  // namespace datalake::format::avro
