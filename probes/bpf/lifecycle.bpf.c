// The process tree of one run, followed from the launcher through forks, execs and exits,
// with the durations of the syscalls that build isolation. Tracepoints only: this kernel
// has no kprobes and fentry does not load.
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "lifecycle.h"

char LICENSE[] SEC("license") = "GPL";

/* Threads of the traced tree, seeded with the launcher's pid by user space. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __type(key, __u32);
  __type(value, __u8);
} tracked SEC(".maps");

struct syscall_start {
  __u64 timestamp_ns;
  __u64 arg0;
  __s64 nr;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __type(key, __u32);
  __type(value, struct syscall_start);
} in_syscall SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 20);
} events SEC(".maps");

static __always_inline int is_tracked(__u32 pid) { return bpf_map_lookup_elem(&tracked, &pid) != 0; }

static __always_inline struct lifecycle_event* reserve(__u32 kind, __u32 pid) {
  struct lifecycle_event* event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
  if (!event) return 0;
  __builtin_memset(event, 0, sizeof(*event));
  event->timestamp_ns = bpf_ktime_get_ns();
  event->kind = kind;
  event->pid = pid;
  event->tgid = bpf_get_current_pid_tgid() >> 32;
  bpf_get_current_comm(event->comm, sizeof(event->comm));
  return event;
}

SEC("tp/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork* ctx) {
  __u32 parent = ctx->parent_pid, child = ctx->child_pid;
  if (!is_tracked(parent)) return 0;
  __u8 yes = 1;
  bpf_map_update_elem(&tracked, &child, &yes, BPF_ANY);
  struct lifecycle_event* event = reserve(LIFECYCLE_FORK, child);
  if (!event) return 0;
  event->parent_pid = parent;
  bpf_ringbuf_submit(event, 0);
  return 0;
}

SEC("tp/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  if (!is_tracked(pid)) return 0;
  struct lifecycle_event* event = reserve(LIFECYCLE_EXEC, pid);
  if (event) bpf_ringbuf_submit(event, 0);
  return 0;
}

SEC("tp/sched/sched_process_exit")
int on_exit(void* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  if (!is_tracked(pid)) return 0;
  struct lifecycle_event* event = reserve(LIFECYCLE_EXIT, pid);
  if (event) {
    struct task_struct* task = (struct task_struct*)bpf_get_current_task();
    event->ret = BPF_CORE_READ(task, exit_code);
    bpf_ringbuf_submit(event, 0);
  }
  bpf_map_delete_elem(&tracked, &pid);
  return 0;
}

/* x86_64 numbers of the syscalls that build isolation. */
static __always_inline int interesting(long nr) {
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
    case 435: /* clone3 */
      return 1;
  }
  return 0;
}

SEC("tp/raw_syscalls/sys_enter")
int on_sys_enter(struct trace_event_raw_sys_enter* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  long nr = ctx->id;
  if (!interesting(nr) || !is_tracked(pid)) return 0;
  struct syscall_start start = {.timestamp_ns = bpf_ktime_get_ns(), .nr = nr, .arg0 = ctx->args[0]};
  if (nr == 435) {
    /* clone3's flags are the first field of the struct its first argument points to. */
    __u64 flags = 0;
    bpf_probe_read_user(&flags, sizeof(flags), (void*)ctx->args[0]);
    start.arg0 = flags;
  }
  bpf_map_update_elem(&in_syscall, &pid, &start, BPF_ANY);
  return 0;
}

SEC("tp/raw_syscalls/sys_exit")
int on_sys_exit(struct trace_event_raw_sys_exit* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  struct syscall_start* start = bpf_map_lookup_elem(&in_syscall, &pid);
  if (!start) return 0;
  struct lifecycle_event* event = reserve(LIFECYCLE_SYSCALL, pid);
  if (event) {
    event->duration_ns = event->timestamp_ns - start->timestamp_ns;
    event->timestamp_ns = start->timestamp_ns;
    event->syscall_nr = start->nr;
    event->arg0 = start->arg0;
    event->ret = ctx->ret;
    bpf_ringbuf_submit(event, 0);
  }
  bpf_map_delete_elem(&in_syscall, &pid);
  return 0;
}
