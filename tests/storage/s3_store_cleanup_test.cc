// S3 store staging clean-up over a scripted transport: which incomplete uploads are aborted (a
// finished writer's, by the caller's rule, or older than the maximum age) and which are left
// alone (a live writer's), and S3 timestamps.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "aws/fake_http.h"
#include "aws/s3.h"
#include "storage/storage.h"

namespace datalake::storage {
namespace {

using aws::client_testing::FakeHttp;
using aws::client_testing::StaticTestCredentials;
using std::chrono::system_clock;

std::string Upload(const std::string& key, const std::string& id, const std::string& initiated) {
  return "<Upload><Key>" + key + "</Key><UploadId>" + id + "</UploadId><Initiated>" + initiated +
         "</Initiated></Upload>";
}

TEST(S3StoreCleanupTest, AbortsOnlyDeadUploads) {
  auto http = std::make_shared<FakeHttp>();
  aws::S3Options options;
  options.region = "us-east-1";
  options.credentials = std::make_shared<StaticTestCredentials>(
      aws::Credentials{.access_key_id = "AKID", .secret_access_key = "SECRET"});
  options.retry.max_attempts = 1;
  options.http_factory = http->Factory(http);
  auto store = NewS3Store(std::make_shared<aws::S3Client>(options), "bucket");

  http->Push(200,
             "<?xml version=\"1.0\"?><ListMultipartUploadsResult><Bucket>bucket</Bucket>"
             "<IsTruncated>false</IsTruncated>" +
                 Upload("p/db/t/old.json", "u-old", "2026-12-01T10:00:00.000Z") +
                 Upload("p/db/t/finished.json", "u-finished", "2026-12-05T09:59:00.000Z") +
                 Upload("p/db/t/live.json", "u-live", "2026-12-05T09:59:30.000Z") +
                 "</ListMultipartUploadsResult>");
  http->Push(204);  // abort old
  http->Push(204);  // abort finished

  StagingCleanup rule;
  rule.finished_writer = [](const std::string& key) { return key == "p/db/t/finished.json"; };
  rule.clock = [] { return *ParseIsoTime("2026-12-05T10:00:00Z"); };
  auto removed = store->CleanupStaging("p/", rule);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  auto requests = http->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_NE(requests[0].url.find("uploads"), std::string::npos);
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_NE(requests[1].url.find("uploadId=u-old"), std::string::npos) << requests[1].url;
  EXPECT_EQ(requests[2].method, "DELETE");
  EXPECT_NE(requests[2].url.find("uploadId=u-finished"), std::string::npos) << requests[2].url;
}

TEST(S3StoreCleanupTest, ParsesS3Timestamps) {
  auto t = ParseIsoTime("2026-12-05T03:45:44.000Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(system_clock::to_time_t(*t), 1796442344);
  EXPECT_EQ(system_clock::to_time_t(*ParseIsoTime("1970-01-01T00:00:00Z")), 0);
  EXPECT_FALSE(ParseIsoTime("2026-12-05T03:45:44+01:00").has_value());
  EXPECT_FALSE(ParseIsoTime("yesterday").has_value());
  EXPECT_FALSE(ParseIsoTime("").has_value());
}

}  // namespace
}  // namespace datalake::storage
