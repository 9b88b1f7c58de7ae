// The S3 object store: pending objects are multipart uploads whose parts go up in the
// background while the encoder keeps producing; Commit completes the upload.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>

#include "common/task_pool.h"
#include "storage/storage.h"

namespace datalake::storage {
namespace {

// State shared by a pending object and its part uploads, which may outlive the object's call.
struct UploadState {
  std::mutex mu;
  std::condition_variable done;
  int in_flight = 0;
  Status first_error;
  std::vector<aws::CompletedPart> parts;
};

class S3PendingObject : public PendingObject {
 public:
  S3PendingObject(std::shared_ptr<aws::S3Client> client, TaskPool* pool, std::string bucket,
                  std::string key, size_t min_part_bytes)
      : client_(std::move(client)),
        pool_(pool),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        min_part_bytes_(min_part_bytes),
        state_(std::make_shared<UploadState>()) {
    part_.reserve(PartSize(min_part_bytes_, 1));
  }

  ~S3PendingObject() override {
    if (!committed_) Abort();
  }

  Status Write(std::string_view bytes) override {
    if (committed_) return Status::Internal("write after commit of " + key_);
    size_ += bytes.size();
    while (!bytes.empty()) {
      const size_t target = PartSize(min_part_bytes_, next_part_);
      const size_t take = std::min(target - part_.size(), bytes.size());
      part_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (part_.size() == target) RETURN_IF_ERROR(SendPart());
    }
    return Status::Ok();
  }

  Status Commit() override {
    if (committed_) return Status::Internal("second commit of " + key_);
    if (upload_id_.empty()) {
      // Smaller than one part: one PutObject, visible only when it succeeds.
      auto etag = client_->PutObject(bucket_, key_, part_);
      if (!etag.ok()) return etag.status();
      committed_ = true;
      return Status::Ok();
    }
    // A part that already failed fails SendPart: that too must abort the upload below.
    Status s = part_.empty() ? Status::Ok() : SendPart();
    if (s.ok()) s = WaitForParts();
    if (s.ok()) {
      std::vector<aws::CompletedPart> parts = state_->parts;
      std::sort(parts.begin(), parts.end(),
                [](const auto& a, const auto& b) { return a.part_number < b.part_number; });
      s = client_->CompleteMultipartUpload(bucket_, key_, upload_id_, parts);
    }
    if (!s.ok()) {
      Abort();
      return s;
    }
    committed_ = true;
    return Status::Ok();
  }

  void Abort() override {
    if (committed_ || aborted_) return;
    aborted_ = true;
    (void)WaitForParts();
    if (!upload_id_.empty()) (void)client_->AbortMultipartUpload(bucket_, key_, upload_id_);
  }

  const std::string& key() const override { return key_; }
  uint64_t size() const override { return size_; }
  uint64_t buffered_bytes() const override { return part_.size(); }

 private:
  Status SendPart() {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      if (!state_->first_error.ok()) return state_->first_error;
    }
    if (upload_id_.empty()) {
      ASSIGN_OR_RETURN(upload_id_, client_->CreateMultipartUpload(bucket_, key_));
    }
    if (next_part_ > 10'000) return Status::Internal("more than 10,000 parts for " + key_);
    const int number = next_part_++;
    std::string body;
    body.swap(part_);
    part_.reserve(PartSize(min_part_bytes_, next_part_));
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      ++state_->in_flight;
    }
    pool_->Submit([client = client_, state = state_, bucket = bucket_, key = key_,
                   upload_id = upload_id_, number, body = std::move(body)] {
      auto etag = client->UploadPart(bucket, key, upload_id, number, body);
      std::lock_guard<std::mutex> lock(state->mu);
      if (etag.ok()) {
        state->parts.push_back({number, etag.value()});
      } else if (state->first_error.ok()) {
        state->first_error = etag.status();
      }
      --state->in_flight;
      state->done.notify_all();
    });
    return Status::Ok();
  }

  Status WaitForParts() {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->done.wait(lock, [this] { return state_->in_flight == 0; });
    return state_->first_error;
  }

  std::shared_ptr<aws::S3Client> client_;
  TaskPool* pool_;
  std::string bucket_;
  std::string key_;
  size_t min_part_bytes_;
  std::shared_ptr<UploadState> state_;
  std::string part_;  // bytes of the part being filled
  std::string upload_id_;
  int next_part_ = 1;
  uint64_t size_ = 0;
  bool committed_ = false;
  bool aborted_ = false;
};

class S3Store : public ObjectStore {
 public:
  S3Store(std::shared_ptr<aws::S3Client> client, std::string bucket, const S3StoreOptions& o)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        options_(o),
        pool_(o.upload_threads, o.max_parts_in_memory) {}

  Result<std::unique_ptr<PendingObject>> Create(const std::string& key) override {
    std::unique_ptr<PendingObject> object =
        std::make_unique<S3PendingObject>(client_, &pool_, bucket_, key, options_.min_part_bytes);
    return object;
  }

  Status Put(const std::string& key, std::string_view bytes) override {
    return client_->PutObject(bucket_, key, bytes).status();
  }

  Result<std::string> Get(const std::string& key) override {
    return client_->GetObject(bucket_, key);
  }

  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override {
    ASSIGN_OR_RETURN(std::vector<aws::S3Object> objects, client_->ListObjects(bucket_, prefix));
    std::vector<ObjectInfo> out;
    out.reserve(objects.size());
    for (aws::S3Object& o : objects) out.push_back({std::move(o.key), o.size});
    return out;
  }

  Status Delete(const std::vector<std::string>& keys) override {
    if (keys.empty()) return Status::Ok();
    return client_->DeleteObjects(bucket_, keys);
  }

  Result<size_t> CleanupStaging(const std::string& prefix, const StagingCleanup& rule) override {
    ASSIGN_OR_RETURN(std::vector<aws::S3MultipartUploadInfo> uploads,
                     client_->ListMultipartUploads(bucket_, prefix));
    const auto now = rule.clock ? rule.clock() : std::chrono::system_clock::now();
    size_t removed = 0;
    for (const aws::S3MultipartUploadInfo& u : uploads) {
      const auto initiated = ParseIsoTime(u.initiated);
      const bool old = initiated.has_value() && *initiated < now - rule.max_age;
      if (!old && !(rule.finished_writer && rule.finished_writer(u.key))) continue;
      Status s = client_->AbortMultipartUpload(bucket_, u.key, u.upload_id);
      // Another cleaner may have aborted it first.
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
      ++removed;
    }
    return removed;
  }

  std::string Uri(const std::string& key) const override { return "s3://" + bucket_ + "/" + key; }

 private:
  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  S3StoreOptions options_;
  TaskPool pool_;  // last: its destructor drains tasks that use the members above
};

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseIsoTime(const std::string& text) {
  // "2026-12-05T03:45:44.000Z": fractions are ignored, only UTC ("Z") is accepted.
  int y, mo, d, h, mi, sec;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return std::nullopt;
  }
  tail = text.empty() ? 0 : text.back();
  if (tail != 'Z') return std::nullopt;
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

size_t PartSize(size_t min, int part_number) {
  const int doublings = (part_number - 1) / 1000;
  return min << std::min(doublings, 9);
}

std::unique_ptr<ObjectStore> NewS3Store(std::shared_ptr<aws::S3Client> client,
                                        const std::string& bucket, const S3StoreOptions& options) {
  return std::make_unique<S3Store>(std::move(client), bucket, options);
}

}  // namespace datalake::storage
