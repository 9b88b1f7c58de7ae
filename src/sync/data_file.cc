#include "sync/data_file.h"

namespace datalake::sync {

class DataFile::ObjectSink : public format::Sink {
 public:
  explicit ObjectSink(storage::PendingObject* object) : object_(object) {}
  Status Write(std::string_view bytes) override { return object_->Write(bytes); }

 private:
  storage::PendingObject* object_;
};

Result<std::unique_ptr<DataFile>> DataFile::Open(storage::ObjectStore* store,
                                                 const std::string& key,
                                                 const schema::TableSchema& schema,
                                                 const DataFileOptions& options) {
  std::unique_ptr<DataFile> file(new DataFile());
  ASSIGN_OR_RETURN(file->object_, store->Create(key));
  file->sink_ = std::make_unique<ObjectSink>(file->object_.get());
  if (options.format == format::FileFormat::kParquet) {
    ASSIGN_OR_RETURN(file->encoder_,
                     format::NewParquetEncoder(schema, options.parquet, file->sink_.get()));
  } else {
    ASSIGN_OR_RETURN(file->encoder_,
                     format::NewJsonlEncoder(schema, options.jsonl, file->sink_.get()));
  }
  return file;
}

DataFile::~DataFile() = default;

Status DataFile::Commit() {
  Status s = encoder_->Finish();
  if (s.ok()) s = object_->Commit();
  if (!s.ok()) Abort();
  return s;
}

void DataFile::Abort() {
  if (object_ != nullptr) object_->Abort();
}

}  // namespace datalake::sync
