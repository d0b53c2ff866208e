// `vm`: the workload in a QEMU microVM booted from the same image, through `isobench run
// --vm`. The accelerator is decided once, by the timed KVM boot probe, and named in results.
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "bench/targets/target.h"
#include "runner/vm/kvm_probe.h"
#include "runner/vm/vm_assets.h"

namespace isobench::bench {
namespace {

class VmTarget final : public Target {
 public:
  explicit VmTarget(TargetContext context) : context_(std::move(context)) {}
  std::string name() const override { return "vm"; }
  std::string kind() const override { return "vm"; }

  Result<std::string> probe() override {
    auto qemu = runner::find_qemu();
    if (!qemu) return qemu.error();
    auto kernel = runner::find_guest_kernel("");
    if (!kernel) return kernel.error();
    auto init = runner::sibling_executable("isobench-guest-init");
    if (!init) return init.error();
    auto cache = runner::cache_directory();
    if (!cache) return cache.error();
    cache_ = *cache;
    auto initramfs = runner::cached_initramfs(context_.rootfs, *init, *cache);  // built here, not in a timed run
    if (!initramfs) return initramfs.error();
    runner::KvmVerdict verdict = runner::probe_kvm(*qemu, *kernel, *initramfs, *cache);
    accel_ = verdict.usable ? "kvm" : "tcg";
    kvm_verdict_ = verdict.usable ? verdict.detail : verdict.detail + "; the VM ran under TCG (software emulation)";
    return "QEMU microvm, " + *kernel + ", " +
           (verdict.usable ? std::string("KVM")
                           : "TCG: software emulation, not a hardware VM (KVM " + verdict.detail + ")");
  }

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string&) override {
    Invocation invocation;
    invocation.argv = {context_.isobench, "run", "--vm", "--accel", accel_, "--"};
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    invocation.env = workload_environment();
    // The workload's environment names root's HOME; a user's `isobench run --vm` must find
    // the cache this probe filled (root's is /var/cache/isobench whatever the environment).
    if (geteuid() != 0)
      invocation.env.push_back("XDG_CACHE_HOME=" + std::filesystem::path(cache_).parent_path().string());
    return invocation;
  }

  std::string kvm_verdict() const override { return kvm_verdict_; }

 private:
  TargetContext context_;
  std::string accel_ = "tcg";
  std::string kvm_verdict_;
  std::string cache_;
};

}  // namespace

std::unique_ptr<Target> make_vm_target(TargetContext context) {
  return std::make_unique<VmTarget>(std::move(context));
}

}  // namespace isobench::bench
