// Reading Avro object container files (Avro specification 1.11): the header, the writer's schema,
// blocks (null or deflate codec) and records decoded by that schema. Input may come from any
// writer, so every length and count is checked against what is left.
#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "format/avro.h"
#include "json/json.h"

namespace datalake::format::avro {
namespace {

using Kind = SchemaNode::Kind;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxBlockBytes = size_t{256} << 20;  // decompressed

Status Bad(std::string_view what) { return Status::InvalidInput("avro: " + std::string(what)); }

// Decoding from a byte range; every read checks what is left.
class Input {
 public:
  explicit Input(std::string_view bytes) : bytes_(bytes) {}

  Result<int64_t> Long() {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (bytes_.empty()) return Bad("truncated number");
      const auto byte = static_cast<uint8_t>(bytes_.front());
      bytes_.remove_prefix(1);
      if (shift == 63 && byte > 1) return Bad("number out of range");
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
      }
    }
    return Bad("number too long");
  }

  Result<std::string_view> Fixed(uint64_t size) {
    if (size > bytes_.size()) return Bad("a length runs past the end");
    std::string_view out = bytes_.substr(0, size);
    bytes_.remove_prefix(size);
    return out;
  }

  Result<std::string_view> Bytes() {
    ASSIGN_OR_RETURN(int64_t size, Long());
    if (size < 0) return Bad("negative length");
    return Fixed(static_cast<uint64_t>(size));
  }

  // The item count of the next array or map block (a negative count is followed by the block's
  // byte size, which is not needed).
  Result<int64_t> BlockCount() {
    ASSIGN_OR_RETURN(int64_t count, Long());
    if (count < 0) {
      if (count == INT64_MIN) return Bad("block count out of range");
      count = -count;
      ASSIGN_OR_RETURN(int64_t size, Long());
      if (size < 0) return Bad("negative block size");
    }
    return count;
  }

  size_t left() const { return bytes_.size(); }
  std::string_view rest() const { return bytes_; }

 private:
  std::string_view bytes_;
};

class SchemaParser {
 public:
  explicit SchemaParser(std::vector<std::unique_ptr<SchemaNode>>* nodes) : nodes_(nodes) {}

  Result<const SchemaNode*> Parse(const json::Value& value, int depth) {
    if (depth > kMaxDepth) return Bad("schema nested too deeply");
    if (value.is_string()) return Named(value.text());
    if (value.is_array()) {
      SchemaNode* node = New(Kind::kUnion);
      for (const json::Value& branch : value.items()) {
        ASSIGN_OR_RETURN(const SchemaNode* b, Parse(branch, depth + 1));
        node->branches.push_back(b);
      }
      if (node->branches.empty()) return Bad("an empty union");
      return node;
    }
    if (!value.is_object()) return Bad("a schema is not a name, a union or an object");
    const json::Value* type = value.Find("type");
    if (type == nullptr) return Bad("a schema object has no type");
    if (!type->is_string()) return Parse(*type, depth + 1);  // {"type": {...}} or a union
    const std::string& name = type->text();
    if (name == "record" || name == "error") {
      SchemaNode* node = New(Kind::kRecord);
      const std::string enclosing = namespace_;
      RETURN_IF_ERROR(Register(value, node));
      const json::Value* fields = value.Find("fields");
      if (fields == nullptr || !fields->is_array()) return Bad("a record has no fields");
      for (const json::Value& f : fields->items()) {
        const json::Value* field_name = f.Find("name");
        const json::Value* field_type = f.Find("type");
        if (field_name == nullptr || !field_name->is_string() || field_type == nullptr) {
          return Bad("a record field has no name or type");
        }
        SchemaNode::Field field;
        field.name = field_name->text();
        if (const json::Value* id = f.Find("field-id")) {
          std::optional<int64_t> n = id->AsInt64();
          if (n && *n >= 0 && *n <= INT32_MAX) field.field_id = static_cast<int32_t>(*n);
        }
        ASSIGN_OR_RETURN(field.type, Parse(*field_type, depth + 1));
        node->fields.push_back(std::move(field));
      }
      namespace_ = enclosing;
      return node;
    }
    if (name == "enum") {
      SchemaNode* node = New(Kind::kEnum);
      const std::string enclosing = namespace_;
      RETURN_IF_ERROR(Register(value, node));
      namespace_ = enclosing;
      const json::Value* symbols = value.Find("symbols");
      if (symbols == nullptr || !symbols->is_array()) return Bad("an enum has no symbols");
      for (const json::Value& s : symbols->items()) node->symbols.push_back(s.text());
      return node;
    }
    if (name == "fixed") {
      SchemaNode* node = New(Kind::kFixed);
      const std::string enclosing = namespace_;
      RETURN_IF_ERROR(Register(value, node));
      namespace_ = enclosing;
      const json::Value* size = value.Find("size");
      std::optional<int64_t> n = size != nullptr ? size->AsInt64() : std::nullopt;
      if (!n || *n < 0) return Bad("a fixed type has no size");
      node->size = *n;
      return node;
    }
    if (name == "array" || name == "map") {
      SchemaNode* node = New(name == "array" ? Kind::kArray : Kind::kMap);
      const json::Value* items = value.Find(name == "array" ? "items" : "values");
      if (items == nullptr) return Bad("an array or map has no item type");
      ASSIGN_OR_RETURN(node->items, Parse(*items, depth + 1));
      return node;
    }
    return Named(name);  // a primitive with attributes (logicalType ...) or a named type
  }

