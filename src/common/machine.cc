#include "common/machine.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace datalake {
namespace {

std::optional<std::string> ReadSmallFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<long long> ParseInteger(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<size_t> CgroupCpus() {
  if (auto v2 = ReadSmallFile("/sys/fs/cgroup/cpu.max")) return CpusOfCgroupV2(*v2);
  auto quota = ReadSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  auto period = ReadSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  auto q = ParseInteger(*quota);
  auto p = ParseInteger(*period);
  if (!q || !p) return std::nullopt;
  return CpusOfCgroupV1(*q, *p);
}

}  // namespace

std::optional<size_t> CpusOfCgroupV1(long long quota_us, long long period_us) {
  if (quota_us <= 0 || period_us <= 0) return std::nullopt;  // -1: no quota
  return static_cast<size_t>(std::max<long long>(1, (quota_us + period_us - 1) / period_us));
}

std::optional<size_t> CpusOfCgroupV2(std::string_view cpu_max) {
  const size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto quota = ParseInteger(cpu_max.substr(0, space));  // "max" (no quota) does not parse
  auto period = ParseInteger(cpu_max.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return CpusOfCgroupV1(*quota, *period);
}

std::optional<uint64_t> MemoryLimitOfCgroupText(std::string_view text) {
  auto value = ParseInteger(text);
  // v1 reports "no limit" as the largest page-aligned 64-bit number.
  if (!value || *value <= 0 || *value >= (1LL << 62)) return std::nullopt;
  return static_cast<uint64_t>(*value);
}

std::optional<uint64_t> CgroupMemoryLimit() {
  if (auto v2 = ReadSmallFile("/sys/fs/cgroup/memory.max")) return MemoryLimitOfCgroupText(*v2);
  if (auto v1 = ReadSmallFile("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    return MemoryLimitOfCgroupText(*v1);
  }
  return std::nullopt;
}

std::optional<int64_t> NonNegativeIntegerFromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  int64_t number = 0;
  const char* end = value + std::strlen(value);
  const auto [ptr, ec] = std::from_chars(value, end, number);
  // An out-of-range number consumes its digits but is no value (`number` stays 0).
  if (ec != std::errc() || ptr != end || number < 0) return std::nullopt;
  return number;
}

size_t AvailableCpus() {
  size_t cpus = 1;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    cpus = static_cast<size_t>(std::max(1, CPU_COUNT(&set)));
  }
  if (std::optional<size_t> quota = CgroupCpus()) cpus = std::min(cpus, *quota);
  return std::max<size_t>(cpus, 1);
}

}  // namespace datalake
