// S3Client: addressing (docs/AWS-WIRE.md#s3-addressing) and the operations of
// docs/AWS-WIRE.md#s3-operations over AwsClient.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "aws/retry_policy.h"
#include "aws/s3.h"
#include "aws/s3_xml.h"

namespace datalake::aws {
namespace {

constexpr size_t kDeleteBatchSize = 1000;  // DeleteObjects limit (docs/AWS-WIRE.md#s3-limits)

std::string RegionOrDefault(const std::string& region) {
  return region.empty() ? "us-east-1" : region;
}

bool HasCustomEndpoint(const S3Options& options) {
  return options.endpoint.has_value() && !options.endpoint->empty();
}

AwsClientOptions ClientOptions(const S3Options& options) {
  AwsClientOptions client;
  client.service = "s3";
  client.region = RegionOrDefault(options.region);
  client.endpoint =
      HasCustomEndpoint(options) ? *options.endpoint : S3RegionalEndpoint(client.region);
  client.protocol = Protocol::kRestXml;
  client.credentials = options.credentials;
  client.retry = options.retry;
  client.http = options.http;
  client.clock = options.clock;
  client.jitter = options.jitter;
  client.sleep = options.sleep;
  client.steady_clock = options.steady_clock;
  client.http_factory = options.http_factory;
  return client;
}

// True if `bucket` can be a DNS label of the virtual host: up to 63 of [a-z0-9-], no dots (the
// wildcard certificate covers one label only), not starting or ending with '-'. Legacy names
// with capitals or '_' must use path style.
bool IsVirtualHostable(const std::string& bucket) {
  if (bucket.empty() || bucket.size() > 63 || bucket.front() == '-' || bucket.back() == '-') {
    return false;
  }
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// Path style on custom endpoints, and for names the virtual host cannot carry
// (docs/AWS-WIRE.md#s3-addressing).
bool UsesPathStyle(const S3Options& options, const std::string& bucket) {
  return HasCustomEndpoint(options) || !IsVirtualHostable(bucket);
}

std::string Resource(const std::string& bucket, const std::string& key) {
  return key.empty() ? "s3://" + bucket : "s3://" + bucket + "/" + key;
}

// Return the IAM action `operation` needs, for "access denied" messages.
std::string_view RequiredPermission(std::string_view operation) {
  if (operation == "PutObject" || operation == "CreateMultipartUpload" ||
      operation == "UploadPart" || operation == "CompleteMultipartUpload") {
    return "s3:PutObject";
  }
  if (operation == "GetObject") return "s3:GetObject";
  if (operation == "DeleteObject" || operation == "DeleteObjects") return "s3:DeleteObject";
  if (operation == "AbortMultipartUpload") return "s3:AbortMultipartUpload";
  if (operation == "ListMultipartUploads") return "s3:ListBucketMultipartUploads";
  return "s3:ListBucket";  // HeadBucket, ListObjectsV2
}

// True if S3 says the bucket is in another region than `region`, the one requests are signed for
// (docs/AWS-WIRE.md#s3-addressing): a 301 PermanentRedirect, or a 400
// (AuthorizationHeaderMalformed) or 403 whose <Region> or x-amz-bucket-region names another region.
bool IsWrongRegion(const AwsError& error, const std::string& region) {
  if (error.http_status == 301 || error.code == "PermanentRedirect") return true;
  if (error.region.empty() || error.region == region) return false;
  return error.http_status == 400 || error.http_status == 403;
}

}  // namespace

std::string S3RegionalEndpoint(const std::string& region) {
  const std::string name = RegionOrDefault(region);
  // The aws-cn partition has its own DNS suffix; aws and aws-us-gov share amazonaws.com.
  const char* suffix = name.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://s3." + name + "." + suffix;
}

S3Client::S3Client(S3Options options)
    : options_(std::move(options)), client_(ClientOptions(options_)) {}

std::string S3Client::HostUrl(const std::string& bucket) const {
  if (UsesPathStyle(options_, bucket)) return client_.options().endpoint;
  const std::string regional = S3RegionalEndpoint(options_.region);
  return "https://" + bucket + "." + regional.substr(std::string("https://").size());
}

std::string S3Client::ObjectPath(const std::string& bucket, const std::string& key) const {
  // A key is encoded once, '/' kept; S3 signs the path as sent (docs/AWS-WIRE.md#canonical-uri).
  const std::string encoded_key = UriEncode(key, false);
  if (!UsesPathStyle(options_, bucket)) return "/" + encoded_key;
  std::string path = "/" + UriEncode(bucket, true);
  if (!key.empty()) path += "/" + encoded_key;
  return path;
}

Result<HttpResponse> S3Client::Execute(AwsRequest request, const std::string& bucket,
                                       AwsError* error) {
  request.endpoint = HostUrl(bucket);
  AwsError parsed;
  Result<HttpResponse> response = client_.Execute(request, &parsed);
  if (error != nullptr) *error = parsed;
  // Transport and signing failures (http_status 0) have nothing S3 said to explain.
  if (response.ok() || parsed.http_status == 0) return response;
  return ExplainError(request, bucket, parsed, response.status());
}

Status S3Client::ExplainError(const AwsRequest& request, const std::string& bucket,
                              const AwsError& error, const Status& status) {
  const std::string& detail = status.message();
  const std::string& region = client_.options().region;
  if (IsWrongRegion(error, region)) {
    if (!error.region.empty() && error.region != region) {
      return Status::ConfigError("bucket " + bucket + " is in region " + error.region + ", not " +
                                 region + ": set the region to " + error.region + " (" + detail +
                                 ")");
    }
    return Status::ConfigError("bucket " + bucket + " is in another region than " + region +
                               ": set the region to the bucket's region (" + detail + ")");
  }
  // HEAD answers have no body: a 404 to a request for the bucket itself is the bucket.
  if (error.code == "NoSuchBucket" ||
      (error.http_status == 404 && error.code.empty() && request.path == ObjectPath(bucket, ""))) {
    return Status::ConfigError("bucket " + bucket + " does not exist (" + detail + ")");
  }
  if (std::string_view reason = RejectedCredentialsReason(error.code); !reason.empty()) {
    return RejectedCredentialsError(reason, detail);
  }
  const bool without_code =
      error.code.empty() && (error.http_status == 400 || error.http_status == 403);
  if (without_code) {
    // A 400 or 403 to HEAD has no body, so it cannot tell rejected credentials (a wrong secret,
    // an expired token) from a missing permission; a GET of the bucket's location answers with
    // an error code that can.
    AwsError why;
    auto probe = client_.Execute({.operation = "GetBucketLocation",
                                  .resource = Resource(bucket, ""),
                                  .endpoint = HostUrl(bucket),
                                  .method = "GET",
                                  .path = ObjectPath(bucket, ""),
                                  .query = {{"location", ""}}},
                                 &why);
    std::string_view reason = RejectedCredentialsReason(why.code);
    if (!probe.ok() && !reason.empty()) {
      return RejectedCredentialsError(reason, probe.status().message());
    }
  }
  if (error.code == "AccessDenied" || (without_code && error.http_status == 403)) {
    return Status::ConfigError(
        "access denied to bucket " + bucket + ": check the credentials and their " +
        std::string(RequiredPermission(request.operation)) + " permission (" + detail + ")");
  }
  return status;
}

std::vector<Header> S3Client::EncryptionHeaders() const {
  // Only on PutObject and CreateMultipartUpload; parts inherit the upload's setting.
  switch (options_.sse) {
    case ServerSideEncryption::kNone:
      return {};
    case ServerSideEncryption::kS3:
      return {{"x-amz-server-side-encryption", "AES256"}};
    case ServerSideEncryption::kKms: {
      std::vector<Header> headers = {{"x-amz-server-side-encryption", "aws:kms"}};
      if (!options_.kms_key_id.empty()) {
        headers.push_back({"x-amz-server-side-encryption-aws-kms-key-id", options_.kms_key_id});
      }
      return headers;
    }
  }
  return {};
}

Status S3Client::HeadBucket(const std::string& bucket) {
  return Execute({.operation = "HeadBucket",
                  .resource = Resource(bucket, ""),
                  .method = "HEAD",
                  .path = ObjectPath(bucket, "")},
                 bucket)
      .status();
}

Result<std::string> S3Client::PutObject(const std::string& bucket, const std::string& key,
                                        std::string_view body) {
  ASSIGN_OR_RETURN(HttpResponse response, Execute({.operation = "PutObject",
                                                   .resource = Resource(bucket, key),
                                                   .method = "PUT",
                                                   .path = ObjectPath(bucket, key),
                                                   .headers = EncryptionHeaders(),
                                                   .body = body},
                                                  bucket));
  return std::string(response.HeaderValue("ETag"));
}

Result<std::string> S3Client::GetObject(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(HttpResponse response, Execute({.operation = "GetObject",
                                                   .resource = Resource(bucket, key),
                                                   .method = "GET",
                                                   .path = ObjectPath(bucket, key)},
                                                  bucket));
  return std::move(response.body);
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  AwsError error;
  auto response = Execute({.operation = "DeleteObject",
                           .resource = Resource(bucket, key),
                           .method = "DELETE",
                           .path = ObjectPath(bucket, key)},
                          bucket, &error);
  // S3 answers 204 for a missing key; some compatible servers say 404 NoSuchKey.
  if (response.ok() || error.code == "NoSuchKey") return Status::Ok();
  return response.status();
}

Status S3Client::DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys) {
  for (size_t begin = 0; begin < keys.size(); begin += kDeleteBatchSize) {
    const size_t end = std::min(keys.size(), begin + kDeleteBatchSize);
    const std::string body = DeleteObjectsBody(keys.data() + begin, keys.data() + end);
    // Content-MD5 always: AWS no longer requires it, but MinIO and others still do.
    ASSIGN_OR_RETURN(std::string md5, ContentMd5(body));
    ASSIGN_OR_RETURN(
        HttpResponse response,
        Execute({.operation = "DeleteObjects",
                 .resource = Resource(bucket, ""),
                 .method = "POST",
                 .path = ObjectPath(bucket, ""),
                 .query = {{"delete", ""}},
                 .headers = {{"Content-MD5", md5}, {"Content-Type", "application/xml"}},
                 .body = body},
                bucket));
    auto errors = ParseDeleteErrors(response.body);
    if (!errors.ok()) return errors.status().WithContext("DeleteObjects " + Resource(bucket, ""));
    if (!errors->empty()) {
      // Per-key failures arrive inside a 200: name the first, count the rest.
      const DeleteObjectError& first = errors->front();
      std::string message = "DeleteObjects " + Resource(bucket, "") + ": could not delete " +
                            Resource(bucket, first.key) + ": " + first.code + ": " + first.message;
      if (errors->size() > 1) {
        message += " (and " + std::to_string(errors->size() - 1) + " more keys)";
      }
      // The same causes as a whole request's failure, in the same words.
      return ExplainError({.operation = "DeleteObjects", .path = ObjectPath(bucket, "")}, bucket,
                          {.http_status = 200, .code = first.code, .message = first.message},
                          Status::IOError(std::move(message)));
    }
  }
  return Status::Ok();
}

}  // namespace datalake::aws
