// The caching and refreshing decorator (docs/AWS-WIRE.md#refresh-before-expiry).
//
// Three ages of cached credentials, with `window` = min(refresh_before, lifetime / 2):
//   fresh     more than `window` left: returned as they are;
//   usable    more than min_remaining left: one thread refreshes (botocore's advisory refresh)
//             while the others keep using them; if the refresh fails they stay in use, and the
//             next attempt waits retry_after_failure;
//   unusable  every caller waits for the refresh and gets its outcome (botocore's mandatory
//             refresh).
// Two mutexes: state_mu_ guards the cached value and is held only briefly; refresh_mu_ makes
// refreshes exclusive and is held across the (slow) call to the inner provider.

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "aws/credential_providers.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

class CachingProvider : public CredentialsProvider {
 public:
  CachingProvider(std::shared_ptr<CredentialsProvider> inner, CachingOptions options)
      : inner_(std::move(inner)), options_(std::move(options)) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
  }

  Result<ExpiringCredentials> Get() override {
    if (std::optional<ExpiringCredentials> cached = CachedIfNoRefreshDue()) return *cached;
    std::unique_lock<std::mutex> refresh(refresh_mu_, std::try_to_lock);
    if (!refresh.owns_lock()) {
      // Another thread is refreshing: use what we have if it is still good, else wait for it.
      if (std::optional<ExpiringCredentials> usable = CachedIfUsable()) return *usable;
      refresh.lock();
    }
    // The refresh we waited for may have succeeded; do not refresh twice.
    if (std::optional<ExpiringCredentials> cached = CachedIfNoRefreshDue()) return *cached;
    Result<ExpiringCredentials> fetched = inner_->Get();
    std::lock_guard<std::mutex> state(state_mu_);
    const TimePoint now = options_.clock();
    if (fetched.ok()) {
      cached_ = *fetched;
      fetched_at_ = now;
      next_attempt_ = TimePoint::min();
      return fetched;
    }
    if (cached_ && IsUsable(now)) {
      next_attempt_ = now + options_.retry_after_failure;
      return *cached_;
    }
    return fetched.status();
  }

  std::string Name() const override { return inner_->Name(); }

 private:
  // Return the cached credentials unless this caller should refresh them.
  std::optional<ExpiringCredentials> CachedIfNoRefreshDue() {
    std::lock_guard<std::mutex> state(state_mu_);
    const TimePoint now = options_.clock();
    if (!cached_) return std::nullopt;
    if (IsFresh(now) || (IsUsable(now) && now < next_attempt_)) return cached_;
    return std::nullopt;
  }

  std::optional<ExpiringCredentials> CachedIfUsable() {
    std::lock_guard<std::mutex> state(state_mu_);
    if (cached_ && IsUsable(options_.clock())) return cached_;
    return std::nullopt;
  }

  // REQUIRES: state_mu_ held and cached_ set.
  bool IsFresh(TimePoint now) const {
    if (!cached_->expiration) return true;
    const auto lifetime = *cached_->expiration - fetched_at_;
    // Credentials that arrive already expired (a skewed clock) get no window, not a negative one.
    using Duration = std::chrono::system_clock::duration;
    const Duration window =
        std::max(Duration::zero(), std::min<Duration>(options_.refresh_before, lifetime / 2));
    return now < *cached_->expiration - window;
  }

  // REQUIRES: state_mu_ held and cached_ set.
  bool IsUsable(TimePoint now) const {
    return !cached_->expiration || now < *cached_->expiration - options_.min_remaining;
  }

  const std::shared_ptr<CredentialsProvider> inner_;
  CachingOptions options_;
  std::mutex refresh_mu_;
  std::mutex state_mu_;
  std::optional<ExpiringCredentials> cached_;  // guarded by state_mu_
  TimePoint fetched_at_{};                     // guarded by state_mu_
  TimePoint next_attempt_ = TimePoint::min();  // guarded by state_mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> NewCachingCredentialsProvider(
    std::shared_ptr<CredentialsProvider> inner, CachingOptions options) {
  return std::make_shared<CachingProvider>(std::move(inner), std::move(options));
}

}  // namespace datalake::aws
