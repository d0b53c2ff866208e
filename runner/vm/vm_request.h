// A container request (runner/container_request.h) turned into a microVM's spec: the same
// command from the same image, with the guest kernel, QEMU, the image's initramfs and the
// accelerator found on this host. The policy `isobench run --vm` and benchmarks share.
#pragma once

#include <string>

#include "common/result.h"
#include "runner/container_request.h"
#include "runner/vm/microvm.h"

namespace isobench::runner {

struct PlannedVm {
  VmSpec spec;
  std::string accelerator_note;  ///< why KVM is not used, when "auto" fell back to TCG
};

/// `kernel` empty: the newest cloud kernel in /boot. `accel`: "kvm", "tcg", or "auto" (KVM
/// when a timed boot probe passes; otherwise TCG, with a note saying why). Options that
/// apply only to containers are refused, not ignored; a command missing from the image
/// fails with exit code 127 (126 when it cannot be run).
Result<PlannedVm> build_vm_spec(const ContainerRequest& request, const std::string& kernel, const std::string& accel);

}  // namespace isobench::runner
