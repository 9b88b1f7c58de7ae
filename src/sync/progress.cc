#include "sync/progress.h"

#include <cstdio>

namespace datalake::sync {

Progress::Progress(protocol::MessageWriter* out, double interval_seconds)
    : out_(out),
      interval_(interval_seconds),
      start_(std::chrono::steady_clock::now()),
      last_report_(start_) {}

double Progress::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::MaybeReport() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_report_ < interval_) return;
  last_report_ = now;
  ReportTotals();
}

void Progress::ReportTotals() {
  double seconds = Elapsed();
  double rate = seconds > 0 ? static_cast<double>(records_) / seconds : 0;
  double mb = static_cast<double>(bytes_) / 1e6;
  char buf[256];
  std::snprintf(
      buf, sizeof(buf), "Read %llu records (%.1f MB) in %.1f s: %.0f records/s, %.1f MB/s",
      static_cast<unsigned long long>(records_), mb, seconds, rate, seconds > 0 ? mb / seconds : 0);
  out_->Log("INFO", buf);
}

}  // namespace datalake::sync
