// Count and latency histogram of every syscall the run's processes make, per program image
// (raw_syscalls/sys_enter and sys_exit; sched_process_exec starts a new image).
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "syscalls.h"
#include "tracked.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_SYSCALL_STATS);
  __type(key, struct syscall_key);
  __type(value, struct syscall_stats);
} syscall_stats SEC(".maps");

/* The syscall a thread is in, kept in the task itself: reached without a hash lookup on
 * every syscall exit of the machine. `root` 0 means none. */
struct entered {
  __u64 timestamp_ns;
  __u32 nr;
  __u32 root;
};

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct entered);
} in_syscall SEC(".maps");

/* process -> how many execs it made while followed */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, __u32);
} generations SEC(".maps");

SEC("tp/sched/sched_process_exec")
int on_exec(void* ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tgid = id >> 32;
  if (!tracked_root((__u32)id)) return 0;
  __u32* generation = bpf_map_lookup_elem(&generations, &tgid);
  __u32 next = generation ? *generation + 1 : 1;
  bpf_map_update_elem(&generations, &tgid, &next, BPF_ANY);
  return 0;
}

/* Raw tracepoints: nothing is formatted for the machine's other syscalls (see lifecycle.bpf.c). */
SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  __u32 root = tracked_root(pid);
  if (!root) return 0;
  struct entered* entered =
      bpf_task_storage_get(&in_syscall, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!entered) return 0;
  entered->root = root;
  entered->nr = (__u32)ctx->args[1];
  entered->timestamp_ns = bpf_ktime_get_ns();
  return 0;
}

SEC("raw_tp/sys_exit")
int on_sys_exit(struct bpf_raw_tracepoint_args* ctx) {
  struct entered* entered = bpf_task_storage_get(&in_syscall, bpf_get_current_task_btf(), 0, 0);
  if (!entered || !entered->root) return 0;
  __u64 took = bpf_ktime_get_ns() - entered->timestamp_ns;
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  struct syscall_key key = {.root_pid = entered->root, .tgid = tgid, .nr = entered->nr};
  entered->root = 0;
  __u32* generation = bpf_map_lookup_elem(&generations, &tgid);
  if (generation) key.generation = *generation;

  struct syscall_stats* stats = bpf_map_lookup_elem(&syscall_stats, &key);
  if (!stats) {
    struct syscall_stats fresh = {};
    bpf_map_update_elem(&syscall_stats, &key, &fresh, BPF_NOEXIST);
    stats = bpf_map_lookup_elem(&syscall_stats, &key);
    if (!stats) return 0; /* full: the reader reports the map's size as the bound */
  }
  /* Threads of one process share the entry: atomic adds. */
  __sync_fetch_and_add(&stats->count, 1);
  if ((long)ctx->args[1] < 0) __sync_fetch_and_add(&stats->errors, 1);
  __sync_fetch_and_add(&stats->total_ns, took);
  if (took > stats->max_ns) stats->max_ns = took; /* racy between threads: a lower bound */
  __u32 bucket = log2_bucket(took);
  if (bucket < ISOBENCH_HISTOGRAM_BUCKETS) __sync_fetch_and_add(&stats->histogram[bucket], 1);
  return 0;
}
