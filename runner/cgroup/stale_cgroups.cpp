#include "runner/cgroup/stale_cgroups.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "common/file_io.h"

namespace isobench::runner {
namespace {

/// Removes the cgroups below the stale `dir`, deepest first, and the processes left in them:
/// what was nested in a dead owner's cgroup (a benchmark's measuring cgroup holds containers'
/// cgroups, and runtimes' directories that nobody locks). False, leaving the rest alone, when
/// one is locked (a live isobench's container, nested there) or will not go.
bool remove_stale_children(CgroupFs& fs, const std::string& dir, StaleCgroupSweep& sweep) {
  auto children = fs.list_dirs(dir);
  if (!children) return children.error().errno_value == ENOENT;
  for (const std::string& name : *children) {
    const std::string child = dir + "/" + name;
    auto lock = fs.lock_dir(child, /*wait=*/false);
    if (!lock) {
      if (lock.error().errno_value == ENOENT) continue;
      if (lock.error().errno_value == EWOULDBLOCK)
        sweep.busy.push_back(child);
      else
        sweep.failed.push_back(lock.error().text());
      return false;
    }
    if (!remove_stale_children(fs, child, sweep)) return false;
    auto procs = fs.read(child + "/cgroup.procs");
    if (procs && !trim(*procs).empty()) {
      if (!fs.kill_processes(child)) {
        sweep.busy.push_back(child);
        return false;
      }
      sweep.killed.push_back(child);
    }
    if (Status removed = fs.remove_dir(child); !removed && removed.error().errno_value != ENOENT) {
      sweep.busy.push_back(child);
      return false;
    }
    sweep.removed.push_back(child);
  }
  return true;
}

/// Removes every directory named `name` (one per root), last-made first, when none of them
/// is locked and all are empty (what was nested below them goes first). `held` is the lock
/// already taken on roots[first_found].
void remove_stale_container(CgroupFs& fs, const std::vector<std::string>& roots, const std::string& name,
                            size_t first_found, UniqueFd held, StaleCgroupSweep& sweep) {
  std::vector<std::pair<std::string, UniqueFd>> dirs;  // in roots order
  for (size_t i = 0; i < roots.size(); ++i) {
    std::string dir = roots[i] + "/" + kCgroupParent + "/" + name;
    if (i == first_found) {
      dirs.emplace_back(dir, std::move(held));
      continue;
    }
    auto lock = fs.lock_dir(dir, /*wait=*/false);
    if (lock) {
      dirs.emplace_back(dir, std::move(*lock));
    } else if (lock.error().errno_value == EWOULDBLOCK) {
      return;  // someone holds part of it: not stale after all
    } else if (lock.error().errno_value != ENOENT) {
      sweep.failed.push_back(lock.error().text());
      return;
    }
  }
  for (const auto& [dir, lock] : dirs)
    if (!remove_stale_children(fs, dir, sweep)) return;
  for (const auto& [dir, lock] : dirs) {
    auto procs = fs.read(dir + "/cgroup.procs");
    if (procs && trim(*procs).empty()) continue;
    if (!procs) {
      sweep.failed.push_back(procs.error().text());
      return;
    }
    // What a killed runner's container left running (a --share pid container's background
    // processes: no pid namespace took them down). Nobody owns it any more: kill it.
    if (Status killed = fs.kill_processes(dir); !killed) {
      sweep.busy.push_back(dir);
      return;
    }
    sweep.killed.push_back(dir);
  }
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    Status removed = fs.remove_dir(it->first);
    if (removed) {
      sweep.removed.push_back(it->first);
    } else if (removed.error().errno_value == EBUSY) {
      sweep.busy.push_back(it->first);  // a child cgroup, or a process that forked in meanwhile
      return;
    } else if (removed.error().errno_value != ENOENT) {
      sweep.failed.push_back(removed.error().text());
      return;
    }
  }
}

}  // namespace

StaleCgroupSweep remove_stale_cgroups(CgroupFs& fs, const std::vector<std::string>& roots, SweepScope scope,
                                      size_t max_containers) {
  StaleCgroupSweep sweep;
  std::set<std::string> seen;
  size_t swept = 0;
  const size_t listed = scope == SweepScope::kFirstHierarchy ? std::min<size_t>(1, roots.size()) : roots.size();
  for (size_t root = 0; root < listed; ++root) {
    const std::string parent = roots[root] + "/" + kCgroupParent;
    auto names = fs.list_dirs(parent);
    if (!names) {
      if (names.error().errno_value != ENOENT) sweep.failed.push_back(names.error().text());
      continue;
    }
    for (const std::string& name : *names) {
      if (!seen.insert(name).second) continue;
      if (swept == max_containers) return sweep;
      // The owner holds this lock for the container's whole life, from before mkdir returned
      // to it until after rmdir: free means the owner is gone.
      auto lock = fs.lock_dir(parent + "/" + name, /*wait=*/false);
      if (!lock) {
        int error = lock.error().errno_value;
        if (error != EWOULDBLOCK && error != ENOENT) sweep.failed.push_back(lock.error().text());
        continue;
      }
      ++swept;
      remove_stale_container(fs, roots, name, root, std::move(*lock), sweep);
    }
  }
  return sweep;
}

std::vector<std::string> v1_sweep_roots(const std::map<std::string, std::string>& mounts) {
  std::vector<std::string> roots;
  auto add = [&](const std::string& mount) {
    if (std::find(roots.begin(), roots.end(), mount) == roots.end()) roots.push_back(mount);
  };
  // CgroupV1Manager::create's order; the rest in case a later version uses them.
  for (const char* controller : {"memory", "cpuacct", "pids", "devices", "cpu", "cpuset"})
    if (auto found = mounts.find(controller); found != mounts.end()) add(found->second);
  for (const auto& [controller, mount] : mounts) add(mount);
  return roots;
}

Result<StaleCgroupSweep> remove_stale_cgroups_on_host() {
  auto layout = host_cgroup_layout();
  if (!layout) return layout.error();
  auto mounts = host_cgroup_mount_points();
  if (!mounts) return mounts.error();
  std::vector<std::string> roots = v1_sweep_roots(layout->v1_mounts);
  // The v2 mount, and named v1 hierarchies (name=systemd): runc and crun make a container's
  // cgroup path in every hierarchy, below a benchmark's measuring cgroup too.
  for (const std::string& mount : *mounts)
    if (std::find(roots.begin(), roots.end(), mount) == roots.end()) roots.push_back(mount);
  if (roots.empty()) return plain_error("no cgroup file system is mounted on this host");
  HostCgroupFs fs;
  return remove_stale_cgroups(fs, roots, SweepScope::kEveryHierarchy);
}

}  // namespace isobench::runner
