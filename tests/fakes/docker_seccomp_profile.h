// The specification both seccomp test files check the filter against, written out here
// rather than taken from the implementation.
#pragma once

#include <string>
#include <vector>

namespace isobench::testing {

/// What Docker's current default profile (moby/profiles seccomp/default_linux.go) refuses on
/// x86_64 to a container with Docker's default capabilities: these must be refused by name,
/// whatever the implementation's own lists say.
inline const std::vector<std::string>& docker_refused_syscalls() {
  static const std::vector<std::string> names = {
    // Allowed by Docker only with CAP_SYS_ADMIN.
    "bpf", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie", "lsm_get_self_attr",
    "lsm_list_modules", "lsm_set_self_attr", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
    "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount2", "unshare",
    // CAP_DAC_READ_SEARCH, CAP_SYS_BOOT, CAP_SYS_MODULE, CAP_SYS_PACCT.
    "open_by_handle_at", "reboot", "delete_module", "init_module", "finit_module", "acct",
    // CAP_SYS_PTRACE (and isobench keeps ptrace and process_vm_* refused, which Docker allows).
    "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace",
    // CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_TTY_CONFIG, CAP_SYS_NICE.
    "iopl", "ioperm", "settimeofday", "clock_settime", "vhangup", "get_mempolicy", "mbind", "set_mempolicy",
    "set_mempolicy_home_node",
    // Never allowed: io_uring (its submissions bypass per-syscall filtering), keyrings (not
    // namespaced), kernel replacement, swap, userfaultfd, the rest.
    "io_uring_setup", "io_uring_enter", "io_uring_register", "add_key", "keyctl", "request_key", "kexec_load",
    "kexec_file_load", "swapon", "swapoff", "userfaultfd", "pivot_root", "move_pages", "migrate_pages", "_sysctl",
    "sysfs", "ustat", "uselib", "nfsservctl", "create_module", "get_kernel_syms", "query_module", "open_tree_attr",
    "file_getattr", "file_setattr", "uprobe", "listns", "afs_syscall", "getpmsg", "putpmsg", "security", "tuxcall",
    "vserver"};
  return names;
}

}  // namespace isobench::testing
