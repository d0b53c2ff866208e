/* inspect syscall [--dry] NAME|NUMBER [ARG...]: does the sandbox let this syscall through?
 *
 * Two ways to ask, both safe to run as root on a host:
 *
 * - A real call, for the syscalls with a built-in probe below. Each enters the kernel with
 *   arguments that make the call fail (or, for unshare and personality, affect only this
 *   short-lived process). Where possible the arguments fail *after* the kernel's privilege
 *   check, so the errno tells "filtered or unprivileged" (EPERM) apart from "allowed"
 *   (another errno). Every probe is commented with why it cannot have an effect.
 *
 * - A dry call, for any other syscall (or any with --dry): a child process installs one more
 *   seccomp filter, answering SECCOMP_RET_TRACE for that syscall, and makes the call with
 *   ARGs (default 0). The kernel runs every filter and keeps the strictest answer, ERRNO
 *   before TRACE: if the sandbox's own filter refuses the call, the errno is the sandbox's
 *   (EPERM); if it lets the call through, TRACE applies, and with no tracer attached the
 *   kernel returns ENOSYS *without running the syscall*. So ENOSYS means "let through", and
 *   nothing happened. (Except where the sandbox itself answers ENOSYS, as to clone3: use the
 *   real probe there.) The arguments reach the sandbox's filter, so argument rules are tried
 *   too: `inspect syscall --dry socket 40` asks about AF_VSOCK. One exception: the kernel
 *   runs uprobe and uretprobe (probe trampolines) without consulting seccomp, so those two are
 *   really made; outside a probe trampoline they only fail (ENXIO) or kill the child (SIGILL).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inspect.h"
#include "workload_common.h"

/* Kernel ABI constants, spelled out so no extra kernel headers are needed. */
#define KEYCTL_INVALID_COMMAND 0x7fffffffL /* no keyctl operation has this number */
#define BPF_INVALID_COMMAND 0x7fffffffL    /* no bpf command has this number */
#define KEXEC_SEGMENT_MAX 16               /* kernel cap on kexec segments */
#define KEXEC_UNKNOWN_FLAG 0x00008000L     /* not a KEXEC_* flag, not in the arch mask */
#define PERSONALITY_QUERY 0xffffffffL      /* personality(0xffffffff) only reports */

#define MAX_ARGS 6

static long probe_keyctl(const long* args) {
  (void)args;
  /* An unknown operation: EOPNOTSUPP if allowed, nothing is looked up or created. */
  return syscall(SYS_keyctl, KEYCTL_INVALID_COMMAND, 0L, 0L, 0L, 0L);
}

static long probe_add_key(const long* args) {
  (void)args;
  /* Empty key type: EINVAL when the type name is copied, before any keyring is touched. */
  return syscall(SYS_add_key, "", NULL, NULL, 0L, 0L);
}

static long probe_unshare(const long* args) {
  (void)args;
  /* A new UTS namespace for this process only; it exits right after. */
  return syscall(SYS_unshare, (long)CLONE_NEWUTS);
}

static long probe_mount(const long* args) {
  (void)args;
  /* Empty target path (can never exist: ENOENT), and no filesystem type (EINVAL). */
  return syscall(SYS_mount, NULL, "", NULL, 0L, NULL);
}

static long probe_setns(const long* args) {
  (void)args;
  /* fd -1: EBADF. */
  return syscall(SYS_setns, -1L, 0L);
}

static long probe_bpf(const long* args) {
  (void)args;
  /* An unknown command with no attributes: EINVAL (or EPERM), nothing is created. */
  return syscall(SYS_bpf, BPF_INVALID_COMMAND, NULL, 0L);
}

static long probe_perf_event_open(const long* args) {
  (void)args;
  /* NULL attributes: EFAULT, no event is opened. */
  return syscall(SYS_perf_event_open, NULL, 0L, -1L, -1L, 0L);
}

static long probe_reboot(const long* args) {
  (void)args;
  /* The kernel rejects wrong magic numbers (EINVAL) before it looks at the command, and
   * the command is not a valid one either. After the CAP_SYS_BOOT check, so EPERM means
   * "not allowed". */
  return syscall(SYS_reboot, 0L, 0L, 0x0badc0deL, NULL);
}

