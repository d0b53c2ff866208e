#include "reports/cell_summary.h"

#include <cmath>

namespace isobench::reports {
namespace {

double metric_value(const bench::RunRecord& record, const std::string& metric) {
  if (metric == "startup_ms") return record.startup_ms;
  if (metric == "wall_ms") return record.wall_ms;
  if (metric == "batch_wall_ms") return record.slot == 0 ? record.batch_wall_ms : NAN;  // once per batch
  if (metric == "workload_ms") return record.workload_ms;
  if (metric == "cpu_ms") return record.cpu_user_ms + record.cpu_system_ms;
  if (metric == "workload_peak_kib") return record.workload_peak_kib;
  if (metric == "tree_peak_kib") return record.tree_peak_kib;
  return NAN;
}

bool is_time(const std::string& metric) {
  return metric.ends_with("_ms");
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"startup_ms", "wall_ms",           "batch_wall_ms", "workload_ms",
                                                 "cpu_ms",     "workload_peak_kib", "tree_peak_kib"};
  return names;
}

const MetricSummary* CellSummary::find(const std::string& metric) const {
  for (const MetricSummary& summary : metrics)
    if (summary.metric == metric) return &summary;
  return nullptr;
}

std::vector<double> metric_samples(const bench::BenchmarkResults& results, const std::string& target,
                                   const std::string& workload, int concurrency, const std::string& metric) {
  std::vector<double> samples;
  for (const bench::RunRecord& record : results.records) {
    if (!record.ok || record.target != target || record.workload != workload || record.concurrency != concurrency)
      continue;
    // Memory rounds ran under memory accounting: only the memory metric comes from them.
    if (record.memory_round != (metric == "tree_peak_kib")) continue;
    double value = metric_value(record, metric);
    if (std::isfinite(value)) samples.push_back(value);
  }
  return samples;
}

std::vector<CellSummary> summarize_cells(const bench::BenchmarkResults& results) {
  std::vector<CellSummary> cells;
  for (const bench::TargetInfo& target : results.targets) {
    if (!target.available) continue;
    for (const std::string& workload : results.workloads) {
      for (int concurrency : results.concurrency) {
        CellSummary cell;
        cell.target = target.name;
        cell.workload = workload;
        cell.concurrency = concurrency;
        std::vector<const probes::ProbeReport*> probe_reports;
        for (const bench::RunRecord& record : results.records) {
          if (record.target != target.name || record.workload != workload || record.concurrency != concurrency ||
              record.memory_round)
            continue;
          ++cell.runs;
          if (!record.ok) ++cell.failures;
          if (record.ok && record.probes) probe_reports.push_back(&*record.probes);
        }
        if (cell.runs == 0) continue;
        if (!probe_reports.empty()) cell.probes = aggregate_probe_reports(probe_reports);
        for (const std::string& metric : metric_names()) {
          std::vector<double> samples = metric_samples(results, target.name, workload, concurrency, metric);
          if (samples.empty()) continue;
          MetricSummary summary;
          summary.metric = metric;
          summary.summary = bench::summarize(samples);
          summary.median_ci = bench::bootstrap_median_ci(samples);
          std::vector<double> bare = metric_samples(results, "bare", workload, concurrency, metric);
          if (!bare.empty()) {
            summary.ratio_vs_bare = bench::ratio(summary.summary.median, bench::median(bare));
            summary.ratio_ci = bench::ratio_of_medians_ci(samples, bare);
          }
          if (is_time(metric)) {
            std::vector<double> seconds;
            for (double value : samples) seconds.push_back(value / 1e3);
            summary.warnings = bench::timing_warnings(seconds);
          }
          cell.metrics.push_back(std::move(summary));
        }
        cells.push_back(std::move(cell));
      }
    }
  }
  return cells;
}

}  // namespace isobench::reports
