// `vm`: the workload in a QEMU microVM booted from the same image, through `isobench run
// --vm`. The accelerator is decided once, when the target is made, by the timed KVM boot
// probe, and named in results.
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "bench/targets/prepared_target.h"
#include "runner/image.h"
#include "runner/vm/kvm_probe.h"
#include "runner/vm/vm_assets.h"

namespace isobench::bench {

// Measured with a 185 MiB Debian python3 image under TCG: 256 and 640 MiB die silently,
// 768 MiB boots; four times the archive and 128 MiB keep a margin.
uint64_t guest_memory_for(uint64_t initramfs_mib) {
  const uint64_t needed = initramfs_mib * 4 + 128;
  return needed <= 256 ? 0 : (needed + 63) / 64 * 64;
}

namespace {

/// What the vm target found on this host: everything its runs depend on.
struct VmHost {
  Result<std::string> found = plain_error("not probed");  ///< the version line, or why not
  std::string accel = "tcg";                              ///< never KVM unless a boot proved it works
  std::string kvm_verdict;
  std::string cache;  ///< the cache directory the initramfs and the verdict are in
  uint64_t initramfs_mib = 0;  ///< the image's initramfs, which sizes the guest (guest_memory_for)
};

/// Finds QEMU, the guest kernel and init, builds the image's initramfs (here, not in a
/// timed run) and runs the timed KVM boot probe.
VmHost find_vm_host(const TargetContext& context) {
  VmHost host;
  auto fail = [&](const Error& error) {
    host.found = error;
    return host;
  };
  auto qemu = runner::find_qemu();
  if (!qemu) return fail(qemu.error());
  auto kernel = runner::find_guest_kernel("");
  if (!kernel) return fail(kernel.error());
  auto init = runner::sibling_executable("isobench-guest-init");
  if (!init) return fail(init.error());
  auto cache = runner::cache_directory();
  if (!cache) return fail(cache.error());
  host.cache = *cache;
  auto initramfs = runner::cached_initramfs(context.rootfs, *init, *cache);
  if (!initramfs) return fail(initramfs.error());
  std::error_code size_error;
  const uintmax_t initramfs_bytes = std::filesystem::file_size(*initramfs, size_error);
  host.initramfs_mib = size_error ? 0 : initramfs_bytes >> 20;
  // The probe boots /bin/noop in 128 MiB: the built-in image's, which an image from the
  // store may lack and whose initramfs may not fit; the verdict is the host's, not the image's.
  auto probe_initramfs = initramfs;
  if (context.image) {
    auto builtin = runner::builtin_image_rootfs();
    if (!builtin) return fail(builtin.error());
    probe_initramfs = runner::cached_initramfs(*builtin, *init, *cache);
    if (!probe_initramfs) return fail(probe_initramfs.error());
  }
  runner::KvmVerdict verdict = runner::probe_kvm(*qemu, *kernel, *probe_initramfs, *cache);
  host.accel = verdict.usable ? "kvm" : "tcg";
  host.kvm_verdict = verdict.usable ? verdict.detail : verdict.detail + "; the VM ran under TCG (software emulation)";
  host.found =
      "QEMU microvm, " + *kernel + ", " +
      (verdict.usable ? std::string("KVM") : "TCG: software emulation, not a hardware VM (KVM " + verdict.detail + ")");
  return host;
}

class VmTarget final : public PreparedTarget {
 public:
  VmTarget(TargetContext context, VmHost host)
      : PreparedTarget("vm", "vm", std::move(context), host.found), host_(std::move(host)) {}

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string&) override {
    Invocation invocation;
    invocation.argv = {context().isobench, "run", "--vm", "--accel", host_.accel};
    if (const uint64_t memory_mib = guest_memory_for(host_.initramfs_mib))
      invocation.argv.insert(invocation.argv.end(), {"--memory", std::to_string(memory_mib) + "m"});
    // An image from the store boots from its merged view, whose initramfs was built (and
    // cached by content) when this target was made.
    if (context().image) invocation.argv.insert(invocation.argv.end(), {"--rootfs", context().rootfs});
    invocation.argv.push_back("--");
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    invocation.env = workload_environment();
    // The workload's environment names root's HOME; a user's `isobench run --vm` must find
    // the cache the probe filled (root's is /var/cache/isobench whatever the environment).
    if (geteuid() != 0)
      invocation.env.push_back("XDG_CACHE_HOME=" + std::filesystem::path(host_.cache).parent_path().string());
    return invocation;
  }

  std::string kvm_verdict() const override { return host_.kvm_verdict; }

  std::vector<std::string> notes() const override {
    std::vector<std::string> notes = {
        "the eBPF probes (--probes) see QEMU on the host, not the guest's kernel or the workload in it"};
    if (!context().image) return notes;
    // `run --vm` takes no -e: the guest init gives every command its own fixed environment.
    notes.push_back("the guest runs the image's files with the guest init's environment, not the image's Env");
    if (const uint64_t memory_mib = guest_memory_for(host_.initramfs_mib))
      notes.push_back("the guest has " + std::to_string(memory_mib) + " MiB, not 256: its initramfs of " +
                      std::to_string(host_.initramfs_mib) + " MiB is unpacked into its memory (the memory figures include it)");
    return notes;
  }

 private:
  VmHost host_;
};

}  // namespace

Result<std::unique_ptr<Target>> make_vm_target(const std::string&, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<VmTarget>(context, find_vm_host(context)));
}

}  // namespace isobench::bench
