// The host's cgroups for a container start, as `run`, `run -d` and `start` all need them.
#pragma once

#include <memory>

#include "common/result.h"
#include "runner/cgroup/cgroup.h"
#include "runner/cgroup/cgroup_fs.h"
#include "runner/spec.h"

namespace isobench::cli {

/// The host's cgroup manager, or none where the host has no cgroups and no limit was asked
/// for (a warning says what that costs).
Status open_cgroups(const runner::ContainerSpec& spec, runner::HostCgroupFs& cgroup_fs,
                    std::unique_ptr<runner::CgroupManager>& cgroups);

}  // namespace isobench::cli
