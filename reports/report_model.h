// What `isobench report` renders: one or more results files of the same scenario, merged,
// summarised per cell, with the probes' per-cell medians and the containers-versus-VMs
// summary. Every format renders this model (one pure renderer per format).
#pragma once

#include <string>
#include <vector>

#include "bench/harness/run_record.h"
#include "reports/cell_summary.h"
#include "reports/price_list.h"
#include "reports/results_document.h"

namespace isobench::reports {

enum class Language { kEnglish, kKorean };

/// One ratio in the containers-versus-VMs summary: how many times the VM's median is the
/// container's, with its bootstrap 95% interval.
/// Below this many runs on either side a summary ratio has no confidence interval.
inline constexpr size_t kMinimumRunsForInterval = 3;

struct SummaryRatio {
  std::string metric;  ///< startup_ms, tree_peak_kib (whole with whole), overhead_kib (overhead with overhead), cpu_ms
  std::string workload;
  double ratio = NAN;
  bench::Interval ci{NAN, NAN};  ///< NaN when either side has fewer than kMinimumRunsForInterval runs
  double numerator = NAN;        ///< the two medians: the VM's (or the container's) and the other side's
  double denominator = NAN;
};

struct ReportModel {
  std::vector<std::string> sources;  ///< the files, in order
  bench::Environment environment;    ///< of the first file
  RunSettings settings;              ///< of the first file
  bench::BenchmarkResults results;   ///< every run of every file; interrupted when any was
  /// Every cell, the failed, unavailable and unrun ones included (summarize_cells).
  std::vector<CellSummary> cells;
  /// Files merged from different environments: what differs from the first file's (the
  /// environment the report shows); every format that shows the environment says so.
  std::vector<std::string> environment_warnings;
  std::string container_target;  ///< "isobench" when present, else another container target
  std::string vm_target;         ///< "vm" when present
  std::vector<SummaryRatio> vm_vs_container;
  std::vector<SummaryRatio> container_vs_bare;  ///< cpu_ms overhead, on the cpu workload
  /// The mechanism price list of the first file that carries one (bench --price-list).
  std::vector<PriceEntry> price_list;
  std::string price_list_source;
  /// Why a run that wanted a price list has none (the results' "price_list_error").
  std::string price_list_problem;
};

/// Merges `files` (all of one scenario: the same workloads and concurrency, else an error
/// naming both files) and summarises them. Reads nothing but the typed documents.
Result<ReportModel> build_report_model(const std::vector<ResultsDocument>& files);

/// What differs between two environments that makes their figures not comparable as they
/// are (kernel, CPU, cores, cgroup mode, KVM, isobench version), one line each naming both.
std::vector<std::string> environment_differences(const bench::Environment& a, const std::string& a_name,
                                                 const bench::Environment& b, const std::string& b_name);

/// One labelled line of a report's settings and environment section ("runs", "10").
struct Fact {
  std::string label;
  std::string value;
};

/// What every report shows about how and where it was measured, in `language`: runs,
/// warmup and memory runs with where each setting came from, the exact command, each
/// target's version and notes (skip reasons of the unavailable ones), KVM as the run used
/// it, the host, and the sources. Values in human units (GiB, not bytes).
std::vector<Fact> run_facts(const ReportModel& model, Language language);

/// The cells that did not measure in full (failed, partly failed, unavailable, not run),
/// one line each with the error, in `language`: what every format lists.
std::vector<std::string> cell_problems(const ReportModel& model, Language language);

/// The plain-words summary at the top of every report, in `language`.
std::vector<std::string> summary_sentences(const ReportModel& model, Language language);

/// The median of one startup phase ("namespaces") in a cell's probes, NaN when absent.
double phase_median(const CellSummary& cell, const std::string& phase);

/// Whether the VM figures come from TCG (software emulation) rather than KVM.
bool vm_is_emulated(const ReportModel& model);

/// A target's name as tables show it: a VM that ran under TCG is marked "vm (TCG)".
std::string target_label(const ReportModel& model, const std::string& target);

/// The cells of one row of a metric's table, formatted: target (with the TCG mark),
/// workload, concurrency, runs, median, "low-high" 95% CI, p90, "N.NNx" vs bare; memory in
/// MiB, times with the digits that matter.
std::vector<std::string> metric_table_row(const ReportModel& model, const CellSummary& cell,
                                          const MetricSummary& metric);

/// A metric's figure in the unit its table shows (metric_display_unit): ms as they are,
/// KiB as MiB; three significant digits, no trailing ".000".
std::string figure_text(const std::string& metric, double value);
/// "ms" or "MiB".
const char* metric_display_unit(const std::string& metric);

/// The scenario's first concurrency level (1 when none is given): where the summaries,
/// charts and ratios compare targets.
int first_concurrency(const ReportModel& model);

/// The cell of target x workload x concurrency, or null when there is none.
const CellSummary* find_cell(const ReportModel& model, const std::string& target, const std::string& workload,
                             int concurrency);

}  // namespace isobench::reports
