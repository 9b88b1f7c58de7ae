// Upload throughput of the S3 object store: writes one object of --mb megabytes through
// storage::NewS3Store with --workers part uploads in parallel, and prints seconds and MB/s.
// Endpoint, keys and region come from the environment (S3_ENDPOINT, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION). Driven by scripts/bench_s3.py, which runs boto3 on the
// same object in the same run as the baseline.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aws/credential_providers.h"
#include "storage/storage.h"

namespace {

const char* Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace datalake;
  size_t mb = 1024;
  size_t workers = 4;
  std::string bucket = "datalake-bench";
  std::string key = "bench/object.bin";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--mb") mb = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--workers") workers = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--bucket") bucket = argv[i + 1];
    if (flag == "--key") key = argv[i + 1];
  }
  aws::S3Options s3;
  s3.region = Env("AWS_REGION", "us-east-1");
  s3.endpoint = std::string(Env("S3_ENDPOINT", "http://127.0.0.1:7480"));
  s3.credentials = aws::NewEnvironmentCredentialsProvider();
  auto client = std::make_shared<aws::S3Client>(std::move(s3));

  storage::S3StoreOptions options;
  options.upload_threads = workers;
  options.max_parts_in_memory = workers * 2;
  auto store = storage::NewS3Store(client, bucket, options);

  // A chunk of pseudo-random bytes (incompressible), written repeatedly.
  std::string chunk(4 << 20, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (char& c : chunk) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  const auto start = std::chrono::steady_clock::now();
  auto object = store->Create(key);
  if (!object.ok()) {
    std::fprintf(stderr, "create: %s\n", object.status().ToString().c_str());
    return 1;
  }
  const size_t total = mb << 20;
  for (size_t written = 0; written < total; written += chunk.size()) {
    Status s = (*object)->Write(std::string_view(chunk).substr(0, total - written));
    if (!s.ok()) {
      std::fprintf(stderr, "write: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  Status s = (*object)->Commit();
  if (!s.ok()) {
    std::fprintf(stderr, "commit: %s\n", s.ToString().c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu %.3f %.1f\n", workers, seconds, static_cast<double>(total) / 1e6 / seconds);
  return 0;
}
