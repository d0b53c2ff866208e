#include "bench/harness/measuring_cgroup.h"

#include <cmath>

#include "runner/cgroup/cgroup_dirs.h"

namespace isobench::bench {

MeasuringCgroup::~MeasuringCgroup() {
  join_.reset();
  const std::string below = std::string("/") + runner::kCgroupParent + "/" + name_;
  for (const std::string& hierarchy : hierarchies_) remove_children(hierarchy + below);
  cgroup_.reset();
  for (const std::string& hierarchy : hierarchies_) remove_tree(hierarchy + below);
}

double MeasuringCgroup::peak_kib() const {
  auto stats = cgroup_->stats();
  if (!stats || !stats->memory_peak_bytes) return NAN;
  return static_cast<double>(*stats->memory_peak_bytes) / 1024;
}

std::optional<runner::CgroupStats> MeasuringCgroup::stats() const {
  auto stats = cgroup_->stats();
  if (!stats) return std::nullopt;
  return *stats;
}

void MeasuringCgroup::remove_children(const std::string& dir) {
  auto children = fs_.list_dirs(dir);
  if (!children) return;
  for (const std::string& child : *children) remove_tree(dir + "/" + child);
}

void MeasuringCgroup::remove_tree(const std::string& dir) {
  if (!fs_.exists(dir)) return;
  remove_children(dir);
  (void)runner::kill_cgroup_procs(fs_, dir);
  (void)runner::remove_cgroup_dir(fs_, dir);
}

std::unique_ptr<MeasuringCgroups> MeasuringCgroups::make() {
  auto probe = std::unique_ptr<MeasuringCgroups>(new MeasuringCgroups);
  auto manager = runner::host_cgroup_manager(probe->fs_);
  auto hierarchies = runner::host_cgroup_mount_points();
  if (!manager || !hierarchies) return nullptr;
  probe->manager_ = std::move(*manager);
  probe->hierarchies_ = std::move(*hierarchies);
  return probe;
}

Result<std::unique_ptr<MeasuringCgroup>> MeasuringCgroups::open(const std::string& name) {
  auto cgroup = manager_->create_accounting(name);
  if (!cgroup) return cgroup.error();
  const std::string dir = (*cgroup)->paths().front();
  // From here on, a failure removes it all.
  auto measuring = std::make_unique<MeasuringCgroup>(name, std::move(*cgroup), hierarchies_, fs_);
  std::string join_file = dir + "/tasks";
  if (manager_->mode() == runner::CgroupMode::kV2) {
    // A v2 cgroup whose children get controllers holds no process itself: the target joins
    // a leaf, and the cgroups runtimes nest beside it get memory and pids (best effort:
    // without them their memory is charged here all the same).
    if (auto available = fs_.read(dir + "/cgroup.controllers")) {
      std::string wanted;
      for (const char* controller : {"memory", "pids"})
        if (runner::contains_word(*available, controller))
          wanted += std::string(wanted.empty() ? "+" : " +") + controller;
      if (!wanted.empty()) (void)fs_.write(dir + "/cgroup.subtree_control", wanted);
    }
    ISOBENCH_TRY(fs_.make_dir(dir + "/target"));
    join_file = dir + "/target/cgroup.procs";
  }
  auto fd = fs_.open_for_write(join_file);
  if (!fd) return fd.error();
  measuring->hold_join(std::move(*fd));
  return measuring;
}

}  // namespace isobench::bench
