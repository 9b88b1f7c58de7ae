// JSON Lines encoder: renders each Row as one JSON object per line (docs/TYPES.md, "JSON Lines
// rendering"), optionally compressed as one gzip member or one zstd frame.
#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "format/base64.h"
#include "format/compressor.h"
#include "format/format.h"
#include "format/json_string.h"
#include "schema/schema.h"

namespace datalake::format {
namespace {

using schema::DataType;
using schema::TypeKind;

// The schema reduced to what rendering needs. Member keys are escaped once, here, so a row costs
// one append per member. The encoder keeps its own copy: it must not depend on the schema's
// lifetime.
struct Node {
  TypeKind kind = TypeKind::kString;
  std::vector<std::string> keys;  // kStruct: `{"name":` for the first field, `,"name":` after
  std::vector<Node> children;     // kStruct: one per field; kList: the element; kMap: key, value
};

Node BuildNode(const DataType& type);

Node BuildStructNode(const std::vector<schema::Field>& fields) {
  Node node;
  node.kind = TypeKind::kStruct;
  node.keys.reserve(fields.size());
  node.children.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string key(i == 0 ? "{" : ",");
    AppendJsonString(fields[i].name, &key);
    key.push_back(':');
    node.keys.push_back(std::move(key));
    node.children.push_back(BuildNode(fields[i].type));
  }
  return node;
}

Node BuildNode(const DataType& type) {
  if (type.kind == TypeKind::kStruct) return BuildStructNode(type.fields);
  Node node;
  node.kind = type.kind;
  if (type.kind == TypeKind::kList) {
    assert(type.element != nullptr);
    node.children.push_back(type.element != nullptr ? BuildNode(*type.element) : Node{});
  }
  if (type.kind == TypeKind::kMap) {
    assert(type.key != nullptr && type.element != nullptr);
    node.children.push_back(type.key != nullptr ? BuildNode(*type.key) : Node{});
    node.children.push_back(type.element != nullptr ? BuildNode(*type.element) : Node{});
  }
  return node;
}

class JsonlEncoder final : public FileEncoder {
 public:
  JsonlEncoder(Node root, const EncoderOptions& options, Sink* sink,
               std::unique_ptr<Compressor> compressor)
      : root_(std::move(root)),
        chunk_bytes_(options.chunk_bytes),
        first_capacity_(FirstCapacity(options.chunk_bytes)),
        sink_(sink),
        compressor_(std::move(compressor)) {}

  void AppendRange(const Row& rows, size_t begin, size_t end) override {
    assert(!finished_ && "Append after Finish");
    if (!status_.ok() || finished_) return;
    if (buffer_.capacity() < first_capacity_) buffer_.reserve(first_capacity_);
    size_t pos = begin;
    end_ = end;
    RenderFields(root_, rows, &pos);
    assert(pos == end && "row holds more cells than the schema describes");
    buffer_.push_back('\n');
    ++rows_;
    if (buffer_.size() >= chunk_bytes_) FlushChunk();
  }

  Status Finish() override {
    if (finished_) return status_;
    finished_ = true;
    if (compressor_ == nullptr) {
      WriteToSink(buffer_);
    } else if (status_.ok()) {
      Status status = compressor_->CompressOwned(&buffer_, /*finish=*/true, &pending_);
      if (status.ok()) {
        WriteToSink(pending_);
      } else {
        status_ = std::move(status);
      }
    }
    ReleaseBuffers();
    summary_.rows = rows_;
    summary_.bytes = bytes_written_;
    return status_;
  }
  // Rows and bytes only: JSON Lines has no per-column statistics to offer.
  const FileSummary& summary() const override { return summary_; }

  uint64_t EstimatedSize() const override {
    if (!status_.ok()) return bytes_written_;  // nothing more will be written
    return bytes_written_ + pending_.size() + buffer_.size() + HeldByCompressor();
  }
  uint64_t rows() const override { return rows_; }
  // Allocated, not used: a chunk's buffers keep their capacity from chunk to chunk.
  uint64_t BufferedBytes() const override {
    if (!status_.ok()) return 0;
    return pending_.capacity() + buffer_.capacity() + HeldByCompressor();
  }
  // The rows rendered, and what the compressor holds (a gzip window's members), go out now.
  void FlushBuffers() override {
    if (!status_.ok() || finished_) return;
    if (!buffer_.empty()) FlushChunk();
    if (compressor_ != nullptr && status_.ok()) {
      Status status = compressor_->Flush(&pending_);
      if (!status.ok()) {
        status_ = std::move(status);
        ReleaseBuffers();
        return;
      }
    }
    WriteToSink(pending_);
    ReleaseBuffers();  // the next chunk may be long in coming: give the memory back meanwhile
  }

