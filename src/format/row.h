// Row: one record converted to its table's column types, as a flat tape of cells in pre-order.
//
// decode::RecordDecoder fills a Row's data columns from a record's JSON and sync::StreamWriter
// appends the Airbyte meta columns; file encoders read it. A Row is reused from record to record:
// Clear() keeps its capacity, so the hot path allocates nothing.
//
// Layout: the top-level columns follow one another in table-schema order. A struct cell is
// followed by exactly one subtree per field of its type (in order); a list cell holds its element
// count and is followed by that many element subtrees; a map cell holds its entry count and is
// followed by that many (key cell, value subtree) pairs, keys never null. Strings live in the
// row's byte arena.
// Invariant: a finished row holds exactly one subtree per top-level column.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datalake::format {

enum class CellKind : uint8_t {
  kNull,
  kBool,
  kInt64,
  kDouble,
  kDecimal,    // canonical decimal text ("-12.5"), within the column's precision and scale
  kString,     // UTF-8 text
  kJson,       // JSON text of a value stored in a JSON (string) column
  kTimestamp,  // microseconds since 1970-01-01T00:00:00Z (for kTimestampNtz: of the wall clock)
  kDate,       // days since 1970-01-01
  kStruct,     // followed by one subtree per field
  kList,       // `count` elements follow
  kBinary,     // bytes (binary columns)
  kMap,        // `count` entries follow, each a key cell and a value subtree
};

struct Cell {
  CellKind kind = CellKind::kNull;
  uint32_t count = 0;  // kList / kMap: elements / entries; bytes cells: byte length
  union {
    bool b;
    int64_t i;        // kInt64 (every integer width), kTimestamp, kDate
    double d;         // kDouble (also float columns, holding a value a float represents)
    uint64_t offset;  // kString/kJson/kDecimal/kBinary: offset into the byte arena
  };
  Cell() : i(0) {}
};

// Where one row lies in a Row holding several one after another: its cells, and the arena
// bytes its cells point into.
struct RowSpan {
  size_t cell_begin = 0;
  size_t cell_end = 0;
  size_t byte_begin = 0;
  size_t byte_end = 0;
};

class Row {
 public:
  void Clear() {
    cells_.clear();
    bytes_.clear();
  }
  // Clear and give the memory back.
  void Release() {
    std::vector<Cell>().swap(cells_);
    std::string().swap(bytes_);
  }

  void AppendNull() { cells_.emplace_back(); }
  void AppendBool(bool v) { Push(CellKind::kBool).b = v; }
  void AppendInt64(int64_t v) { Push(CellKind::kInt64).i = v; }
  void AppendDouble(double v) { Push(CellKind::kDouble).d = v; }
  void AppendTimestamp(int64_t micros) { Push(CellKind::kTimestamp).i = micros; }
  void AppendDate(int64_t days) { Push(CellKind::kDate).i = days; }
  void AppendString(std::string_view s) { AppendBytes(CellKind::kString, s); }
  void AppendJson(std::string_view s) { AppendBytes(CellKind::kJson, s); }
  void AppendDecimal(std::string_view s) { AppendBytes(CellKind::kDecimal, s); }
  void AppendBinary(std::string_view s) { AppendBytes(CellKind::kBinary, s); }
  void AppendStruct() { Push(CellKind::kStruct); }
  // Begin a list; call EndList with the returned index and the element count.
  size_t BeginList() {
    Push(CellKind::kList);
    return cells_.size() - 1;
  }
  void EndList(size_t index, uint32_t count) {
    assert(cells_[index].kind == CellKind::kList);
    cells_[index].count = count;
  }
  // Begin a map; call EndMap with the returned index and the entry count.
  size_t BeginMap() {
    Push(CellKind::kMap);
    return cells_.size() - 1;
  }
  void EndMap(size_t index, uint32_t count) {
    assert(cells_[index].kind == CellKind::kMap);
    cells_[index].count = count;
  }
  // Append the bytes of a string cell in pieces: BeginString, then AppendToString, then
  // EndString with the returned index. Lets decoders unescape straight into the arena.
  size_t BeginString(CellKind kind) {
    Cell& c = Push(kind);
    c.offset = bytes_.size();
    return cells_.size() - 1;
  }
  std::string* arena() { return &bytes_; }
  void EndString(size_t index) {
    Cell& c = cells_[index];
    c.count = static_cast<uint32_t>(bytes_.size() - c.offset);
  }
  // Drop the cells from `size` on (their bytes stay in the arena until Clear). For rolling back
  // a partially decoded subtree.
  void Truncate(size_t size) { cells_.resize(size); }
  // Keep only the first `length` bytes of the last cell, a bytes cell whose bytes end the arena.
  void ShortenLastBytes(uint32_t length) {
    Cell& c = cells_.back();
    assert(c.offset + c.count == bytes_.size() && length <= c.count);
    c.count = length;
    bytes_.resize(c.offset + length);
  }

  // Append the cells of `other`, a whole row, after this row's cells, and its bytes after these:
  // rows one after another, as a batch holds them (FileEncoder::AppendRange).
  void AppendRow(const Row& other) {
    const uint64_t base = bytes_.size();
    const size_t first = cells_.size();
    cells_.insert(cells_.end(), other.cells_.begin(), other.cells_.end());
    if (base != 0) {
      for (size_t i = first; i < cells_.size(); ++i) {
        if (HasBytes(cells_[i].kind)) cells_[i].offset += base;
      }
    }
    bytes_.append(other.bytes_);
  }
  // Append the row `span` of `other` (a Row of rows one after another), as AppendRow does.
  void AppendRow(const Row& other, const RowSpan& span) {
    const size_t first = cells_.size();
    cells_.insert(cells_.end(), other.cells_.begin() + static_cast<std::ptrdiff_t>(span.cell_begin),
                  other.cells_.begin() + static_cast<std::ptrdiff_t>(span.cell_end));
    const uint64_t base = bytes_.size();
    if (base != span.byte_begin) {
      for (size_t i = first; i < cells_.size(); ++i) {
        if (HasBytes(cells_[i].kind)) cells_[i].offset = cells_[i].offset - span.byte_begin + base;
      }
    }
    bytes_.append(other.bytes_, span.byte_begin, span.byte_end - span.byte_begin);
  }
  // The span of this whole row.
  RowSpan span() const { return RowSpan{0, cells_.size(), 0, bytes_.size()}; }
  static bool HasBytes(CellKind kind) {
    return kind == CellKind::kString || kind == CellKind::kJson || kind == CellKind::kDecimal ||
           kind == CellKind::kBinary;
  }
  // Bytes allocated for cells and strings.
  size_t memory_bytes() const { return cells_.capacity() * sizeof(Cell) + bytes_.capacity(); }

  size_t size() const { return cells_.size(); }
  // Bytes of the string arena in use.
  size_t arena_size() const { return bytes_.size(); }
  const Cell& cell(size_t i) const { return cells_[i]; }
  const std::vector<Cell>& cells() const { return cells_; }
  std::string_view bytes(const Cell& c) const {
    return std::string_view(bytes_.data() + c.offset, c.count);
  }

 private:
  Cell& Push(CellKind kind) {
    cells_.emplace_back();
    cells_.back().kind = kind;
    return cells_.back();
  }
  void AppendBytes(CellKind kind, std::string_view s) {
    Cell& c = Push(kind);
    c.offset = bytes_.size();
    c.count = static_cast<uint32_t>(s.size());
    bytes_.append(s);
  }

  std::vector<Cell> cells_;
  std::string bytes_;
};

}  // namespace datalake::format
