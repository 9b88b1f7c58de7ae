// The caching decorator with an injected clock: when it refreshes, what it does when a refresh
// fails, and that concurrent callers trigger one refresh.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/credential_providers.h"
#include "aws/credentials_fakes.h"

namespace datalake::aws {
namespace {

using credentials_testing::FakeClock;
using namespace std::chrono_literals;

// An inner provider that returns credentials valid for `lifetime` from the clock's now, named
// "K<n>" after the call number, or the failures queued in `failures`.
class CountingProvider : public CredentialsProvider {
 public:
  CountingProvider(FakeClock* clock, std::chrono::seconds lifetime)
      : clock_(clock), lifetime_(lifetime) {}

  Result<ExpiringCredentials> Get() override {
    const int n = ++calls_;
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!failures_.empty()) {
        Status failure = failures_.front();
        failures_.pop_front();
        return failure;
      }
    }
    ExpiringCredentials out{
        {.access_key_id = "K" + std::to_string(n), .secret_access_key = "S", .session_token = "T"},
        std::nullopt};
    if (lifetime_.count() > 0) out.expiration = clock_->Now() + lifetime_;
    return out;
  }
  std::string Name() const override { return "counting"; }

  void FailNext(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(std::move(status));
  }
  int calls() const { return calls_; }
  void set_delay(std::chrono::milliseconds delay) { delay_ = delay; }

 private:
  FakeClock* clock_;
  const std::chrono::seconds lifetime_;
  std::atomic<int> calls_{0};
  std::chrono::milliseconds delay_{0};
  std::mutex mu_;
  std::deque<Status> failures_;
};

std::string Key(const std::shared_ptr<CredentialsProvider>& provider) {
  Result<ExpiringCredentials> got = provider->Get();
  return got.ok() ? got->credentials.access_key_id : "error: " + got.status().ToString();
}

TEST(CredentialsCacheTest, NoRefreshWhileFreshThenRefreshFifteenMinutesBefore) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  clock.Advance(44min);
  EXPECT_EQ(Key(cached), "K1");
  EXPECT_EQ(inner->calls(), 1);
  clock.Advance(1min + 1s);  // 14:59 left
  EXPECT_EQ(Key(cached), "K2");
  EXPECT_EQ(Key(cached), "K2");
  EXPECT_EQ(inner->calls(), 2);
  EXPECT_EQ(cached->Name(), "counting");
}

TEST(CredentialsCacheTest, ShortLivedCredentialsRefreshAtHalfLife) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 900s);  // 15 min, STS's minimum
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  clock.Advance(7min);
  EXPECT_EQ(Key(cached), "K1");
  clock.Advance(31s);  // 7:29 left, under half the lifetime
  EXPECT_EQ(Key(cached), "K2");
  EXPECT_EQ(Key(cached), "K2");
  EXPECT_EQ(inner->calls(), 2);
}

TEST(CredentialsCacheTest, CredentialsWithoutExpirationAreFetchedOnce) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 0s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  clock.Advance(24h * 365);
  EXPECT_EQ(Key(cached), "K1");
  EXPECT_EQ(inner->calls(), 1);
}

TEST(CredentialsCacheTest, FailedRefreshKeepsValidCredentialsAndRetriesLater) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  clock.Advance(50min);
  inner->FailNext(Status::Transient("sts unreachable"));
  EXPECT_EQ(Key(cached), "K1");  // refresh failed, old ones still good
  EXPECT_EQ(inner->calls(), 2);
  clock.Advance(10s);
  EXPECT_EQ(Key(cached), "K1");  // no new attempt within retry_after_failure
  EXPECT_EQ(inner->calls(), 2);
  clock.Advance(30s);
  inner->FailNext(Status::Transient("sts unreachable"));
  EXPECT_EQ(Key(cached), "K1");
  EXPECT_EQ(inner->calls(), 3);
  clock.Advance(30s);
  EXPECT_EQ(Key(cached), "K4");  // the next attempt succeeds
}

TEST(CredentialsCacheTest, FailedRefreshOfNearlyExpiredCredentialsIsAnError) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  clock.Advance(59min + 30s);  // 30 s left: below min_remaining
  inner->FailNext(Status::ConfigError("AccessDenied"));
  Result<ExpiringCredentials> got = cached->Get();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kConfigError);
}

TEST(CredentialsCacheTest, NotFoundPassesThroughAndIsNotCached) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  inner->FailNext(Status::NotFound("nothing here"));
  EXPECT_TRUE(cached->Get().status().IsNotFound());
  EXPECT_EQ(Key(cached), "K2");
}

void GetFromThreads(const std::shared_ptr<CredentialsProvider>& provider, int threads,
                    std::vector<std::string>* keys) {
  std::vector<std::thread> workers;
  std::mutex mu;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      const std::string key = Key(provider);
      std::lock_guard<std::mutex> lock(mu);
      keys->push_back(key);
    });
  }
  for (std::thread& t : workers) t.join();
}

TEST(CredentialsCacheTest, EightConcurrentFirstCallsFetchOnce) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  inner->set_delay(50ms);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  std::vector<std::string> keys;
  GetFromThreads(cached, 8, &keys);
  EXPECT_EQ(inner->calls(), 1);
  EXPECT_EQ(keys, std::vector<std::string>(8, "K1"));
}

TEST(CredentialsCacheTest, EightConcurrentCallsInTheWindowRefreshOnce) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  inner->set_delay(50ms);
  clock.Advance(50min);
  std::vector<std::string> keys;
  GetFromThreads(cached, 8, &keys);
  EXPECT_EQ(inner->calls(), 2);
  // The refreshing thread gets K2; the others got K1 (still usable) or K2.
  for (const std::string& key : keys) EXPECT_TRUE(key == "K1" || key == "K2") << key;
  EXPECT_EQ(Key(cached), "K2");
}

TEST(CredentialsCacheTest, EightConcurrentCallsWithExpiredCredentialsAllWaitForOneRefresh) {
  FakeClock clock(credentials_testing::TestNow());
  auto inner = std::make_shared<CountingProvider>(&clock, 3600s);
  auto cached = NewCachingCredentialsProvider(inner, {.clock = clock.Fn()});
  EXPECT_EQ(Key(cached), "K1");
  inner->set_delay(50ms);
  clock.Advance(2h);
  std::vector<std::string> keys;
  GetFromThreads(cached, 8, &keys);
  EXPECT_EQ(inner->calls(), 2);
  EXPECT_EQ(keys, std::vector<std::string>(8, "K2"));
}

}  // namespace
}  // namespace datalake::aws
