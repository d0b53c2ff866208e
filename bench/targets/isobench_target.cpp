#include "bench/targets/isobench_target.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "common/text.h"
#include "common/version.h"

namespace isobench::bench {

Result<std::vector<std::string>> isobench_profile_options(const std::string& profile) {
  if (profile == "default") return std::vector<std::string>{};
  if (profile == "ns") return std::vector<std::string>{"--no-cgroup", "--security", "none", "--read-only"};
  if (profile == "full") return std::vector<std::string>{"--userns"};
  static const std::map<std::string, std::vector<std::string>> toggles = {{"no-net", {"--share", "net"}},
                                                                          {"no-ipc", {"--share", "ipc"}},
                                                                          {"no-uts", {"--share", "uts"}},
                                                                          {"no-pid", {"--share", "pid"}},
                                                                          {"no-cgroupns", {"--share", "cgroup"}},
                                                                          {"no-cgroup", {"--no-cgroup"}},
                                                                          {"no-seccomp", {"--security", "none"}},
                                                                          {"no-overlay", {"--read-only"}},
                                                                          {"userns", {"--userns"}},
                                                                          {"timens", {"--timens"}}};
  std::vector<std::string> options;
  for (const std::string& toggle : split_list(profile, ',')) {
    auto found = toggles.find(toggle);
    if (found == toggles.end())
      return plain_error("unknown isobench profile or toggle '" + toggle +
                         "': expected default, ns, full, or toggles no-net, no-ipc, no-uts, no-pid, no-cgroupns, "
                         "no-cgroup, no-seccomp, no-overlay, userns, timens");
    options.insert(options.end(), found->second.begin(), found->second.end());
  }
  return options;
}

Result<std::string> IsobenchTarget::probe() {
  if (access(context_.isobench.c_str(), X_OK) != 0) return errno_error("isobench executable " + context_.isobench);
  if (geteuid() != 0) return plain_error("needs root for its default isolation (cgroups)");
  return std::string(kVersion);
}

Result<Invocation> IsobenchTarget::invocation(const WorkloadCommand& workload, const std::string&) {
  Invocation invocation;
  // Descriptor 3, the start handshake, is the only one besides stdio that crosses in.
  invocation.argv = {context_.isobench, "run", "--preserve-fds", "1", "-e",
                     "ISOBENCH_START_FD=" + std::to_string(kStartFd)};
  invocation.argv.insert(invocation.argv.end(), options_.begin(), options_.end());
  invocation.argv.push_back("--");
  invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
  invocation.env = workload_environment();
  return invocation;
}

Result<Invocation> IsobenchTarget::measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                                       const std::string& measuring) {
  auto invocation = this->invocation(workload, run_id);
  if (!invocation) return invocation;
  if (std::find(options_.begin(), options_.end(), "--no-cgroup") == options_.end()) {
    auto after_run = invocation->argv.begin() + 2;  // {isobench, "run", ...}
    invocation->argv.insert(after_run, {"--cgroup-parent", measuring});
  }
  return invocation;
}

}  // namespace isobench::bench
