// The cgroups a SIGKILLed isobench leaves behind, found and removed by the next one.
//
// Every container's directory is locked by its owner from creation until after removal
// (cgroup_dirs.h), so "nobody holds the lock" means "the isobench that made it is gone",
// even for a container that is only starting. Only isobench's own directories (below
// <hierarchy>/isobench/) are considered. Processes still inside a stale cgroup (a `--share
// pid` container's background processes, whose runner was killed) are the container's
// leftovers, which nothing else would ever stop: they are killed, then the cgroup removed.
// Cgroups nested in a stale one go first, deepest first, unless a live owner holds one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "runner/cgroup/cgroup.h"
#include "runner/cgroup/cgroup_fs.h"

namespace isobench::runner {

struct StaleCgroupSweep {
  std::vector<std::string> removed;  ///< directories removed
  std::vector<std::string> killed;   ///< stale ones whose leftover processes were killed first
  std::vector<std::string> busy;     ///< stale, but processes or child cgroups are inside: left alone
  std::vector<std::string> failed;   ///< what went wrong, one line each
};

/// How many stale containers a container start removes: a bounded cost (about 0.1 ms each)
/// that drains any backlog over a few starts; doctor removes them all.
inline constexpr size_t kStaleCgroupsPerStart = 16;

enum class SweepScope {
  kFirstHierarchy,  ///< list roots[0] only: enough for containers made and destroyed in order
  kEveryHierarchy,  ///< list every root (doctor)
};

/// Removes stale container cgroups below each <root>/isobench/. `roots` are the hierarchies
/// in the order a container's directories are made in them: Cgroup::destroy removes them in
/// reverse, so a container with any directory left still has the first one, and listing
/// roots[0] finds every stale container. Its directories are removed last-made first, so a
/// sweep that is itself killed keeps that true. At most `max_containers` are removed: the
/// start path pays for a few, doctor for all.
StaleCgroupSweep remove_stale_cgroups(CgroupFs& fs, const std::vector<std::string>& roots, SweepScope scope,
                                      size_t max_containers = SIZE_MAX);

/// The v1 hierarchies in the order CgroupV1Manager makes a container's directories (memory
/// first: every container has one), then every other mounted hierarchy; each mount once.
std::vector<std::string> v1_sweep_roots(const std::map<std::string, std::string>& mounts);

/// remove_stale_cgroups over every hierarchy of this host, named v1 ones included (for
/// `isobench doctor` and the bench's guard).
Result<StaleCgroupSweep> remove_stale_cgroups_on_host();

}  // namespace isobench::runner
