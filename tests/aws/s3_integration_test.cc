// S3Client round trips against a real S3-compatible server: moto_server started here, or the
// server the DATALAKE_TEST_S3_* variables name (s3_test_server.h). Every test works under its
// own key prefix in one bucket, which the suite creates (and, on a named server, empties and
// deletes afterwards).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "aws/fake_http.h"
#include "aws/s3.h"
#include "aws/s3_test_server.h"

namespace datalake::aws {
namespace {

using client_testing::MotoServer;
using client_testing::S3TestTarget;
using client_testing::StaticTestCredentials;

constexpr size_t kMiB = 1 << 20;

// What the counting clients of one test saw.
struct ListTraffic {
  std::atomic<int> requests{0};        // requests whose URL holds the marker
  std::atomic<bool> truncated{false};  // whether any of their answers said IsTruncated true
};

// The real libcurl client, watching the requests whose URL contains `marker`.
class CountingHttpClient : public HttpClient {
 public:
  CountingHttpClient(std::string marker, std::shared_ptr<ListTraffic> traffic)
      : marker_(std::move(marker)), traffic_(std::move(traffic)), inner_(NewCurlHttpClient()) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    Result<HttpResponse> response = inner_->Send(request);
    if (request.url.find(marker_) != std::string::npos) {
      ++traffic_->requests;
      if (response.ok() && response->body.find("<IsTruncated>true<") != std::string::npos) {
        traffic_->truncated = true;
      }
    }
    return response;
  }

 private:
  std::string marker_;
  std::shared_ptr<ListTraffic> traffic_;
  std::unique_ptr<HttpClient> inner_;
};

// Return a factory of counting clients and the traffic record they share.
std::pair<std::function<std::unique_ptr<HttpClient>()>, std::shared_ptr<ListTraffic>> CountRequests(
    const std::string& marker) {
  auto traffic = std::make_shared<ListTraffic>();
  return {[marker, traffic] { return std::make_unique<CountingHttpClient>(marker, traffic); },
          traffic};
}

class S3IntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    target_ = client_testing::TargetFromEnvironment().release();
    if (target_ == nullptr) {
      moto_ = new MotoServer();
      skip_reason_ = moto_->Start();
      if (!skip_reason_.empty()) return;
      target_ = new S3TestTarget{.endpoint = moto_->endpoint(),
                                 .access_key = "testing",
                                 .secret_key = "testing",
                                 .region = "us-east-1"};
    }
    if (target_->bucket.empty()) {
      target_->bucket = "datalake-test-" + std::to_string(getpid());
      created_bucket_ = true;
      Status created = CreateBucket(target_->bucket);
      if (!created.ok()) skip_reason_ = "cannot create a test bucket: " + created.ToString();
    }
  }

  static void TearDownTestSuite() {
    if (target_ != nullptr && created_bucket_ && skip_reason_.empty() && moto_ == nullptr) {
      DropBucket(target_->bucket);
    }
    delete moto_;  // stops the server
    moto_ = nullptr;
    delete target_;
    target_ = nullptr;
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = std::string(info->name()) + "/";
  }

  static S3Options Options(int list_page_size = 0) {
    S3Options options;
    options.region = target_->region;
    options.endpoint = target_->endpoint;
    options.credentials = std::make_shared<StaticTestCredentials>(Credentials{
        .access_key_id = target_->access_key, .secret_access_key = target_->secret_key});
    options.list_page_size = list_page_size;
    return options;
  }

  // CreateBucket is not an S3Client operation (the destination never creates buckets).
  static Status CreateBucket(const std::string& bucket) {
    S3Client s3(Options());
    AwsClientOptions options{.service = "s3",
                             .region = target_->region,
                             .endpoint = target_->endpoint,
                             .credentials = Options().credentials};
    AwsClient client(options);
    std::string body;
    if (target_->region != "us-east-1") {
      body = "<CreateBucketConfiguration><LocationConstraint>" + target_->region +
             "</LocationConstraint></CreateBucketConfiguration>";
    }
    return client
        .Execute({.operation = "CreateBucket",
                  .resource = "s3://" + bucket,
                  .method = "PUT",
                  .path = s3.ObjectPath(bucket, ""),
                  .body = body})
        .status();
  }

  static void DropBucket(const std::string& bucket) {
    S3Client s3(Options());
    if (auto uploads = s3.ListMultipartUploads(bucket, ""); uploads.ok()) {
      for (const auto& upload : *uploads) {
        (void)s3.AbortMultipartUpload(bucket, upload.key, upload.upload_id);
      }
    }
    if (auto objects = s3.ListObjects(bucket, ""); objects.ok()) {
      std::vector<std::string> keys;
      for (const S3Object& object : *objects) keys.push_back(object.key);
      (void)s3.DeleteObjects(bucket, keys);
    }
    AwsClient client({.service = "s3",
                      .region = target_->region,
                      .endpoint = target_->endpoint,
                      .credentials = Options().credentials});
    (void)client.Execute({.operation = "DeleteBucket",
                          .resource = "s3://" + bucket,
                          .method = "DELETE",
                          .path = s3.ObjectPath(bucket, "")});
  }

  const std::string& bucket() const { return target_->bucket; }

  static inline MotoServer* moto_ = nullptr;
  static inline S3TestTarget* target_ = nullptr;
  static inline std::string skip_reason_;
  static inline bool created_bucket_ = false;
  std::string prefix_;
};

