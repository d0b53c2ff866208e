// The process tree of one run, followed from the launcher through forks, execs and exits,
// with the durations of the syscalls that build isolation (namespaces, mounts, cgroup
// writes). Tracepoints only: this kernel has no kprobes and fentry does not load.
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "lifecycle.h"
#include "tracked.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct syscall_start {
  __u64 timestamp_ns;
  __u64 arg0;
  __s64 nr;
  __u32 detail;
  __u32 pad;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TRACKED_TASKS);
  __type(key, __u32);
  __type(value, struct syscall_start);
} in_syscall SEC(".maps");

/* Entries in in_syscall: while it is 0, sys_exit needs no lookup. */
__u64 syscalls_in_flight = 0;

static __always_inline void forget_syscall(__u32 pid) {
  if (bpf_map_delete_elem(&in_syscall, &pid) == 0) __sync_fetch_and_sub(&syscalls_in_flight, 1);
}

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 << 20); /* about 47000 events between two reads */
} events SEC(".maps");

/* Submitted without waking the reader, which reads on its own schedule: a wakeup is an
 * irq_work, and in a VM an interrupt costs microseconds on every event. */
static __always_inline void send(struct lifecycle_event* event) {
  bpf_ringbuf_submit(event, BPF_RB_NO_WAKEUP);
}

/* Events the ring buffer had no room for: the reader says how many. */
__u64 lost_events = 0;

static __always_inline struct lifecycle_event* reserve(__u32 kind, __u32 pid, __u32 root) {
  struct lifecycle_event* event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
  if (!event) {
    __sync_fetch_and_add(&lost_events, 1);
    return 0;
  }
  __builtin_memset(event, 0, sizeof(*event));
  event->timestamp_ns = bpf_ktime_get_ns();
  event->kind = kind;
  event->pid = pid;
  event->root_pid = root;
  event->tgid = bpf_get_current_pid_tgid() >> 32;
  bpf_get_current_comm(event->comm, sizeof(event->comm));
  return event;
}

SEC("tp/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork* ctx) {
  __u32 parent = ctx->parent_pid, child = ctx->child_pid;
  __u32 root = tracked_root(parent);
  if (!root) {
    if (!bpf_map_lookup_elem(&launchers, &parent)) return 0;
    root = child; /* a launcher's child starts a run of its own */
  }
  bpf_map_update_elem(&tracked, &child, &root, BPF_ANY);
  struct lifecycle_event* event = reserve(LIFECYCLE_FORK, child, root);
  if (!event) return 0;
  event->parent_pid = parent;
  send(event);
  return 0;
}

SEC("tp/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  __u32 root = tracked_root(pid);
  if (!root) return 0;
  struct lifecycle_event* event = reserve(LIFECYCLE_EXEC, pid, root);
  if (event) send(event);
  return 0;
}

SEC("tp/sched/sched_process_exit")
int on_exit(void* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  __u32 root = tracked_root(pid);
  if (!root) return 0;
  struct lifecycle_event* event = reserve(LIFECYCLE_EXIT, pid, root);
  if (event) {
    struct task_struct* task = (struct task_struct*)bpf_get_current_task();
    event->ret = BPF_CORE_READ(task, exit_code);
    send(event);
  }
  return 0;
}

/* Forgotten only when the task is freed, so that the other probes still see it at its exit
 * and its last context switch. */
SEC("tp/sched/sched_process_free")
int on_free(struct trace_event_raw_sched_process_template* ctx) {
  __u32 pid = ctx->pid;
  bpf_map_delete_elem(&tracked, &pid);
  forget_syscall(pid);
  return 0;
}

/* x86_64 numbers of the syscalls that build isolation. */
static __always_inline int isolation_syscall(long nr) {
  switch (nr) {
    case 56:  /* clone */
    case 59:  /* execve */
    case 155: /* pivot_root */
    case 165: /* mount */
    case 166: /* umount2 */
    case 170: /* sethostname */
    case 272: /* unshare */
    case 308: /* setns */
    case 317: /* seccomp */
    case 322: /* execveat */
    case 428: /* open_tree */
    case 429: /* move_mount */
    case 430: /* fsopen */
    case 431: /* fsconfig */
    case 432: /* fsmount */
    case 435: /* clone3 */
    case 442: /* mount_setattr */ return 1;
  }
  return 0;
}

#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270

