// S3Client: the Amazon S3 operations the destination uses, over AwsClient.
//
// Addressing: virtual-hosted style on AWS (https://<bucket>.s3.<region>.<partition suffix>/key,
// with the cn- and us-gov- partitions), path style on a custom endpoint or for bucket names
// with dots. Keys are encoded once per segment. XML is parsed with pugixml, namespace-agnostic.
// Errors: AwsClient's, with the causes a user must fix (missing bucket, wrong region, rejected
// credentials, denied access) explained as kConfigError by every operation alike (ExplainError).
// Thread-safe (AwsClient gives each thread its own connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "common/status.h"

namespace datalake::aws {

enum class ServerSideEncryption { kNone, kS3, kKms };

struct S3Options {
  std::string region{};
  std::optional<std::string> endpoint{};  // custom endpoint ("http://127.0.0.1:7480"): path style
  std::shared_ptr<CredentialsProvider> credentials{};
  ServerSideEncryption sse = ServerSideEncryption::kNone;
  std::string kms_key_id{};  // with kKms; empty means the AWS managed key
  RetryOptions retry{};
  HttpOptions http{};
  // Keys (max-keys) or uploads (max-uploads) per list page; 0: the server's default of 1000.
  // For tests of pagination.
  int list_page_size = 0;
  // Injected for tests, passed on to AwsClientOptions (see there).
  std::function<std::chrono::system_clock::time_point()> clock{};
  std::function<double()> jitter{};
  std::function<void(std::chrono::milliseconds)> sleep{};
  std::function<std::chrono::steady_clock::time_point()> steady_clock{};
  std::function<std::unique_ptr<HttpClient>()> http_factory{};
};

struct S3Object {
  std::string key;
  uint64_t size = 0;
  std::string etag;
};

struct S3MultipartUploadInfo {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO 8601 as S3 returns it
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

class S3Client {
 public:
  explicit S3Client(S3Options options);

  // Return the endpoint URL and the path for `bucket`/`key` ("" key: the bucket itself).
  std::string HostUrl(const std::string& bucket) const;
  std::string ObjectPath(const std::string& bucket, const std::string& key) const;

  // The cheap first check of `check` and `write`: OK, or why the bucket cannot be used.
  Status HeadBucket(const std::string& bucket);
  // Return the ETag.
  Result<std::string> PutObject(const std::string& bucket, const std::string& key,
                                std::string_view body);
  Result<std::string> GetObject(const std::string& bucket, const std::string& key);
  // Delete one object (missing is OK).
  Status DeleteObject(const std::string& bucket, const std::string& key);
  // Delete objects in batches of 1000 with Content-MD5; a per-key error fails the call naming it.
  Status DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys);
  // List every object under `prefix` (all pages).
  Result<std::vector<S3Object>> ListObjects(const std::string& bucket, const std::string& prefix);

  // Multipart upload (parts 5 MiB - 5 GiB, at most 10,000 parts).
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key);
  // Return the part's ETag.
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 std::string_view body);
  // Complete; a 200 response carrying an <Error> is an error.
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts);
  // Abort; an upload that is already gone (404 NoSuchUpload) counts as aborted.
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);
  // List incomplete multipart uploads under `prefix` (all pages).
  Result<std::vector<S3MultipartUploadInfo>> ListMultipartUploads(const std::string& bucket,
                                                                  const std::string& prefix);

 private:
  // Send `request` to the bucket's host; fill `*error` (when not null) as AwsClient does. A
  // failure is explained by ExplainError.
  Result<HttpResponse> Execute(AwsRequest request, const std::string& bucket,
                               AwsError* error = nullptr);
  // Return the final Status of a request that failed with `error` (`status` as AwsClient gave
  // it). The answers the user must act on become kConfigError in the same words whichever
  // operation met them first, HeadBucket in `check` or any request of a sync: the bucket does
  // not exist, is in another region, the credentials were rejected, or access is denied (a 403
  // without a body is followed by GetBucketLocation to tell the last two apart). Anything else
  // is `status` unchanged, so kNotFound never means a missing bucket.
  Status ExplainError(const AwsRequest& request, const std::string& bucket, const AwsError& error,
                      const Status& status);
  // Return the SSE headers of PutObject and CreateMultipartUpload
  // (docs/AWS-WIRE.md#server-side-encryption).
  std::vector<Header> EncryptionHeaders() const;

  S3Options options_;
  AwsClient client_;  // virtual-hosted requests set AwsRequest::endpoint per bucket
};

// Return the regional S3 endpoint for `region` ("https://s3.us-east-1.amazonaws.com";
// "https://s3.cn-north-1.amazonaws.com.cn").
std::string S3RegionalEndpoint(const std::string& region);

}  // namespace datalake::aws
