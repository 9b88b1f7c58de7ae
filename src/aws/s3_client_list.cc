// S3Client: listing (ListObjectsV2, ListMultipartUploads) and multipart upload
// (docs/AWS-WIRE.md#s3-operations).

#include <string>
#include <utility>
#include <vector>

#include "aws/s3.h"
#include "aws/s3_xml.h"

namespace datalake::aws {
namespace {

constexpr int kMaxPartNumber = 10'000;  // docs/AWS-WIRE.md#s3-limits

std::string Resource(const std::string& bucket, const std::string& key) {
  return key.empty() ? "s3://" + bucket : "s3://" + bucket + "/" + key;
}

// A server that says "truncated" without a new marker would make us loop forever.
Status CheckProgress(const std::string& operation, const std::string& resource,
                     const std::string& previous, const std::string& next) {
  if (next.empty() || next == previous) {
    return Status::IOError(operation + " " + resource +
                           ": the server reported more results without a new page marker");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<S3Object>> S3Client::ListObjects(const std::string& bucket,
                                                    const std::string& prefix) {
  std::vector<S3Object> objects;
  std::string token;
  while (true) {
    // encoding-type=url lets keys carry characters XML 1.0 cannot.
    std::vector<QueryParam> query = {
        {"list-type", "2"}, {"prefix", prefix}, {"encoding-type", "url"}};
    if (!token.empty()) query.push_back({"continuation-token", token});
    if (options_.list_page_size > 0) {
      query.push_back({"max-keys", std::to_string(options_.list_page_size)});
    }
    ASSIGN_OR_RETURN(HttpResponse response, Execute({.operation = "ListObjectsV2",
                                                     .resource = Resource(bucket, prefix),
                                                     .method = "GET",
                                                     .path = ObjectPath(bucket, ""),
                                                     .query = std::move(query)},
                                                    bucket));
    auto page = ParseListObjectsPage(response.body);
    if (!page.ok()) return page.status().WithContext("ListObjectsV2 " + Resource(bucket, prefix));
    for (S3Object& object : page->objects) objects.push_back(std::move(object));
    if (!page->truncated) return objects;
    RETURN_IF_ERROR(CheckProgress("ListObjectsV2", Resource(bucket, prefix), token,
                                  page->next_continuation_token));
    token = std::move(page->next_continuation_token);
  }
}

Result<std::vector<S3MultipartUploadInfo>> S3Client::ListMultipartUploads(
    const std::string& bucket, const std::string& prefix) {
  std::vector<S3MultipartUploadInfo> uploads;
  std::string key_marker;
  std::string upload_id_marker;
  while (true) {
    std::vector<QueryParam> query = {{"uploads", ""}, {"prefix", prefix}, {"encoding-type", "url"}};
    if (!key_marker.empty()) query.push_back({"key-marker", key_marker});
    if (!upload_id_marker.empty()) query.push_back({"upload-id-marker", upload_id_marker});
    if (options_.list_page_size > 0) {
      query.push_back({"max-uploads", std::to_string(options_.list_page_size)});
    }
    ASSIGN_OR_RETURN(HttpResponse response, Execute({.operation = "ListMultipartUploads",
                                                     .resource = Resource(bucket, prefix),
                                                     .method = "GET",
                                                     .path = ObjectPath(bucket, ""),
                                                     .query = std::move(query)},
                                                    bucket));
    auto page = ParseListUploadsPage(response.body);
    if (!page.ok()) {
      return page.status().WithContext("ListMultipartUploads " + Resource(bucket, prefix));
    }
    for (S3MultipartUploadInfo& upload : page->uploads) uploads.push_back(std::move(upload));
    if (!page->truncated) return uploads;
    RETURN_IF_ERROR(CheckProgress("ListMultipartUploads", Resource(bucket, prefix),
                                  key_marker + "\n" + upload_id_marker,
                                  page->next_key_marker + "\n" + page->next_upload_id_marker));
    key_marker = std::move(page->next_key_marker);
    upload_id_marker = std::move(page->next_upload_id_marker);
  }
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key) {
  ASSIGN_OR_RETURN(HttpResponse response, Execute({.operation = "CreateMultipartUpload",
                                                   .resource = Resource(bucket, key),
                                                   .method = "POST",
                                                   .path = ObjectPath(bucket, key),
                                                   .query = {{"uploads", ""}},
                                                   .headers = EncryptionHeaders()},
                                                  bucket));
  auto upload_id = ParseUploadId(response.body);
  if (!upload_id.ok()) {
    return upload_id.status().WithContext("CreateMultipartUpload " + Resource(bucket, key));
  }
  return upload_id;
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         std::string_view body) {
  const std::string resource = Resource(bucket, key);
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return Status::Internal("UploadPart " + resource + ": part number " +
                            std::to_string(part_number) + " is outside 1..10000");
  }
  // Re-sending a part overwrites it, so retrying UploadPart is safe.
  ASSIGN_OR_RETURN(
      HttpResponse response,
      Execute({.operation = "UploadPart",
               .resource = resource + " part " + std::to_string(part_number),
               .method = "PUT",
               .path = ObjectPath(bucket, key),
               .query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
               .body = body},
              bucket));
  std::string etag(response.HeaderValue("ETag"));
  if (etag.empty()) {
    return Status::IOError("UploadPart " + resource + " part " + std::to_string(part_number) +
                           ": the response has no ETag");
  }
  return etag;
}

Status S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<CompletedPart>& parts) {
  const std::string resource = Resource(bucket, key);
  if (parts.empty()) {
    return Status::Internal("CompleteMultipartUpload " + resource + ": no parts");
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].part_number <= parts[i - 1].part_number) {
      return Status::Internal("CompleteMultipartUpload " + resource +
                              ": parts are not in ascending order");
    }
  }
  const std::string body = CompleteMultipartUploadBody(parts);
  // application/xml, not a form type; a 200 with <Error> is handled by AwsClient.
  return Execute({.operation = "CompleteMultipartUpload",
                  .resource = resource,
                  .method = "POST",
                  .path = ObjectPath(bucket, key),
                  .query = {{"uploadId", upload_id}},
                  .headers = {{"Content-Type", "application/xml"}},
                  .body = body},
                 bucket)
      .status();
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  AwsError error;
  // Also sent after cancellation: an upload left open is billed until someone aborts it.
  auto response = Execute({.operation = "AbortMultipartUpload",
                           .resource = Resource(bucket, key),
                           .method = "DELETE",
                           .path = ObjectPath(bucket, key),
                           .query = {{"uploadId", upload_id}},
                           .runs_when_cancelled = true},
                          bucket, &error);
  if (response.ok() || error.code == "NoSuchUpload") return Status::Ok();
  return response.status();
}

}  // namespace datalake::aws
