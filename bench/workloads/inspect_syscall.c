/* inspect syscall NAME: does the sandbox let this syscall through?
 *
 * Each probe enters the kernel with arguments that make the call fail (or, for unshare
 * and getpid, affect only this short-lived process), so it is safe to run as root on a
 * host. Where possible the arguments fail *after* the kernel's privilege check, so the
 * errno tells "filtered or unprivileged" (EPERM) apart from "allowed" (another errno).
 * Every probe is commented with why it cannot have an effect.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inspect.h"
#include "workload_common.h"

/* Kernel ABI constants, spelled out so no extra kernel headers are needed. */
#define KEYCTL_INVALID_COMMAND 0x7fffffffL /* no keyctl operation has this number */
#define BPF_INVALID_COMMAND 0x7fffffffL    /* no bpf command has this number */
#define KEXEC_SEGMENT_MAX 16               /* kernel cap on kexec segments */
#define KEXEC_UNKNOWN_FLAG 0x00008000L     /* not a KEXEC_* flag, not in the arch mask */

static long probe_keyctl(void) {
  /* An unknown operation: EOPNOTSUPP if allowed, nothing is looked up or created. */
  return syscall(SYS_keyctl, KEYCTL_INVALID_COMMAND, 0L, 0L, 0L, 0L);
}

static long probe_add_key(void) {
  /* Empty key type: EINVAL when the type name is copied, before any keyring is touched. */
  return syscall(SYS_add_key, "", NULL, NULL, 0L, 0L);
}

static long probe_unshare(void) {
  /* A new UTS namespace for this process only; it exits right after. */
  return syscall(SYS_unshare, (long)CLONE_NEWUTS);
}

static long probe_mount(void) {
  /* Empty target path (can never exist: ENOENT), and no filesystem type (EINVAL). */
  return syscall(SYS_mount, NULL, "", NULL, 0L, NULL);
}

static long probe_setns(void) {
  /* fd -1: EBADF. */
  return syscall(SYS_setns, -1L, 0L);
}

static long probe_bpf(void) {
  /* An unknown command with no attributes: EINVAL (or EPERM), nothing is created. */
  return syscall(SYS_bpf, BPF_INVALID_COMMAND, NULL, 0L);
}

static long probe_perf_event_open(void) {
  /* NULL attributes: EFAULT, no event is opened. */
  return syscall(SYS_perf_event_open, NULL, 0L, -1L, -1L, 0L);
}

static long probe_reboot(void) {
  /* The kernel rejects wrong magic numbers (EINVAL) before it looks at the command, and
   * the command is not a valid one either. After the CAP_SYS_BOOT check, so EPERM means
   * "not allowed". */
  return syscall(SYS_reboot, 0L, 0L, 0x0badc0deL, NULL);
}

static long probe_kexec_load(void) {
  /* Deliberately NOT nr_segments 0: with 0 segments the kernel *unloads* a loaded kexec
   * image. An unknown flag and more segments than the kernel's cap are each rejected
   * (EINVAL) after the CAP_SYS_BOOT check and before the segments are read. */
  return syscall(SYS_kexec_load, 0L, (long)KEXEC_SEGMENT_MAX + 1, NULL, KEXEC_UNKNOWN_FLAG);
}

static long probe_init_module(void) {
  /* A zero-length image: ENOEXEC after the CAP_SYS_MODULE check, nothing is loaded. */
  return syscall(SYS_init_module, NULL, 0L, "");
}

static long probe_open_by_handle_at(void) {
  /* NULL handle: EFAULT after the CAP_DAC_READ_SEARCH check, nothing is opened. */
  return syscall(SYS_open_by_handle_at, (long)AT_FDCWD, NULL, (long)O_RDONLY);
}

static long probe_swapon(void) {
  /* Empty path (cannot exist: ENOENT) after the CAP_SYS_ADMIN check. */
  return syscall(SYS_swapon, "", 0L);
}

static long probe_umount2(void) {
  /* Empty path (cannot exist: ENOENT), so no mount can be detached. */
  return syscall(SYS_umount2, "", 0L);
}

static long probe_getpid(void) {
  /* A control: should always succeed. */
  return syscall(SYS_getpid);
}

typedef struct {
  const char *name;
  long (*probe)(void);
} SyscallProbe;

static const SyscallProbe probes[] = {
    {"keyctl", probe_keyctl},
    {"add_key", probe_add_key},
    {"unshare", probe_unshare},
    {"mount", probe_mount},
    {"setns", probe_setns},
    {"bpf", probe_bpf},
    {"perf_event_open", probe_perf_event_open},
    {"reboot", probe_reboot},
    {"kexec_load", probe_kexec_load},
    {"init_module", probe_init_module},
    {"open_by_handle_at", probe_open_by_handle_at},
    {"swapon", probe_swapon},
    {"umount2", probe_umount2},
    {"getpid", probe_getpid},
};

const char inspect_syscall_names[] =
    "keyctl add_key unshare mount setns bpf perf_event_open reboot kexec_load\n"
    "                       init_module open_by_handle_at swapon umount2 getpid";

int inspect_syscall(const char *name) {
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    if (strcmp(name, probes[i].name) != 0) continue;
    errno = 0;
    const long ret = probes[i].probe();
    const int err = ret < 0 ? errno : 0;
    WlJson j;
    wl_json_begin(&j);
    wl_json_string(&j, "syscall", name);
    wl_json_i64(&j, "ret", ret);
    wl_json_i64(&j, "errno", err);
    wl_json_string(&j, "errno_name", wl_errno_name(err));
    return wl_json_end(&j);
  }
  wl_usage_error("inspect", "unknown syscall '%s'", name);
}