static long probe_kexec_load(const long* args) {
  (void)args;
  /* Deliberately NOT nr_segments 0: with 0 segments the kernel *unloads* a loaded kexec
   * image. An unknown flag and more segments than the kernel's cap are each rejected
   * (EINVAL) after the CAP_SYS_BOOT check and before the segments are read. */
  return syscall(SYS_kexec_load, 0L, (long)KEXEC_SEGMENT_MAX + 1, NULL, KEXEC_UNKNOWN_FLAG);
}

static long probe_init_module(const long* args) {
  (void)args;
  /* A zero-length image: ENOEXEC after the CAP_SYS_MODULE check, nothing is loaded. */
  return syscall(SYS_init_module, NULL, 0L, "");
}

static long probe_open_by_handle_at(const long* args) {
  (void)args;
  /* NULL handle: EFAULT after the CAP_DAC_READ_SEARCH check, nothing is opened. */
  return syscall(SYS_open_by_handle_at, (long)AT_FDCWD, NULL, (long)O_RDONLY);
}

static long probe_swapon(const long* args) {
  (void)args;
  /* Empty path (cannot exist: ENOENT) after the CAP_SYS_ADMIN check. */
  return syscall(SYS_swapon, "", 0L);
}

static long probe_umount2(const long* args) {
  (void)args;
  /* Empty path (cannot exist: ENOENT), so no mount can be detached. */
  return syscall(SYS_umount2, "", 0L);
}

static long probe_personality(const long* args) {
  /* PERSONA (default: the query): the execution domain of this process only, which exits
   * right after; an allowed call returns the previous personality. */
  return syscall(SYS_personality, args[0]);
}

static long probe_io_uring_setup(const long* args) {
  (void)args;
  /* NULL parameters: EFAULT when they are copied in, before any ring is created. */
  return syscall(__NR_io_uring_setup, 1L, NULL);
}

static long probe_io_uring_enter(const long* args) {
  (void)args;
  /* fd -1: EBADF, there is no ring to submit to. */
  return syscall(__NR_io_uring_enter, -1L, 0L, 0L, 0L, NULL, 0L);
}

static long probe_io_uring_register(const long* args) {
  (void)args;
  /* fd -1 names no ring: EBADF, or EINVAL where -1 asks for a ring-less registration, which
   * opcode 0 is not. */
  return syscall(__NR_io_uring_register, -1L, 0L, NULL, 0L);
}

static long probe_clone3(const long* args) {
  (void)args;
  /* A size below the smallest struct clone_args: EINVAL before the arguments are read. */
  return syscall(__NR_clone3, NULL, 0L);
}

static long probe_getpid(const long* args) {
  (void)args;
  /* A control: should always succeed. */
  return syscall(SYS_getpid);
}

typedef struct {
  const char* name;
  long (*probe)(const long* args);
  int takes_arg; /* the probe reads args[0] */
  long default_arg;
} SyscallProbe;

static const SyscallProbe probes[] = {
    {"keyctl", probe_keyctl, 0, 0},
    {"add_key", probe_add_key, 0, 0},
    {"unshare", probe_unshare, 0, 0},
    {"mount", probe_mount, 0, 0},
    {"setns", probe_setns, 0, 0},
    {"bpf", probe_bpf, 0, 0},
    {"perf_event_open", probe_perf_event_open, 0, 0},
    {"reboot", probe_reboot, 0, 0},
    {"kexec_load", probe_kexec_load, 0, 0},
    {"init_module", probe_init_module, 0, 0},
    {"open_by_handle_at", probe_open_by_handle_at, 0, 0},
    {"swapon", probe_swapon, 0, 0},
    {"umount2", probe_umount2, 0, 0},
    {"personality", probe_personality, 1, PERSONALITY_QUERY},
    {"io_uring_setup", probe_io_uring_setup, 0, 0},
    {"io_uring_enter", probe_io_uring_enter, 0, 0},
    {"io_uring_register", probe_io_uring_register, 0, 0},
    {"clone3", probe_clone3, 0, 0},
    {"getpid", probe_getpid, 0, 0},
};

const char inspect_syscall_names[] =
    "keyctl add_key unshare mount setns bpf perf_event_open reboot\n"
    "                       kexec_load init_module open_by_handle_at swapon umount2\n"
    "                       personality [PERSONA] io_uring_setup io_uring_enter\n"
    "                       io_uring_register clone3 getpid";

/* Syscalls newer than the kernel headers this is built with (x86_64 numbers, from the
 * kernel's arch/x86/entry/syscalls/syscall_64.tbl). */