 private:
  SchemaNode* New(Kind kind) {
    nodes_->push_back(std::make_unique<SchemaNode>());
    nodes_->back()->kind = kind;
    return nodes_->back().get();
  }

  // Names are known by their full name (the namespace given, else the enclosing one) and by
  // the name as written; a record's namespace encloses the types defined in it.
  Status Register(const json::Value& value, SchemaNode* node) {
    const json::Value* name = value.Find("name");
    if (name == nullptr || !name->is_string()) return Bad("a named type has no name");
    node->name = name->text();
    const json::Value* space = value.Find("namespace");
    std::string full = node->name;
    if (node->name.find('.') == std::string::npos) {
      const std::string ns = space != nullptr && space->is_string() ? space->text() : namespace_;
      if (!ns.empty()) full = ns + "." + node->name;
    }
    named_.emplace_back(node->name, node);
    named_.emplace_back(full, node);
    const size_t dot = full.rfind('.');
    namespace_ = dot == std::string::npos ? "" : full.substr(0, dot);
    return Status::Ok();
  }

  Result<const SchemaNode*> Named(const std::string& name) {
    static const std::pair<const char*, Kind> kPrimitives[] = {
        {"null", Kind::kNull},   {"boolean", Kind::kBoolean}, {"int", Kind::kInt},
        {"long", Kind::kLong},   {"float", Kind::kFloat},     {"double", Kind::kDouble},
        {"bytes", Kind::kBytes}, {"string", Kind::kString}};
    for (const auto& [text, kind] : kPrimitives) {
      if (name == text) return New(kind);
    }
    const std::string full = namespace_.empty() ? name : namespace_ + "." + name;
    for (const auto& [defined, node] : named_) {
      if (defined == name || defined == full) return node;
    }
    return Bad("unknown type " + name);
  }

  std::vector<std::unique_ptr<SchemaNode>>* nodes_;
  std::vector<std::pair<std::string, const SchemaNode*>> named_;
  std::string namespace_;  // the enclosing namespace
};