 private:
  // A chunk's buffer grows by doubling from a 64th of the chunk plus a sixteenth, so that it
  // ends there (the sixteenth is the last row's headroom) rather than at twice the chunk.
  static size_t FirstCapacity(size_t chunk_bytes) {
    return std::max<size_t>((chunk_bytes + chunk_bytes / 16) / 64, 256);
  }
  size_t HeldByCompressor() const { return compressor_ != nullptr ? compressor_->held_bytes() : 0; }
  void RenderFields(const Node& node, const Row& row, size_t* pos);
  void RenderValue(const Node& node, const Row& row, size_t* pos);
  void RenderScalar(TypeKind kind, const Cell& cell, const Row& row);
  void RenderMap(const Node& node, const Cell& cell, const Row& row, size_t* pos);
  void FlushChunk();
  void WriteToSink(std::string_view bytes);
  // Swapped with empty strings: assigning one keeps the allocation (libstdc++ copies an empty
  // short string into the existing buffer).
  void ReleaseBuffers() {
    std::string().swap(buffer_);
    std::string().swap(pending_);
  }

  const Node root_;
  const size_t chunk_bytes_;
  const size_t first_capacity_;
  Sink* const sink_;
  const std::unique_ptr<Compressor> compressor_;  // null: uncompressed
  std::string buffer_;                            // rendered rows not yet compressed or written
  std::string pending_;  // compressed bytes held back until there is a chunk's worth
  std::string key_;      // scratch: a map key's text
  Status status_;        // the first error; once set, nothing more is written
  size_t end_ = 0;       // past the last cell of the row being rendered
  uint64_t bytes_written_ = 0;
  uint64_t rows_ = 0;
  FileSummary summary_;
  bool finished_ = false;
};

// Render the members of struct `node` as an object; `*pos` is the first field's cell.
void JsonlEncoder::RenderFields(const Node& node, const Row& row, size_t* pos) {
  if (node.children.empty()) {
    buffer_.append("{}");
    return;
  }
  for (size_t i = 0; i < node.children.size(); ++i) {
    buffer_.append(node.keys[i]);
    RenderValue(node.children[i], row, pos);
  }
  buffer_.push_back('}');
}

// Render the subtree at `*pos` as a value of type `node`, and move `*pos` past it.
void JsonlEncoder::RenderValue(const Node& node, const Row& row, size_t* pos) {
  assert(*pos < end_ && "row holds fewer cells than the schema describes");
  if (*pos >= end_) {  // release builds: never read past the row
    buffer_.append("null");
    return;
  }
  const Cell& cell = row.cell((*pos)++);
  if (cell.kind == CellKind::kNull || !CellFitsType(cell.kind, node.kind)) {
    assert(cell.kind == CellKind::kNull && "cell kind does not match the column type");
    buffer_.append("null");
    return;
  }
  if (cell.kind == CellKind::kStruct) {
    RenderFields(node, row, pos);
  } else if (cell.kind == CellKind::kList) {
    buffer_.push_back('[');
    for (uint32_t i = 0; i < cell.count; ++i) {
      if (i != 0) buffer_.push_back(',');
      RenderValue(node.children[0], row, pos);
    }
    buffer_.push_back(']');
  } else if (cell.kind == CellKind::kMap) {
    RenderMap(node, cell, row, pos);
  } else {
    RenderScalar(node.kind, cell, row);
  }
}

// A map is a JSON object (what the JSON SerDes read into a map): each key is rendered as its
// value would be, then quoted as a JSON string (the SerDes parse keys from that text).
void JsonlEncoder::RenderMap(const Node& node, const Cell& cell, const Row& row, size_t* pos) {
  buffer_.push_back('{');
  for (uint32_t i = 0; i < cell.count; ++i) {
    if (i != 0) buffer_.push_back(',');
    const Cell& key = row.cell((*pos)++);
    assert(key.kind != CellKind::kNull && "a map key is never null");
    if (key.kind == CellKind::kString) {
      AppendJsonString(row.bytes(key), &buffer_);
    } else {
      // Render the key as a value, then move it into a JSON string.
      const size_t start = buffer_.size();
      if (key.kind == CellKind::kNull) {
        buffer_.append("null");
      } else {
        RenderScalar(node.children[0].kind, key, row);
      }
      key_.assign(buffer_, start);
      buffer_.resize(start);
      std::string_view text = key_;
      if (text.size() >= 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
      AppendJsonString(text, &buffer_);
    }
    buffer_.push_back(':');
    RenderValue(node.children[1], row, pos);
  }
  buffer_.push_back('}');
}

void JsonlEncoder::RenderScalar(TypeKind kind, const Cell& cell, const Row& row) {
  char digits[32];  // enough for any int64 and any shortest-form double (at most 24 chars)
  switch (cell.kind) {
    case CellKind::kBool:
      buffer_.append(cell.b ? "true" : "false");
      return;
    case CellKind::kInt64: {
      auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), cell.i);
      buffer_.append(digits, end);
      return;
    }
    case CellKind::kDouble: {
      // Decoders never store NaN or infinity; JSON has no spelling for them anyway.
      if (!std::isfinite(cell.d)) break;
      // A float column's value in the shortest form that reads back as the same float.
      auto [end, ec] =
          kind == TypeKind::kFloat
              ? std::to_chars(digits, digits + sizeof(digits), static_cast<float>(cell.d))
              : std::to_chars(digits, digits + sizeof(digits), cell.d);
      buffer_.append(digits, end);
      return;
    }
    case CellKind::kBinary:
      buffer_.push_back('"');
      AppendBase64(row.bytes(cell), &buffer_);
      buffer_.push_back('"');
      return;
    case CellKind::kDecimal: {
      std::string_view text = row.bytes(cell);
      assert(!text.empty() && "empty decimal text");
      if (text.empty()) break;
      buffer_.append(text);
      return;
    }
    case CellKind::kString:
    case CellKind::kJson:  // a JSON column is a string column holding JSON text
      AppendJsonString(row.bytes(cell), &buffer_);
      return;
    case CellKind::kTimestamp:
      // Producers keep cells within 0001..9999 (schema.h); anything else has no readable text.
      assert(schema::TimestampMicrosInRange(cell.i) && "timestamp outside 0001..9999");
      if (!schema::TimestampMicrosInRange(cell.i)) break;
      buffer_.push_back('"');
      schema::AppendTimestampMicros(cell.i, &buffer_);
      buffer_.push_back('"');
      return;
    case CellKind::kDate:
      assert(schema::DateDaysInRange(cell.i) && "date outside 0001..9999");
      if (!schema::DateDaysInRange(cell.i)) break;
      buffer_.push_back('"');
      schema::AppendDateDays(cell.i, &buffer_);
      buffer_.push_back('"');
      return;
    case CellKind::kNull:
    case CellKind::kStruct:
    case CellKind::kList:
    case CellKind::kMap:
      assert(false && "not a scalar cell");
      break;
  }
  buffer_.append("null");
}

