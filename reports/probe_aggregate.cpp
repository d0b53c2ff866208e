#include "reports/probe_aggregate.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "bench/statistics.h"
#include "common/time_units.h"

namespace isobench::reports {

using probes::ProbeReport;

const std::vector<std::string>& phase_names() {
  static const std::vector<std::string> names = {"runtime_start", "namespaces", "rootfs",   "cgroup", "other_setup",
                                                 "exec",          "workload",   "teardown", "total"};
  return names;
}

double ProbeAggregate::median(const std::string& name) const {
  for (const NamedMedian& entry : medians)
    if (entry.name == name) return entry.median;
  return NAN;
}

namespace {

double phase(const probes::LifecyclePhases& p, const std::string& name) {
  if (name == "runtime_start") return p.runtime_start_ms;
  if (name == "namespaces") return p.namespaces_ms;
  if (name == "rootfs") return p.rootfs_ms;
  if (name == "cgroup") return p.cgroup_ms;
  if (name == "other_setup") return p.other_setup_ms;
  if (name == "exec") return p.exec_ms;
  if (name == "workload") return p.workload_ms;
  if (name == "teardown") return p.teardown_ms;
  return p.total_ms;
}

/// Adds the median of `value` over the reports that have the section `source` picks.
void add_median(ProbeAggregate& aggregate, const std::vector<const ProbeReport*>& reports, const std::string& name,
                const std::function<const std::string*(const ProbeReport&)>& source,
                const std::function<double(const ProbeReport&)>& value) {
  std::vector<double> samples;
  std::string label;
  for (const ProbeReport* report : reports) {
    const std::string* section_source = source(*report);
    if (!section_source) continue;
    // Runs that fell back mid-bench pool with the others: the label names every source.
    if (label.empty())
      label = *section_source;
    else if (label != *section_source && label.find(*section_source) == std::string::npos)
      label += " + " + *section_source;
    samples.push_back(value(*report));
  }
  if (!samples.empty()) aggregate.medians.push_back({name, label, bench::median(samples)});
}

template <typename Section>
const std::string* source_of(const std::optional<Section>& section) {
  return section ? &section->source : nullptr;
}

}  // namespace

ProbeAggregate aggregate_probe_reports(const std::vector<const ProbeReport*>& reports) {
  ProbeAggregate aggregate;
  aggregate.runs = static_cast<int>(reports.size());
  auto lifecycle = [](const ProbeReport& r) { return source_of(r.lifecycle); };
  auto bpf_lifecycle = [](const ProbeReport& r) -> const std::string* {
    return r.lifecycle && r.lifecycle->source == probes::kSourceBpf ? &r.lifecycle->source : nullptr;
  };
  for (const std::string& name : phase_names())
    add_median(aggregate, reports, "phase." + name + "_ms", name == "total" ? lifecycle : bpf_lifecycle,
               [&name](const ProbeReport& r) { return phase(r.lifecycle->phases, name); });

  auto cpu = [](const ProbeReport& r) { return source_of(r.cpu); };
  add_median(aggregate, reports, "cpu.on_cpu_ms", cpu, [](const ProbeReport& r) { return ns_to_ms(r.cpu->on_cpu_ns); });
  add_median(aggregate, reports, "cpu.voluntary_switches", cpu,
             [](const ProbeReport& r) { return static_cast<double>(r.cpu->voluntary_switches); });
  add_median(aggregate, reports, "cpu.involuntary_switches", cpu,
             [](const ProbeReport& r) { return static_cast<double>(r.cpu->involuntary_switches); });
  auto bpf_cpu = [](const ProbeReport& r) -> const std::string* {
    return r.cpu && r.cpu->source == probes::kSourceBpf ? &r.cpu->source : nullptr;
  };
  add_median(aggregate, reports, "cpu.run_queue_ms", bpf_cpu,
             [](const ProbeReport& r) { return ns_to_ms(r.cpu->run_queue_ns); });

  auto syscalls = [](const ProbeReport& r) { return source_of(r.syscalls); };
  add_median(aggregate, reports, "syscalls.workload_calls", syscalls,
             [](const ProbeReport& r) { return static_cast<double>(r.syscalls->workload_calls); });
  add_median(aggregate, reports, "syscalls.runtime_calls", syscalls,
             [](const ProbeReport& r) { return static_cast<double>(r.syscalls->runtime_calls); });

  auto memory = [](const ProbeReport& r) { return source_of(r.memory); };
  add_median(aggregate, reports, "memory.minor_faults", memory,
             [](const ProbeReport& r) { return static_cast<double>(r.memory->minor_faults); });
  add_median(aggregate, reports, "memory.major_faults", memory,
             [](const ProbeReport& r) { return static_cast<double>(r.memory->major_faults); });
  add_median(aggregate, reports, "memory.rss_high_water_kib", memory,
             [](const ProbeReport& r) { return static_cast<double>(r.memory->rss_high_water_kib); });
  auto workload_rss = [](const ProbeReport& r) -> const std::string* {
    return r.memory && r.memory->workload_rss_high_water_kib ? &r.memory->source : nullptr;
  };
  add_median(aggregate, reports, "memory.workload_rss_high_water_kib", workload_rss,
             [](const ProbeReport& r) { return static_cast<double>(*r.memory->workload_rss_high_water_kib); });

  auto kvm = [](const ProbeReport& r) { return source_of(r.kvm); };
  add_median(aggregate, reports, "kvm.exits", kvm,
             [](const ProbeReport& r) { return static_cast<double>(r.kvm->total_exits); });

  std::map<std::string, std::vector<double>> counts;  // per syscall name, one entry per run
  std::map<std::string, SyscallAggregate> calls;
  for (size_t run = 0; run < reports.size(); ++run) {
    const ProbeReport& report = *reports[run];
    if (report.cpu) aggregate.run_queue_latency.merge(report.cpu->run_queue_latency);
    if (report.kvm)
      for (const auto& [reason, count] : report.kvm->exits_by_reason) aggregate.kvm_exits_by_reason[reason] += count;
    for (const std::string& note : report.notes)
      if (std::find(aggregate.notes.begin(), aggregate.notes.end(), note) == aggregate.notes.end())
        aggregate.notes.push_back(note);
    if (!report.syscalls) continue;
    for (const probes::SyscallCount& call : report.syscalls->calls) {
      if (!call.workload) continue;
      SyscallAggregate& entry = calls[call.name];
      entry.name = call.name;
      entry.total_count += call.count;
      entry.latency.merge(call.latency);
      std::vector<double>& per_run = counts[call.name];
      per_run.resize(reports.size(), 0);
      per_run[run] += static_cast<double>(call.count);
    }
  }
  for (auto& [name, entry] : calls) {
    std::vector<double>& per_run = counts[name];
    per_run.resize(reports.size(), 0);
    entry.median_count = bench::median(per_run);
    aggregate.workload_syscalls.push_back(std::move(entry));
  }
  std::sort(aggregate.workload_syscalls.begin(), aggregate.workload_syscalls.end(),
            [](const SyscallAggregate& a, const SyscallAggregate& b) {
              return a.total_count != b.total_count ? a.total_count > b.total_count : a.name < b.name;
            });
  return aggregate;
}

}  // namespace isobench::reports
