// Cancellation: how `write` stops when Airbyte cancels the sync (SIGTERM, then SIGKILL after a
// grace period, on Kubernetes) or a user presses Ctrl-C (SIGINT).
//
// The signal handler only sets a flag and writes one byte to a self-pipe. Everything else is
// ordinary code that looks at the flag: the stdin reader polls the pipe next to stdin, so it
// wakes whichever thread the signal was delivered to; the HTTP transport aborts a transfer in
// flight; the AWS retry loop neither retries nor backs off; the pipeline starts no commit. The
// byte is never read, so the pipe stays readable and every waiter, present or future, sees it.
//
// Only `write` installs the handlers; without them nothing requests cancellation (tests excepted).
#pragma once

#include <chrono>

#include "common/status.h"

namespace datalake {

// Install SIGTERM and SIGINT handlers that request cancellation. The first signal restores the
// default actions, so a second one ends the process at once.
Status InstallCancelHandlers();

// True once cancellation was requested. One atomic load: cheap enough to call per message.
bool CancelRequested();

// The signal that requested cancellation (SIGTERM, SIGINT), or 0.
int CancelSignal();

// Request cancellation, as the handler of `signal` does (0: not by a signal). Async-signal-safe.
void RequestCancel(int signal = 0);

// A file descriptor that becomes readable, and stays so, once cancellation is requested: poll it
// next to the descriptor a thread blocks on. Never read it. -1 if no pipe could be made (then
// only the EINTR of the thread that got the signal wakes it).
int CancelFd();

// Sleep for `duration`, returning early when cancellation is requested. Return false if
// cancelled (the back-off of a retry that should not happen any more).
bool SleepUnlessCancelled(std::chrono::milliseconds duration);

// Forget a cancellation request. For tests only: not safe while another thread waits on it.
void ResetCancelForTesting();

}  // namespace datalake
