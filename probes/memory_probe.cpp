// The memory probe's reader: page faults and RSS high-water per process of the run, from the
// kernel's task counters at each thread's exit (probes/bpf/memory.bpf.c).
#include <unistd.h>

#include <algorithm>
#include <map>

#include "memory.skel.h"
#include "probes/bpf/memory.h"
#include "probes/kernel_probe.h"

namespace isobench::probes {
namespace {

class MemoryProbe final : public SkeletonProbe<memory_bpf, &ProbeReport::memory> {
  using SkeletonProbe::SkeletonProbe;

  MemoryFigures read(const RunIdentity& run) override {
    MemoryFigures figures;
    const uint64_t page_kib = static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
    auto threads = take_run_entries<uint32_t, memory_task_stats>(
        skeleton().maps.task_memory, run.root, [](uint32_t, const memory_task_stats& stats) { return stats.root_pid; });
    std::map<uint32_t, ProcessMemory> processes;
    for (const auto& [pid, thread] : threads) {
      ProcessMemory& process = processes[thread.tgid];
      process.tgid = thread.tgid;
      if (pid == thread.tgid || process.comm.empty())
        process.comm.assign(thread.comm, strnlen(thread.comm, sizeof thread.comm));
      // Faults of the program the thread ran last; the tree's totals count all of them.
      process.minor_faults += thread.minor_faults - thread.minor_faults_at_exec;
      process.major_faults += thread.major_faults - thread.major_faults_at_exec;
      figures.minor_faults += thread.minor_faults;
      figures.major_faults += thread.major_faults;
      // Not the earlier images' maxrss: before its exec, a child is a copy of its launcher
      // (here, of isobench with its BPF programs). Kernels before 6.16 free the mm before the
      // tracepoint; there signal->maxrss is all there is, and it includes the last image.
      uint64_t pages = thread.rss_high_water_pages ? thread.rss_high_water_pages : thread.earlier_max_rss_pages;
      process.rss_high_water_kib = std::max<uint64_t>(process.rss_high_water_kib, pages * page_kib);
      figures.rss_high_water_kib = std::max<uint64_t>(figures.rss_high_water_kib, pages * page_kib);
    }
    for (auto& [tgid, process] : processes) {
      process.workload = run.workload_tgid != 0 && tgid == run.workload_tgid;
      if (process.workload) figures.workload_rss_high_water_kib = process.rss_high_water_kib;
      figures.processes.push_back(std::move(process));
    }
    return figures;
  }
};

}  // namespace

Result<std::unique_ptr<KernelProbe>> load_memory_probe(const TreeMaps& tree) {
  return load_probe<MemoryProbe>(ProbeKind::kMemory, ISOBENCH_SKELETON_FUNCTIONS(memory_bpf), tree);
}

}  // namespace isobench::probes