std::set<std::string> Keys(const std::vector<S3Object>& objects) {
  std::set<std::string> keys;
  for (const S3Object& object : objects) keys.insert(object.key);
  return keys;
}

TEST_F(S3IntegrationTest, PutGetListAndDeleteAwkwardKeys) {
  S3Client s3(Options());
  const std::vector<std::string> keys = {prefix_ + "a b+c=d/\xC3\xA9.json", prefix_ + "x&y<z>'\"",
                                         prefix_ + "100%/~tilde", prefix_ + "empty"};
  for (const std::string& key : keys) {
    const std::string body = key == prefix_ + "empty" ? "" : "body of " + key;
    auto etag = s3.PutObject(bucket(), key, body);
    ASSERT_TRUE(etag.ok()) << etag.status().ToString();
    EXPECT_FALSE(etag->empty());
    auto read = s3.GetObject(bucket(), key);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(*read, body);
  }
  auto listed = s3.ListObjects(bucket(), prefix_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(Keys(*listed), std::set<std::string>(keys.begin(), keys.end()));
  ASSERT_TRUE(s3.DeleteObjects(bucket(), keys).ok());
  EXPECT_TRUE(s3.ListObjects(bucket(), prefix_)->empty());
  EXPECT_TRUE(s3.DeleteObject(bucket(), prefix_ + "never-existed").ok());
}

TEST_F(S3IntegrationTest, ListsEveryPage) {
  S3Options options = Options(/*list_page_size=*/3);
  auto [factory, list_traffic] = CountRequests("list-type=2");
  options.http_factory = factory;
  S3Client s3(options);
  std::set<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    const std::string key = prefix_ + "k" + std::to_string(i);
    ASSERT_TRUE(s3.PutObject(bucket(), key, std::to_string(i)).ok());
    expected.insert(key);
  }
  ASSERT_TRUE(s3.PutObject(bucket(), "elsewhere/k", "x").ok());
  auto listed = s3.ListObjects(bucket(), prefix_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 10u);
  EXPECT_EQ(Keys(*listed), expected);
  EXPECT_EQ((*listed)[0].size, 1u);
  EXPECT_EQ(list_traffic->requests.load(), 4);  // pages of 3, 3, 3 and 1
}

TEST_F(S3IntegrationTest, MultipartUploadOfThreeParts) {
  S3Client s3(Options());
  const std::string key = prefix_ + "big.bin";
  auto upload_id = s3.CreateMultipartUpload(bucket(), key);
  ASSERT_TRUE(upload_id.ok()) << upload_id.status().ToString();
  std::vector<std::string> parts = {std::string(5 * kMiB, 'a'), std::string(5 * kMiB, 'b'),
                                    std::string(5 * kMiB, 'c')};
  std::vector<CompletedPart> completed;
  for (int i = 0; i < 3; ++i) {
    auto etag = s3.UploadPart(bucket(), key, *upload_id, i + 1, parts[i]);
    ASSERT_TRUE(etag.ok()) << etag.status().ToString();
    completed.push_back({i + 1, *etag});
  }
  Status done = s3.CompleteMultipartUpload(bucket(), key, *upload_id, completed);
  ASSERT_TRUE(done.ok()) << done.ToString();
  auto read = s3.GetObject(bucket(), key);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, parts[0] + parts[1] + parts[2]);
  auto listed = s3.ListObjects(bucket(), key);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 15 * kMiB);
  EXPECT_TRUE((*listed)[0].etag.ends_with("-3\"")) << (*listed)[0].etag;
}

TEST_F(S3IntegrationTest, ASmallNonLastPartFailsToComplete) {
  S3Client s3(Options());
  const std::string key = prefix_ + "small.bin";
  auto upload_id = s3.CreateMultipartUpload(bucket(), key);
  ASSERT_TRUE(upload_id.ok());
  auto first = s3.UploadPart(bucket(), key, *upload_id, 1, "tiny");
  auto second = s3.UploadPart(bucket(), key, *upload_id, 2, "tiny");
  ASSERT_TRUE(first.ok() && second.ok());
  Status done = s3.CompleteMultipartUpload(bucket(), key, *upload_id, {{1, *first}, {2, *second}});
  EXPECT_FALSE(done.ok());
  EXPECT_NE(done.message().find("EntityTooSmall"), std::string::npos) << done.ToString();
  EXPECT_TRUE(s3.AbortMultipartUpload(bucket(), key, *upload_id).ok());
}

