// Whether a container really runs: the kernel's answer, not state.json's. A monitor holds its
// container's RUNDIR/ID/monitor.lock for as long as it lives, and the kernel drops the lock
// when it dies (however it dies); a pid is only the workload's while /proc/PID/stat still
// shows the start time recorded with it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/lifecycle/container_record.h"

namespace isobench::runner::lifecycle {

/// Whether somebody holds an exclusive flock on `lock_path`. A missing file, or one nobody
/// locks, is a dead monitor. The probe neither creates the file nor blocks; it takes a shared
/// lock for an instant, so probes never disturb each other, and a monitor must take its lock
/// with LockWait::kBlock (a try-lock could fail during a probe).
bool lock_is_held(const std::string& lock_path);

/// What state.json says, corrected by the kernel's truth: a container recorded as running
/// whose monitor is dead has exited with an unknown exit code (finished_at stays as recorded,
/// usually empty). Everything else is returned unchanged. Pure.
ContainerState observed_state(const ContainerState& recorded, bool monitor_alive);

/// Field 22 of /proc/PID/stat (start time in clock ticks since boot); an error when there is
/// no such process.
Result<uint64_t> process_start_time(pid_t pid);

/// Whether `pid` is still the process that started at `start_time` (not a recycled pid).
bool is_same_process(pid_t pid, uint64_t start_time);

/// A pidfd for `pid`, checked (after it is open, so that no recycling can slip in between)
/// to be the process that started at `start_time`: signal through it with pidfd_send_signal
/// and never hit a stranger. An error with ESRCH when the process is gone or is another one.
Result<UniqueFd> open_process(pid_t pid, uint64_t start_time);

}  // namespace isobench::runner::lifecycle
