#include "sync/decode_ahead.h"

#include <algorithm>
#include <string>

namespace datalake::sync {

// A chunk and what decodes it: a pool thread, or the pipeline thread (Job::RunOrWait), but one
// at a time.
struct DecodeAhead::Slot {
  protocol::InputChunk input;
  DecodedChunk decoded;
  std::shared_ptr<Job> job;  // set while the chunk may be decoding on the pool
  protocol::ChunkParser parser;
  protocol::Message message;
  RecordScratch scratch;
};

namespace {

// Chunks in flight: one per pool thread, and two more so that the pipeline thread has one to
// sequence while the pool decodes the next ones. Without a pool, the chunk being sequenced.
size_t SlotCount(const TaskPool* pool) { return pool == nullptr ? 1 : pool->threads() + 2; }

}  // namespace

DecodeAhead::DecodeAhead(int fd, TaskPool* pool, FindWriter find_writer)
    : reader_(fd), pool_(pool), find_writer_(std::move(find_writer)) {
  const size_t slots = SlotCount(pool);
  for (size_t i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Slot>());
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
    Result<bool> more = slot->parser.Next(&m);
    if (!more.ok()) {
      d.status = more.status();
      return;
    }
    if (!*more) return;
    DecodedChunk::Item item;
    item.type = m.type;
    switch (m.type) {
      case protocol::MessageType::kRecord: {
        item.writer = find_writer_(m.stream);
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
