// Crash points: named places in the commit protocol where tests kill the process, to prove that
// a crash there loses nothing acknowledged and leaves nothing half-visible.
//
// DATALAKE_CRASH_AT="<name>:<n>" makes the n-th arrival (1-based) at CrashPoint("<name>") end
// the process at once with SIGKILL, as a node failure or the OOM killer would: no destructors,
// no flushing beyond what was already written. Unset (always, outside tests), a crash point
// costs one branch on a value read once.
#pragma once

#include <string_view>

namespace datalake {

void CrashPoint(std::string_view name);

}  // namespace datalake
