// `isobench compare`: each target x workload x concurrency x metric of a baseline against the
// current results, with a two-sided Mann-Whitney U test on the raw runs and a verdict. Pure:
// results in, comparison out; rendering is in compare_render.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "reports/report_model.h"

namespace isobench::reports {

enum class Verdict { kImproved, kRegressed, kUnchanged, kTooNoisy };
const char* verdict_name(Verdict verdict);

/// The metrics compare knows: startup, wall, cpu, memory (all: higher is worse).
const std::vector<std::string>& comparable_metrics();

struct CompareOptions {
  std::vector<std::string> metrics = comparable_metrics();
  double alpha = 0.05;
  double threshold = 0.05;                   ///< relative change that matters, for every metric...
  std::map<std::string, double> thresholds;  ///< ...unless set per metric here
  size_t min_samples = 5;                    ///< fewer runs on either side: too noisy to tell
  double max_spread = 0.25;                  ///< MAD / median above this on either side: noisy
  /// A cell of the baseline that the current results lack (a target dropped or renamed, a
  /// workload removed) is a regression unless the scenario changed on purpose.
  bool allow_missing = false;

  double threshold_for(const std::string& metric) const;
};

/// One grammar everywhere: a number is percent, with or without its "%" ("5" and "5%" both
/// mean 5%); "startup=10,memory=3%" sets per-metric values. Anything else, unknown metrics,
/// and values outside (0%, 1000%) are errors that say so.
Status parse_thresholds(const std::string& text, CompareOptions& options);
/// "startup,cpu": each must be a comparable metric.
Result<std::vector<std::string>> parse_metrics(const std::string& text);

struct MetricComparison {
  std::string target;
  std::string workload;
  int concurrency = 1;
  std::string metric;  ///< startup, wall, cpu, memory, or "runs" for a cell that started failing
  std::string unit;    ///< ms or KiB
  size_t baseline_runs = 0;
  size_t current_runs = 0;
  double baseline_median = 0;
  double current_median = 0;
  double change = 0;  ///< (current - baseline) / baseline
  double p_value = 1;
  double threshold = 0;
  Verdict verdict = Verdict::kUnchanged;
  std::string reason;  ///< why, in a few words
};

struct Comparison {
  std::vector<MetricComparison> rows;
  std::vector<std::string> environment_warnings;  ///< kernel, CPU, cgroup mode... differ
  std::vector<std::string> unmatched;             ///< cells only one side has
  bool any_regressed() const;
  /// Rows that could not be judged because a side had fewer than min_samples runs: the gate
  /// says so out loud, since it cannot fail on them.
  size_t too_few_runs() const;
};

/// Every cell and metric both sides measured (successful runs only; memory from the memory
/// rounds' tree_peak_kib when both sides have them, else the workload's own peak on both), in
/// a stable order: target, workload, concurrency, metric. A cell whose runs or memory runs
/// fail in `current` more than in `baseline`, whose target cannot run any more, or that an
/// interruption of `current` left unrun or cut short, is a "runs" row judged regressed. A
/// metric only one side of a measured cell has is listed in `unmatched`.
Comparison compare_results(const ReportModel& baseline, const ReportModel& current, const CompareOptions& options);

/// The verdict for two sets of samples of one metric (exposed for tests).
MetricComparison compare_samples(const std::vector<double>& baseline, const std::vector<double>& current,
                                 double threshold, const CompareOptions& options);

}  // namespace isobench::reports
