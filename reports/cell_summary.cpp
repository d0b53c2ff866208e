#include "reports/cell_summary.h"

#include <algorithm>
#include <cmath>

#include "common/time_units.h"

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

bool from_memory_rounds(const std::string& metric) {
  return metric == "tree_peak_kib" || metric == "overhead_kib";
}

void count_error(std::vector<CellError>& errors, const bench::RunRecord& record) {
  std::string text = record.error.empty() ? "exit status " + std::to_string(record.exit_code) : record.error;
  // The tail of a stderr: its last line says most, and keeps tables readable.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (size_t newline = text.rfind('\n'); newline != std::string::npos) text = text.substr(newline + 1);
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  auto found = std::find_if(errors.begin(), errors.end(), [&](const CellError& error) { return error.text == text; });
  if (found == errors.end())
    errors.push_back({text, 1});
  else
    ++found->runs;
}

}  // namespace

const char* cell_status_name(CellStatus status) {
  switch (status) {
    case CellStatus::kMeasured: return "measured";
    case CellStatus::kPartlyFailed: return "partly failed";
    case CellStatus::kFailed: return "failed";
    case CellStatus::kUnavailable: return "unavailable";
    case CellStatus::kNotRun: return "not run";
  }
  return "?";
}

const char* metric_unit(const std::string& metric) {
  return is_time(metric) ? "ms" : "KiB";
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"startup_ms", "wall_ms",           "batch_wall_ms", "workload_ms",
                                                 "cpu_ms",     "workload_peak_kib", "tree_peak_kib", "overhead_kib"};
  return names;
}

const MetricSummary* CellSummary::find(const std::string& metric) const {
  for (const MetricSummary& summary : metrics)
    if (summary.metric == metric) return &summary;
  return nullptr;
}

std::vector<double> metric_samples(const bench::BenchmarkResults& results, const std::string& target,
                                   const std::string& workload, int concurrency, const std::string& metric) {
  // The overhead is the whole target's peak over the workload alone, both read by the same
  // instrument: the measuring cgroup of bare's memory rounds. (The workload's VmHWM counts
  // file pages others brought into the page cache, which no cgroup is charged for: whole
  // minus VmHWM comes out negative for bare.)
  if (metric == "overhead_kib") {
    std::vector<double> alone = metric_samples(results, "bare", workload, concurrency, "tree_peak_kib");
    if (alone.empty()) return {};
    double baseline = bench::median(alone);
    std::vector<double> samples = metric_samples(results, target, workload, concurrency, "tree_peak_kib");
    for (double& sample : samples) sample -= baseline;
    return samples;
  }
  std::vector<double> samples;
  for (const bench::RunRecord& record : results.records) {
    if (!record.ok || record.target != target || record.workload != workload || record.concurrency != concurrency)
      continue;
    // Memory rounds ran under memory accounting: only the memory metric comes from them.
    if (record.memory_round != from_memory_rounds(metric)) continue;
    double value = metric_value(record, metric);
    if (std::isfinite(value)) samples.push_back(value);
  }
  return samples;
}

std::vector<CellSummary> summarize_cells(const bench::BenchmarkResults& results) {
  std::vector<CellSummary> cells;
  for (const bench::TargetInfo& target : results.targets) {
    for (const std::string& workload : results.workloads) {
      for (int concurrency : results.concurrency) {
        CellSummary cell;
        cell.target = target.name;
        cell.workload = workload;
        cell.concurrency = concurrency;
        if (!target.available) {
          cell.status = CellStatus::kUnavailable;
          cell.errors.push_back({target.detail, 0});
          cells.push_back(std::move(cell));
          continue;
        }
        std::vector<const probes::ProbeReport*> probe_reports;
        for (const bench::RunRecord& record : results.records) {
          if (record.target != target.name || record.workload != workload || record.concurrency != concurrency)
            continue;
          ++(record.memory_round ? cell.memory_runs : cell.runs);
          if (!record.ok) {
            ++(record.memory_round ? cell.memory_failures : cell.failures);
            count_error(cell.errors, record);
          }
          if (record.ok && record.probes) probe_reports.push_back(&*record.probes);
        }
        std::stable_sort(cell.errors.begin(), cell.errors.end(),
                         [](const CellError& a, const CellError& b) { return a.runs > b.runs; });
        cell.status = cell.runs == 0                ? CellStatus::kNotRun
                      : cell.failures == cell.runs  ? CellStatus::kFailed
                      : !cell.errors.empty()        ? CellStatus::kPartlyFailed
                                                    : CellStatus::kMeasured;
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
            for (double value : samples) seconds.push_back(ms_to_s(value));
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
