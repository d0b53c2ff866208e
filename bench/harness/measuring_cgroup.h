// The cgroups the harness measures memory rounds in, and that a target whose runtime makes
// cgroups of its own everywhere (LXC) keeps its timed runs in: isobench/<name>, locked by
// its owner as every isobench cgroup is (so no sweep of stale cgroups takes it), with all
// that is below it removed with it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/cgroup/cgroup_fs.h"

namespace isobench::bench {

/// One measuring cgroup: isobench/<name> in the hierarchies the cgroup manager uses, which
/// the target's process joins before exec. Its peak is the whole target's: everything the
/// target starts stays below it, because targets whose runtime makes a cgroup of its own make
/// it there (Target::measured_invocation). All that is below belongs to the run and goes with
/// it, leaves first: a killed container's cgroup, and the path that runc, crun and LXC make
/// in every hierarchy, not only in those the harness uses.
class MeasuringCgroup {
 public:
  MeasuringCgroup(std::string name, std::unique_ptr<runner::Cgroup> cgroup, std::vector<std::string> hierarchies,
                  runner::CgroupFs& fs)
      : name_(std::move(name)), cgroup_(std::move(cgroup)), hierarchies_(std::move(hierarchies)), fs_(fs) {}
  MeasuringCgroup(const MeasuringCgroup&) = delete;
  MeasuringCgroup& operator=(const MeasuringCgroup&) = delete;
  ~MeasuringCgroup();
  const std::string& name() const { return name_; }
  /// Write "0" to it to join (v1 tasks, or the v2 leaf's cgroup.procs).
  int join_fd() const { return join_.get(); }
  void hold_join(UniqueFd join) { join_ = std::move(join); }
  /// Peak memory since creation, the nested cgroups included (v1 accounting is hierarchical
  /// on every kernel since 5.x; v2 always is); NaN when the host does not tell.
  double peak_kib() const;
  /// CPU time of everything in it so far, nested cgroups included; none when not accounted.
  std::optional<runner::CgroupStats> stats() const;

 private:
  void remove_children(const std::string& dir);
  void remove_tree(const std::string& dir);

  std::string name_;
  std::unique_ptr<runner::Cgroup> cgroup_;
  UniqueFd join_;
  std::vector<std::string> hierarchies_;  ///< every cgroup mount of the host
  runner::CgroupFs& fs_;
};

/// Makes measuring cgroups on whatever cgroup layout the host has; outlives what it made.
class MeasuringCgroups {
 public:
  /// Null when the host has no cgroups to measure in.
  static std::unique_ptr<MeasuringCgroups> make();
  /// A fresh measuring cgroup isobench/<name>.
  Result<std::unique_ptr<MeasuringCgroup>> open(const std::string& name);

 private:
  MeasuringCgroups() = default;
  runner::HostCgroupFs fs_;
  std::unique_ptr<runner::CgroupManager> manager_;
  std::vector<std::string> hierarchies_;
};

}  // namespace isobench::bench
