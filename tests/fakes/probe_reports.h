// Probe reports made by hand for the aggregation and probe table tests.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/probe_aggregate.h"

namespace isobench::reports::samples {

using Json = nlohmann::ordered_json;
using probes::ProbeReport;
using Strings = std::vector<std::string>;

constexpr const char* kWallClock = "wall clock (launch to reap) only";

inline std::vector<const ProbeReport*> pointers(const std::vector<ProbeReport>& reports) {
  std::vector<const ProbeReport*> out;
  for (const ProbeReport& report : reports) out.push_back(&report);
  return out;
}

inline ProbeAggregate aggregate(const std::vector<ProbeReport>& reports) {
  return aggregate_probe_reports(pointers(reports));
}

/// Each phase gets its own offset above `base`, so a phase read from the wrong field shows.
inline probes::LifecycleFigures bpf_lifecycle(double base) {
  probes::LifecycleFigures lifecycle;
  lifecycle.source = probes::kSourceBpf;
  lifecycle.phases.runtime_start_ms = base + 0.1;
  lifecycle.phases.namespaces_ms = base + 0.2;
  lifecycle.phases.rootfs_ms = base + 0.3;
  lifecycle.phases.cgroup_ms = base + 0.4;
  lifecycle.phases.other_setup_ms = base + 0.5;
  lifecycle.phases.exec_ms = base + 0.6;
  lifecycle.phases.workload_ms = base + 0.7;
  lifecycle.phases.teardown_ms = base + 0.8;
  lifecycle.phases.total_ms = base + 0.9;
  return lifecycle;
}

/// What the session records when the lifecycle probe is off: the total alone.
inline probes::LifecycleFigures wall_clock_lifecycle(double total_ms) {
  probes::LifecycleFigures lifecycle;
  lifecycle.source = kWallClock;
  lifecycle.phases.total_ms = total_ms;
  return lifecycle;
}

inline probes::CpuFigures bpf_cpu(uint64_t on_cpu_ns, uint64_t run_queue_ns) {
  probes::CpuFigures cpu;
  cpu.source = probes::kSourceBpf;
  cpu.on_cpu_ns = on_cpu_ns;
  cpu.run_queue_ns = run_queue_ns;
  return cpu;
}

inline probes::CpuFigures rusage_cpu(uint64_t on_cpu_ns) {
  probes::CpuFigures cpu;
  cpu.source = probes::kSourceRusage;
  cpu.on_cpu_ns = on_cpu_ns;
  return cpu;
}

inline probes::SyscallCount call(const std::string& name, bool workload, uint64_t count, size_t latency_bucket = 10) {
  probes::SyscallCount entry;
  entry.tgid = workload ? 101 : 100;
  entry.name = name;
  entry.workload = workload;
  entry.count = count;
  entry.latency.add(latency_bucket, count);
  return entry;
}

inline ProbeReport with_syscalls(std::vector<probes::SyscallCount> calls) {
  ProbeReport report;
  probes::SyscallFigures syscalls;
  syscalls.source = probes::kSourceBpf;
  syscalls.calls = std::move(calls);
  report.syscalls = syscalls;
  return report;
}

/// A run with every section from BPF; `scale` moves every figure so runs differ.
inline ProbeReport sample_report(uint64_t scale) {
  ProbeReport report;
  report.lifecycle = bpf_lifecycle(static_cast<double>(scale));

  probes::CpuFigures cpu = bpf_cpu(scale * 1'000'000, scale * 100'000);
  cpu.voluntary_switches = scale * 3;
  cpu.involuntary_switches = scale;
  cpu.run_queue_latency.add(4, scale);
  report.cpu = cpu;

  ProbeReport syscalls = with_syscalls({call("read", true, scale * 10), call("mount", false, 2)});
  syscalls.syscalls->workload_calls = scale * 10;
  syscalls.syscalls->runtime_calls = 2 * scale;
  report.syscalls = syscalls.syscalls;

  probes::MemoryFigures memory;
  memory.source = probes::kSourceBpf;
  memory.minor_faults = scale * 100;
  memory.major_faults = scale;
  memory.rss_high_water_kib = scale * 1000;
  memory.workload_rss_high_water_kib = scale * 500;
  report.memory = memory;

  probes::KvmFigures kvm;
  kvm.source = probes::kSourceBpf;
  kvm.exits_by_reason = {{"HLT", scale}, {"IO", 2 * scale}};
  kvm.total_exits = 3 * scale;
  report.kvm = kvm;
  return report;
}

inline const NamedMedian* find_median(const ProbeAggregate& aggregate, const std::string& name) {
  for (const NamedMedian& entry : aggregate.medians)
    if (entry.name == name) return &entry;
  return nullptr;
}

inline Strings median_names(const ProbeAggregate& aggregate) {
  Strings names;
  for (const NamedMedian& entry : aggregate.medians) names.push_back(entry.name);
  return names;
}

}  // namespace isobench::reports::samples
