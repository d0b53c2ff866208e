#include "runner/security/seccomp_filter.h"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <memory>

#include "common/unique_fd.h"

namespace isobench::runner {

const std::vector<std::string>& default_denied_syscalls() {
  static const std::vector<std::string> names = {"acct",
                                                 "add_key",
                                                 "bpf",
                                                 "clock_adjtime",
                                                 "clock_settime",
                                                 "create_module",
                                                 "delete_module",
                                                 "finit_module",
                                                 "fsconfig",
                                                 "fsmount",
                                                 "fsopen",
                                                 "fspick",
                                                 "get_kernel_syms",
                                                 "get_mempolicy",
                                                 "init_module",
                                                 "ioperm",
                                                 "iopl",
                                                 "kcmp",
                                                 "kexec_file_load",
                                                 "kexec_load",
                                                 "keyctl",
                                                 "lookup_dcookie",
                                                 "mbind",
                                                 "mount",
                                                 "mount_setattr",
                                                 "move_mount",
                                                 "move_pages",
                                                 "name_to_handle_at",
                                                 "nfsservctl",
                                                 "open_by_handle_at",
                                                 "open_tree",
                                                 "perf_event_open",
                                                 "pivot_root",
                                                 "process_vm_readv",
                                                 "process_vm_writev",
                                                 "ptrace",
                                                 "query_module",
                                                 "quotactl",
                                                 "reboot",
                                                 "request_key",
                                                 "set_mempolicy",
                                                 "setns",
                                                 "settimeofday",
                                                 "swapoff",
                                                 "swapon",
                                                 "syslog",
                                                 "sysfs",
                                                 "_sysctl",
                                                 "umount2",
                                                 "unshare",
                                                 "uselib",
                                                 "userfaultfd",
                                                 "ustat",
                                                 "vm86",
                                                 "vm86old"};
  return names;
}

Result<SeccompProgram> build_default_seccomp_program() {
  std::unique_ptr<void, decltype(&seccomp_release)> context(seccomp_init(SCMP_ACT_ALLOW), &seccomp_release);
  if (!context) return plain_error("libseccomp could not create a filter context");
  // A binary search over syscall numbers instead of a linear chain of compares: every
  // syscall of the workload runs this program, and the chain cost ~70 ns per call here.
  if (int rc = seccomp_attr_set(context.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0)
    return Error{-rc, "libseccomp cannot build a binary-tree filter"};
  for (const std::string& name : default_denied_syscalls()) {
    int number = seccomp_syscall_resolve_name(name.c_str());
    if (number == __NR_SCMP_ERROR) continue;  // not a syscall on this architecture
    if (int rc = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(EPERM), number, 0); rc < 0)
      return Error{-rc, "libseccomp rejected the rule for " + name};
  }
  // clone with any namespace flag: EPERM, one rule per flag since a rule matches one value.
  for (unsigned long flag :
       {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP}) {
    if (int rc = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
        rc < 0)
      return Error{-rc, "libseccomp rejected the clone flag rule"};
  }
  if (int rc = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0); rc < 0)
    return Error{-rc, "libseccomp rejected the clone3 rule"};

  // libseccomp 2.5 exports only to a file descriptor: go through a memfd.
  UniqueFd memory(memfd_create("isobench-seccomp", MFD_CLOEXEC));
  if (!memory) return errno_error("memfd_create for the seccomp program");
  if (int rc = seccomp_export_bpf(context.get(), memory.get()); rc < 0)
    return Error{-rc, "libseccomp could not export the filter"};
  off_t size = lseek(memory.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(sock_filter) != 0) return plain_error("libseccomp exported a malformed filter");
  SeccompProgram program;
  program.instructions.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  if (pread(memory.get(), program.instructions.data(), static_cast<size_t>(size), 0) != size)
    return errno_error("reading back the seccomp program");
  return program;
}

int install_seccomp_program(const SeccompProgram& program) noexcept {
  sock_fprog fprog{static_cast<unsigned short>(program.instructions.size()),
                   const_cast<sock_filter*>(program.instructions.data())};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) != 0) return errno;
  return 0;
}

}  // namespace isobench::runner
