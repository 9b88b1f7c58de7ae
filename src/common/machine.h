// What the machine gives this process: CPUs and a memory limit, as a container sees them, and
// settings from its environment.
//
// CPUs: the ones the process may run on (sched_getaffinity), capped by a cgroup CPU quota (a
// Kubernetes CPU limit: cgroup v2 cpu.max, or v1 cpu.cfs_quota_us), since a pod limited to 2
// CPUs on a 64-core node must not start 63 busy threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace datalake {

// At least 1.
size_t AvailableCpus();

// The CPU count a cgroup quota allows, rounded up: from cgroup v2's cpu.max text ("max 100000",
// "200000 100000") or v1's quota and period in microseconds. nullopt for no quota or bad text.
std::optional<size_t> CpusOfCgroupV2(std::string_view cpu_max);
std::optional<size_t> CpusOfCgroupV1(long long quota_us, long long period_us);

// The cgroup memory limit in bytes (v2 memory.max, or v1 memory.limit_in_bytes), if there is
// one: a Kubernetes memory limit, past which the pod is killed.
std::optional<uint64_t> CgroupMemoryLimit();
// From cgroup v2's memory.max or v1's memory.limit_in_bytes text ("max", or a number; v1 shows
// a number near 2^63 for no limit).
std::optional<uint64_t> MemoryLimitOfCgroupText(std::string_view text);

// A non-negative integer from the environment variable `name`, or nullopt when it is unset or
// not one (digits only).
std::optional<int64_t> NonNegativeIntegerFromEnvironment(const char* name);

}  // namespace datalake
