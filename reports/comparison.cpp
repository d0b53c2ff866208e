#include "reports/comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <tuple>

#include "bench/statistics.h"
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

Result<double> parse_fraction(const std::string& text) {
  if (text.empty()) return plain_error("empty threshold");
  bool percent = text.back() == '%';
  std::string number = percent ? text.substr(0, text.size() - 1) : text;
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !std::isfinite(value))
    return plain_error("threshold '" + text + "' is not a number (e.g. 5%)");
  if (percent) value /= 100;
  if (value <= 0 || value >= 10) return plain_error("threshold '" + text + "' must be above 0% and below 1000%");
  return value;
}

bool known_metric(const std::string& name) {
  const auto& metrics = comparable_metrics();
  return std::find(metrics.begin(), metrics.end(), name) != metrics.end();
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

/// The raw samples of `metric` for one cell: successful runs, and for memory the memory
/// rounds' tree peak when there are any, else the workload's own peak.
std::vector<double> samples(const LoadedResults& file, const std::string& target, const std::string& workload,
                            int concurrency, const std::string& metric) {
  auto of = [&](const char* name) { return metric_samples(file.results, target, workload, concurrency, name); };
  if (metric == "startup") return of("startup_ms");
  if (metric == "wall") return of("wall_ms");
  if (metric == "cpu") return of("cpu_ms");
  std::vector<double> tree = of("tree_peak_kib");
  return tree.empty() ? of("workload_peak_kib") : tree;
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
  for (const std::string& part : split(text)) {
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
  for (const std::string& name : split(text)) {
    if (!known_metric(name))
      return plain_error("unknown metric '" + name + "' in --metrics (known: startup, wall, cpu, memory)");
    if (std::find(metrics.begin(), metrics.end(), name) == metrics.end()) metrics.push_back(name);
  }
  return metrics;
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
  row.change = row.baseline_median > 0 ? (row.current_median - row.baseline_median) / row.baseline_median : 0;
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
    row.reason = percent(row.change) + " beyond the " + percent(threshold) + " threshold, p < alpha";
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

Comparison compare_results(const LoadedResults& baseline, const LoadedResults& current, const CompareOptions& options) {
  Comparison comparison;
  for (const char* key : {"kernel", "cpu_model", "cores", "cgroup_mode", "kvm", "isobench_version"}) {
    auto a = baseline.environment.find(key), b = current.environment.find(key);
    if (a == baseline.environment.end() || b == current.environment.end() || *a == *b) continue;
    comparison.environment_warnings.push_back(std::string(key) + " differs: " + a->dump() + " in " + baseline.name +
                                              ", " + b->dump() + " in " + current.name);
  }
  using Cell = std::tuple<std::string, std::string, int>;
  auto cells_of = [](const LoadedResults& results) {
    std::vector<Cell> cells;
    for (const bench::RunRecord& run : results.results.records) {
      Cell cell{run.target, run.workload, run.concurrency};
      if (std::find(cells.begin(), cells.end(), cell) == cells.end()) cells.push_back(cell);
    }
    return cells;
  };
  auto label = [](const Cell& cell) {
    return std::get<0>(cell) + " " + std::get<1>(cell) + " x" + std::to_string(std::get<2>(cell));
  };
  std::vector<Cell> current_cells = cells_of(current);
  for (const Cell& cell : cells_of(baseline)) {
    const auto& [target, workload, concurrency] = cell;
    if (std::find(current_cells.begin(), current_cells.end(), cell) == current_cells.end()) {
      comparison.unmatched.push_back(label(cell) + ": only in " + baseline.name);
      continue;
    }
    for (const std::string& metric : options.metrics) {
      std::vector<double> before = samples(baseline, target, workload, concurrency, metric);
      std::vector<double> after = samples(current, target, workload, concurrency, metric);
      if (before.empty() || after.empty()) continue;  // not measured on one side (e.g. startup of --cmd)
      MetricComparison row = compare_samples(before, after, options.threshold_for(metric), options);
      row.target = target;
      row.workload = workload;
      row.concurrency = concurrency;
      row.metric = metric;
      row.unit = metric == "memory" ? "KiB" : "ms";
      comparison.rows.push_back(std::move(row));
    }
  }
  std::vector<Cell> baseline_cells = cells_of(baseline);
  for (const Cell& cell : current_cells)
    if (std::find(baseline_cells.begin(), baseline_cells.end(), cell) == baseline_cells.end())
      comparison.unmatched.push_back(label(cell) + ": only in " + current.name);
  return comparison;
}

}  // namespace isobench::reports
