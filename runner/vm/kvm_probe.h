// Whether KVM really works here: decided by booting the guest under KVM within a time
// limit, never by /dev/kvm existing (on this project's CI host KVM_CREATE_VM succeeds and a
// standard guest kernel then spins forever). The verdict is cached per kernel and QEMU.
#pragma once

#include <string>

#include "runner/vm/microvm.h"

namespace isobench::runner {

struct KvmVerdict {
  bool usable = false;
  std::string detail;  ///< "usable (booted in 0.4 s)", "present but unusable (probe timed out after 10 s)", ...
};

/// Boots /bin/noop from `initramfs` under KVM, at most `timeout_seconds`, unless a verdict
/// for this kernel and QEMU is cached in `cache`. Only a conclusive boot is cached.
KvmVerdict probe_kvm(const std::string& qemu, const std::string& kernel, const std::string& initramfs,
                     const std::string& cache, double timeout_seconds = 10);

/// Whether a probe boot says something about KVM, so that its verdict may be cached: the
/// guest ran the workload (usable), the boot hung until the time limit (how an unusable KVM
/// shows on this project's hosts), or QEMU said that KVM failed. A boot that failed for
/// another reason (a file QEMU cannot load as a kernel, a guest that panics, an
/// interruption) says nothing about KVM and is not cached.
bool conclusive_about_kvm(const VmOutcome& outcome);

}  // namespace isobench::runner
