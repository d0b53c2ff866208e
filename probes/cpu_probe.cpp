// The cpu probe's reader: per-thread on-CPU time, switches and run-queue latency
// (probes/bpf/cpu.bpf.c).
#include <algorithm>

#include "cpu.skel.h"
#include "probes/bpf/cpu.h"
#include "probes/kernel_probe.h"

namespace isobench::probes {
namespace {

class CpuProbe final : public KernelProbe {
 public:
  explicit CpuProbe(SkeletonPtr<cpu_bpf> skeleton) : skeleton_(std::move(skeleton)) {}

  void collect(const RunIdentity& run, ProbeReport& report) override {
    CpuFigures cpu;
    cpu.source = kSourceBpf;
    auto tasks = take_entries<uint32_t, cpu_task_entry>(
        bpf_map__fd(skeleton_->maps.task_stats),
        [&](uint32_t, const cpu_task_entry& entry) { return entry.stats.root_pid == run.root; });
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
    report.cpu = std::move(cpu);
  }

 private:
  SkeletonPtr<cpu_bpf> skeleton_;
};

}  // namespace

Result<std::unique_ptr<KernelProbe>> load_cpu_probe(const TreeMaps& tree) {
  return load_probe<CpuProbe, cpu_bpf>("cpu", {cpu_bpf__open, cpu_bpf__load, cpu_bpf__attach, cpu_bpf__destroy}, tree);
}

}  // namespace isobench::probes
