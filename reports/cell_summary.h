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
  std::string metric;  ///< one of metric_names()
  bench::Summary summary;
  bench::Interval median_ci;   ///< bootstrap, 95%
  double ratio_vs_bare = NAN;  ///< median / bare's median for the same workload and concurrency
  bench::Interval ratio_ci{NAN, NAN};
  std::vector<std::string> warnings;  ///< hyperfine-like, for time metrics
};

/// What became of a cell: every report shows the cells that did not measure, with why.
enum class CellStatus {
  kMeasured,     ///< every measured run succeeded
  kPartlyFailed, ///< some runs failed: the statistics are over the others
  kFailed,       ///< every run failed: no figures
  kUnavailable,  ///< the target cannot run here (the reason is the cell's only error)
  kNotRun,       ///< the benchmark was interrupted before the cell ran
};
const char* cell_status_name(CellStatus status);

/// One distinct reason runs of a cell failed, and how many runs it stopped.
struct CellError {
  std::string text;
  int runs = 0;
};

struct CellSummary {
  std::string target;
  std::string workload;
  int concurrency = 1;
  CellStatus status = CellStatus::kMeasured;
  int runs = 0;      ///< measured runs (memory rounds not counted)
  int failures = 0;  ///< of those, failed (a failed memory round adds its error, not a failure)
  int memory_runs = 0;      ///< memory rounds (untimed, under a measuring cgroup)
  int memory_failures = 0;  ///< of those, failed
  std::vector<CellError> errors;  ///< by number of runs, most first
  std::vector<MetricSummary> metrics;
  std::optional<ProbeAggregate> probes;  ///< with --probes: the successful runs' probe reports
  const MetricSummary* find(const std::string& metric) const;
};

/// The metrics, in the order tables show them: startup_ms, wall_ms, batch_wall_ms,
/// workload_ms, cpu_ms, and memory by one set of definitions for every target:
/// workload_peak_kib (the workload's own peak, VmHWM, as it reports it), tree_peak_kib (the
/// whole target's peak, the workload included, from the untimed memory rounds' measuring
/// cgroup) and overhead_kib (what the target adds to the workload: each memory round's whole
/// peak minus bare's median whole peak for the same workload: the workload alone, measured
/// by the same cgroup; absent without bare).
const std::vector<std::string>& metric_names();

/// A metric's unit: "ms", "KiB".
const char* metric_unit(const std::string& metric);

/// One summary per target x workload x concurrency, in the order targets, workloads and
/// concurrency were given: unavailable targets and cells an interruption left unrun
/// included, so that no renderer can leave a cell out silently. Failed runs count as
/// failures, give their errors, and are left out of the statistics.
std::vector<CellSummary> summarize_cells(const bench::BenchmarkResults& results);

/// The samples of one metric for one cell, from successful runs only (overhead_kib as
/// metric_names() defines it).
std::vector<double> metric_samples(const bench::BenchmarkResults& results, const std::string& target,
                                   const std::string& workload, int concurrency, const std::string& metric);

}  // namespace isobench::reports
