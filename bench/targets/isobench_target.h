// isobench's own runner under a named isolation profile, so that each mechanism can be
// priced by switching it off alone.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::bench {

/// Profiles: "default" (what `isobench run` does), "ns" (namespaces only: no cgroup, no
/// seccomp or capability drop, read-only image instead of an overlay), "full" (default plus
/// a user namespace). Toggles, comma-separated after "isobench:": no-net, no-ipc, no-uts,
/// no-pid, no-cgroupns (share that namespace), no-cgroup, no-seccomp (= --security none),
/// no-overlay (= --read-only), userns, timens.
Result<std::vector<std::string>> isobench_profile_options(const std::string& profile);

}  // namespace isobench::bench
