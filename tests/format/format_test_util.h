// Helpers shared by the format module's tests: in-memory sinks, decompressors that check stream
// framing, and schema builders.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/format.h"
#include "schema/schema.h"

namespace datalake::format::testing {

// Records every write.
class StringSink : public Sink {
 public:
  Status Write(std::string_view bytes) override {
    writes.emplace_back(bytes);
    return Status::Ok();
  }
  std::string data() const {
    std::string all;
    for (const std::string& w : writes) all += w;
    return all;
  }
  std::vector<std::string> writes;
};

// Accepts `ok_writes` writes, then fails every later one (and counts the attempts).
class FailingSink : public Sink {
 public:
  explicit FailingSink(int ok_writes) : ok_writes_(ok_writes) {}
  Status Write(std::string_view bytes) override {
    ++calls;
    if (calls > ok_writes_) return Status::IOError("write part 7 of s3://b/k: disk on fire");
    accepted += bytes.size();
    return Status::Ok();
  }
  int calls = 0;
  size_t accepted = 0;

 private:
  int ok_writes_;
};

// Decompress a gzip file member after member, as gzip -d does (zlib's inflate stops at the end
// of a member, so each next one starts from a reset stream); zlib checks every member's CRC-32
// and ISIZE. Fail the test if a member is broken or truncated, or anything but a member follows
// one. `members` (optional) receives how many there were.
inline std::string GunzipMembers(std::string_view in, size_t* members = nullptr) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) {
    ADD_FAILURE() << "inflateInit2";
    return "";
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  std::string out;
  size_t count = 0;
  char buf[1 << 16];
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buf);
    stream.avail_out = sizeof(buf);
    int rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - stream.avail_out);
    if (rc == Z_STREAM_END) {
      ++count;
      if (stream.avail_in == 0) break;
      inflateReset(&stream);
    } else if (rc != Z_OK) {
      ADD_FAILURE() << "inflate returned " << rc << " in member " << count + 1;
      break;
    }
  }
  inflateEnd(&stream);
  if (members != nullptr) *members = count;
  return out;
}

// The length of the gzip member `in` starts with (0 if it is broken): inflate one member and
// see how much input it took.
inline size_t GzipMemberSize(std::string_view in) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return 0;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  char buf[1 << 16];
  int rc;
  do {
    stream.next_out = reinterpret_cast<Bytef*>(buf);
    stream.avail_out = sizeof(buf);
    rc = inflate(&stream, Z_NO_FLUSH);
  } while (rc == Z_OK);
  size_t size = rc == Z_STREAM_END ? in.size() - stream.avail_in : 0;
  inflateEnd(&stream);
  return size;
}

// Decompress one gzip member; fail the test unless the input is exactly one (a Parquet page
// is one gzip stream).
inline std::string Gunzip(std::string_view in) {
  size_t members = 0;
  std::string out = GunzipMembers(in, &members);
  EXPECT_EQ(members, 1u) << "gzip members";
  return out;
}

// Decompress one zstd frame; fail the test unless it is exactly one complete frame.
inline std::string Unzstd(std::string_view in) {
  EXPECT_EQ(ZSTD_findFrameCompressedSize(in.data(), in.size()), in.size()) << "not one frame";
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::string out;
  char buf[1 << 16];
  size_t rc = 1;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    rc = ZSTD_decompressStream(dctx, &output, &input);
    if (ZSTD_isError(rc)) {
      ADD_FAILURE() << ZSTD_getErrorName(rc);
      break;
    }
    out.append(buf, output.pos);
  }
  // Drain what the decoder may still hold.
  while (rc != 0 && !ZSTD_isError(rc)) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    rc = ZSTD_decompressStream(dctx, &output, &input);
    if (output.pos == 0 && rc != 0) {
      ADD_FAILURE() << "truncated zstd frame";
      break;
    }
    out.append(buf, output.pos);
  }
  ZSTD_freeDCtx(dctx);
  return out;
}

inline std::string Decompress(Compression compression, std::string_view in) {
  switch (compression) {
    case Compression::kGzip:
      return GunzipMembers(in);
    case Compression::kZstd:
      return Unzstd(in);
    default:
      return std::string(in);
  }
}

inline schema::DataType Type(schema::TypeKind kind) { return schema::DataType::Of(kind); }

inline schema::DataType StructOf(std::vector<schema::Field> fields) {
  schema::DataType type = schema::DataType::Of(schema::TypeKind::kStruct);
  type.fields = std::move(fields);
  return type;
}

inline schema::DataType ListOf(schema::DataType element) {
  schema::DataType type = schema::DataType::Of(schema::TypeKind::kList);
  type.element = std::make_shared<const schema::DataType>(std::move(element));
  return type;
}

inline schema::DataType MapOf(schema::DataType key, schema::DataType value) {
  schema::DataType type = schema::DataType::Of(schema::TypeKind::kMap);
  type.key = std::make_shared<const schema::DataType>(std::move(key));
  type.element = std::make_shared<const schema::DataType>(std::move(value));
  return type;
}

inline schema::DataType Sized(schema::TypeKind kind, int length) {
  schema::DataType type = schema::DataType::Of(kind);
  type.length = length;
  return type;
}

inline schema::Field FieldOf(std::string name, schema::DataType type) {
  return schema::Field{name, name, std::move(type)};
}

inline schema::TableSchema SchemaOf(std::vector<schema::Field> columns) {
  schema::TableSchema table;
  table.columns = std::move(columns);
  return table;
}

}  // namespace datalake::format::testing
