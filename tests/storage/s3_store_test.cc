// The S3 store's pending objects over a scripted transport (aws/fake_http.h): nothing becomes
// visible before Commit (one PutObject, or a multipart upload completed only then), a failed part
// fails the commit and aborts the upload, and an uncommitted object aborts its upload. One upload
// thread keeps the requests in a fixed order.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "aws/fake_http.h"
#include "aws/s3.h"
#include "storage/storage.h"

namespace datalake::storage {
namespace {

using aws::client_testing::FakeHttp;
using aws::client_testing::RecordedRequest;
using aws::client_testing::StaticTestCredentials;

constexpr char kInitiated[] =
    "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>bucket</Bucket>"
    "<Key>p/t/x.json</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>";

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    aws::S3Options options;
    options.region = "us-east-1";
    options.credentials = std::make_shared<StaticTestCredentials>(
        aws::Credentials{.access_key_id = "AKID", .secret_access_key = "SECRET"});
    options.retry.max_attempts = 1;
    options.http_factory = http_->Factory(http_);
    store_ = NewS3Store(std::make_shared<aws::S3Client>(options), "bucket",
                        {.upload_threads = 1, .max_parts_in_memory = 2, .min_part_bytes = 5});
  }

  // "<method> <path and query>" of every request so far.
  std::vector<std::string> Requests() const {
    std::vector<std::string> out;
    for (const RecordedRequest& r : http_->requests()) {
      const size_t path = r.url.find('/', r.url.find("//") + 2);
      out.push_back(r.method + " " + r.url.substr(path));
    }
    return out;
  }

  void PushPart(const std::string& etag) { http_->Push(200, "", {{"ETag", etag}}); }

  std::shared_ptr<FakeHttp> http_ = std::make_shared<FakeHttp>();
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(S3StoreTest, SmallObjectIsOnePutAtCommit) {
  auto object = store_->Create("p/t/x.json");
  ASSERT_TRUE(object.ok());
  ASSERT_TRUE((*object)->Write("abc").ok());
  EXPECT_TRUE(http_->requests().empty()) << "nothing is sent before the commit";
  http_->Push(200, "", {{"ETag", "\"e\""}});
  ASSERT_TRUE((*object)->Commit().ok());
  ASSERT_EQ(Requests(), std::vector<std::string>{"PUT /p/t/x.json"});
  EXPECT_EQ(http_->requests()[0].body, "abc");
  EXPECT_EQ((*object)->size(), 3u);
}

TEST_F(S3StoreTest, LargeObjectIsCompletedOnlyAtCommitWithItsPartsInOrder) {
  auto object = store_->Create("p/t/x.json");
  ASSERT_TRUE(object.ok());
  http_->Push(200, kInitiated);
  PushPart("\"e1\"");
  PushPart("\"e2\"");
  ASSERT_TRUE((*object)->Write("hello world!!").ok());  // two full parts of 5 bytes go now
  PushPart("\"e3\"");
  http_->Push(200, "<CompleteMultipartUploadResult/>");
  ASSERT_TRUE((*object)->Commit().ok());
  const std::vector<std::string> requests = Requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0], "POST /p/t/x.json?uploads=");
  EXPECT_EQ(requests[1], "PUT /p/t/x.json?partNumber=1&uploadId=up-1");
  EXPECT_EQ(requests[2], "PUT /p/t/x.json?partNumber=2&uploadId=up-1");
  EXPECT_EQ(requests[3], "PUT /p/t/x.json?partNumber=3&uploadId=up-1");
  EXPECT_EQ(requests[4], "POST /p/t/x.json?uploadId=up-1");
  EXPECT_EQ(http_->requests()[3].body, "d!!");
  const std::string complete = http_->requests()[4].body;  // requests() returns a copy
  const size_t one = complete.find("<PartNumber>1</PartNumber>");
  const size_t three = complete.find("<PartNumber>3</PartNumber>");
  ASSERT_NE(one, std::string::npos);
  ASSERT_NE(three, std::string::npos);
  EXPECT_LT(one, three);
  EXPECT_NE(complete.find("e2"), std::string::npos);
}

TEST_F(S3StoreTest, FailedPartFailsTheCommitAndAbortsTheUpload) {
  auto object = store_->Create("p/t/x.json");
  ASSERT_TRUE(object.ok());
  http_->Push(200, kInitiated);
  PushPart("\"e1\"");
  http_->Push(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
  ASSERT_TRUE((*object)->Write("hello world").ok());  // the failure is seen at the commit
  http_->Push(204);                                   // the abort
  Status committed = (*object)->Commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_NE(committed.ToString().find("AccessDenied"), std::string::npos) << committed.ToString();
  const std::vector<std::string> requests = Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back(), "DELETE /p/t/x.json?uploadId=up-1");
  for (const std::string& r : requests) {
    EXPECT_NE(r, "POST /p/t/x.json?uploadId=up-1") << "never completed";
  }
}

TEST_F(S3StoreTest, UncommittedObjectAbortsItsUploadWhenDiscarded) {
  {
    auto object = store_->Create("p/t/x.json");
    ASSERT_TRUE(object.ok());
    http_->Push(200, kInitiated);
    PushPart("\"e1\"");
    ASSERT_TRUE((*object)->Write("hello!").ok());
    http_->Push(204);
  }
  const std::vector<std::string> requests = Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2], "DELETE /p/t/x.json?uploadId=up-1");
}

TEST_F(S3StoreTest, UncommittedSmallObjectSendsNothing) {
  {
    auto object = store_->Create("p/t/x.json");
    ASSERT_TRUE(object.ok());
    ASSERT_TRUE((*object)->Write("abc").ok());
  }
  EXPECT_TRUE(http_->requests().empty());
}

TEST(PartSizeTest, TenThousandPartsCoverFiveTebibytes) {
  const size_t min = 8 << 20;
  EXPECT_EQ(PartSize(min, 1), min);
  EXPECT_EQ(PartSize(min, 1000), min);
  EXPECT_EQ(PartSize(min, 1001), 2 * min);
  uint64_t total = 0;
  for (int n = 1; n <= 10'000; ++n) {
    ASSERT_LE(PartSize(min, n), 5ull << 30) << n;  // S3's maximum part size
    total += PartSize(min, n);
  }
  EXPECT_GE(total, 5ull << 40);  // S3's maximum object size
}

}  // namespace
}  // namespace datalake::storage
