#include "format/avro.h"

#include <libdeflate.h>

#include <bit>
#include <cstring>
#include <memory>

namespace datalake::format::avro {
namespace {

static_assert(std::endian::native == std::endian::little,
              "floats are written as the host holds them");

// Iceberg Java writes its manifests with deflate at level 9; they are small and written once.
constexpr int kDeflateLevel = 9;

struct DeflateCompressorFree {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

Status Deflate(std::string_view in, std::string* out) {
  std::unique_ptr<libdeflate_compressor, DeflateCompressorFree> compressor(
      libdeflate_alloc_compressor(kDeflateLevel));
  if (compressor == nullptr) return Status::Internal("avro: cannot allocate a deflate compressor");
  const size_t bound = libdeflate_deflate_compress_bound(compressor.get(), in.size());
  out->resize(bound);
  const size_t written =
      libdeflate_deflate_compress(compressor.get(), in.data(), in.size(), out->data(), bound);
  if (written == 0) return Status::Internal("avro: deflate failed");
  out->resize(written);
  return Status::Ok();
}

}  // namespace

void Encoder::Long(int64_t v) {
  uint64_t zigzag = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (zigzag >= 0x80) {
    out_->push_back(static_cast<char>((zigzag & 0x7f) | 0x80));
    zigzag >>= 7;
  }
  out_->push_back(static_cast<char>(zigzag));
}

void Encoder::Float(float v) {
  char bytes[sizeof(v)];
  std::memcpy(bytes, &v, sizeof(v));  // little-endian hosts only (x86-64, arm64)
  out_->append(bytes, sizeof(v));
}

void Encoder::Double(double v) {
  char bytes[sizeof(v)];
  std::memcpy(bytes, &v, sizeof(v));
  out_->append(bytes, sizeof(v));
}

void Encoder::Bytes(std::string_view v) {
  Long(static_cast<int64_t>(v.size()));
  out_->append(v);
}

ContainerWriter::ContainerWriter(std::string schema_json,
                                 std::vector<std::pair<std::string, std::string>> metadata,
                                 Codec codec, const std::array<uint8_t, 16>& sync)
    : schema_json_(std::move(schema_json)),
      metadata_(std::move(metadata)),
      codec_(codec),
      sync_(sync) {}

void ContainerWriter::WriteHeader() {
  file_.append("Obj\x01", 4);
  Encoder header(&file_);
  header.Block(static_cast<int64_t>(metadata_.size() + 2));
  header.String("avro.schema");
  header.Bytes(schema_json_);
  header.String("avro.codec");
  header.Bytes(codec_ == Codec::kDeflate ? "deflate" : "null");
  for (const auto& [key, value] : metadata_) {
    header.String(key);
    header.Bytes(value);
  }
  header.End();
  file_.append(reinterpret_cast<const char*>(sync_.data()), sync_.size());
}

void ContainerWriter::EndRecord() {
  ++block_records_;
  ++records_;
  if (block_.size() >= kAvroBlockBytes && status_.ok()) status_ = FlushBlock(/*last=*/false);
}

Status ContainerWriter::FlushBlock(bool last) {
  if (file_.empty()) {
    // The first block decides the codec: a small file in one block is stored as it is.
    if (last && block_.size() < kDeflateMinBytes) codec_ = Codec::kNull;
    WriteHeader();
  }
  if (block_records_ == 0) return Status::Ok();
  Encoder out(&file_);
  out.Long(block_records_);
  if (codec_ == Codec::kDeflate) {
    std::string compressed;
    RETURN_IF_ERROR(Deflate(block_, &compressed));
    out.Bytes(compressed);
  } else {
    out.Bytes(block_);
  }
  file_.append(reinterpret_cast<const char*>(sync_.data()), sync_.size());
  block_.clear();
  block_records_ = 0;
  return Status::Ok();
}

Result<std::string> ContainerWriter::Finish() {
  RETURN_IF_ERROR(status_);
  RETURN_IF_ERROR(FlushBlock(/*last=*/true));
  return std::move(file_);
}

}  // namespace datalake::format::avro
