// make_target's table: every target name, how --help lists it, and who makes it.
#include <algorithm>
#include <iterator>

#include "bench/targets/prepared_target.h"
#include "bench/targets/target.h"
#include "common/text.h"
#include "runner/spec.h"

namespace isobench::bench {
namespace {

struct TargetEntry {
  const char* name;    ///< what --targets takes
  const char* usage;   ///< how known_targets() lists it
  const char* family;  ///< isolation_family()
  bool with_profile;   ///< also NAME:PROFILE (isobench:ns)
  Result<std::unique_ptr<Target>> (*make)(const std::string& name, const TargetContext& context);
};

constexpr TargetEntry kTargets[] = {
    {"bare", "bare", kProcess, false, make_bare_target},
    {"isobench", "isobench[:default|ns|full|TOGGLES]", kOciRuntime, true, make_isobench_target},
    {"runc", "runc", kOciRuntime, false, make_oci_runtime_target},
    {"crun", "crun", kOciRuntime, false, make_oci_runtime_target},
    {"runsc", "runsc", kUserSpaceKernel, false, make_oci_runtime_target},
    {"bwrap", "bwrap", kNamespacesOnly, false, make_bwrap_target},
    {"nspawn", "nspawn", kContainerManager, false, make_nspawn_target},
    {"lxc", "lxc", kContainerManager, false, make_lxc_target},
    {"docker", "docker", kEngine, false, make_engine_target},
    {"podman", "podman", kEngine, false, make_engine_target},
    {"vm", "vm", kVirtualMachine, false, make_vm_target},
};

/// The profile that is namespaces and nothing else (no cgroup, seccomp or dropped privilege).
constexpr const char* kNamespacesProfile = "isobench:ns";

bool names(const TargetEntry& entry, const std::string& name) {
  const std::string prefix = std::string(entry.name) + ":";
  return name == entry.name || (entry.with_profile && name.rfind(prefix, 0) == 0);
}

}  // namespace

std::string known_targets() {
  std::vector<std::string_view> usages;
  for (const TargetEntry& entry : kTargets) usages.push_back(entry.usage);
  return join(usages, ", ");
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const TargetEntry& entry : kTargets) {
    names.push_back(entry.name);
    if (entry.with_profile) names.push_back(kNamespacesProfile);
  }
  return names;
}

std::string isolation_family(const std::string& name) {
  if (name == kNamespacesProfile) return kNamespacesOnly;
  auto entry =
      std::find_if(std::begin(kTargets), std::end(kTargets), [&](const TargetEntry& e) { return names(e, name); });
  return entry == std::end(kTargets) ? "" : entry->family;
}

std::vector<std::string> workload_environment() {
  return {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
          "ISOBENCH_START_FD=" + std::to_string(kStartFd)};
}

std::vector<std::string> workload_environment(const TargetContext& context) {
  std::vector<std::string> env = workload_environment();
  if (!context.image) return env;
  // The handshake's descriptor is the harness's, whatever the image says.
  const std::string handshake = "ISOBENCH_START_FD=" + std::to_string(kStartFd);
  return runner::merge_environment(runner::merge_environment(std::move(env), context.image->env), {handshake});
}

std::vector<std::string> fifo_workload_environment(const TargetContext& context, const std::string& path) {
  std::vector<std::string> env;
  const std::string descriptor = "ISOBENCH_START_FD=";
  for (std::string& variable : workload_environment(context))
    if (variable.rfind(descriptor, 0) != 0) env.push_back(std::move(variable));
  env.push_back("ISOBENCH_START_PATH=" + path);
  return env;
}

Result<std::unique_ptr<Target>> make_target(const std::string& name, const TargetContext& context) {
  auto entry =
      std::find_if(std::begin(kTargets), std::end(kTargets), [&](const TargetEntry& e) { return names(e, name); });
  if (entry == std::end(kTargets))
    return plain_error("unknown target '" + name + "': expected one of " + known_targets());
  return entry->make(name, context);
}

}  // namespace isobench::bench
