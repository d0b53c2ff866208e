#include "bench/targets/isobench_target.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "bench/targets/prepared_target.h"
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

namespace {

/// Whether isobench can run here: the executable, and root for its default cgroups.
Result<std::string> isobench_found(const std::string& isobench) {
  if (access(isobench.c_str(), X_OK) != 0) return errno_error("isobench executable " + isobench);
  if (geteuid() != 0) return plain_error("needs root for its default isolation (cgroups)");
  return std::string(kVersion);
}

class IsobenchTarget final : public PreparedTarget {
 public:
  IsobenchTarget(const std::string& profile, std::vector<std::string> options, TargetContext context)
      : PreparedTarget(profile == "default" ? "isobench" : "isobench:" + profile, "container", context,
                       isobench_found(context.isobench)),
        options_(std::move(options)) {}

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string&) override {
    Invocation invocation;
    // Descriptor 3, the start handshake, is the only one besides stdio that crosses in.
    invocation.argv = {
        context().isobench, "run", "--preserve-fds", "1", "-e", "ISOBENCH_START_FD=" + std::to_string(kStartFd)};
    invocation.argv.insert(invocation.argv.end(), options_.begin(), options_.end());
    if (const auto& image = context().image; image && runs_under_stamper(workload)) {
      // `run IMAGE` shows the image's layers only, and the start stamper lies below them in
      // the merged view the other targets run: isobench runs that view as its rootfs (its own
      // copy-on-write layer on top, as on the layers), and the environment the other targets
      // give (the image's Env over the defaults) as -e; the handshake's is already there.
      invocation.argv.insert(invocation.argv.end(), {"--rootfs", context().rootfs, "-w", "/", "-u", "0:0"});
      for (const std::string& variable : workload_environment(context()))
        if (!variable.starts_with("ISOBENCH_START_FD=")) invocation.argv.insert(invocation.argv.end(), {"-e", variable});
    } else if (image) {
      // The image's layers as the overlay's lower directories, as `run IMAGE` stacks them, by
      // id; its Env comes with it. Everything else as in the other targets: workload.argv as
      // it is (no Entrypoint before it), run as root from /, whatever the image's config says.
      invocation.argv.insert(invocation.argv.end(), {"--entrypoint", "", "-w", "/", "-u", "0:0", image->id});
    }
    invocation.argv.push_back("--");
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    invocation.env = workload_environment(context());
    // isobench's own environment, not the container's (that is its defaults, the image's Env
    // and -e): the store the benchmark opened, wherever $ISOBENCH_STORE pointed it.
    if (const auto& image = context().image) invocation.env.push_back("ISOBENCH_STORE=" + image->store);
    return invocation;
  }

  /// The container's cgroup below the measuring one (--cgroup-parent), unless the profile
  /// makes none (then the workload stays in the measuring cgroup anyway).
  Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                         const std::string& measuring) override {
    auto invocation = this->invocation(workload, run_id);
    if (!invocation) return invocation;
    if (std::find(options_.begin(), options_.end(), "--no-cgroup") == options_.end()) {
      auto after_run = invocation->argv.begin() + 2;  // {isobench, "run", ...}
      invocation->argv.insert(after_run, {"--cgroup-parent", measuring});
    }
    return invocation;
  }

 private:
  std::vector<std::string> options_;
};

}  // namespace

Result<std::unique_ptr<Target>> make_isobench_target(const std::string& name, const TargetContext& context) {
  std::string profile = name == "isobench" ? "default" : name.substr(name.find(':') + 1);
  auto options = isobench_profile_options(profile);
  if (!options) return options.error();
  return std::unique_ptr<Target>(std::make_unique<IsobenchTarget>(profile, std::move(*options), context));
}

}  // namespace isobench::bench
