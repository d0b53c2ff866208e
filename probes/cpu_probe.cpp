// The cpu probe's reader: per-thread on-CPU time, switches and run-queue latency
// (probes/bpf/cpu.bpf.c).
#include <algorithm>

#include "cpu.skel.h"
#include "probes/bpf/cpu.h"
#include "probes/kernel_probe.h"

namespace isobench::probes {
namespace {

class CpuProbe final : public SkeletonProbe<cpu_bpf, &ProbeReport::cpu> {
  using SkeletonProbe::SkeletonProbe;

  CpuFigures read(const RunIdentity& run) override {
    CpuFigures cpu;
    auto tasks = take_run_entries<uint32_t, cpu_task_entry>(
        skeleton().maps.task_stats, run.root,
        [](uint32_t, const cpu_task_entry& entry) { return entry.stats.root_pid; });
    for (const auto& [pid, entry] : tasks) {
      const cpu_task_stats& stats = entry.stats;
      TaskCpu task{pid,
                   std::string(stats.comm, strnlen(stats.comm, sizeof stats.comm)),
                   stats.on_cpu_ns,
                   stats.run_queue_ns,
                   stats.run_queue_waits,
                   stats.voluntary_switches,
                   stats.involuntary_switches};
      cpu.on_cpu_ns += task.on_cpu_ns;
      cpu.run_queue_ns += task.run_queue_ns;
      cpu.run_queue_waits += task.run_queue_waits;
      cpu.voluntary_switches += task.voluntary_switches;
      cpu.involuntary_switches += task.involuntary_switches;
      for (size_t bucket = 0; bucket < ISOBENCH_HISTOGRAM_BUCKETS; ++bucket)
        cpu.run_queue_latency.add(bucket, stats.run_queue_histogram[bucket]);
      cpu.tasks.push_back(std::move(task));
    }
    std::sort(cpu.tasks.begin(), cpu.tasks.end(),
              [](const TaskCpu& a, const TaskCpu& b) { return a.on_cpu_ns > b.on_cpu_ns; });
    return cpu;
  }
};

}  // namespace

Result<std::unique_ptr<KernelProbe>> load_cpu_probe(const TreeMaps& tree) {
  return load_probe<CpuProbe>(ProbeKind::kCpu, ISOBENCH_SKELETON_FUNCTIONS(cpu_bpf), tree);
}

}  // namespace isobench::probes