#if defined(__x86_64__)
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_map_shadow_stack
#define __NR_map_shadow_stack 453
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake 454
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait 455
#endif
#ifndef __NR_futex_requeue
#define __NR_futex_requeue 456
#endif
#ifndef __NR_uretprobe
#define __NR_uretprobe 335
#endif
#ifndef __NR_uprobe
#define __NR_uprobe 336
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif
#ifndef __NR_lsm_get_self_attr
#define __NR_lsm_get_self_attr 459
#endif
#ifndef __NR_lsm_set_self_attr
#define __NR_lsm_set_self_attr 460
#endif
#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat 464
#endif
#ifndef __NR_listxattrat
#define __NR_listxattrat 465
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469
#endif
#ifndef __NR_listns
#define __NR_listns 470
#endif
#endif /* __x86_64__ */

typedef struct {
  const char* name;
  long number;
} SyscallNumber;

/* Every x86_64 syscall by name, for dry calls. Kept packed: one name a line would be 400 lines. */
/* clang-format off */
#define S(name) {#name, __NR_##name}
static const SyscallNumber syscall_numbers[] = {
#if defined(__x86_64__)
    S(read), S(write), S(open), S(close), S(stat), S(fstat), S(lstat), S(poll), S(lseek), S(mmap),
    S(mprotect), S(munmap), S(brk), S(rt_sigaction), S(rt_sigprocmask), S(rt_sigreturn), S(ioctl),
    S(pread64), S(pwrite64), S(readv), S(writev), S(access), S(pipe), S(select), S(sched_yield),
    S(mremap), S(msync), S(mincore), S(madvise), S(shmget), S(shmat), S(shmctl), S(dup), S(dup2),
    S(pause), S(nanosleep), S(getitimer), S(alarm), S(setitimer), S(getpid), S(sendfile), S(socket),
    S(connect), S(accept), S(sendto), S(recvfrom), S(sendmsg), S(recvmsg), S(shutdown), S(bind),
    S(listen), S(getsockname), S(getpeername), S(socketpair), S(setsockopt), S(getsockopt),
    S(clone), S(fork), S(vfork), S(execve), S(exit), S(wait4), S(kill), S(uname), S(semget),
    S(semop), S(semctl), S(shmdt), S(msgget), S(msgsnd), S(msgrcv), S(msgctl), S(fcntl), S(flock),
    S(fsync), S(fdatasync), S(truncate), S(ftruncate), S(getdents), S(getcwd), S(chdir), S(fchdir),
    S(rename), S(mkdir), S(rmdir), S(creat), S(link), S(unlink), S(symlink), S(readlink), S(chmod),
    S(fchmod), S(chown), S(fchown), S(lchown), S(umask), S(gettimeofday), S(getrlimit),
    S(getrusage), S(sysinfo), S(times), S(ptrace), S(getuid), S(syslog), S(getgid), S(setuid),
    S(setgid), S(geteuid), S(getegid), S(setpgid), S(getppid), S(getpgrp), S(setsid), S(setreuid),
    S(setregid), S(getgroups), S(setgroups), S(setresuid), S(getresuid), S(setresgid), S(getresgid),
    S(getpgid), S(setfsuid), S(setfsgid), S(getsid), S(capget), S(capset), S(rt_sigpending),
    S(rt_sigtimedwait), S(rt_sigqueueinfo), S(rt_sigsuspend), S(sigaltstack), S(utime), S(mknod),
    S(uselib), S(personality), S(ustat), S(statfs), S(fstatfs), S(sysfs), S(getpriority),
    S(setpriority), S(sched_setparam), S(sched_getparam), S(sched_setscheduler),
    S(sched_getscheduler), S(sched_get_priority_max), S(sched_get_priority_min),
    S(sched_rr_get_interval), S(mlock), S(munlock), S(mlockall), S(munlockall), S(vhangup),
    S(modify_ldt), S(pivot_root), S(_sysctl), S(prctl), S(arch_prctl), S(adjtimex), S(setrlimit),
    S(chroot), S(sync), S(acct), S(settimeofday), S(mount), S(umount2), S(swapon), S(swapoff),
    S(reboot), S(sethostname), S(setdomainname), S(iopl), S(ioperm), S(create_module),
    S(init_module), S(delete_module), S(get_kernel_syms), S(query_module), S(quotactl),
    S(nfsservctl), S(getpmsg), S(putpmsg), S(afs_syscall), S(tuxcall), S(security), S(gettid),
    S(readahead), S(setxattr), S(lsetxattr), S(fsetxattr), S(getxattr), S(lgetxattr), S(fgetxattr),
    S(listxattr), S(llistxattr), S(flistxattr), S(removexattr), S(lremovexattr), S(fremovexattr),
    S(tkill), S(time), S(futex), S(sched_setaffinity), S(sched_getaffinity), S(set_thread_area),
    S(io_setup), S(io_destroy), S(io_getevents), S(io_submit), S(io_cancel), S(get_thread_area),
    S(lookup_dcookie), S(epoll_create), S(epoll_ctl_old), S(epoll_wait_old), S(remap_file_pages),
    S(getdents64), S(set_tid_address), S(restart_syscall), S(semtimedop), S(fadvise64),
    S(timer_create), S(timer_settime), S(timer_gettime), S(timer_getoverrun), S(timer_delete),
    S(clock_settime), S(clock_gettime), S(clock_getres), S(clock_nanosleep), S(exit_group),
    S(epoll_wait), S(epoll_ctl), S(tgkill), S(utimes), S(vserver), S(mbind), S(set_mempolicy),
    S(get_mempolicy), S(mq_open), S(mq_unlink), S(mq_timedsend), S(mq_timedreceive), S(mq_notify),
    S(mq_getsetattr), S(kexec_load), S(waitid), S(add_key), S(request_key), S(keyctl),
    S(ioprio_set), S(ioprio_get), S(inotify_init), S(inotify_add_watch), S(inotify_rm_watch),
    S(migrate_pages), S(openat), S(mkdirat), S(mknodat), S(fchownat), S(futimesat), S(newfstatat),
    S(unlinkat), S(renameat), S(linkat), S(symlinkat), S(readlinkat), S(fchmodat), S(faccessat),
    S(pselect6), S(ppoll), S(unshare), S(set_robust_list), S(get_robust_list), S(splice), S(tee),
    S(sync_file_range), S(vmsplice), S(move_pages), S(utimensat), S(epoll_pwait), S(signalfd),
    S(timerfd_create), S(eventfd), S(fallocate), S(timerfd_settime), S(timerfd_gettime), S(accept4),
    S(signalfd4), S(eventfd2), S(epoll_create1), S(dup3), S(pipe2), S(inotify_init1), S(preadv),
    S(pwritev), S(rt_tgsigqueueinfo), S(perf_event_open), S(recvmmsg), S(fanotify_init),
    S(fanotify_mark), S(prlimit64), S(name_to_handle_at), S(open_by_handle_at), S(clock_adjtime),
    S(syncfs), S(sendmmsg), S(setns), S(getcpu), S(process_vm_readv), S(process_vm_writev), S(kcmp),
    S(finit_module), S(sched_setattr), S(sched_getattr), S(renameat2), S(seccomp), S(getrandom),
    S(memfd_create), S(kexec_file_load), S(bpf), S(execveat), S(userfaultfd), S(membarrier),
    S(mlock2), S(copy_file_range), S(preadv2), S(pwritev2), S(pkey_mprotect), S(pkey_alloc),
    S(pkey_free), S(statx), S(io_pgetevents), S(rseq), S(pidfd_send_signal), S(io_uring_setup),
    S(io_uring_enter), S(io_uring_register), S(open_tree), S(move_mount), S(fsopen), S(fsconfig),
    S(fsmount), S(fspick), S(pidfd_open), S(clone3), S(close_range), S(openat2), S(pidfd_getfd),
    S(faccessat2), S(process_madvise), S(epoll_pwait2), S(mount_setattr), S(quotactl_fd),
    S(landlock_create_ruleset), S(landlock_add_rule), S(landlock_restrict_self), S(memfd_secret),
    S(process_mrelease), S(futex_waitv), S(set_mempolicy_home_node), S(cachestat), S(fchmodat2),
    S(map_shadow_stack), S(futex_wake), S(futex_wait), S(futex_requeue), S(uretprobe), S(uprobe),
    S(statmount), S(listmount), S(lsm_get_self_attr), S(lsm_set_self_attr), S(lsm_list_modules),
    S(mseal), S(setxattrat), S(getxattrat), S(listxattrat), S(removexattrat), S(open_tree_attr),
    S(file_getattr), S(file_setattr), S(listns),
#endif
};
/* clang-format on */
#undef S

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#endif

