// The syscalls probe's reader: count, errors and latency histogram per syscall, split into
// the workload's calls and the rest of the tree's (probes/bpf/syscall.bpf.c).
#include <algorithm>
#include <map>

#include "probes/bpf/syscall.h"
#include "probes/kernel_probe.h"
#include "syscall.skel.h"

namespace isobench::probes {
namespace {

syscall_stats sum_over_cpus(const std::vector<syscall_stats>& copies) {
  syscall_stats sum{};
  for (const syscall_stats& copy : copies) {
    sum.count += copy.count;
    sum.errors += copy.errors;
    sum.total_ns += copy.total_ns;
    sum.max_ns = std::max(sum.max_ns, copy.max_ns);
    for (size_t bucket = 0; bucket < ISOBENCH_HISTOGRAM_BUCKETS; ++bucket)
      sum.histogram[bucket] += copy.histogram[bucket];
  }
  return sum;
}

class SyscallProbe final : public SkeletonProbe<syscall_bpf, &ProbeReport::syscalls> {
  using SkeletonProbe::SkeletonProbe;

  SyscallFigures read(const RunIdentity& run) override {
    SyscallFigures figures;
    std::vector<std::pair<syscall_key, syscall_stats>> entries;
    for (const auto& [key, copies] : take_percpu_entries<syscall_key, syscall_stats>(
             bpf_map__fd(skeleton().maps.syscall_stats),
             [&](const syscall_key& key) { return key.root_pid == run.root; }))
      entries.emplace_back(key, sum_over_cpus(copies));
    // The workload is the last program image of its process.
    uint32_t workload_generation = 0;
    for (const auto& [key, stats] : entries)
      if (key.tgid == run.workload_tgid) workload_generation = std::max(workload_generation, key.generation);
    for (const auto& [key, stats] : entries) {
      SyscallCount count;
      count.tgid = key.tgid;
      count.generation = key.generation;
      count.nr = key.nr;
      count.name = syscall_name(key.nr);
      count.workload = run.workload_tgid != 0 && key.tgid == run.workload_tgid && key.generation == workload_generation;
      count.count = stats.count;
      count.errors = stats.errors;
      count.total_ns = stats.total_ns;
      count.max_ns = stats.max_ns;
      for (size_t bucket = 0; bucket < ISOBENCH_HISTOGRAM_BUCKETS; ++bucket)
        count.latency.add(bucket, stats.histogram[bucket]);
      (count.workload ? figures.workload_calls : figures.runtime_calls) += count.count;
      figures.calls.push_back(std::move(count));
    }
    // Exec counts of the run's processes are not needed any more (the map is bounded).
    for (const auto& [key, stats] : entries) bpf_map_delete_elem(bpf_map__fd(skeleton().maps.generations), &key.tgid);
    std::sort(figures.calls.begin(), figures.calls.end(), [](const SyscallCount& a, const SyscallCount& b) {
      if (a.workload != b.workload) return a.workload;
      return a.count > b.count;
    });
    return figures;
  }
};

}  // namespace

Result<std::unique_ptr<KernelProbe>> load_syscall_probe(const TreeMaps& tree) {
  return load_probe<SyscallProbe>(ProbeKind::kSyscalls, ISOBENCH_SKELETON_FUNCTIONS(syscall_bpf), tree);
}

}  // namespace isobench::probes
