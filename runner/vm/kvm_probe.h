// Whether KVM really works here: decided by booting the guest under KVM within a time
// limit, never by /dev/kvm existing (on this project's CI host KVM_CREATE_VM succeeds and a
// standard guest kernel then spins forever). The verdict is cached per kernel and QEMU.
#pragma once

#include <string>

namespace isobench::runner {

struct KvmVerdict {
  bool usable = false;
  std::string detail;  ///< "usable (booted in 0.4 s)", "present but unusable (probe timed out after 10 s)", ...
};

/// Boots /bin/noop from `initramfs` under KVM, at most `timeout_seconds`, unless a verdict
/// for this kernel and QEMU is cached in `cache`.
KvmVerdict probe_kvm(const std::string& qemu, const std::string& kernel, const std::string& initramfs,
                     const std::string& cache, double timeout_seconds = 10);

}  // namespace isobench::runner
