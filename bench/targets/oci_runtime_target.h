// runc and crun: `RUNTIME --root STATE run --bundle BUNDLE ID`, one bundle per workload.
#pragma once

#include <map>

#include "bench/targets/target.h"
#include "common/unique_fd.h"

namespace isobench::bench {

class OciRuntimeTarget final : public Target {
 public:
  OciRuntimeTarget(std::string runtime, TargetContext context)
      : runtime_(std::move(runtime)), context_(std::move(context)) {}
  std::string name() const override { return runtime_; }
  std::string kind() const override { return "container"; }
  Result<std::string> probe() override;
  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override;
  /// The container's cgroup below the measuring one, through the bundle's cgroupsPath.
  Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                         const std::string& measuring) override;
  void after_kill(const std::string& run_id) override;

 private:
  /// crun refuses hybrid cgroup hosts; in a mount namespace without the (controller-less)
  /// cgroup2 mount it sees plain v1. Made once here, so that runs pay only a setns.
  Status prepare_v1_only_namespace();
  std::vector<std::string> base_argv() const;
  Invocation run_invocation(const std::string& bundle, const std::string& run_id) const;

  std::string runtime_;
  TargetContext context_;
  std::string path_;
  UniqueFd mount_namespace_;
  std::map<std::string, std::string> bundles_;  ///< workload label -> bundle directory
};

/// Force-deletes every container that runc or crun still lists in the state directories
/// of the scratch directory `scratch` (their `run` was killed with the harness; the
/// containers were not): what a killed bench leaves running. Best effort.
void delete_leftover_oci_containers(const std::string& scratch);

}  // namespace isobench::bench
