#include "sync/decode_ahead.h"

#include <algorithm>
#include <optional>
#include <string>

namespace datalake::sync {

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
    ReadData read{writer, -1, 0, 0};
    if (record.line_bytes >= kOwnRowLineBytes) {
      read.own_row = static_cast<int>(decoded_.own_rows.size());
      decoded_.own_rows.push_back(std::make_unique<format::Row>());
    }
    format::Row* rows = RowsOf(read);
    read.cell_begin = rows->size();
    read.byte_begin = rows->arena_size();
    if (!writer->ConvertData(data, &scratch_, rows).ok()) {  // rows are as they were
      if (read.own_row >= 0) decoded_.own_rows.pop_back();
      return false;
    }
    read_ = read;
    return true;
  }

  // Finish the record whose data was read (Message::data_read) into *item.
  void Take(const protocol::Message& record, DecodedChunk::Item* item) {
    item->writer = read_->writer;
    item->own_row = read_->own_row;
    format::Row* rows = RowsOf(*read_);
    item->span.cell_begin = read_->cell_begin;
    item->span.byte_begin = read_->byte_begin;
    read_->writer->FinishConvert(record, &scratch_, rows, read_->cell_begin, &item->day);
    item->span.cell_end = rows->size();
    item->span.byte_end = rows->arena_size();
    read_.reset();
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
    if (!read_.has_value()) return;
    if (read_->own_row >= 0) {
      decoded_.own_rows.pop_back();
    } else {
      decoded_.rows.Truncate(read_->cell_begin);
      decoded_.rows.arena()->resize(read_->byte_begin);
    }
    read_.reset();
  }

 private:
  struct ReadData {
    StreamWriter* writer;
    int own_row;
    size_t cell_begin;
    size_t byte_begin;
  };

  format::Row* RowsOf(const ReadData& read) {
    return read.own_row >= 0 ? decoded_.own_rows[static_cast<size_t>(read.own_row)].get()
                             : &decoded_.rows;
  }

  const FindWriter& find_writer_;
  DecodedChunk& decoded_;
  RecordScratch& scratch_;
  std::optional<ReadData> read_;
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

namespace {

// Chunks in flight: one per pool thread, and two more so that the pipeline thread has one to
// sequence while the pool decodes the next ones. Without a pool, the chunk being sequenced.
size_t SlotCount(const TaskPool* pool) { return pool == nullptr ? 1 : pool->threads() + 2; }

}  // namespace

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
        item.line_bytes = m.line_bytes;
        if (m.data_read) {
          slot->data_reader.Take(m, &item);
          break;
        }
        item.writer = slot->data_reader.Find(m.stream);
        if (item.writer == nullptr) {
          d.status = Status::InvalidInput("line " + std::to_string(m.line_number) +
                                          ": RECORD for stream '" + m.stream.ToString() +
                                          "', which is not in the configured catalog");
          return;
        }
        if (m.line_bytes >= kOwnRowLineBytes) {
          item.own_row = static_cast<int>(d.own_rows.size());
          d.own_rows.push_back(std::make_unique<format::Row>());
        }
        format::Row* rows = d.RowOf(item);
        item.span.cell_begin = rows->size();
        item.span.byte_begin = rows->arena_size();
        Status s = item.writer->Convert(m, &slot->scratch, rows, &item.day);
        if (!s.ok()) {
          d.status = std::move(s);
          return;
        }
        item.span.cell_end = rows->size();
        item.span.byte_end = rows->arena_size();
        item.line_bytes = m.line_bytes;
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
