// A detached container's monitor: podman's conmon, without a second program. `run -d` forks
// it twice (a new session, no terminal, not the CLI's child: it outlives the CLI and its
// shell); it becomes a child subreaper, holds RUNDIR/ID/monitor.lock for as long as it lives
// (the kernel's proof that the container may run, container_liveness.h), launches the
// container as its child with stdout and stderr on pipes that it writes to the container log,
// and records in state.json the start (pid, start time), then the end (exit code, time, OOM
// kill). With --rm it removes the container once it ended.
//
// The CLI learns the outcome of the start over a socket: nothing (EOF) until the workload's
// exec succeeded or its setup failed, so `run -d` returns once the workload runs, or fails
// with the launcher's own message and exit code (125, 126, 127) and no container left.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/lifecycle/container_store.h"
#include "runner/spec.h"

namespace isobench::runner::lifecycle {

struct DetachedLaunch {
  const ContainerStore* store = nullptr;
  std::string id;              ///< a container the store has, status kCreated or kExited
  ContainerSpec spec;          ///< spec.layer_dir is the container's kept layer
  CgroupManager* cgroups = nullptr;  ///< may be null (no cgroups, rootless)
  int64_t log_max_size = 0;    ///< bytes; 0 = unbounded
  bool auto_remove = false;    ///< --rm: the monitor removes the container when it ends
  /// -i: stdin is a pipe whose write end the monitor holds (Docker's OpenStdin), so that a
  /// shell waits for input instead of reading end of file from /dev/null; with a terminal,
  /// the pty's slave is stdin anyway.
  bool open_stdin = false;
  /// An attached `run`: the monitor reads no output until its first attach client connects
  /// (AttachClients::kHoldMs at most), so that the client misses nothing.
  bool hold_output_until_attached = false;
};

struct DetachedStart {
  pid_t pid = 0;          ///< the workload (the container's init) as the host sees it
  pid_t monitor_pid = 0;
};

/// Starts the container under a new monitor and returns once its workload's exec succeeded.
/// A container whose monitor lives already is an error ("is already running", exit code 1).
/// A setup failure comes back as the launcher's error (with its exit code), and the monitor
/// has then removed the container when auto_remove is set, or recorded the error and status
/// kExited (exit code as `run` would exit) otherwise. The calling process must have no other
/// threads. The monitor is a fork that never execs: it keeps the caller's open descriptors,
/// so a lock the caller holds (the image's in-use lock) stays held until the container ends.
Result<DetachedStart> start_detached(const DetachedLaunch& launch);

}  // namespace isobench::runner::lifecycle
