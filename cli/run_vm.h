// `isobench run --vm`: the same command from the same image, in a QEMU microVM.
#pragma once

#include "common/result.h"
#include "cli/run_options.h"

namespace isobench::cli {

/// Boots the VM and returns the workload's exit code (124 on timeout, 130 when interrupted,
/// 125 when the guest never ran it, with the last console lines on stderr).
Result<int> run_in_vm(const RunOptions& options);

}  // namespace isobench::cli
