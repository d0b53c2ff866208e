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

struct entered {
  __u64 timestamp_ns;
  __s64 nr;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
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

SEC("tp/raw_syscalls/sys_enter")
int on_sys_enter(struct trace_event_raw_sys_enter* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  if (!tracked_root(pid)) return 0;
  struct entered entered = {.timestamp_ns = bpf_ktime_get_ns(), .nr = ctx->id};
  bpf_map_update_elem(&in_syscall, &pid, &entered, BPF_ANY);
  return 0;
}

SEC("tp/raw_syscalls/sys_exit")
int on_sys_exit(struct trace_event_raw_sys_exit* ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 pid = id, tgid = id >> 32;
  struct entered* entered = bpf_map_lookup_elem(&in_syscall, &pid);
  if (!entered) return 0;
  __u64 took = bpf_ktime_get_ns() - entered->timestamp_ns;
  struct syscall_key key = {.root_pid = tracked_root(pid), .tgid = tgid, .nr = (__u32)entered->nr};
  bpf_map_delete_elem(&in_syscall, &pid);
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
  if (ctx->ret < 0) __sync_fetch_and_add(&stats->errors, 1);
  __sync_fetch_and_add(&stats->total_ns, took);
  if (took > stats->max_ns) stats->max_ns = took; /* racy between threads: a lower bound */
  __u32 bucket = log2_bucket(took);
  if (bucket < ISOBENCH_HISTOGRAM_BUCKETS) __sync_fetch_and_add(&stats->histogram[bucket], 1);
  return 0;
}
