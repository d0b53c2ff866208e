#include "runner/security/seccomp_filter.h"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>

#include "common/unique_fd.h"

namespace isobench::runner {
namespace {

// Why an allow list, when isobench's first filter was a deny list: a deny list lets through
// every syscall it does not name, and the kernel keeps adding them. That is how io_uring_setup
// came to be allowed, and on this 6.18 host open_tree_attr, file_setattr and the lsm_* calls,
// all unknown to the libseccomp 2.5.4 that compiled the old list (it skipped unknown names),
// were allowed too, though Docker refuses them. An allow list fails closed for whatever comes
// next. And the argument filters Docker applies are allow lists themselves (five personality
// values, a set of socket families), which libseccomp cannot express as deny rules: it takes
// one comparison per argument in a rule, and no ALLOW rule under an ALLOW default.

// Docker's unconditional allow list, name for name (moby/profiles seccomp/default_linux.go,
// the first rule). Names of other architectures (chown32, socketcall, ...) are skipped when
// the filter is compiled, as Docker skips them.
// clang-format off
const std::vector<std::string> kDockerAllowed = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset", "chdir",
    "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
    "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
    "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve",
    "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
    "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
    "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
    "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue",
    "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
    "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
    "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
    "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname",
    "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat",
    "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
    "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
    "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32",
    "lgetxattr", "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier",
    "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall",
    "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
    "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd",
    "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
    "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
    "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
    "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead",
    "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
    "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat", "renameat2", "restart_syscall",
    "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
    "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
    "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
    "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
    "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
    "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
    "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
    "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
    "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
    "set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget",
    "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair",
    "splice", "stat", "stat64", "statfs", "statfs64", "statmount", "statx", "symlink", "symlinkat", "sync",
    "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
    "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
    "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime", "utimensat",
    "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev"};
// clang-format on

// The address families Docker allows to socket(2): all that Linux still implements except
// AF_VSOCK (host/guest sockets are not network-namespaced by default: a container could reach
// any VM on the host by CID) and AF_ALG (the kernel crypto API, attack surface no workload
// needs). On i386 socket arrives through socketcall, whose arguments sit behind a pointer no
// filter can read; isobench kills i386 syscalls, so this filter cannot be bypassed that way.
const std::vector<uint64_t> kDockerSocketFamilies = {
    AF_UNIX,  AF_INET,   AF_AX25,       AF_IPX,      AF_APPLETALK, AF_NETROM,  AF_BRIDGE, AF_ATMPVC,    AF_X25,
    AF_INET6, AF_ROSE,   AF_NETBEUI,    AF_SECURITY, AF_KEY,       AF_NETLINK, AF_PACKET, AF_ASH,       AF_RDS,
    AF_SNA,   AF_PPPOX,  AF_LLC,        AF_IB,       AF_MPLS,      AF_CAN,     AF_TIPC,   AF_BLUETOOTH, AF_IUCV,
    AF_RXRPC, AF_PHONET, AF_IEEE802154, AF_NFC,      AF_KCM,       AF_QIPCRTR, AF_SMC,    AF_XDP,       AF_MCTP};

// personality(2) values Docker allows: PER_LINUX, PER_LINUX32 (0x0008), UNAME26 (0x20000),
// both, and 0xffffffff, which only queries. Everything else (READ_IMPLIES_EXEC,
// ADDR_NO_RANDOMIZE, ...) weakens the process's own memory protections.
constexpr uint64_t kDockerPersonalities[] = {0x0, 0x0008, 0x20000, 0x20008, 0xffffffff};

constexpr uint64_t kNamespaceFlags =
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

/// Docker's socket rules: a range for the first run of families from AF_UNIX (AF_UNSPEC below
/// it cannot be created anyway), one equality for each family after the first gap.
void add_socket_rules(std::vector<SeccompRule>& rules) {
  std::vector<uint64_t> families = kDockerSocketFamilies;
  std::sort(families.begin(), families.end());
  size_t run = 0;
  while (run < families.size() && families[run] == AF_UNIX + run) ++run;
  if (run > 1) rules.push_back({{"socket"}, 0, SeccompArgument{0, SeccompOperator::kLessThan, AF_UNIX + run}});
  for (size_t i = run > 1 ? run : 0; i < families.size(); ++i)
    rules.push_back({{"socket"}, 0, SeccompArgument{0, SeccompOperator::kEqualTo, families[i]}});
}

SeccompProfile make_default_profile() {
  SeccompProfile profile;
  profile.default_errno = EPERM;
  profile.rules.push_back({kDockerAllowed, 0, std::nullopt});
  // Docker's per-architecture rule for amd64.
  profile.rules.push_back({{"arch_prctl", "modify_ldt"}, 0, std::nullopt});
  // Docker allows chroot with CAP_SYS_CHROOT, which is in its default capability set. Every
  // other capability-gated rule of Docker's (mount, bpf, perf_event_open, reboot, the module
  // calls, ptrace, ...) needs a capability the container lacks, so those calls are refused.
  profile.rules.push_back({{"chroot"}, 0, std::nullopt});
  // Not Docker's rule allowing ptrace, process_vm_readv and process_vm_writev on kernels since
  // 4.8: isobench keeps refusing them, as its first filter did, so that root in a container
  // cannot read or write the memory of the container's other processes.
  add_socket_rules(profile.rules);
  for (uint64_t persona : kDockerPersonalities)
    profile.rules.push_back({{"personality"}, 0, SeccompArgument{0, SeccompOperator::kEqualTo, persona}});
  profile.rules.push_back({{"clone"}, 0, SeccompArgument{0, SeccompOperator::kMaskedEqual, kNamespaceFlags, 0}});
  profile.rules.push_back({{"clone3"}, ENOSYS, std::nullopt});
  return profile;
}

struct NumberedSyscall {
  const char* name;
  int number;
};

// x86_64 syscalls newer than libseccomp 2.5.4 (which knows up to futex_requeue, 456), from the
// kernel's arch/x86/entry/syscalls/syscall_64.tbl. Docker allows some; the rest are listed so
// that they are named where refused (default_denied_syscalls, the tests).
constexpr NumberedSyscall kNewerX86_64Syscalls[] = {{"uretprobe", 335},         {"uprobe", 336},
                                                    {"statmount", 457},         {"listmount", 458},
                                                    {"lsm_get_self_attr", 459}, {"lsm_set_self_attr", 460},
                                                    {"lsm_list_modules", 461},  {"mseal", 462},
                                                    {"setxattrat", 463},        {"getxattrat", 464},
                                                    {"listxattrat", 465},       {"removexattrat", 466},
                                                    {"open_tree_attr", 467},    {"file_getattr", 468},
                                                    {"file_setattr", 469},      {"listns", 470}};

// Beyond the last x86_64 syscall number any table here knows (x32's 512+ are another ABI).
constexpr int kSyscallNumberLimit = 512;

scmp_compare to_libseccomp(SeccompOperator op) {
  switch (op) {
    case SeccompOperator::kEqualTo: return SCMP_CMP_EQ;
    case SeccompOperator::kLessThan: return SCMP_CMP_LT;
    case SeccompOperator::kMaskedEqual: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

}  // namespace

const SeccompProfile& default_seccomp_profile() {
  static const SeccompProfile profile = make_default_profile();
  return profile;
}

int syscall_number(std::string_view name) {
  const std::string text(name);
  // Negative: unknown (__NR_SCMP_ERROR), or a pseudo-number for a syscall of another arch.
  if (int number = seccomp_syscall_resolve_name(text.c_str()); number >= 0) return number;
  if (seccomp_arch_native() != SCMP_ARCH_X86_64) return -1;
  for (const NumberedSyscall& known : kNewerX86_64Syscalls)
    if (name == known.name) return known.number;
  return -1;
}

std::vector<std::string> default_denied_syscalls() {
  std::set<int> named;
  for (const SeccompRule& rule : default_seccomp_profile().rules)
    for (const std::string& name : rule.names) named.insert(syscall_number(name));
  std::vector<std::string> denied;
  for (int number = 0; number < kSyscallNumberLimit; ++number) {
    if (named.count(number)) continue;
    std::unique_ptr<char, decltype(&free)> name(seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number), &free);
    if (name) {
      denied.emplace_back(name.get());
      continue;
    }
    if (seccomp_arch_native() != SCMP_ARCH_X86_64) continue;
    for (const NumberedSyscall& known : kNewerX86_64Syscalls)
      if (known.number == number) denied.emplace_back(known.name);
  }
  std::sort(denied.begin(), denied.end());
  return denied;
}

Result<SeccompProgram> compile_seccomp_profile(const SeccompProfile& profile) {
  std::unique_ptr<void, decltype(&seccomp_release)> context(seccomp_init(SCMP_ACT_ERRNO(profile.default_errno)),
                                                            &seccomp_release);
  if (!context) return plain_error("libseccomp could not create a filter context");
  // A binary search over syscall numbers instead of a linear chain of compares. The kernel
  // caches a verdict per syscall number where it does not depend on the arguments, but it
  // builds that cache at install time by running the program once per number (the chain of
  // ~360 compares took 330 us to install here, the tree 170 us), and the calls it cannot cache
  // (personality, socket, clone, the refused ones) still run it.
  if (int rc = seccomp_attr_set(context.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0)
    return Error{-rc, "libseccomp cannot build a binary-tree filter"};
  // The whole process, not just the thread that made an i386 or x32 call: a half-killed
  // multithreaded workload would hang instead of failing.
  if (int rc = seccomp_attr_set(context.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc < 0)
    return Error{-rc, "libseccomp cannot kill the process on a foreign architecture"};
  for (const SeccompRule& rule : profile.rules) {
    const uint32_t action = rule.errno_value == 0 ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(rule.errno_value);
    for (const std::string& name : rule.names) {
      const int number = syscall_number(name);
      if (number < 0) continue;  // not a syscall of this architecture
      int rc = 0;
      if (rule.argument) {
        const SeccompArgument& arg = *rule.argument;
        rc = seccomp_rule_add(context.get(), action, number, 1,
                              scmp_arg_cmp{arg.index, to_libseccomp(arg.op), arg.value, arg.value_two});
      } else {
        rc = seccomp_rule_add(context.get(), action, number, 0);
      }
      if (rc < 0) return Error{-rc, "libseccomp rejected the rule for " + name};
    }
  }

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

Result<SeccompProgram> build_default_seccomp_program() {
  return compile_seccomp_profile(default_seccomp_profile());
}

int install_seccomp_program(const SeccompProgram& program) noexcept {
  sock_fprog fprog{static_cast<unsigned short>(program.instructions.size()),
                   const_cast<sock_filter*>(program.instructions.data())};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) != 0) return errno;
  return 0;
}

}  // namespace isobench::runner