/* Whether the caller's descriptor `fd` is a file of cgroupfs (v1 or v2). */
static __always_inline int fd_on_cgroupfs(long fd) {
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  struct fdtable* table = BPF_CORE_READ(task, files, fdt);
  if (!table || fd < 0 || fd >= BPF_CORE_READ(table, max_fds)) return 0;
  struct file** files = BPF_CORE_READ(table, fd);
  struct file* file = 0;
  if (bpf_probe_read_kernel(&file, sizeof(file), &files[fd]) != 0 || !file) return 0;
  unsigned long magic = BPF_CORE_READ(file, f_path.dentry, d_sb, s_magic);
  return magic == CGROUP_SUPER_MAGIC || magic == CGROUP2_SUPER_MAGIC;
}

/* Whether the user-space path starts with /sys/fs/cgroup/ (how runtimes name cgroup dirs).
 * Compared as two little-endian words: a byte loop here multiplies the verifier's states. */
static __always_inline int path_in_cgroupfs(const void* user_path) {
  __u64 words[2] = {};
  if (bpf_probe_read_user(words, 15, user_path) != 0) return 0;
  const __u64 sys_fs = 0x2f73662f7379732fULL; /* "/sys/fs/" */
  const __u64 cgroup = 0x002f70756f726763ULL; /* "cgroup/" */
  return words[0] == sys_fs && (words[1] & 0x00ffffffffffffffULL) == cgroup;
}

/* The syscalls cgroup_operation looks at. */
static __always_inline int maybe_cgroup_operation(long nr) {
  return nr == 1 || nr == 83 || nr == 84 || nr == 258 || nr == 263;
}

/* The cgroup half of the isolation work: which writes and mkdirs touch cgroupfs. */
static __always_inline int cgroup_operation(long nr, __u64 arg0, __u64 arg1) {
  switch (nr) {
    case 1: /* write */ return fd_on_cgroupfs((long)arg0);
    case 83: /* mkdir */
    case 84: /* rmdir */ return path_in_cgroupfs((const void*)arg0);
    case 258: /* mkdirat */
    case 263: /* unlinkat */ return path_in_cgroupfs((const void*)arg1);
  }
  return 0;
}

/* Raw tracepoints on the syscall path: no trace record is formatted for every syscall of the
 * machine, which is most of what a syscall tracepoint costs. args: (pt_regs*, id or ret). */
SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args* ctx) {
  long nr = ctx->args[1];
  /* Every syscall of the machine comes here: the number alone turns most away. */
  if (!isolation_syscall(nr) && !maybe_cgroup_operation(nr)) return 0;
  __u32 pid = bpf_get_current_pid_tgid();
  if (!tracked_root(pid)) return 0;
  struct pt_regs* regs = (struct pt_regs*)ctx->args[0];
  __u64 arg0 = BPF_CORE_READ(regs, di), arg1 = BPF_CORE_READ(regs, si);
  struct syscall_start start = {.timestamp_ns = bpf_ktime_get_ns(), .nr = nr, .arg0 = arg0};
  if (!isolation_syscall(nr)) {
    if (!cgroup_operation(nr, arg0, arg1)) return 0;
    start.detail = LIFECYCLE_CGROUP_OP;
  }
  if (nr == 435) {
    /* clone3's flags are the first field of the struct its first argument points to. */
    __u64 flags = 0;
    bpf_probe_read_user(&flags, sizeof(flags), (void*)arg0);
    start.arg0 = flags;
  }
  if (bpf_map_update_elem(&in_syscall, &pid, &start, BPF_NOEXIST) == 0)
    __sync_fetch_and_add(&syscalls_in_flight, 1);
  else
    bpf_map_update_elem(&in_syscall, &pid, &start, BPF_EXIST); /* a stale entry: replace it */
  return 0;
}

SEC("raw_tp/sys_exit")
int on_sys_exit(struct bpf_raw_tracepoint_args* ctx) {
  if (!syscalls_in_flight) return 0; /* the machine's other syscalls: no map lookup */
  __u32 pid = bpf_get_current_pid_tgid();
  struct syscall_start* start = bpf_map_lookup_elem(&in_syscall, &pid);
  if (!start) return 0;
  struct lifecycle_event* event = reserve(LIFECYCLE_SYSCALL, pid, tracked_root(pid));
  if (event) {
    event->duration_ns = event->timestamp_ns - start->timestamp_ns;
    event->timestamp_ns = start->timestamp_ns;
    event->syscall_nr = start->nr;
    event->arg0 = start->arg0;
    event->detail = start->detail;
    event->ret = (long)ctx->args[1];
    send(event);
  }
  forget_syscall(pid);
  return 0;
}