// Hand the buffered rows on: as they are, or through the compressor, which takes the buffer
// over (a gzip member holds it until it is compressed) instead of a copy. Compressed output is
// held until it reaches a quarter of a chunk: writes stay large, and a stream holds little
// besides the chunk it renders.
void JsonlEncoder::FlushChunk() {
  if (compressor_ == nullptr) {
    WriteToSink(buffer_);
    buffer_.clear();
    return;
  }
  Status status = compressor_->CompressOwned(&buffer_, /*finish=*/false, &pending_);
  buffer_.clear();
  if (!status.ok()) {
    status_ = std::move(status);
    ReleaseBuffers();
    return;
  }
  if (pending_.size() >= chunk_bytes_ / 4) {
    WriteToSink(pending_);
    pending_.clear();
  }
}

void JsonlEncoder::WriteToSink(std::string_view bytes) {
  if (bytes.empty() || !status_.ok()) return;
  status_ = sink_->Write(bytes);
  if (status_.ok()) {
    bytes_written_ += bytes.size();
  } else {
    ReleaseBuffers();  // nothing more will be written: give the memory back now
  }
}

}  // namespace

Result<std::unique_ptr<FileEncoder>> NewJsonlEncoder(const schema::TableSchema& schema,
                                                     const EncoderOptions& options, Sink* sink) {
  assert(sink != nullptr);
  std::unique_ptr<Compressor> compressor;
  switch (options.compression) {
    case Compression::kUncompressed:
      break;
    case Compression::kGzip: {
      // A member per chunk: FlushChunk hands over about chunk_bytes at a time, and a member is
      // as large as a chunk's memory allows.
      ASSIGN_OR_RETURN(compressor, NewStreamCompressor(Compression::kGzip, options.gzip_level,
                                                       options.chunk_bytes, options.compress_pool));
      break;
    }
    case Compression::kZstd: {
      ASSIGN_OR_RETURN(compressor, NewStreamCompressor(Compression::kZstd, options.zstd_level));
      break;
    }
    case Compression::kSnappy:
      return Status::ConfigError("JSON Lines does not support SNAPPY compression");
  }
  return std::unique_ptr<FileEncoder>(std::make_unique<JsonlEncoder>(
      BuildStructNode(schema.columns), options, sink, std::move(compressor)));
}

}  // namespace datalake::format
