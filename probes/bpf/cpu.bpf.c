// On-CPU time, context switches and run-queue latency of the run's threads, from the
// scheduler's tracepoints (sched_switch, sched_wakeup, sched_wakeup_new).
//
// Every context switch of the machine comes through here, so each event costs at most two
// hash lookups: a thread's whole state lives in one entry, created when a followed thread is
// first woken (sched_wakeup_new follows every fork), and the entry's presence is what says
// "followed".
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
  __type(value, struct cpu_task_entry);
} task_stats SEC(".maps");

static __always_inline void became_runnable(__u32 pid, int new_task) {
  struct cpu_task_entry* task = bpf_map_lookup_elem(&task_stats, &pid);
  if (!task) {
    if (!new_task) return;
    __u32 root = tracked_root(pid);
    if (!root) return;
    struct cpu_task_entry fresh = {.stats = {.root_pid = root}};
    bpf_map_update_elem(&task_stats, &pid, &fresh, BPF_NOEXIST);
    task = bpf_map_lookup_elem(&task_stats, &pid);
    if (!task) return; /* full: bounded, the thread goes uncounted */
  }
  task->runnable_since = bpf_ktime_get_ns();
}

SEC("tp/sched/sched_wakeup")
int on_wakeup(struct trace_event_raw_sched_wakeup_template* ctx) {
  became_runnable(ctx->pid, 0);
  return 0;
}

SEC("tp/sched/sched_wakeup_new")
int on_wakeup_new(struct trace_event_raw_sched_wakeup_template* ctx) {
  became_runnable(ctx->pid, 1);
  return 0;
}

/* A thread's CPU time (and its name) is settled at its exit, before its parent is woken: the reader, woken
 * by the same exit, must not depend on the thread's last context switch, which can come after
 * it has read the map. What runs between here and that switch (microseconds) is not counted. */
SEC("tp/sched/sched_process_exit")
int on_exit(void* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  struct cpu_task_entry* task = bpf_map_lookup_elem(&task_stats, &pid);
  if (!task || !task->on_cpu_since) return 0;
  task->stats.on_cpu_ns += bpf_ktime_get_ns() - task->on_cpu_since;
  task->on_cpu_since = 0;
  /* A CPU-bound thread may never be switched out before it exits, and its name is otherwise
   * taken only at a switch: take it here too, or its entry has no name. */
  bpf_get_current_comm(task->stats.comm, sizeof(task->stats.comm));
  return 0;
}

SEC("tp/sched/sched_switch")
int on_switch(struct trace_event_raw_sched_switch* ctx) {
  __u32 prev = ctx->prev_pid, next = ctx->next_pid;
  long state = ctx->prev_state;
  struct cpu_task_entry* out = bpf_map_lookup_elem(&task_stats, &prev);
  struct cpu_task_entry* in = bpf_map_lookup_elem(&task_stats, &next);
  __u64 now = 0;

  /* The outgoing thread, also after its exit: its last switch counts. */
  if (out && out->on_cpu_since) {
    now = bpf_ktime_get_ns();
    out->stats.on_cpu_ns += now - out->on_cpu_since;
    out->on_cpu_since = 0;
    if (state == 0 || state == PREEMPTED_STATE) {
      out->stats.involuntary_switches++;
      out->runnable_since = now; /* still runnable: waiting for a CPU again */
    } else if (!(state & EXITING_STATES)) {
      out->stats.voluntary_switches++;
    }
    bpf_probe_read_kernel(out->stats.comm, sizeof(out->stats.comm), ctx->prev_comm);
  }

  if (!in) return 0; /* with !out, the common case: neither thread is followed */
  if (!now) now = bpf_ktime_get_ns();
  in->on_cpu_since = now;
  if (in->runnable_since) {
    __u64 waited = now - in->runnable_since;
    in->runnable_since = 0;
    in->stats.run_queue_ns += waited;
    in->stats.run_queue_waits++;
    __u32 bucket = log2_bucket(waited);
    if (bucket < ISOBENCH_HISTOGRAM_BUCKETS) in->stats.run_queue_histogram[bucket]++;
  }
  return 0;
}
