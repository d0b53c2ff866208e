// Page faults and RSS high-water mark of the run's threads. Read from the task at
// sched_process_exit rather than counted per fault: one read per thread costs nothing while
// the workload runs. (Since 6.16 that tracepoint fires before exit_mm, so the mm is there;
// on older kernels the mm is gone and signal->maxrss alone is reported.)
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "memory.h"
#include "tracked.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, struct memory_task_stats);
} task_memory SEC(".maps");

struct fault_counts {
  __u64 minor;
  __u64 major;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, struct fault_counts);
} faults_at_exec SEC(".maps");

SEC("tp/sched/sched_process_exec")
int on_exec(void* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  if (!tracked_root(pid)) return 0;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  struct fault_counts counts = {.minor = BPF_CORE_READ(task, min_flt), .major = BPF_CORE_READ(task, maj_flt)};
  bpf_map_update_elem(&faults_at_exec, &pid, &counts, BPF_ANY);
  return 0;
}

/* Resident pages of `mm`: file + anon + shmem counters. Per-CPU batches not yet folded in
 * make it low by up to a batch per CPU. */
static __always_inline __u64 resident_pages(struct mm_struct* mm) {
  __s64 total = 0;
#pragma unroll
  for (int i = 0; i < 4; i++) {
    /* MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES; swap entries are not resident */
    if (i == 2) continue;
    total += BPF_CORE_READ(mm, rss_stat[i].count);
  }
  return total > 0 ? (__u64)total : 0;
}

SEC("tp/sched/sched_process_exit")
int on_exit(void* ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 pid = id;
  __u32 root = tracked_root(pid);
  if (!root) return 0;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  struct memory_task_stats stats = {.root_pid = root, .tgid = id >> 32};
  stats.minor_faults = BPF_CORE_READ(task, min_flt);
  stats.major_faults = BPF_CORE_READ(task, maj_flt);
  struct fault_counts* at_exec = bpf_map_lookup_elem(&faults_at_exec, &pid);
  if (at_exec) {
    stats.minor_faults_at_exec = at_exec->minor;
    stats.major_faults_at_exec = at_exec->major;
    bpf_map_delete_elem(&faults_at_exec, &pid);
  }
  stats.earlier_max_rss_pages = BPF_CORE_READ(task, signal, maxrss);
  struct mm_struct* mm = BPF_CORE_READ(task, mm);
  if (mm) {
    __u64 high_water = BPF_CORE_READ(mm, hiwater_rss);
    __u64 now = resident_pages(mm);
    stats.rss_high_water_pages = high_water > now ? high_water : now;
  }
  bpf_get_current_comm(stats.comm, sizeof(stats.comm));
  bpf_map_update_elem(&task_memory, &pid, &stats, BPF_ANY);
  return 0;
}
