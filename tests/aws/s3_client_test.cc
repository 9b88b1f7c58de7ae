// S3Client request building and response handling over a scripted transport (docs/AWS-WIRE.md#s3).

#include "aws/s3.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/fake_http.h"
#include "aws/s3_xml.h"

namespace datalake::aws {
namespace {

using namespace std::chrono_literals;
using client_testing::FakeHttp;
using client_testing::RecordedRequest;
using client_testing::StaticTestCredentials;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class S3ClientTest : public ::testing::Test {
 protected:
  S3Options Options() {
    S3Options options;
    options.region = "eu-west-1";
    options.credentials = std::make_shared<StaticTestCredentials>(
        Credentials{.access_key_id = "AKID", .secret_access_key = "SECRET"});
    options.retry.max_attempts = 2;
    options.sleep = [](std::chrono::milliseconds) {};
    options.http_factory = http_->Factory(http_);
    return options;
  }
  RecordedRequest Request(size_t i) const { return http_->requests().at(i); }

  std::shared_ptr<FakeHttp> http_ = std::make_shared<FakeHttp>();
};

TEST(S3EndpointTest, RegionalEndpointsPerPartition) {
  EXPECT_EQ(S3RegionalEndpoint("us-east-1"), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(S3RegionalEndpoint(""), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(S3RegionalEndpoint("cn-north-1"), "https://s3.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(S3RegionalEndpoint("us-gov-west-1"), "https://s3.us-gov-west-1.amazonaws.com");
}

TEST_F(S3ClientTest, UsesVirtualHostedStyleOnAwsWithEncodedKeys) {
  S3Client client(Options());
  EXPECT_EQ(client.HostUrl("my-bucket"), "https://my-bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(client.ObjectPath("my-bucket", "dir/a b+c=d/\xC3\xA9.json"),
            "/dir/a%20b%2Bc%3Dd/%C3%A9.json");
  ASSERT_TRUE(client.PutObject("my-bucket", "dir/a b+c=d/\xC3\xA9.json", "x").ok());
  const RecordedRequest put = Request(0);
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.url, "https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b%2Bc%3Dd/%C3%A9.json");
  EXPECT_EQ(put.HeaderValue("Host"), "my-bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_TRUE(Contains(std::string(put.HeaderValue("Authorization")), "/eu-west-1/s3/"));
  EXPECT_EQ(put.body, "x");
}

TEST_F(S3ClientTest, UsesPathStyleForDottedBucketsAndCustomEndpoints) {
  S3Client aws(Options());
  EXPECT_EQ(aws.HostUrl("my.bucket"), "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws.ObjectPath("my.bucket", "k"), "/my.bucket/k");
  EXPECT_EQ(aws.HostUrl("Legacy_Bucket"), "https://s3.eu-west-1.amazonaws.com");
  S3Options options = Options();
  options.endpoint = "http://127.0.0.1:9000";
  S3Client custom(options);
  ASSERT_TRUE(custom.GetObject("bucket", "a/b c").ok());
  EXPECT_EQ(Request(0).url, "http://127.0.0.1:9000/bucket/a/b%20c");
  EXPECT_EQ(Request(0).HeaderValue("Host"), "127.0.0.1:9000");
  EXPECT_EQ(custom.ObjectPath("bucket", ""), "/bucket");
}

TEST_F(S3ClientTest, SendsSseS3OnPutAndCreateOnly) {
  S3Options options = Options();
  options.sse = ServerSideEncryption::kS3;
  S3Client client(options);
  http_->Push(200, "", {{"ETag", "\"e1\""}});
  http_->Push(200,
              "<InitiateMultipartUploadResult><UploadId>U</UploadId>"
              "</InitiateMultipartUploadResult>");
  http_->Push(200, "", {{"ETag", "\"p1\""}});
  EXPECT_EQ(client.PutObject("b", "k", "x").value(), "\"e1\"");
  EXPECT_EQ(client.CreateMultipartUpload("b", "k").value(), "U");
  EXPECT_EQ(client.UploadPart("b", "k", "U", 1, "part").value(), "\"p1\"");
  EXPECT_EQ(Request(0).HeaderValue("x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(Request(1).HeaderValue("x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(Request(1).url, "https://b.s3.eu-west-1.amazonaws.com/k?uploads=");
  EXPECT_EQ(Request(2).HeaderValue("x-amz-server-side-encryption"), "");
  EXPECT_EQ(Request(2).url, "https://b.s3.eu-west-1.amazonaws.com/k?partNumber=1&uploadId=U");
}

TEST_F(S3ClientTest, SendsSseKmsWithKeyId) {
  S3Options options = Options();
  options.sse = ServerSideEncryption::kKms;
  options.kms_key_id = "alias/my-key";
  S3Client client(options);
  ASSERT_TRUE(client.PutObject("b", "k", "x").ok());
  EXPECT_EQ(Request(0).HeaderValue("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(Request(0).HeaderValue("x-amz-server-side-encryption-aws-kms-key-id"), "alias/my-key");
  EXPECT_TRUE(Contains(std::string(Request(0).HeaderValue("Authorization")),
                       "x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id"));
}

TEST_F(S3ClientTest, DeletesInBatchesOf1000WithContentMd5) {
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back("k" + std::to_string(i));
  keys[0] = "a b&c";
  S3Client client(Options());
  for (int i = 0; i < 3; ++i) http_->Push(200, "<DeleteResult/>");
  ASSERT_TRUE(client.DeleteObjects("b", keys).ok());
  ASSERT_EQ(http_->requests().size(), 3u);
  const RecordedRequest first = Request(0);
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.url, "https://b.s3.eu-west-1.amazonaws.com/?delete=");
  EXPECT_EQ(first.HeaderValue("Content-Type"), "application/xml");
  EXPECT_EQ(first.HeaderValue("Content-MD5"), ContentMd5(first.body).value());
  EXPECT_TRUE(first.body.starts_with(
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
      "<Object><Key>a b&amp;c</Key></Object><Object><Key>k1</Key></Object>"));
  auto count = [](const std::string& body) {
    size_t n = 0;
    for (size_t at = body.find("<Object>"); at != std::string::npos;
         at = body.find("<Object>", at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count(Request(0).body), 1000u);
  EXPECT_EQ(count(Request(1).body), 1000u);
  EXPECT_EQ(count(Request(2).body), 500u);
}

TEST_F(S3ClientTest, DeleteContentMd5MatchesAPrecomputedValue) {
  S3Client client(Options());
  ASSERT_TRUE(client.DeleteObjects("b", {"a b&c", "d/<e>"}).ok());
  EXPECT_EQ(Request(0).HeaderValue("Content-MD5"), "saWYWrclx0gqt7gV4nyPJQ==");
}

TEST_F(S3ClientTest, DeleteFailureNamesTheFirstFailingKey) {
  http_->Push(200,
              "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b/x</Key>"
              "<Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
              "<Error><Key>c</Key><Code>InternalError</Code></Error></DeleteResult>");
  S3Client client(Options());
  Status status = client.DeleteObjects("bkt", {"a", "b/x", "c"});
  EXPECT_EQ(status.code(), StatusCode::kConfigError);
  EXPECT_EQ(status.message(),
            "access denied to bucket bkt: check the credentials and their s3:DeleteObject "
            "permission (DeleteObjects s3://bkt: could not delete s3://bkt/b/x: AccessDenied: "
            "Access Denied (and 1 more keys))");
  http_->Push(200,
              "<DeleteResult><Error><Key>a</Key><Code>InternalError</Code></Error>"
              "</DeleteResult>");
  EXPECT_EQ(client.DeleteObjects("bkt", {"a"}).code(), StatusCode::kIOError);
}

TEST_F(S3ClientTest, ListsEveryPageWithContinuationTokens) {
  http_->Push(200,
              "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>p/1</Key>"
              "<Size>1</Size></Contents><NextContinuationToken>T+1/=</NextContinuationToken>"
              "</ListBucketResult>");
  http_->Push(200,
              "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>p/2</Key>"
              "<Size>2</Size></Contents></ListBucketResult>");
  S3Options options = Options();
  options.list_page_size = 1;
  S3Client client(options);
  auto objects = client.ListObjects("b", "p/");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[1].key, "p/2");
  EXPECT_EQ(Request(0).url,
            "https://b.s3.eu-west-1.amazonaws.com/"
            "?encoding-type=url&list-type=2&max-keys=1&prefix=p%2F");
  EXPECT_EQ(Request(1).url,
            "https://b.s3.eu-west-1.amazonaws.com/?continuation-token=T%2B1%2F%3D"
            "&encoding-type=url&list-type=2&max-keys=1&prefix=p%2F");
}

TEST_F(S3ClientTest, StopsWhenTheServerRepeatsAToken) {
  const std::string page =
      "<ListBucketResult><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>same</NextContinuationToken></ListBucketResult>";
  http_->Push(200, page);
  http_->Push(200, page);
  S3Client client(Options());
  auto objects = client.ListObjects("b", "");
  EXPECT_EQ(objects.status().code(), StatusCode::kIOError);
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(S3ClientTest, ListsEveryUploadPage) {
  http_->Push(200,
              "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>k1"
              "</NextKeyMarker><NextUploadIdMarker>U1</NextUploadIdMarker><Upload><Key>k1</Key>"
              "<UploadId>U1</UploadId></Upload></ListMultipartUploadsResult>");
  http_->Push(200,
              "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload><Key>k2</Key>"
              "<UploadId>U2</UploadId></Upload></ListMultipartUploadsResult>");
  S3Client client(Options());
  auto uploads = client.ListMultipartUploads("b", "p");
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  ASSERT_EQ(uploads->size(), 2u);
  EXPECT_EQ((*uploads)[1].upload_id, "U2");
  EXPECT_EQ(Request(0).url,
            "https://b.s3.eu-west-1.amazonaws.com/?encoding-type=url&prefix=p&uploads=");
  EXPECT_EQ(Request(1).url,
            "https://b.s3.eu-west-1.amazonaws.com/"
            "?encoding-type=url&key-marker=k1&prefix=p&upload-id-marker=U1&uploads=");
}

TEST_F(S3ClientTest, HeadBucketExplainsMissingForbiddenAndWrongRegion) {
  http_->Push(404, "", {{"x-amz-request-id", "R404"}});
  http_->Push(403);
  // The 403 is followed by a GetBucketLocation that tells why.
  http_->Push(403, "<Error><Code>AccessDenied</Code></Error>");
  http_->Push(301, "", {{"x-amz-bucket-region", "us-west-2"}});
  http_->Push(200);
  S3Client client(Options());
  Status missing = client.HeadBucket("b");
  EXPECT_EQ(missing.code(), StatusCode::kConfigError);
  EXPECT_TRUE(
      missing.message().starts_with("bucket b does not exist (HeadBucket s3://b: HTTP 404 "
                                    "(request id R404))"))
      << missing.message();
  Status forbidden = client.HeadBucket("b");
  EXPECT_EQ(forbidden.code(), StatusCode::kConfigError);
  EXPECT_TRUE(forbidden.message().starts_with("access denied to bucket b"));
  Status moved = client.HeadBucket("b");
  EXPECT_EQ(moved.code(), StatusCode::kConfigError);
  EXPECT_TRUE(Contains(moved.message(), "region us-west-2, not eu-west-1")) << moved.message();
  EXPECT_TRUE(client.HeadBucket("b").ok());
  EXPECT_EQ(Request(0).method, "HEAD");
  EXPECT_EQ(Request(0).url, "https://b.s3.eu-west-1.amazonaws.com/");
}

TEST_F(S3ClientTest, HeadBucketSaysWhenTheSignatureWasRejected) {
  http_->Push(403);
  http_->Push(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>");
  S3Client client(Options());
  Status rejected = client.HeadBucket("b");
  EXPECT_EQ(rejected.code(), StatusCode::kConfigError);
  EXPECT_TRUE(
      rejected.message().starts_with("the credentials were rejected: the signature does "
                                     "not match"))
      << rejected.message();
  EXPECT_EQ(Request(1).method, "GET");
  EXPECT_TRUE(Contains(Request(1).url, "?location")) << Request(1).url;
}

TEST_F(S3ClientTest, HeadBucketNamesTheRegionOfAForbiddenAnswer) {
  http_->Push(400, "", {{"x-amz-bucket-region", "ap-south-1"}});
  http_->Push(403, "", {{"x-amz-bucket-region", "eu-west-1"}});
  S3Client client(Options());
  Status wrong = client.HeadBucket("b");
  EXPECT_EQ(wrong.code(), StatusCode::kConfigError);
  EXPECT_TRUE(wrong.message().starts_with(
      "bucket b is in region ap-south-1, not eu-west-1: set the region to ap-south-1 ("))
      << wrong.message();
  EXPECT_TRUE(client.HeadBucket("b").message().starts_with("access denied to bucket b"));
}

TEST_F(S3ClientTest, MissingObjectsAndUploadsAreFineToDelete) {
  http_->Push(404, "<Error><Code>NoSuchKey</Code></Error>");
  http_->Push(404, "<Error><Code>NoSuchUpload</Code></Error>");
  http_->Push(404, "<Error><Code>NoSuchBucket</Code></Error>");
  http_->Push(404, "<Error><Code>NoSuchBucket</Code></Error>");
  S3Client client(Options());
  EXPECT_TRUE(client.DeleteObject("b", "k").ok());
  EXPECT_TRUE(client.AbortMultipartUpload("b", "k", "U").ok());
  // A missing bucket is not a missing upload or key.
  Status no_bucket = client.AbortMultipartUpload("b", "k", "U");
  EXPECT_EQ(no_bucket.code(), StatusCode::kConfigError);
  EXPECT_TRUE(no_bucket.message().starts_with("bucket b does not exist (")) << no_bucket.message();
  EXPECT_EQ(client.DeleteObject("b", "k").code(), StatusCode::kConfigError);
  EXPECT_EQ(Request(1).method, "DELETE");
  EXPECT_EQ(Request(1).url, "https://b.s3.eu-west-1.amazonaws.com/k?uploadId=U");
}

TEST_F(S3ClientTest, CompletesWithAnXmlBodyAndChecksA200Error) {
  http_->Push(200, "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
  http_->Push(200, "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
  S3Client client(Options());
  Status status = client.CompleteMultipartUpload("b", "k", "U", {{1, "\"a\""}, {2, "\"b\""}});
  EXPECT_EQ(status.code(), StatusCode::kTransient);
  EXPECT_TRUE(
      Contains(status.message(), "CompleteMultipartUpload s3://b/k: HTTP 200 InternalError"));
  const RecordedRequest request = Request(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://b.s3.eu-west-1.amazonaws.com/k?uploadId=U");
  EXPECT_EQ(request.HeaderValue("Content-Type"), "application/xml");
  EXPECT_EQ(request.body, CompleteMultipartUploadBody({{1, "\"a\""}, {2, "\"b\""}}));
}

TEST_F(S3ClientTest, RejectsCallerMistakesBeforeSending) {
  S3Client client(Options());
  EXPECT_EQ(client.UploadPart("b", "k", "U", 0, "x").status().code(), StatusCode::kInternal);
  EXPECT_EQ(client.UploadPart("b", "k", "U", 10'001, "x").status().code(), StatusCode::kInternal);
  EXPECT_EQ(client.CompleteMultipartUpload("b", "k", "U", {}).code(), StatusCode::kInternal);
  EXPECT_EQ(client.CompleteMultipartUpload("b", "k", "U", {{2, "a"}, {1, "b"}}).code(),
            StatusCode::kInternal);
  EXPECT_TRUE(http_->requests().empty());
  http_->Push(200);  // no ETag
  EXPECT_EQ(client.UploadPart("b", "k", "U", 1, "x").status().code(), StatusCode::kIOError);
}

// An S3 that answers every request with one error as S3 sends it: an XML <Error> body, except
// to HEAD, whose answers carry only the status and the headers.
struct S3Failure {
  int status = 0;
  std::string code{};
  std::string region{};  // in x-amz-bucket-region, and in <Region> when `region_in_body`
  bool region_in_body = false;

  HttpResponse Answer(const HttpRequest& request) const {
    HttpResponse response;
    response.status = status;
    response.headers = {{"x-amz-request-id", "REQ"}};
    if (!region.empty()) response.headers.push_back({"x-amz-bucket-region", region});
    if (request.method != "HEAD") {
      response.body = "<Error><Code>" + code + "</Code><Message>" + code + " says S3</Message>" +
                      (region_in_body ? "<Region>" + region + "</Region>" : "") + "</Error>";
    }
    return response;
  }
};

class FailingHttpClient : public HttpClient {
 public:
  FailingHttpClient(S3Failure failure, std::shared_ptr<std::vector<std::string>> sent)
      : failure_(std::move(failure)), sent_(std::move(sent)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    sent_->push_back(request.method + " " + request.url);
    return failure_.Answer(request);
  }

 private:
  S3Failure failure_;
  std::shared_ptr<std::vector<std::string>> sent_;
};

// Each S3 operation of a sync, and the permission it needs.
struct S3Operation {
  std::string name;
  std::string permission;
  std::function<Status(S3Client&)> call;
};

std::vector<S3Operation> SyncOperations() {
  return {
      {"HeadBucket", "s3:ListBucket", [](S3Client& c) { return c.HeadBucket("b"); }},
      {"ListMultipartUploads", "s3:ListBucketMultipartUploads",
       [](S3Client& c) { return c.ListMultipartUploads("b", "p/").status(); }},
      {"ListObjectsV2", "s3:ListBucket",
       [](S3Client& c) { return c.ListObjects("b", "p/").status(); }},
      {"PutObject", "s3:PutObject",
       [](S3Client& c) { return c.PutObject("b", "k", "x").status(); }},
      {"CreateMultipartUpload", "s3:PutObject",
       [](S3Client& c) { return c.CreateMultipartUpload("b", "k").status(); }},
      {"UploadPart", "s3:PutObject",
       [](S3Client& c) { return c.UploadPart("b", "k", "U", 1, "x").status(); }},
      {"CompleteMultipartUpload", "s3:PutObject",
       [](S3Client& c) {
         return c.CompleteMultipartUpload("b", "k", "U", {{1, "\"e\""}});
       }},
      {"AbortMultipartUpload", "s3:AbortMultipartUpload",
       [](S3Client& c) { return c.AbortMultipartUpload("b", "k", "U"); }},
      {"DeleteObjects", "s3:DeleteObject", [](S3Client& c) { return c.DeleteObjects("b", {"k"}); }},
      {"DeleteObject", "s3:DeleteObject", [](S3Client& c) { return c.DeleteObject("b", "k"); }},
      {"GetObject", "s3:GetObject", [](S3Client& c) { return c.GetObject("b", "k").status(); }},
  };
}

// Whichever request of a sync meets a missing bucket, a wrong region, rejected credentials or
// denied access, the sync fails with the config error HeadBucket gives in `check`, in the same
// words. HEAD answers have no body: for the credential errors HeadBucket learns the cause from a
// GetBucketLocation, whose answer the detail then quotes.
TEST_F(S3ClientTest, EveryOperationExplainsWhatTheUserMustFixInTheWordsOfCheck) {
  struct Case {
    S3Failure failure;
    std::string explained;  // "{permission}" stands for the operation's permission
    bool credentials = false;
  };
  const std::vector<Case> cases = {
      {{.status = 404, .code = "NoSuchBucket"}, "bucket b does not exist"},
      {{.status = 403, .code = "AccessDenied"},
       "access denied to bucket b: check the credentials and their {permission} permission"},
      {{.status = 403, .code = "InvalidAccessKeyId"},
       "the credentials were rejected: the access key id is not known",
       true},
      {{.status = 403, .code = "SignatureDoesNotMatch"},
       "the credentials were rejected: the signature does not match, so the secret access key "
       "is wrong",
       true},
      {{.status = 400, .code = "ExpiredToken"},
       "the credentials were rejected: the session token has expired",
       true},
      {{.status = 400, .code = "InvalidToken"},
       "the credentials were rejected: the session token is not valid",
       true},
      {{.status = 301, .code = "PermanentRedirect", .region = "us-west-2"},
       "bucket b is in region us-west-2, not eu-west-1: set the region to us-west-2"},
      {{.status = 400,
        .code = "AuthorizationHeaderMalformed",
        .region = "ap-south-1",
        .region_in_body = true},
       "bucket b is in region ap-south-1, not eu-west-1: set the region to ap-south-1"},
  };
  for (const Case& c : cases) {
    for (const S3Operation& op : SyncOperations()) {
      SCOPED_TRACE(op.name + " meeting " + c.failure.code);
      auto sent = std::make_shared<std::vector<std::string>>();
      S3Options options = Options();
      options.http_factory = [failure = c.failure, sent] {
        return std::make_unique<FailingHttpClient>(failure, sent);
      };
      S3Client client(options);
      Status status = op.call(client);
      EXPECT_EQ(status.code(), StatusCode::kConfigError);
      std::string explained = c.explained;
      if (size_t at = explained.find("{permission}"); at != std::string::npos) {
        explained.replace(at, std::string("{permission}").size(), op.permission);
      }
      const bool probed = op.name == "HeadBucket" && c.credentials;
      const std::string detail = (probed ? "GetBucketLocation" : op.name) + " s3://b";
      EXPECT_TRUE(status.message().starts_with(explained + " (" + detail)) << status.message();
      EXPECT_TRUE(Contains(status.message(), c.failure.code) || op.name == "HeadBucket")
          << status.message();
      // Only a HEAD answer, which has no code, is followed by a GetBucketLocation.
      const bool asked_location = std::any_of(
          sent->begin(), sent->end(), [](const auto& line) { return Contains(line, "?location"); });
      EXPECT_EQ(asked_location,
                op.name == "HeadBucket" && (c.credentials || c.failure.code == "AccessDenied"));
    }
  }
}

TEST_F(S3ClientTest, AMissingKeyIsStillNotFound) {
  S3Failure no_key{.status = 404, .code = "NoSuchKey"};
  S3Options options = Options();
  options.http_factory = [no_key] {
    return std::make_unique<FailingHttpClient>(no_key,
                                               std::make_shared<std::vector<std::string>>());
  };
  S3Client client(options);
  Status missing = client.GetObject("b", "k").status();
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_TRUE(missing.message().starts_with("GetObject s3://b/k: HTTP 404 NoSuchKey"))
      << missing.message();
}

TEST_F(S3ClientTest, GetObjectReturnsTheBody) {
  http_->Push(200, "hello");
  S3Client client(Options());
  EXPECT_EQ(client.GetObject("b", "k").value(), "hello");
  EXPECT_EQ(Request(0).method, "GET");
  EXPECT_EQ(Request(0).body, "");
}

}  // namespace
}  // namespace datalake::aws
