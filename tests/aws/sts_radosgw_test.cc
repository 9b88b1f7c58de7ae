// IAM Role mode for real: STS AssumeRole against Ceph radosgw (scripts/radosgw.sh, started by
// `make test` with a 60 s minimum session), with sessions that really expire while a client
// keeps writing, so the refreshing provider must replace them in time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>

#include "aws/credential_providers.h"
#include "aws/s3.h"

namespace datalake::aws {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

struct Radosgw {
  std::string sts_endpoint = Env("RADOSGW_STS_ENDPOINT");
  std::string role_arn = Env("RADOSGW_ROLE_ARN");
  std::string role_user_key = Env("RADOSGW_ROLE_USER_ACCESS_KEY");
  std::string role_user_secret = Env("RADOSGW_ROLE_USER_SECRET_KEY");
  std::string bucket = Env("RADOSGW_BUCKET");
  std::string region = Env("RADOSGW_REGION");
  int min_duration = std::atoi(Env("RADOSGW_STS_MIN_DURATION").c_str());

  bool available() const { return !sts_endpoint.empty() && !role_arn.empty(); }
};

std::shared_ptr<CredentialsProvider> AssumeRole(const Radosgw& rgw, int duration_seconds) {
  CredentialsOptions options;
  options.sts.region = rgw.region;
  options.sts.endpoint = rgw.sts_endpoint;
  AssumeRoleParams params;
  params.role_arn = rgw.role_arn;
  params.duration_seconds = duration_seconds;
  return NewAssumeRoleCredentialsProvider(
      params, NewStaticCredentialsProvider({rgw.role_user_key, rgw.role_user_secret, ""}), options);
}

S3Client ClientWith(const Radosgw& rgw, std::shared_ptr<CredentialsProvider> credentials) {
  S3Options s3;
  s3.region = rgw.region;
  s3.endpoint = rgw.sts_endpoint;  // the STS-enabled gateway also serves S3 for role sessions
  s3.credentials = std::move(credentials);
  s3.retry.max_attempts = 2;
  return S3Client(std::move(s3));
}

TEST(RadosgwAssumeRoleTest, AssumedRoleCredentialsWriteObjects) {
  Radosgw rgw;
  if (!rgw.available()) GTEST_SKIP() << "radosgw is not running (scripts/radosgw.sh start)";
  auto provider = AssumeRole(rgw, 3600);
  auto creds = provider->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_FALSE(creds->credentials.session_token.empty());
  ASSERT_TRUE(creds->expiration.has_value());
  S3Client client = ClientWith(rgw, provider);
  auto put = client.PutObject(rgw.bucket, "sts/role-object.txt", "written by the role");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto got = client.GetObject(rgw.bucket, "sts/role-object.txt");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "written by the role");
}

TEST(RadosgwAssumeRoleTest, WrongRoleUserSecretIsAConfigErrorWithoutTheSecret) {
  Radosgw rgw;
  if (!rgw.available()) GTEST_SKIP() << "radosgw is not running (scripts/radosgw.sh start)";
  rgw.role_user_secret = "WRONGwrongWRONGwrongWRONGwrong0123456789";
  auto creds = AssumeRole(rgw, 3600)->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kConfigError) << creds.status().ToString();
  EXPECT_EQ(creds.status().message().find(rgw.role_user_secret), std::string::npos);
}

TEST(RadosgwAssumeRoleTest, ExpiringSessionsAreRefreshedWhileWriting) {
  Radosgw rgw;
  if (!rgw.available()) GTEST_SKIP() << "radosgw is not running (scripts/radosgw.sh start)";
  if (rgw.min_duration <= 0 || rgw.min_duration > 60) {
    GTEST_SKIP() << "radosgw allows no session shorter than " << rgw.min_duration
                 << " s; start it with RADOSGW_STS_MIN_DURATION=20 (as make test does)";
  }
  // The shortest session radosgw grants: the test lasts a session and 15 s.
  const int kSessionSeconds = rgw.min_duration;
  auto provider = AssumeRole(rgw, kSessionSeconds);
  S3Client client = ClientWith(rgw, provider);
  auto first = provider->Get();
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  // Keep writing for longer than one session lasts. The pause paces the workload over real
  // time (the sessions expire in real time); nothing waits on another thread.
  std::set<std::string> sessions;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(kSessionSeconds + 15);
  int written = 0;
  while (std::chrono::steady_clock::now() < end) {
    auto creds = provider->Get();
    ASSERT_TRUE(creds.ok()) << creds.status().ToString();
    sessions.insert(creds->credentials.access_key_id);
    auto put = client.PutObject(rgw.bucket, "sts/refresh-" + std::to_string(written), "x");
    ASSERT_TRUE(put.ok()) << "write " << written << ": " << put.status().ToString();
    ++written;
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  EXPECT_GE(sessions.size(), 2u) << "the session was never refreshed";

  // The first session has expired by now, and radosgw enforces it.
  S3Client pinned = ClientWith(rgw, NewStaticCredentialsProvider(first->credentials));
  auto refused = pinned.PutObject(rgw.bucket, "sts/expired", "x");
  EXPECT_FALSE(refused.ok()) << "an expired session was accepted";
}

}  // namespace
}  // namespace datalake::aws
