#include "sync/decode_ahead.h"

#include <algorithm>
#include <optional>
#include <string>

namespace datalake::sync {

namespace {

// Start a record's row in `d` for `writer` (a row of its own for a long line) into *item, and
// return the rows it goes into.
format::Row* BeginRow(DecodedChunk* d, StreamWriter* writer, size_t line_bytes,
                      DecodedChunk::Item* item) {
  item->type = protocol::MessageType::kRecord;
  item->writer = writer;
  item->line_bytes = line_bytes;
  if (line_bytes >= DecodeAhead::kOwnRowLineBytes) {
    item->own_row = static_cast<int>(d->own_rows.size());
    d->own_rows.push_back(std::make_unique<format::Row>());
  }
  format::Row* rows = d->RowOf(*item);
  item->span.cell_begin = rows->size();
  item->span.byte_begin = rows->arena_size();
  return rows;
}

// The row begun for *item is complete.
void EndRow(DecodedChunk* d, DecodedChunk::Item* item) {
  const format::Row* rows = d->RowOf(*item);
  item->span.cell_end = rows->size();
  item->span.byte_end = rows->arena_size();
}

// Remove the row last begun, for `item`.
void DropRow(DecodedChunk* d, const DecodedChunk::Item& item) {
  if (item.own_row >= 0) {
    d->own_rows.pop_back();
  } else {
    d->rows.Truncate(item.span.cell_begin);
    d->rows.arena()->resize(item.span.byte_begin);
  }
}

// Chunks in flight: one per pool thread, and two more so that the pipeline thread has one to
// sequence while the pool decodes the next ones. Without a pool, the chunk being sequenced.
size_t SlotCount(const TaskPool* pool) { return pool == nullptr ? 1 : pool->threads() + 2; }

}  // namespace

// Converts a RECORD's data into the chunk's rows while ChunkParser parses its line, so that the
// line's JSON is parsed once. What it read is taken for the record's item, or discarded when the
// parser withdraws it (protocol::RecordDataReader).
class DecodeAhead::DataReader final : public protocol::RecordDataReader {
 public:
  DataReader(const FindWriter* find_writer, DecodedChunk* decoded, RecordScratch* scratch)
      : find_writer_(*find_writer), decoded_(*decoded), scratch_(*scratch) {}

  bool Read(const protocol::Message& record, json::OnDemandValue& data) override {
    StreamWriter* writer = Find(record.stream);
    if (writer == nullptr) return false;  // the plain parse reports it
    DecodedChunk::Item item;
    format::Row* rows = BeginRow(&decoded_, writer, record.line_bytes, &item);
    if (!writer->ConvertData(data, &scratch_, rows).ok()) {
      DropRow(&decoded_, item);
      return false;
    }
    read_ = item;
    return true;
  }

  // The item of the record whose data was read (Message::data_read), its row finished.
  DecodedChunk::Item Take(const protocol::Message& record) {
    DecodedChunk::Item item = std::move(*read_);
    read_.reset();
    item.writer->FinishConvert(record, &scratch_, decoded_.RowOf(item), item.span.cell_begin,
                               &item.partition);
    EndRow(&decoded_, &item);
    return item;
  }

  // The writer of `stream`, or nullptr. Records mostly come in runs of one stream: the last
  // one found is compared before the streams are looked up by hashing their names.
  StreamWriter* Find(const protocol::StreamDescriptor& stream) {
    if (last_writer_ == nullptr || !(last_writer_->descriptor() == stream)) {
      StreamWriter* writer = find_writer_(stream);
      if (writer == nullptr) return nullptr;
      last_writer_ = writer;
    }
    return last_writer_;
  }

  // Drop what was read for a line the parser then parsed again.
  void Discard() {
    if (read_.has_value()) DropRow(&decoded_, *read_);
    read_.reset();
  }

 private:
  const FindWriter& find_writer_;
  DecodedChunk& decoded_;
  RecordScratch& scratch_;
  std::optional<DecodedChunk::Item> read_;  // begun by Read, not yet taken
  StreamWriter* last_writer_ = nullptr;
};

// A chunk and what decodes it: a pool thread, or the pipeline thread (Job::RunOrWait), but one
// at a time.
struct DecodeAhead::Slot {
  explicit Slot(const FindWriter* find_writer) : data_reader(find_writer, &decoded, &scratch) {}

