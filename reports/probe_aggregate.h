// The probe reports of one cell's runs, aggregated: the median of each figure, histograms
// merged, workload syscalls per name. Pure: reports in, aggregate out.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "probes/probe_report.h"

namespace isobench::reports {

struct NamedMedian {
  std::string name;    ///< "phase.namespaces_ms", "cpu.on_cpu_ms", "memory.minor_faults", ...
  std::string source;  ///< the section's source in the runs (bpf, rusage ...)
  double median = NAN;
};

struct SyscallAggregate {
  std::string name;
  double median_count = 0;  ///< per run, runs without the call counting as 0
  uint64_t total_count = 0;
  probes::Log2Histogram latency;  ///< every run's, merged
};

struct ProbeAggregate {
  int runs = 0;
  std::vector<NamedMedian> medians;
  probes::Log2Histogram run_queue_latency;
  std::vector<SyscallAggregate> workload_syscalls;      ///< by total count, largest first
  std::map<std::string, uint64_t> kvm_exits_by_reason;  ///< summed over the runs
  std::vector<std::string> notes;                       ///< every distinct note of the runs

  /// The median called `name`, NAN when no run had it.
  double median(const std::string& name) const;
};

/// The phase names of the lifecycle section, in the order of a start: runtime_start ... total.
const std::vector<std::string>& phase_names();

ProbeAggregate aggregate_probe_reports(const std::vector<const probes::ProbeReport*>& reports);

}  // namespace isobench::reports