Status Decode(const SchemaNode* schema, Input* in, Value* out, int depth) {
  if (depth > kMaxDepth) return Bad("value nested too deeply");
  while (schema->kind == Kind::kUnion) {
    ASSIGN_OR_RETURN(int64_t branch, in->Long());
    if (branch < 0 || static_cast<size_t>(branch) >= schema->branches.size()) {
      return Bad("a union branch out of range");
    }
    schema = schema->branches[static_cast<size_t>(branch)];
  }
  out->schema = schema;
  out->s.clear();
  out->keys.clear();
  out->items.clear();
  switch (schema->kind) {
    case Kind::kNull:
      return Status::Ok();
    case Kind::kBoolean: {
      ASSIGN_OR_RETURN(std::string_view b, in->Fixed(1));
      out->i = b[0] != 0;
      return Status::Ok();
    }
    case Kind::kInt:
    case Kind::kLong: {
      ASSIGN_OR_RETURN(out->i, in->Long());
      if (schema->kind == Kind::kInt && (out->i < INT32_MIN || out->i > INT32_MAX)) {
        return Bad("an int out of range");
      }
      return Status::Ok();
    }
    case Kind::kFloat: {
      ASSIGN_OR_RETURN(std::string_view b, in->Fixed(4));
      float f;
      std::memcpy(&f, b.data(), 4);
      out->d = f;
      return Status::Ok();
    }
    case Kind::kDouble: {
      ASSIGN_OR_RETURN(std::string_view b, in->Fixed(8));
      std::memcpy(&out->d, b.data(), 8);
      return Status::Ok();
    }
    case Kind::kBytes:
    case Kind::kString: {
      ASSIGN_OR_RETURN(std::string_view b, in->Bytes());
      out->s.assign(b);
      return Status::Ok();
    }
    case Kind::kFixed: {
      ASSIGN_OR_RETURN(std::string_view b, in->Fixed(static_cast<uint64_t>(schema->size)));
      out->s.assign(b);
      return Status::Ok();
    }
    case Kind::kEnum: {
      ASSIGN_OR_RETURN(out->i, in->Long());
      if (out->i < 0 || static_cast<size_t>(out->i) >= schema->symbols.size()) {
        return Bad("an enum symbol out of range");
      }
      out->s = schema->symbols[static_cast<size_t>(out->i)];
      return Status::Ok();
    }
    case Kind::kRecord:
      out->items.resize(schema->fields.size());
      for (size_t f = 0; f < schema->fields.size(); ++f) {
        RETURN_IF_ERROR(Decode(schema->fields[f].type, in, &out->items[f], depth + 1));
      }
      return Status::Ok();
    case Kind::kArray:
    case Kind::kMap:
      for (;;) {
        ASSIGN_OR_RETURN(int64_t count, in->BlockCount());
        if (count == 0) return Status::Ok();
        // Every item takes at least a byte but null ones: a count past what is left is a lie.
        const uint64_t limit = schema->items->kind == Kind::kNull ? uint64_t{1} << 20 : in->left();
        if (static_cast<uint64_t>(count) > limit) return Bad("an item count runs past the end");
        for (int64_t k = 0; k < count; ++k) {
          if (schema->kind == Kind::kMap) {
            ASSIGN_OR_RETURN(std::string_view key, in->Bytes());
            out->keys.emplace_back(key);
          }
          out->items.emplace_back();
          RETURN_IF_ERROR(Decode(schema->items, in, &out->items.back(), depth + 1));
        }
      }
    case Kind::kUnion:
      break;
  }
  return Bad("unreachable schema kind");
}

struct DecompressorFree {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

Status Inflate(std::string_view in, std::string* out) {
  std::unique_ptr<libdeflate_decompressor, DecompressorFree> d(libdeflate_alloc_decompressor());
  if (d == nullptr) return Status::Internal("avro: cannot allocate a decompressor");
  size_t capacity = std::max<size_t>(in.size() * 4, 64 << 10);
  for (;;) {
    out->resize(capacity);
    size_t written = 0;
    const libdeflate_result r = libdeflate_deflate_decompress(d.get(), in.data(), in.size(),
                                                              out->data(), capacity, &written);
    if (r == LIBDEFLATE_SUCCESS) {
      out->resize(written);
      return Status::Ok();
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE) return Bad("a deflate block is corrupt");
    if (capacity >= kMaxBlockBytes) return Bad("a block inflates past 256 MiB");
    capacity = std::min(capacity * 2, kMaxBlockBytes);
  }
}

}  // namespace