static bool parse_arg(const char* text, long* out) {
  char* end = NULL;
  errno = 0;
  /* Base 0: decimal, 0x hex or 0 octal; a leading '-' wraps, as a C cast would. */
  const unsigned long long value = strtoull(text, &end, 0);
  if (end == text || *end != '\0' || errno != 0) return false;
  *out = (long)value;
  return true;
}

static long syscall_number_of(const char* name) {
  long number;
  if (parse_arg(name, &number)) return number >= 0 ? number : -1;
  for (size_t i = 0; i < sizeof syscall_numbers / sizeof syscall_numbers[0]; i++)
    if (strcmp(name, syscall_numbers[i].name) == 0) return syscall_numbers[i].number;
  return -1;
}

static int print_result(const char* name, long number, const long* args, int nargs, bool executed, long ret, int err) {
  WlJson j;
  wl_json_begin(&j);
  wl_json_string(&j, "syscall", name);
  wl_json_i64(&j, "nr", number);
  wl_json_array_begin(&j, "args");
  for (int i = 0; i < nargs; i++) wl_json_array_u64(&j, (uint64_t)args[i]);
  wl_json_array_end(&j);
  wl_json_string(&j, "mode", executed ? "call" : "dry");
  wl_json_i64(&j, "ret", ret);
  wl_json_i64(&j, "errno", err);
  wl_json_string(&j, "errno_name", wl_errno_name(err));
  return wl_json_end(&j);
}

