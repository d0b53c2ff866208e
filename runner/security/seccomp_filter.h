// The default seccomp filter: Docker's default profile for a container with Docker's
// default capabilities, kept as data (so the OCI bundles of the runc and crun targets carry
// the same rules) and compiled to classic BPF before clone, so that the child only has to
// hand the finished program to the kernel.
#pragma once

#include <linux/filter.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::runner {

/// The comparisons the default profile needs, named as libseccomp and the OCI spec name them.
enum class SeccompOperator {
  kEqualTo,      ///< argument == value
  kLessThan,     ///< argument < value (unsigned, all 64 bits)
  kMaskedEqual,  ///< (argument & value) == value_two
};

/// A condition on one argument of a syscall.
struct SeccompArgument {
  unsigned index = 0;
  SeccompOperator op = SeccompOperator::kEqualTo;
  uint64_t value = 0;
  uint64_t value_two = 0;
};

/// These syscalls are answered with `errno_value` (0: allowed), when `argument` holds if the
/// rule has one. Rules that match the same call are alternatives (any one suffices).
struct SeccompRule {
  std::vector<std::string> names;
  int errno_value = 0;
  std::optional<SeccompArgument> argument;
};

/// An allow list: a call no rule matches fails with `default_errno`.
struct SeccompProfile {
  int default_errno = EPERM;
  std::vector<SeccompRule> rules;
};

/// Docker's current default profile (moby/profiles, seccomp/default_linux.go) as it applies
/// to a container holding Docker's default capabilities: everything else EPERM; personality
/// only with the five values Docker allows; socket only for the address families Docker
/// allows (no AF_VSOCK, no AF_ALG); clone without namespace flags; clone3 ENOSYS (so libc
/// falls back to clone, whose flags a filter can see). isobench is stricter in one place: the
/// ptrace family, which Docker allows on kernels since 4.8, stays denied.
const SeccompProfile& default_seccomp_profile();

/// The syscall's number on the native architecture: libseccomp's table, then isobench's own
/// for x86_64 syscalls newer than the libseccomp this was built with. -1 when neither knows it
/// (a syscall of another architecture, or a future one).
int syscall_number(std::string_view name);

/// Every syscall of the native architecture that the default filter refuses with EPERM
/// whatever its arguments (all known ones that no rule of the profile names), sorted.
std::vector<std::string> default_denied_syscalls();

/// Compiled filter; syscalls of a foreign architecture (i386, x32) kill the process.
struct SeccompProgram {
  std::vector<sock_filter> instructions;
};

/// Compiles `profile` with libseccomp into a binary search over syscall numbers.
Result<SeccompProgram> compile_seccomp_profile(const SeccompProfile& profile);

/// compile_seccomp_profile(default_seccomp_profile()) (used at build time, by doctor and tests).
Result<SeccompProgram> build_default_seccomp_program();

/// The same program, compiled at build time by seccomp_generate and embedded.
const SeccompProgram& default_seccomp_program();

/// Child side, async-signal-safe: installs `program`; needs no_new_privs or CAP_SYS_ADMIN.
/// Returns 0 or an errno.
int install_seccomp_program(const SeccompProgram& program) noexcept;

}  // namespace isobench::runner
