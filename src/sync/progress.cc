#include "sync/progress.h"

#include <algorithm>
#include <cstdio>

namespace datalake::sync {

Progress::Progress(protocol::MessageWriter* out, storage::Env* env, double interval_seconds)
    : out_(out),
      env_(env),
      interval_(interval_seconds),
      start_(env_->NowMonotonic()),
      last_report_(start_) {}

double Progress::Elapsed() const {
  return std::chrono::duration<double>(env_->NowMonotonic() - start_).count();
}

bool Progress::Due() const { return env_->NowMonotonic() - last_report_ >= interval_; }

void Progress::Report(std::vector<StreamProgress> streams) {
  last_report_ = env_->NowMonotonic();
  double seconds = Elapsed();
  double rate = seconds > 0 ? static_cast<double>(records_) / seconds : 0;
  double mb = static_cast<double>(bytes_) / 1e6;
  char buf[256];
  std::snprintf(
      buf, sizeof(buf), "Read %llu records (%.1f MB) in %.1f s: %.0f records/s, %.1f MB/s",
      static_cast<unsigned long long>(records_), mb, seconds, rate, seconds > 0 ? mb / seconds : 0);
  out_->Log("INFO", buf);
  constexpr size_t kMostShown = 10;
  std::sort(streams.begin(), streams.end(),
            [](const StreamProgress& a, const StreamProgress& b) { return a.bytes > b.bytes; });
  std::string line;
  for (size_t i = 0; i < streams.size() && i < kMostShown; ++i) {
    const StreamProgress& s = streams[i];
    if (s.records == 0) break;
    std::snprintf(buf, sizeof(buf), "%s%s: %llu records (%.1f MB), %.0f records/s",
                  line.empty() ? "" : "; ", s.name.c_str(),
                  static_cast<unsigned long long>(s.records), static_cast<double>(s.bytes) / 1e6,
                  seconds > 0 ? static_cast<double>(s.records) / seconds : 0);
    line += buf;
  }
  if (!line.empty()) out_->Log("INFO", "Streams: " + line);
}

}  // namespace datalake::sync
