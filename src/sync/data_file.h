// DataFile: one data file being written: a pending object in the store and the encoder that
// fills it. Nothing of it is visible until Commit succeeds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "format/format.h"
#include "storage/storage.h"

namespace datalake::sync {

struct DataFileOptions {
  format::FileFormat format = format::FileFormat::kJsonl;
  format::EncoderOptions jsonl;    // for JSON Lines files
  format::ParquetOptions parquet;  // for Parquet files
};

class DataFile {
 public:
  // Start the object `key` in `store` and an encoder of `schema` writing into it.
  static Result<std::unique_ptr<DataFile>> Open(storage::ObjectStore* store, const std::string& key,
                                                const schema::TableSchema& schema,
                                                const DataFileOptions& options);
  ~DataFile();

  void Append(const format::Row& row) { encoder_->Append(row); }
  uint64_t EstimatedSize() const { return encoder_->EstimatedSize(); }
  // Finish the encoding and make the object visible, durably. On failure the object is
  // discarded.
  Status Commit();
  // Discard the object.
  void Abort();

  const std::string& key() const { return object_->key(); }
  uint64_t size() const { return object_->size(); }

 private:
  class ObjectSink;
  DataFile() = default;

  std::unique_ptr<storage::PendingObject> object_;
  std::unique_ptr<ObjectSink> sink_;
  std::unique_ptr<format::FileEncoder> encoder_;
};

}  // namespace datalake::sync