TEST_F(S3IntegrationTest, ListsAndAbortsUploads) {
  S3Options options = Options(/*list_page_size=*/1);
  auto [factory, list_traffic] = CountRequests("max-uploads=");
  options.http_factory = factory;
  S3Client s3(options);
  std::set<std::string> ids;
  for (const char* name : {"u1", "u2", "u 3"}) {
    auto id = s3.CreateMultipartUpload(bucket(), prefix_ + name);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.insert(*id);
  }
  auto uploads = s3.ListMultipartUploads(bucket(), prefix_);
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  std::set<std::string> listed;
  for (const auto& upload : *uploads) {
    listed.insert(upload.upload_id);
    EXPECT_TRUE(upload.key.starts_with(prefix_));
    EXPECT_FALSE(upload.initiated.empty());
    ASSERT_TRUE(s3.AbortMultipartUpload(bucket(), upload.key, upload.upload_id).ok());
  }
  EXPECT_EQ(listed, ids);
  // One upload per page where the server honours max-uploads; moto 5.2.1 ignores it and answers
  // in one page (the paging itself is covered by S3ClientTest.ListsEveryUploadPage).
  EXPECT_GE(list_traffic->requests.load(), list_traffic->truncated ? 3 : 1);
  // The aborted uploads are gone: parts can no longer be added to them. (Their listing is not
  // checked: radosgw may still list an aborted upload for a while.)
  for (const auto& upload : *uploads) {
    EXPECT_FALSE(s3.UploadPart(bucket(), upload.key, upload.upload_id, 1, "x").ok());
  }
  // Aborting again is fine: the upload is already gone.
  EXPECT_TRUE(s3.AbortMultipartUpload(bucket(), prefix_ + "u1", *ids.begin()).ok());
}

TEST_F(S3IntegrationTest, HeadBucketAndMissingThings) {
  S3Client s3(Options());
  EXPECT_TRUE(s3.HeadBucket(bucket()).ok());
  Status missing = s3.HeadBucket("datalake-no-such-bucket-" + std::to_string(getpid()));
  EXPECT_EQ(missing.code(), StatusCode::kConfigError);
  EXPECT_NE(missing.message().find("does not exist"), std::string::npos) << missing.ToString();
  auto get = s3.GetObject(bucket(), prefix_ + "absent");
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_NE(get.status().message().find("NoSuchKey"), std::string::npos);
}

// What a real server answers to each request of a sync, when the bucket is missing or the secret
// is wrong, is explained as HeadBucket explains it in `check` (the words S3ClientTest checks).
TEST_F(S3IntegrationTest, EveryRequestOfASyncExplainsAMissingBucketOrAWrongSecret) {
  const std::vector<std::pair<std::string, std::function<Status(S3Client&, const std::string&)>>>
      operations = {
          {"ListMultipartUploads",
           [](S3Client& c, const std::string& b) {
             return c.ListMultipartUploads(b, "p/").status();
           }},
          {"ListObjectsV2",
           [](S3Client& c, const std::string& b) { return c.ListObjects(b, "p/").status(); }},
          {"PutObject",
           [](S3Client& c, const std::string& b) { return c.PutObject(b, "p/k", "x").status(); }},
          {"CreateMultipartUpload",
           [](S3Client& c, const std::string& b) {
             return c.CreateMultipartUpload(b, "p/k").status();
           }},
          {"GetObject",
           [](S3Client& c, const std::string& b) { return c.GetObject(b, "p/k").status(); }},
          {"DeleteObjects",
           [](S3Client& c, const std::string& b) { return c.DeleteObjects(b, {"p/k"}); }},
      };
  const std::string missing = "datalake-no-such-bucket-" + std::to_string(getpid());
  S3Client s3(Options());
  for (const auto& [name, call] : operations) {
    Status status = call(s3, missing);
    EXPECT_EQ(status.code(), StatusCode::kConfigError) << name << ": " << status.ToString();
    EXPECT_TRUE(status.message().starts_with("bucket " + missing + " does not exist (" + name))
        << status.message();
  }
  // moto does not check signatures.
  if (moto_ != nullptr) return;
  S3Options wrong = Options();
  wrong.credentials = std::make_shared<StaticTestCredentials>(Credentials{
      .access_key_id = target_->access_key, .secret_access_key = "Wrong" + target_->secret_key});
  S3Client rejected(wrong);
  for (const auto& [name, call] : operations) {
    Status status = call(rejected, bucket());
    EXPECT_EQ(status.code(), StatusCode::kConfigError) << name << ": " << status.ToString();
    EXPECT_TRUE(status.message().starts_with(
        "the credentials were rejected: the signature does not match, so the secret access key "
        "is wrong (" +
        name))
        << status.message();
  }
}

}  // namespace
}  // namespace datalake::aws
