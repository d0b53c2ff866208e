// Directory chores shared by the v1 and v2 managers: a container's cgroup lives at
// <hierarchy>/isobench/<name>. The empty `isobench` parent stays, as Docker's `docker`
// parent does: removing and re-creating it would double the kernfs work of every start.
//
// A SIGKILLed isobench cannot remove its cgroups, so every directory carries its owner's
// liveness: the owner holds flock(LOCK_EX) on it from the moment it exists until after it
// is removed. A directory nobody holds belongs to a dead isobench (stale_cgroups.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "runner/cgroup/cgroup_fs.h"

namespace isobench::runner {

/// One cgroup directory and the lock that says its owner is alive: keep `lock` open until
/// the directory is removed.
struct CgroupDir {
  std::string path;
  UniqueFd lock;
};

/// Creates <root>/isobench/<name>, and the parent first when missing, and locks it. A
/// nested `name` (<parent>/<leaf>) needs <root>/isobench/<parent> to exist already.
/// `prepare_parent` runs on the parent before the child is made, every time: the parent may
/// predate this container's needs (v2 controllers to enable, v1 cpuset cpus and mems to copy
/// in). Retries when someone removes the parent between the two mkdirs, or when a cleaner
/// removes the new directory before it is locked (it is then empty and unlocked: stale).
Result<CgroupDir> create_cgroup_dir(CgroupFs& fs, const std::string& root, const std::string& name,
                                    const std::function<Status(const std::string& parent)>& prepare_parent);

/// SIGKILLs every pid listed in <dir>/cgroup.procs until it reads empty (about 1 s at most).
Status kill_cgroup_procs(CgroupFs& fs, const std::string& dir);

/// rmdir <dir>, retrying while the last killed tasks leave (EBUSY).
Status remove_cgroup_dir(CgroupFs& fs, const std::string& dir);

}  // namespace isobench::runner
