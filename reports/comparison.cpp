#include "reports/comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <tuple>

#include "bench/statistics.h"
#include "common/text.h"
#include "reports/cell_summary.h"

namespace isobench::reports {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kImproved: return "improved";
    case Verdict::kRegressed: return "regressed";
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kTooNoisy: return "too noisy to tell";
  }
  return "?";
}

const std::vector<std::string>& comparable_metrics() {
  static const std::vector<std::string> metrics = {"startup", "wall", "cpu", "memory"};
  return metrics;
}

double CompareOptions::threshold_for(const std::string& metric) const {
  auto found = thresholds.find(metric);
  return found != thresholds.end() ? found->second : threshold;
}

namespace {

/// "5" or "5%": five percent, as a fraction (0.05).
Result<double> parse_fraction(const std::string& text) {
  if (text.empty()) return plain_error("--threshold: an empty value (expected a percentage such as 5 or 5%)");
  std::string number = text.back() == '%' ? text.substr(0, text.size() - 1) : text;
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  bool digits_only = number.find_first_not_of("0123456789.") == std::string::npos;
  if (number.empty() || !digits_only || *end != '\0' || !std::isfinite(value))
    return plain_error("--threshold: '" + text + "' is not a percentage (expected a number such as 5 or 5%)");
  if (value <= 0 || value >= 1000)
    return plain_error("--threshold: '" + text + "' must be above 0% and below 1000%");
  return value / 100;
}

bool known_metric(const std::string& name) {
  const auto& metrics = comparable_metrics();
  return std::find(metrics.begin(), metrics.end(), name) != metrics.end();
}

/// The raw samples of `metric` for one cell, from successful runs; memory is `memory_metric`
/// (tree_peak_kib or workload_peak_kib: the caller picks one for both sides).
std::vector<double> samples(const ReportModel& file, const std::string& target, const std::string& workload,
                            int concurrency, const std::string& metric, const char* memory_metric) {
  auto of = [&](const char* name) { return metric_samples(file.results, target, workload, concurrency, name); };
  if (metric == "startup") return of("startup_ms");
  if (metric == "wall") return of("wall_ms");
  if (metric == "cpu") return of("cpu_ms");
  return of(memory_metric);
}

double spread(const std::vector<double>& values) {
  double median = bench::median(values);
  return median > 0 ? bench::mad(values) / median : 0;
}

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", fraction * 100);
  return text;
}

}  // namespace

Status parse_thresholds(const std::string& text, CompareOptions& options) {
  for (const std::string& part : split_list(text, ',')) {
    size_t equals = part.find('=');
    if (equals == std::string::npos) {
      auto value = parse_fraction(part);
      if (!value) return value.error();
      options.threshold = *value;
      continue;
    }
    std::string metric = part.substr(0, equals);
    if (!known_metric(metric))
      return plain_error("unknown metric '" + metric + "' in --threshold (known: startup, wall, cpu, memory)");
    auto value = parse_fraction(part.substr(equals + 1));
    if (!value) return value.error();
    options.thresholds[metric] = *value;
  }
  return {};
}

Result<std::vector<std::string>> parse_metrics(const std::string& text) {
  std::vector<std::string> metrics;
  for (const std::string& name : split_list(text, ',')) {
    if (!known_metric(name))
      return plain_error("unknown metric '" + name + "' in --metrics (known: startup, wall, cpu, memory)");
    if (std::find(metrics.begin(), metrics.end(), name) == metrics.end()) metrics.push_back(name);
  }
  return metrics;
}

size_t Comparison::too_few_runs() const {
  return static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [](const MetricComparison& row) {
    return row.verdict == Verdict::kTooNoisy && row.reason.rfind("too few runs", 0) == 0;
  }));
}

bool Comparison::any_regressed() const {
  return std::any_of(rows.begin(), rows.end(),
                     [](const MetricComparison& row) { return row.verdict == Verdict::kRegressed; });
}

MetricComparison compare_samples(const std::vector<double>& baseline, const std::vector<double>& current,
                                 double threshold, const CompareOptions& options) {
  MetricComparison row;
  row.baseline_runs = baseline.size();
  row.current_runs = current.size();
  row.baseline_median = bench::median(baseline);
  row.current_median = bench::median(current);
  row.threshold = threshold;
  // From a baseline of 0 (rusage's granularity, a hand-made file) any rise is beyond every threshold.
  row.change = row.baseline_median > 0    ? (row.current_median - row.baseline_median) / row.baseline_median
               : row.current_median > 0   ? INFINITY
                                          : 0;
  if (baseline.size() < options.min_samples || current.size() < options.min_samples) {
    row.verdict = Verdict::kTooNoisy;
    row.p_value = NAN;
    row.reason = "too few runs (" + std::to_string(baseline.size()) + " and " + std::to_string(current.size()) +
                 "; need " + std::to_string(options.min_samples) + ")";
    return row;
  }
  row.p_value = bench::mann_whitney_u(current, baseline).p;
  bool significant = row.p_value < options.alpha;
  bool beyond = std::fabs(row.change) > threshold;
  if (significant && beyond) {
    row.verdict = row.change > 0 ? Verdict::kRegressed : Verdict::kImproved;
    row.reason = (std::isinf(row.change) ? std::string("up from 0,") : percent(row.change)) + " beyond the " +
                 percent(threshold) + " threshold, p < alpha";
  } else if (significant) {
    row.verdict = Verdict::kUnchanged;
    row.reason = "a real difference, within the " + percent(threshold) + " threshold";
  } else if (beyond || spread(baseline) > options.max_spread || spread(current) > options.max_spread) {
    row.verdict = Verdict::kTooNoisy;
    row.reason = beyond ? "a large change, but not significant: more runs needed"
                        : "runs too spread out (MAD above " + percent(options.max_spread) + " of the median)";
  } else {
    row.verdict = Verdict::kUnchanged;
    row.reason = "no significant difference";
  }
  return row;
}

