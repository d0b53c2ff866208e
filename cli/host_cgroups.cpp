#include "cli/host_cgroups.h"

#include <spdlog/spdlog.h>

namespace isobench::cli {

/// The host's cgroup manager, or none where the host has no cgroups and no limit was asked
/// for (a warning says what that costs).
Status open_cgroups(const runner::ContainerSpec& spec, runner::HostCgroupFs& cgroup_fs,
                    std::unique_ptr<runner::CgroupManager>& cgroups) {
  if (!spec.use_cgroup) return {};
  auto layout = runner::host_cgroup_layout(runner::CgroupRequest::kFromEnvironment);
  if (!layout) return layout.error();
  auto manager = runner::make_cgroup_manager(*layout, cgroup_fs);
  if (manager) {
    cgroups = std::move(*manager);
  } else if (spec.limits.any()) {
    return manager.error();
  } else {
    spdlog::warn("no cgroups on this host ({}): running without; CPU and memory figures come from rusage",
                 manager.error().text());
  }
  if (cgroups && !cgroups->guards_devices())
    spdlog::warn("the devices cgroup controller is not mounted: CAP_MKNOD is dropped and the root is mounted nodev");
  return {};
}

}  // namespace isobench::cli
