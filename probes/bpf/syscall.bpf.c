// Count and latency histogram of every syscall the run's processes make, per program image
// (raw_syscalls/sys_enter and sys_exit; sched_process_exec starts a new image).
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "syscall.h"
#include "tracked.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Per CPU: each syscall exit adds to its own CPU's copy with plain stores, no locked
 * instructions; the reader sums the copies. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, ISOBENCH_MAX_SYSCALL_STATS);
  __type(key, struct syscall_key);
  __type(value, struct syscall_stats);
} syscall_stats SEC(".maps");

/* Per thread, kept in the task itself (reached without hashing on every syscall of the
 * machine): its run, its program image, and the syscall it is in. Created at the first
 * syscall of a followed thread. */
struct thread_state {
  __u64 entered_ns; /* 0 when not in a syscall */
  __u32 nr;
  __u32 root;
  __u32 generation;
  __u32 pad;
};

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct thread_state);
} threads SEC(".maps");

/* process -> how many execs it made while followed: the image a new thread starts in */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, __u32);
} generations SEC(".maps");

SEC("tp/sched/sched_process_exec")
int on_exec(void* ctx) {
  struct thread_state* state = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0, 0);
  if (!state) return 0; /* not followed: execve's own entry made the state of followed threads */
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  state->generation++;
  bpf_map_update_elem(&generations, &tgid, &state->generation, BPF_ANY);
  return 0;
}

/* Raw tracepoints: nothing is formatted for the machine's other syscalls (see lifecycle.bpf.c). */
SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args* ctx) {
  struct task_struct* task = bpf_get_current_task_btf();
  struct thread_state* state = bpf_task_storage_get(&threads, task, 0, 0);
  if (!state) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 root = tracked_root((__u32)id);
    if (!root) return 0;
    state = bpf_task_storage_get(&threads, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (!state) return 0;
    __u32 tgid = id >> 32;
    __u32* generation = bpf_map_lookup_elem(&generations, &tgid);
    state->generation = generation ? *generation : 0;
    state->root = root;
  }
  state->nr = (__u32)ctx->args[1];
  state->entered_ns = bpf_ktime_get_ns();
  return 0;
}

SEC("raw_tp/sys_exit")
int on_sys_exit(struct bpf_raw_tracepoint_args* ctx) {
  struct thread_state* state = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0, 0);
  if (!state || !state->entered_ns) return 0;
  __u64 took = bpf_ktime_get_ns() - state->entered_ns;
  state->entered_ns = 0;
  struct syscall_key key = {.root_pid = state->root,
                            .tgid = bpf_get_current_pid_tgid() >> 32,
                            .generation = state->generation,
                            .nr = state->nr};

  struct syscall_stats* stats = bpf_map_lookup_elem(&syscall_stats, &key);
  if (!stats) {
    struct syscall_stats fresh = {};
    bpf_map_update_elem(&syscall_stats, &key, &fresh, BPF_NOEXIST);
    stats = bpf_map_lookup_elem(&syscall_stats, &key);
    if (!stats) return 0; /* full: the reader reports the map's size as the bound */
  }
  stats->count++;
  if ((long)ctx->args[1] < 0) stats->errors++;
  stats->total_ns += took;
  if (took > stats->max_ns) stats->max_ns = took;
  __u32 bucket = log2_bucket(took);
  if (bucket < ISOBENCH_HISTOGRAM_BUCKETS) stats->histogram[bucket]++;
  return 0;
}
