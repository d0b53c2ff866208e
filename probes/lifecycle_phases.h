// From lifecycle events to a startup phase breakdown: pure, so it is tested on made-up events.
#pragma once

#include <cstdint>
#include <vector>

#include "probes/lifecycle_event.h"

namespace isobench::probes {

struct LifecyclePhases {
  double runtime_start_ms =
      0;  ///< launch to the first isolation syscall (namespace, mount, cgroup) or the workload's exec
  double namespaces_ms = 0;   ///< time inside clone/clone3/unshare calls that create namespaces
  double rootfs_ms = 0;       ///< time inside mount, umount2 and pivot_root
  double cgroup_ms = 0;       ///< time inside cgroupfs writes, mkdirs and rmdirs before the exec
  double other_setup_ms = 0;  ///< the rest of the way to the workload's exec
  double exec_ms = 0;         ///< the workload's execve
  double workload_ms = 0;     ///< the workload's exec to its exit
  double teardown_ms = 0;     ///< the workload's exit to the launcher's exit
  double total_ms = 0;        ///< launch to the launcher's exit
  uint32_t workload_pid = 0;  ///< the thread of the last exec in the tree
  int namespace_syscalls = 0;
  int cgroup_operations = 0;
};

/// `events` as drained; `launch_ns` and `end_ns` bound the run (CLOCK_MONOTONIC). The
/// workload is the last program executed in the tree.
LifecyclePhases lifecycle_phases(const std::vector<LifecycleEvent>& events, int64_t launch_ns, int64_t end_ns);

/// Whether a clone/clone3/unshare call with these flags creates a namespace.
bool creates_namespace(const LifecycleEvent& event);

}  // namespace isobench::probes
