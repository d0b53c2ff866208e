// isobench's own runner under a named isolation profile, so that each mechanism can be
// priced by switching it off alone.
#pragma once

#include "bench/targets/target.h"

namespace isobench::bench {

/// Profiles: "default" (what `isobench run` does), "ns" (namespaces only: no cgroup, no
/// seccomp or capability drop, read-only image instead of an overlay), "full" (default plus
/// a user namespace). Toggles, comma-separated after "isobench:": no-net, no-ipc, no-uts,
/// no-pid, no-cgroupns (share that namespace), no-cgroup, no-seccomp (= --security none),
/// no-overlay (= --read-only), userns, timens.
Result<std::vector<std::string>> isobench_profile_options(const std::string& profile);

class IsobenchTarget final : public Target {
 public:
  IsobenchTarget(std::string profile, std::vector<std::string> options, TargetContext context)
      : profile_(std::move(profile)), options_(std::move(options)), context_(std::move(context)) {}
  std::string name() const override { return profile_ == "default" ? "isobench" : "isobench:" + profile_; }
  std::string kind() const override { return "container"; }
  Result<std::string> probe() override;
  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override;
  /// The container's cgroup below the measuring one (--cgroup-parent), unless the profile
  /// makes none (then the workload stays in the measuring cgroup anyway).
  Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                         const std::string& measuring) override;

 private:
  std::string profile_;
  std::vector<std::string> options_;
  TargetContext context_;
};

}  // namespace isobench::bench