  protocol::InputChunk input;
  DecodedChunk decoded;
  std::shared_ptr<Job> job;  // set while the chunk may be decoding on the pool
  protocol::ChunkParser parser;
  protocol::Message message;
  RecordScratch scratch;
  DataReader data_reader;
};

DecodeAhead::DecodeAhead(int fd, TaskPool* pool, FindWriter find_writer)
    : reader_(fd), pool_(pool), find_writer_(std::move(find_writer)) {
  const size_t slots = SlotCount(pool);
  for (size_t i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Slot>(&find_writer_));
}

DecodeAhead::~DecodeAhead() {
  for (const std::unique_ptr<Slot>& slot : slots_) {
    if (slot->job != nullptr) slot->job->RunOrWait();
  }
}

Result<DecodedChunk*> DecodeAhead::Next() {
  if (handed_out_ != nullptr) {
    Recycle(handed_out_);
    handed_out_ = nullptr;
  }
  // Read ahead while there is room, but wait for input only when nothing is decoded yet.
  while (!input_ended_ && in_flight_ < slots_.size() &&
         (in_flight_ == 0 || (in_flight_bytes_ < kMaxAheadBytes && reader_.Ready()))) {
    Slot* slot = slots_[(head_ + in_flight_) % slots_.size()].get();
    Result<bool> more = reader_.Next(&slot->input);
    if (!more.ok() || !*more) {
      input_ended_ = true;
      read_error_ = more.status();
      break;
    }
    ++in_flight_;
    in_flight_bytes_ += slot->input.size;
    if (pool_ != nullptr) slot->job = pool_->Post([this, slot] { Decode(slot); });
  }
  if (in_flight_ == 0) {
    if (!read_error_.ok()) return read_error_;
    return nullptr;
  }
  Slot* slot = slots_[head_].get();
  if (slot->job != nullptr) {
    slot->job->RunOrWait();
    slot->job.reset();
  } else {
    Decode(slot);
  }
  head_ = (head_ + 1) % slots_.size();
  --in_flight_;
  in_flight_bytes_ -= slot->input.size;
  handed_out_ = slot;
  return &slot->decoded;
}

void DecodeAhead::Recycle(Slot* slot) {
  DecodedChunk& d = slot->decoded;
  d.items.clear();
  d.rows.Clear();
  d.own_rows.clear();
  d.messages.clear();
  d.status = Status::Ok();
  // A long line's memory goes now, not when the slot is next filled.
  if (slot->input.capacity > protocol::ChunkReader::kRetainCapacity) {
    slot->input.data.reset();
    slot->input.capacity = 0;
  }
  if (d.rows.memory_bytes() > protocol::ChunkReader::kRetainCapacity) d.rows.Release();
}

void DecodeAhead::Decode(Slot* slot) {
  DecodedChunk& d = slot->decoded;
  protocol::Message& m = slot->message;
  slot->parser.Reset(&slot->input);
  for (;;) {
    Result<bool> more = slot->parser.Next(&m, &slot->data_reader);
    if (!more.ok() || !*more || !m.data_read) slot->data_reader.Discard();
    if (!more.ok()) {
      d.status = more.status();
      return;
    }
    if (!*more) return;
    DecodedChunk::Item item;
    item.type = m.type;
    switch (m.type) {
      case protocol::MessageType::kRecord: {
        if (m.data_read) {
          item = slot->data_reader.Take(m);
          break;
        }
        StreamWriter* writer = slot->data_reader.Find(m.stream);
        if (writer == nullptr) {
          d.status = Status::InvalidInput("line " + std::to_string(m.line_number) +
                                          ": RECORD for stream '" + m.stream.ToString() +
                                          "', which is not in the configured catalog");
          return;
        }
        format::Row* rows = BeginRow(&d, writer, m.line_bytes, &item);
        Status s = writer->Convert(m, &slot->scratch, rows, &item.partition);
        if (!s.ok()) {
          d.status = std::move(s);
          return;
        }
        EndRow(&d, &item);
        break;
      }
      case protocol::MessageType::kState:
      case protocol::MessageType::kStreamStatus:
        item.message = d.messages.size();
        d.messages.push_back(m);
        break;
      case protocol::MessageType::kOther:
        continue;
    }
    d.items.push_back(item);
  }
}

}  // namespace datalake::sync