const Value* Value::FieldById(int32_t id) const {
  if (schema == nullptr || schema->kind != Kind::kRecord) return nullptr;
  for (size_t f = 0; f < schema->fields.size() && f < items.size(); ++f) {
    if (schema->fields[f].field_id == id) return &items[f];
  }
  return nullptr;
}

Result<std::unique_ptr<ContainerReader>> ContainerReader::Open(std::string_view file) {
  std::unique_ptr<ContainerReader> reader(new ContainerReader());
  if (file.size() < 4 || file.substr(0, 4) != std::string_view("Obj\x01", 4)) {
    return Bad("not an object container file");
  }
  Input in(file.substr(4));
  for (;;) {
    ASSIGN_OR_RETURN(int64_t count, in.BlockCount());
    if (count == 0) break;
    if (static_cast<uint64_t>(count) > in.left()) return Bad("header entries run past the end");
    for (int64_t k = 0; k < count; ++k) {
      ASSIGN_OR_RETURN(std::string_view key, in.Bytes());
      ASSIGN_OR_RETURN(std::string_view value, in.Bytes());
      reader->metadata_.emplace_back(key, value);
    }
  }
  ASSIGN_OR_RETURN(std::string_view sync, in.Fixed(16));
  std::memcpy(reader->sync_.data(), sync.data(), 16);
  const std::string* schema = reader->Metadata("avro.schema");
  if (schema == nullptr) return Bad("the header has no avro.schema");
  RETURN_IF_ERROR(reader->ParseSchema(*schema));
  const std::string* codec = reader->Metadata("avro.codec");
  if (codec != nullptr && *codec == "deflate") {
    reader->deflate_ = true;
  } else if (codec != nullptr && *codec != "null") {
    return Bad("codec " + *codec + " is not supported (null and deflate are)");
  }
  reader->file_ = file;
  reader->pos_ = file.size() - in.left();
  return reader;
}

const std::string* ContainerReader::Metadata(std::string_view key) const {
  for (const auto& [k, v] : metadata_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Status ContainerReader::ParseSchema(std::string_view text) {
  auto json = json::Parse(text);
  if (!json.ok()) return Bad("avro.schema is not JSON");
  SchemaParser parser(&nodes_);
  ASSIGN_OR_RETURN(root_, parser.Parse(*json, 0));
  return Status::Ok();
}

Status ContainerReader::ReadBlock() {
  Input in(file_.substr(pos_));
  ASSIGN_OR_RETURN(int64_t count, in.Long());
  ASSIGN_OR_RETURN(std::string_view data, in.Bytes());
  ASSIGN_OR_RETURN(std::string_view sync, in.Fixed(16));
  if (count < 0) return Bad("a negative record count");
  if (std::memcmp(sync.data(), sync_.data(), 16) != 0) return Bad("a block's sync marker differs");
  pos_ = file_.size() - in.left();
  if (deflate_) {
    RETURN_IF_ERROR(Inflate(data, &block_));
  } else {
    block_.assign(data);
  }
  remaining_ = block_;
  block_left_ = count;
  return Status::Ok();
}

Result<bool> ContainerReader::Next(Value* out) {
  while (block_left_ == 0) {
    if (!remaining_.empty()) return Bad("a block holds bytes past its records");
    if (pos_ >= file_.size()) return false;
    RETURN_IF_ERROR(ReadBlock());
  }
  Input in(remaining_);
  RETURN_IF_ERROR(Decode(root_, &in, out, 0));
  remaining_ = in.rest();
  --block_left_;
  return true;
}

}  // namespace datalake::format::avro
