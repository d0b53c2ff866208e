#include "runner/vm/vm_request.h"

#include <charconv>

#include "runner/image.h"
#include "runner/spec.h"
#include "runner/units.h"
#include "runner/vm/kvm_probe.h"
#include "runner/vm/vm_assets.h"

namespace isobench::runner {
namespace {

/// Container-only options make no sense for a VM: refuse them rather than ignore them.
Status reject_container_options(const ContainerRequest& request) {
  struct Use {
    bool used;
    const char* name;
  };
  for (const Use& use :
       {Use{request.read_only, "--read-only"}, Use{!request.share.empty(), "--share"}, Use{request.userns, "--userns"},
        Use{request.timens, "--timens"}, Use{!request.user.empty(), "-u/--user"},
        Use{!request.pids_limit.empty(), "--pids-limit"}, Use{!request.cpuset_cpus.empty(), "--cpuset-cpus"},
        Use{request.workdir != "/", "-w/--workdir"}, Use{!request.env.empty(), "-e/--env"}})
    if (use.used) return plain_error(std::string(use.name) + " applies to containers, not to --vm");
  return {};
}

/// The guest's size and deadline.
Status choose_resources(const ContainerRequest& request, VmSpec& spec) {
  if (!request.memory.empty()) {
    auto bytes = parse_bytes(request.memory);
    if (!bytes) return plain_error("--memory: " + bytes.error().message);
    if (*bytes < (64u << 20)) return plain_error("--memory: a VM needs at least 64m");
    spec.memory_mib = *bytes >> 20;
  }
  if (!request.cpus.empty()) {
    const std::string& text = request.cpus;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), spec.cpus);
    if (ec != std::errc{} || end != text.data() + text.size() || spec.cpus < 1 || spec.cpus > 64)
      return plain_error("--cpus: a VM takes a whole number of vCPUs from 1 to 64, not '" + text + "'");
  }
  if (request.timeout)
    if (Status checked = check_duration_option("--timeout", *request.timeout, false); !checked)
      return plain_error(checked.error().message);
  spec.timeout_seconds = request.timeout.value_or(60);
  return {};
}

/// QEMU, the kernel, and the image packed as an initramfs with its command resolved.
Status find_assets(const ContainerRequest& request, const std::string& kernel_path, VmSpec& spec) {
  auto kernel = find_guest_kernel(kernel_path);
  if (!kernel) return kernel.error();
  auto qemu = find_qemu();
  if (!qemu) return qemu.error();
  auto rootfs = request.rootfs.empty() ? builtin_image_rootfs() : canonical_rootfs(request.rootfs);
  if (!rootfs) return rootfs.error();
  auto executable =
      resolve_command(*rootfs, request.command[0], path_variable(default_environment("isobench-vm")));
  if (!executable)
    return with_exit_code(executable.error(), executable.error().errno_value == ENOENT ? exit_codes::kNotFound
                                                                                     : exit_codes::kNotExecutable);
  auto init = sibling_executable("isobench-guest-init");
  if (!init) return init.error();
  auto cache = cache_directory();
  if (!cache) return cache.error();
  auto initramfs = cached_initramfs(*rootfs, *init, *cache);
  if (!initramfs) return initramfs.error();
  spec.qemu = *qemu;
  spec.kernel = *kernel;
  spec.initramfs = *initramfs;
  spec.command = request.command;
  spec.command[0] = *executable;
  return {};
}

Status choose_accelerator(const std::string& accel, VmSpec& spec, std::string& note) {
  if (accel == "kvm") {
    spec.accel = Accelerator::kKvm;
  } else if (accel == "tcg") {
    spec.accel = Accelerator::kTcg;
  } else {
    auto cache = cache_directory();
    if (!cache) return cache.error();
    KvmVerdict verdict = probe_kvm(spec.qemu, spec.kernel, spec.initramfs, *cache);
    spec.accel = verdict.usable ? Accelerator::kKvm : Accelerator::kTcg;
    if (!verdict.usable) note = "KVM " + verdict.detail + "; using TCG emulation";
  }
  return {};
}

}  // namespace

Result<PlannedVm> build_vm_spec(const ContainerRequest& request, const std::string& kernel,
                                const std::string& accel) {
  ISOBENCH_TRY(reject_container_options(request));
  if (request.command.empty()) return plain_error("no command given");
  PlannedVm planned;
  ISOBENCH_TRY(choose_resources(request, planned.spec));
  ISOBENCH_TRY(find_assets(request, kernel, planned.spec));
  ISOBENCH_TRY(choose_accelerator(accel, planned.spec, planned.accelerator_note));
  return planned;
}

}  // namespace isobench::runner
