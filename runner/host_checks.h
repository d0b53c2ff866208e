// What this host offers the runner, each fact found by trying, not by guessing: the
// runner's half of `isobench doctor`.
#pragma once

#include <vector>

#include "common/host_check.h"

namespace isobench::runner {

std::vector<HostCheck> check_kernel();
/// Each namespace type, created for real in a throwaway child.
std::vector<HostCheck> check_namespaces();
std::vector<HostCheck> check_cgroups();
/// overlayfs mounted for real in a throwaway mount namespace; the seccomp filter compiled.
std::vector<HostCheck> check_filesystems_and_security();
/// Whether KVM works: a timed boot probe (cached), never the existence of /dev/kvm.
HostCheck check_kvm();
/// qemu-system-x86_64 with its version; guest kernels; KVM (the runtimes are bench targets).
std::vector<HostCheck> check_tools();

}  // namespace isobench::runner
