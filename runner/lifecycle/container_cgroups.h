// A running container's cgroups as the host sees them, found from its init's /proc/PID/cgroup
// and this host's cgroup mounts: where `exec` joins it, and what `stats` and `top` read.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::runner::lifecycle {

/// The host directories of `pid`'s cgroups below isobench/, by controller: "" for cgroup v2's
/// unified hierarchy, else the first controller of a v1 hierarchy ("memory", "cpu", "pids",
/// "blkio", ...). Empty when it has none. An error when the process is gone, or when one of
/// its isobench cgroups is on no cgroup mount this host has: a joiner must find every one
/// (the device cgroup among them) or not join at all.
Result<std::map<std::string, std::string>> container_cgroup_dirs(pid_t pid);

/// What `docker stats` shows of a container, read from its cgroups and its network namespace.
struct ContainerCounters {
  uint64_t cpu_ns = 0;
  int64_t mem_bytes = 0;   ///< used, without inactive page cache (as Docker counts it)
  int64_t mem_limit = 0;   ///< 0: no limit (the caller shows the host's memory)
  uint64_t pids = 0;
  int64_t net_rx = 0, net_tx = 0;
  int64_t block_read = 0, block_write = 0;
};

/// Reads the counters of the container whose init is `pid` (v1 or v2 files, whichever it has).
/// An error when the process or its cgroups are gone.
Result<ContainerCounters> read_container_counters(pid_t pid);

/// The pids in the container's cgroup (its memory or pids hierarchy, or v2's), sorted.
std::vector<pid_t> container_processes(pid_t pid);

}  // namespace isobench::runner::lifecycle
