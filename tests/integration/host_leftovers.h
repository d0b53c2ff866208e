// What a container run may leave on the host by mistake: mounts in the test's own mount
// namespace, per-container cgroup directories, and processes. A snapshot before a test and
// a comparison after it tell which ones that test left; they are then removed so that one
// leak does not poison the tests after it.
#pragma once

#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

namespace isobench::integration {

/// The host state that is not the test's doing: what existed before it started.
struct HostSnapshot {
  std::set<std::string> mount_lines;  ///< /proc/self/mountinfo lines naming the image or "isobench"
  std::set<std::string> cgroup_dirs;  ///< directories below /sys/fs/cgroup/*/isobench/
  std::set<pid_t> image_processes;    ///< processes whose command line starts with the image path
};

struct LeftoverMount {
  std::string mount_point;
  std::string line;
};

struct LeftoverProcess {
  pid_t pid = 0;
  std::string command_line;
  bool is_our_child = false;
};

struct Leftovers {
  std::vector<LeftoverMount> mounts;
  std::vector<std::string> cgroup_dirs;  ///< deepest first, the order they can be removed in
  std::vector<LeftoverProcess> processes;

  bool empty() const { return mounts.empty() && cgroup_dirs.empty() && processes.empty(); }
  /// One line per leftover, for a failure message.
  std::string describe() const;
};

/// Makes orphans of anything the test starts become children of the test process, where
/// the leftover check can see them and reap them.
void adopt_orphans();

HostSnapshot take_host_snapshot(const std::string& image_path);

/// What exists now that did not before. A new cgroup whose processes all lie outside the
/// test's process tree belongs to someone else running isobench at the same time, and is
/// not counted; nor is an empty one that an isobench holds locked (a container starting). Reaps exited children of the test first.
Leftovers find_leftovers(const HostSnapshot& before, const std::string& image_path);

/// Kills the processes, unmounts the mounts and removes the cgroups; returns what resisted.
std::vector<std::string> remove_leftovers(const Leftovers& leftovers);

}  // namespace isobench::integration
