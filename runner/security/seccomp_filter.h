// The default seccomp filter, compiled to classic BPF before clone so that the child only
// has to hand the finished program to the kernel.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::runner {

/// Syscalls the default filter answers with EPERM (Docker's default profile denies these to
/// a container without extra capabilities).
const std::vector<std::string>& default_denied_syscalls();

/// Compiled filter: EPERM for the denied syscalls and for clone with namespace flags,
/// ENOSYS for clone3 (so libc falls back to clone, whose flags a filter can see), allow
/// the rest; syscalls of a foreign architecture kill the process.
struct SeccompProgram {
  std::vector<sock_filter> instructions;
};

/// Compiles the filter with libseccomp (used at build time, by doctor and by tests).
Result<SeccompProgram> build_default_seccomp_program();

/// The same program, compiled at build time by seccomp_generate and embedded.
const SeccompProgram& default_seccomp_program();

/// Child side, async-signal-safe: installs `program`; needs no_new_privs or CAP_SYS_ADMIN.
/// Returns 0 or an errno.
int install_seccomp_program(const SeccompProgram& program) noexcept;

}  // namespace isobench::runner
