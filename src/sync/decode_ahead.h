// DecodeAhead: the input read in chunks of whole lines, each chunk parsed and its records
// converted to rows on the encode pool while the pipeline thread sequences the chunks before it
// (docs/ARCHITECTURE.md#threads). The pipeline sees every message in input order, and each
// record's row is exactly what converting it on the pipeline thread would give: what is
// written does not depend on threads.
//
// Bounded: at most a few chunks are read ahead, and no more input than kMaxAheadBytes (a long
// line is read alone). The pipeline thread never blocks on input while a decoded chunk waits
// (a STATE in it is handled without waiting for the next line), and runs a chunk's decoding
// itself if no pool thread has started it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/task_pool.h"
#include "format/row.h"
#include "protocol/protocol.h"
#include "sync/stream_writer.h"

namespace datalake::sync {

// One chunk's messages, in input order.
struct DecodedChunk {
  struct Item {
    protocol::MessageType type = protocol::MessageType::kOther;
    // kRecord: its stream, its row in `rows` (or the whole of own_rows[own_row]), and what
    // StreamWriter::AppendConverted needs besides.
    StreamWriter* writer = nullptr;
    format::RowSpan span;
    int own_row = -1;
    std::string partition;  // its partition key (StreamWriter::Convert)
    size_t line_bytes = 0;
    // kState, kStreamStatus: messages[message].
    size_t message = 0;
  };

  std::vector<Item> items;
  format::Row rows;  // the records' rows, one after another
  // Rows of long records, each alone: swapped into a file's batch rather than copied.
  std::vector<std::unique_ptr<format::Row>> own_rows;
  std::vector<protocol::Message> messages;  // views into the chunk's input
  // The first line that could not be used (malformed, a stream not in the catalog, a value
  // the decoder rejects); the items before it are good.
  Status status;

  format::Row* RowOf(const Item& item) {
    return item.own_row >= 0 ? own_rows[static_cast<size_t>(item.own_row)].get() : &rows;
  }
};

class DecodeAhead {
 public:
  // The writer of a record's stream, or nullptr when the stream is not in the catalog. Called
  // from pool threads: it must only read.
  using FindWriter = std::function<StreamWriter*(const protocol::StreamDescriptor&)>;

  // Input bytes read ahead of the chunk being sequenced, beyond the first chunk.
  static constexpr size_t kMaxAheadBytes = size_t{8} << 20;
  // A record whose line is this long is converted into a row of its own.
  static constexpr size_t kOwnRowLineBytes = size_t{1} << 20;

  // Read `fd`; decode on `pool`, or on the calling thread if it is null.
  DecodeAhead(int fd, TaskPool* pool, FindWriter find_writer);
  ~DecodeAhead();  // waits for the decoding in flight
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;

  // The next chunk, decoded; nullptr at the end of input. Valid until the next call. A failure
  // to read comes after the chunks read before it.
  Result<DecodedChunk*> Next();

 private:
  class DataReader;
  struct Slot;
  void Decode(Slot* slot);
  void Recycle(Slot* slot);

  protocol::ChunkReader reader_;
  TaskPool* const pool_;
  const FindWriter find_writer_;
  std::vector<std::unique_ptr<Slot>> slots_;  // a ring: in flight from head_, then free ones
  size_t head_ = 0;
  size_t in_flight_ = 0;
  size_t in_flight_bytes_ = 0;
  Slot* handed_out_ = nullptr;
  bool input_ended_ = false;
  Status read_error_;  // reported once the chunks read before it are handed out
};

}  // namespace datalake::sync
