// How many CPUs this process may use: the ones it may run on (sched_getaffinity), capped by a
// cgroup CPU quota (a Kubernetes CPU limit: cgroup v2 cpu.max, or v1 cpu.cfs_quota_us), since a
// pod limited to 2 CPUs on a 64-core node must not start 63 busy threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace datalake {

// At least 1.
size_t AvailableCpus();

// The CPU count a cgroup quota allows, rounded up: from cgroup v2's cpu.max text ("max 100000",
// "200000 100000") or v1's quota and period in microseconds. nullopt for no quota or bad text.
std::optional<size_t> CpusOfCgroupV2(std::string_view cpu_max);
std::optional<size_t> CpusOfCgroupV1(long long quota_us, long long period_us);

}  // namespace datalake