namespace {

/// The share of a cell's runs that failed; 0 when it has none.
double failure_rate(const CellSummary& cell) {
  return cell.runs > 0 ? static_cast<double>(cell.failures) / cell.runs : 0;
}

std::string first_error(const CellSummary& cell) {
  return cell.errors.empty() ? "" : ": " + cell.errors.front().text;
}

double memory_failure_rate(const CellSummary& cell) {
  return cell.memory_runs > 0 ? static_cast<double>(cell.memory_failures) / cell.memory_runs : 0;
}

/// A cell that measured in the baseline and fails (or cannot run, or was cut short) now: the
/// gate's business whatever the figures of its remaining runs say.
/// A regressed "runs" row for `before`'s cell: failures before and after (NaN when the
/// current results lack the cell), the reason left to the caller.
MetricComparison runs_row(const CellSummary& before, const CellSummary* after) {
  MetricComparison row;
  row.target = before.target;
  row.workload = before.workload;
  row.concurrency = before.concurrency;
  row.metric = "runs";
  row.unit = "runs";
  row.baseline_runs = before.runs;
  row.current_runs = after ? after->runs : 0;
  row.baseline_median = before.failures;
  row.current_median = after ? after->failures : NAN;
  row.p_value = NAN;
  row.verdict = Verdict::kRegressed;
  return row;
}

std::optional<MetricComparison> failing_row(const CellSummary& before, const CellSummary& after,
                                            const ReportModel& current, const std::string& current_name) {
  MetricComparison row = runs_row(before, &after);
  bool before_ok = before.status == CellStatus::kMeasured || before.status == CellStatus::kPartlyFailed;
  if (after.status == CellStatus::kUnavailable && before.status != CellStatus::kUnavailable) {
    row.reason = "the target cannot run in " + current_name + first_error(after);
    return row;
  }
  // An interrupted current run measured less than the baseline: the gate cannot pass what
  // it did not see.
  if (before_ok && after.status == CellStatus::kNotRun) {
    row.reason = "not run in " + current_name + " (the benchmark was interrupted)";
    return row;
  }
  if (before_ok && after.failures > 0 && failure_rate(after) > failure_rate(before)) {
    row.reason = std::to_string(after.failures) + " of " + std::to_string(after.runs) + " runs failed in " +
                 current_name + " (" + std::to_string(before.failures) + " of " + std::to_string(before.runs) +
                 " before)" + first_error(after);
    return row;
  }
  // Memory rounds are runs too: every one of them failing (out of memory, say) is no pass.
  if (before_ok && after.memory_failures > 0 && memory_failure_rate(after) > memory_failure_rate(before)) {
    row.baseline_runs = before.memory_runs;
    row.current_runs = after.memory_runs;
    row.baseline_median = before.memory_failures;
    row.current_median = after.memory_failures;
    row.reason = std::to_string(after.memory_failures) + " of " + std::to_string(after.memory_runs) +
                 " memory runs failed in " + current_name + " (" + std::to_string(before.memory_failures) + " of " +
                 std::to_string(before.memory_runs) + " before)" + first_error(after);
    return row;
  }
  // An interruption in the middle of a cell (or of the memory rounds) left fewer runs than
  // planned: the few that remain are no measurement to pass.
  const bench::BenchmarkResults& planned = current.results;
  int planned_runs = planned.runs * after.concurrency, planned_memory = planned.memory_runs * after.concurrency;
  if (before_ok && planned.interrupted && (after.runs < planned_runs || after.memory_runs < planned_memory)) {
    row.reason = "cut short in " + current_name + " (the benchmark was interrupted): " + std::to_string(after.runs) +
                 " of " + std::to_string(planned_runs) + " runs";
    if (after.memory_runs < planned_memory)
      row.reason += ", " + std::to_string(after.memory_runs) + " of " + std::to_string(planned_memory) + " memory runs";
    return row;
  }
  return std::nullopt;
}

size_t metric_rank(const std::string& metric) {
  const auto& metrics = comparable_metrics();
  return metric == "runs" ? 0 : 1 + static_cast<size_t>(std::find(metrics.begin(), metrics.end(), metric) - metrics.begin());
}

/// Memory compares like with like: the whole target's peak when both sides ran memory
/// rounds, else the workload's own peak on both (`told` hears which side had the rounds).
template <typename Told>
const char* memory_metric_for(const ReportModel& baseline, const ReportModel& current, const CellSummary& cell,
                              Told told) {
  auto has_tree = [&](const ReportModel& model) {
    return !metric_samples(model.results, cell.target, cell.workload, cell.concurrency, "tree_peak_kib").empty();
  };
  bool old_tree = has_tree(baseline), new_tree = has_tree(current);
  if (old_tree == new_tree) return "tree_peak_kib";
  told(old_tree);
  return "workload_peak_kib";
}

}  // namespace

