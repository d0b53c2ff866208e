// Per cell (target x workload x concurrency) statistics of each metric, and ratios against
// the bare process: pure functions over the harness's records.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/harness/run_record.h"
#include "bench/statistics.h"
#include "reports/probe_aggregate.h"

namespace isobench::reports {

struct MetricSummary {
  std::string metric;  ///< startup_ms, wall_ms, batch_wall_ms, workload_ms, cpu_ms, workload_peak_kib, tree_peak_kib
  bench::Summary summary;
  bench::Interval median_ci;   ///< bootstrap, 95%
  double ratio_vs_bare = NAN;  ///< median / bare's median for the same workload and concurrency
  bench::Interval ratio_ci{NAN, NAN};
  std::vector<std::string> warnings;  ///< hyperfine-like, for time metrics
};

struct CellSummary {
  std::string target;
  std::string workload;
  int concurrency = 1;
  int runs = 0;
  int failures = 0;
  std::vector<MetricSummary> metrics;
  std::optional<ProbeAggregate> probes;  ///< with --probes: the successful runs' probe reports
  const MetricSummary* find(const std::string& metric) const;
};

/// The metrics, in the order tables show them.
const std::vector<std::string>& metric_names();

/// One summary per cell that has records, in the order targets, workloads and concurrency
/// were given. Failed runs count as failures and are left out of the statistics.
std::vector<CellSummary> summarize_cells(const bench::BenchmarkResults& results);

/// The samples of one metric for one cell, from successful runs only.
std::vector<double> metric_samples(const bench::BenchmarkResults& results, const std::string& target,
                                   const std::string& workload, int concurrency, const std::string& metric);

}  // namespace isobench::reports
