// On-CPU time, context switches and run-queue latency of the run's threads, from the
// scheduler's tracepoints (sched_switch, sched_wakeup, sched_wakeup_new).
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "cpu.h"
#include "tracked.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The prev_state the sched_switch tracepoint reports for a preempted task
 * (TASK_REPORT_MAX), and the exit states (EXIT_DEAD, EXIT_ZOMBIE as report bits). */
#define PREEMPTED_STATE 0x100
#define EXITING_STATES 0x30

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, struct cpu_task_stats);
} task_stats SEC(".maps");

/* thread -> when it went on a CPU, or when it became runnable */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, __u64);
} on_cpu_since SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TASK_STATS);
  __type(key, __u32);
  __type(value, __u64);
} runnable_since SEC(".maps");

static __always_inline struct cpu_task_stats* stats_of(__u32 pid, __u32 root) {
  struct cpu_task_stats* stats = bpf_map_lookup_elem(&task_stats, &pid);
  if (stats) return stats;
  struct cpu_task_stats fresh = {.root_pid = root};
  bpf_map_update_elem(&task_stats, &pid, &fresh, BPF_NOEXIST);
  return bpf_map_lookup_elem(&task_stats, &pid);
}

static __always_inline void became_runnable(__u32 pid) {
  if (!tracked_root(pid)) return;
  __u64 now = bpf_ktime_get_ns();
  bpf_map_update_elem(&runnable_since, &pid, &now, BPF_ANY);
}

SEC("tp/sched/sched_wakeup")
int on_wakeup(struct trace_event_raw_sched_wakeup_template* ctx) {
  became_runnable(ctx->pid);
  return 0;
}

SEC("tp/sched/sched_wakeup_new")
int on_wakeup_new(struct trace_event_raw_sched_wakeup_template* ctx) {
  became_runnable(ctx->pid);
  return 0;
}

SEC("tp/sched/sched_switch")
int on_switch(struct trace_event_raw_sched_switch* ctx) {
  __u64 now = bpf_ktime_get_ns();
  __u32 prev = ctx->prev_pid, next = ctx->next_pid;

  /* The outgoing thread: not looked up in `tracked`, so the switch after its exit counts. */
  __u64* since = bpf_map_lookup_elem(&on_cpu_since, &prev);
  if (since) {
    __u64 started = *since;
    bpf_map_delete_elem(&on_cpu_since, &prev);
    struct cpu_task_stats* stats = bpf_map_lookup_elem(&task_stats, &prev);
    if (stats) {
      stats->on_cpu_ns += now - started;
      long state = ctx->prev_state;
      if (state == 0 || state == PREEMPTED_STATE) {
        stats->involuntary_switches++;
        bpf_map_update_elem(&runnable_since, &prev, &now, BPF_ANY); /* still runnable */
      } else if (!(state & EXITING_STATES)) {
        stats->voluntary_switches++;
      }
      bpf_probe_read_kernel(stats->comm, sizeof(stats->comm), ctx->prev_comm);
    }
  }

  __u32 root = tracked_root(next);
  if (!root) return 0;
  struct cpu_task_stats* stats = stats_of(next, root);
  if (!stats) return 0;
  bpf_map_update_elem(&on_cpu_since, &next, &now, BPF_ANY);
  __u64* queued = bpf_map_lookup_elem(&runnable_since, &next);
  if (queued) {
    __u64 waited = now - *queued;
    bpf_map_delete_elem(&runnable_since, &next);
    stats->run_queue_ns += waited;
    stats->run_queue_waits++;
    __u32 bucket = log2_bucket(waited);
    if (bucket < ISOBENCH_HISTOGRAM_BUCKETS) stats->run_queue_histogram[bucket]++;
  }
  return 0;
}