/* The dry call, in a child so that the extra filter dies with it. The child reports the
 * errno as its exit status: any write() of its own could be the very syscall being asked
 * about, and if that is exit_group, _exit() falls back to exit. */
static int dry_call(const char* name, long number, const long* args, int nargs) {
#if defined(NATIVE_AUDIT_ARCH)
  fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "inspect: fork for a dry call of %s: %s\n", name, strerror(errno));
    return WL_EXIT_FAILURE;
  }
  if (pid == 0) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)number, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof code / sizeof code[0], code};
    /* no_new_privs only for this child, which exits right after. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
      _exit(255);
    errno = 0;
    const long ret = syscall(number, args[0], args[1], args[2], args[3], args[4], args[5]);
    _exit(ret == -1 && errno > 0 && errno < 255 ? errno : 0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "inspect: waiting for the dry call of %s: %s\n", name, strerror(errno));
      return WL_EXIT_FAILURE;
    }
  }
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "inspect: the dry call of %s was killed by signal %d\n", name, WTERMSIG(status));
    return WL_EXIT_FAILURE;
  }
  const int code = WEXITSTATUS(status);
  if (code == 255) {
    fprintf(stderr, "inspect: cannot install the dry-call filter for %s\n", name);
    return WL_EXIT_FAILURE;
  }
  /* 0: the call returned without an error, which a dry call never does unless the kernel
   * ignored the extra filter. */
  return print_result(name, number, args, nargs, false, code == 0 ? 0 : -1, code);
#else
  (void)number, (void)args, (void)nargs;
  fprintf(stderr, "inspect: dry calls of %s: syscall numbers are only known for x86_64\n", name);
  return WL_EXIT_FAILURE;
#endif
}

int inspect_syscall(int argc, char** argv) {
  bool dry = false;
  if (argc > 0 && strcmp(argv[0], "--dry") == 0) {
    dry = true;
    argc--, argv++;
  }
  if (argc < 1) wl_usage_error("inspect", "usage: inspect syscall [--dry] NAME|NUMBER [ARG...]");
  const char* name = argv[0];
  long args[MAX_ARGS] = {0};
  const int nargs = argc - 1;
  if (nargs > MAX_ARGS) wl_usage_error("inspect", "syscall %s: at most %d arguments", name, MAX_ARGS);
  for (int i = 0; i < nargs; i++)
    if (!parse_arg(argv[i + 1], &args[i])) wl_usage_error("inspect", "syscall %s: bad ARG '%s'", name, argv[i + 1]);

  if (!dry) {
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
      if (strcmp(name, probes[i].name) != 0) continue;
      if (nargs > probes[i].takes_arg) wl_usage_error("inspect", "syscall %s: too many arguments", name);
      if (nargs == 0) args[0] = probes[i].default_arg;
      errno = 0;
      const long ret = probes[i].probe(args);
      const int err = ret < 0 ? errno : 0;
      return print_result(name, syscall_number_of(name), args, probes[i].takes_arg, true, ret, err);
    }
  }
  const long number = syscall_number_of(name);
  if (number < 0) wl_usage_error("inspect", "unknown syscall '%s'", name);
  return dry_call(name, number, args, nargs);
}
