// Private to the aws module: the S3 request bodies S3Client sends and the response documents it
// reads (docs/AWS-WIRE.md#s3-operations), apart from the transport so each is testable on literal
// samples. Parsing is namespace-agnostic (moto, s3rver and AWS disagree on xmlns) and never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/s3.h"
#include "common/status.h"

namespace datalake::aws {

inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct ListObjectsPage {
  std::vector<S3Object> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

struct ListUploadsPage {
  std::vector<S3MultipartUploadInfo> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// One <Error> of a DeleteObjects result.
struct DeleteObjectError {
  std::string key;
  std::string code;
  std::string message;
};

// Parse a ListObjectsV2 <ListBucketResult>; keys are URL-decoded when it says
// <EncodingType>url</EncodingType>.
Result<ListObjectsPage> ParseListObjectsPage(std::string_view body);
// Parse a ListMultipartUploads <ListMultipartUploadsResult>, decoding keys likewise.
Result<ListUploadsPage> ParseListUploadsPage(std::string_view body);
// Return the <UploadId> of an <InitiateMultipartUploadResult>.
Result<std::string> ParseUploadId(std::string_view body);
// Return the <Error> entries of a DeleteObjects <DeleteResult> (empty when all were deleted,
// or when the body is empty).
Result<std::vector<DeleteObjectError>> ParseDeleteErrors(std::string_view body);

// Return the DeleteObjects body for keys [begin, end), quiet mode (only failures reported).
std::string DeleteObjectsBody(const std::string* begin, const std::string* end);
// Return the CompleteMultipartUpload body listing `parts` in the given order.
std::string CompleteMultipartUploadBody(const std::vector<CompletedPart>& parts);

// Return `text` escaped for XML character data and attribute values; control characters
// become numeric references so CR and TAB survive the round trip.
std::string XmlEscape(std::string_view text);
// Return the Content-MD5 value of `body`: base64 of its binary MD5 (RFC 1864).
Result<std::string> ContentMd5(std::string_view body);
// Return the decoding of S3's encoding-type=url values: %XX escapes, and '+' as space.
std::string UrlDecodeS3(std::string_view value);

}  // namespace datalake::aws
