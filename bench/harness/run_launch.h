// Spawning one invocation of a target and collecting what the kernel tells about it: the
// start handshake, exit status, resource usage of the whole reaped tree, and output.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/targets/target.h"
#include "common/result.h"
#include "common/subprocess.h"
#include "common/unique_fd.h"

namespace isobench::bench {

/// A spawned invocation that has not been waited for yet.
struct LaunchedRun {
  Subprocess process;  ///< killed and reaped if it goes unwaited for
  UniqueFd start_pipe;   ///< read end: the workload writes its CLOCK_MONOTONIC start time
  UniqueFd stdout_file;  ///< memfds: output never blocks the workload, whatever its size
  UniqueFd stderr_file;
  int64_t launch_ns = 0;
  /// With Invocation::start_stamp_realtime: CLOCK_REALTIME read just before launch_ns, the
  /// pair that turns the workload's realtime stamp into the harness's monotonic time.
  std::optional<int64_t> launch_realtime_ns;
};

struct FinishedRun {
  pid_t pid = -1;
  int64_t launch_ns = 0;
  int64_t start_ns = 0;  ///< 0 when the workload never signalled (no handshake)
  int64_t exit_ns = 0;
  int exit_code = 0;  ///< exit status, or 128+N when killed by signal N
  bool timed_out = false;
  bool interrupted = false;  ///< killed by the harness because a stop was requested
  rusage usage{};            ///< the spawned process and every descendant it reaped
  std::string out;
  std::string err;
};

/// Starts `invocation` with the handshake pipe on descriptor kStartFd. vfork semantics: the
/// call returns once the child has exec'd, so the launch time excludes nothing of the target.
Result<LaunchedRun> launch(const Invocation& invocation);

/// Waits up to `timeout_seconds` (then SIGKILLs the process), reaps it and reads its output.
FinishedRun wait_for(LaunchedRun& run, double timeout_seconds);

/// Waits for several runs at once, reaping each as soon as it exits, so that the exit time of
/// one is not its turn in a queue. Runs still alive after `timeout_seconds` are killed. Once
/// `stop_fd` is readable (HarnessOptions::stop_fd), every run not yet reaped is SIGKILLed at
/// once through its pidfd, reaped and marked interrupted, and the call returns.
std::vector<FinishedRun> wait_for_all(std::vector<LaunchedRun*>& runs, double timeout_seconds, int stop_fd = -1);

/// Whether a stop was requested on `stop_fd`: it is readable. Never for -1.
bool stop_requested(int stop_fd);

}  // namespace isobench::bench