Comparison compare_results(const ReportModel& baseline, const ReportModel& current, const CompareOptions& options) {
  Comparison comparison;
  const std::string baseline_name = baseline.sources.empty() ? "the baseline" : baseline.sources.front();
  const std::string current_name = current.sources.empty() ? "the current results" : current.sources.front();
  const bench::Environment& a = baseline.environment;
  const bench::Environment& b = current.environment;
  comparison.environment_warnings = environment_differences(a, baseline_name, b, current_name);

  auto label = [](const CellSummary& cell) {
    return cell.target + " " + cell.workload + " x" + std::to_string(cell.concurrency);
  };
  for (const CellSummary& before : baseline.cells) {
    const CellSummary* after = find_cell(current, before.target, before.workload, before.concurrency);
    if (!after) {
      if (options.allow_missing) {
        comparison.unmatched.push_back(label(before) + ": only in " + baseline_name);
        continue;
      }
      MetricComparison row = runs_row(before, nullptr);
      row.reason = "not in " + current_name + " (a target or workload dropped or renamed; --allow-missing if on purpose)";
      comparison.rows.push_back(std::move(row));
      continue;
    }
    auto failing = failing_row(before, *after, current, current_name);
    // Both sides measured: a metric one of them lacks is told, not dropped silently.
    bool both_measured = !failing && after->status != CellStatus::kFailed &&
                         after->status != CellStatus::kUnavailable && after->status != CellStatus::kNotRun &&
                         before.status != CellStatus::kFailed && before.status != CellStatus::kUnavailable &&
                         before.status != CellStatus::kNotRun;
    if (failing) comparison.rows.push_back(std::move(*failing));
    const char* memory_metric = memory_metric_for(baseline, current, before, [&](bool only_in_baseline) {
      bool asked = std::find(options.metrics.begin(), options.metrics.end(), "memory") != options.metrics.end();
      if (asked && both_measured)
        comparison.unmatched.push_back(label(before) + " memory: the whole target's peak measured only in " +
                                       (only_in_baseline ? baseline_name : current_name) +
                                       " (memory rounds); compared the workload's own peak");
    });
    for (const std::string& metric : options.metrics) {
      std::vector<double> old_samples =
          samples(baseline, before.target, before.workload, before.concurrency, metric, memory_metric);
      std::vector<double> new_samples =
          samples(current, before.target, before.workload, before.concurrency, metric, memory_metric);
      if (old_samples.empty() != new_samples.empty() && both_measured)
        comparison.unmatched.push_back(label(before) + " " + metric + ": measured only in " +
                                       (old_samples.empty() ? current_name : baseline_name));
      if (old_samples.empty() || new_samples.empty()) continue;  // not measured on one side (e.g. startup of --cmd)
      MetricComparison row = compare_samples(old_samples, new_samples, options.threshold_for(metric), options);
      row.target = before.target;
      row.workload = before.workload;
      row.concurrency = before.concurrency;
      row.metric = metric;
      row.unit = metric == "memory" ? "KiB" : "ms";
      comparison.rows.push_back(std::move(row));
    }
  }
  for (const CellSummary& after : current.cells) {
    const CellSummary* before = find_cell(baseline, after.target, after.workload, after.concurrency);
    bool measured_now = after.status == CellStatus::kMeasured || after.status == CellStatus::kPartlyFailed;
    if (!before)
      comparison.unmatched.push_back(label(after) + ": only in " + current_name);
    else if (measured_now && (before->status == CellStatus::kUnavailable || before->status == CellStatus::kNotRun))
      comparison.unmatched.push_back(label(after) + ": measured only in " + current_name + " (" +
                                     cell_status_name(before->status) + " in " + baseline_name + ")");
  }
  std::stable_sort(comparison.rows.begin(), comparison.rows.end(),
                   [](const MetricComparison& x, const MetricComparison& y) {
                     return std::tuple(x.target, x.workload, x.concurrency, metric_rank(x.metric)) <
                            std::tuple(y.target, y.workload, y.concurrency, metric_rank(y.metric));
                   });
  return comparison;
}

}  // namespace isobench::reports
