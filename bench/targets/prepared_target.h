// What make_target's table calls (one maker per target file) and the base they share: a
// target made ready, with everything it needs found when it was made.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bench/targets/target.h"

namespace isobench::bench {

/// A target whose name, kind, context and verdict are fixed when it is made: its maker finds
/// out whether it can run here (and what its invocations need) before constructing it.
class PreparedTarget : public Target {
 public:
  std::string name() const final { return name_; }
  std::string kind() const final { return kind_; }
  Result<std::string> probe() const final { return found_; }

 protected:
  /// `found`: the version, or why the target cannot run here.
  PreparedTarget(std::string name, std::string kind, TargetContext context, Result<std::string> found)
      : name_(std::move(name)), kind_(std::move(kind)), context_(std::move(context)), found_(std::move(found)) {}
  const TargetContext& context() const { return context_; }

 private:
  std::string name_;
  std::string kind_;
  TargetContext context_;
  Result<std::string> found_;
};

/// Each makes the target `name` (one the factory's table routes to it), ready to run.
Result<std::unique_ptr<Target>> make_bare_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_isobench_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_oci_runtime_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_bwrap_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_engine_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_lxc_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_nspawn_target(const std::string& name, const TargetContext& context);
Result<std::unique_ptr<Target>> make_vm_target(const std::string& name, const TargetContext& context);

/// The vm target's guest memory in MiB for an initramfs of `initramfs_mib`: the kernel
/// unpacks the whole archive into its tmpfs while the archive is still in memory, and then
/// runs the workload. 0 when `run --vm`'s default (256 MiB) suffices; otherwise rounded up
/// to 64 MiB.
uint64_t guest_memory_for(uint64_t initramfs_mib);

}  // namespace isobench::bench
