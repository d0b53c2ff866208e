// What `isobench report` renders: one or more results files of the same scenario, merged,
// summarised per cell, with the probes' per-cell medians and the containers-versus-VMs
// summary. Every format renders this model (one pure renderer per format).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/run_record.h"
#include "reports/cell_summary.h"
#include "reports/price_list.h"
#include "reports/results_reader.h"

namespace isobench::reports {

enum class Language { kEnglish, kKorean };

/// One ratio in the containers-versus-VMs summary: how many times the VM's median is the
/// container's, with its bootstrap 95% interval.
/// Below this many runs on either side a summary ratio has no confidence interval.
inline constexpr size_t kMinimumRunsForInterval = 3;

struct SummaryRatio {
  std::string metric;  ///< startup_ms, tree_peak_kib or workload_peak_kib, cpu_ms
  std::string workload;
  double ratio = NAN;
  bench::Interval ci{NAN, NAN};  ///< NaN when either side has fewer than kMinimumRunsForInterval runs
};

struct ReportModel {
  std::vector<std::string> sources;  ///< the files, in order
  nlohmann::json environment;        ///< of the first file
  bench::BenchmarkResults results;   ///< every run of every file
  std::vector<CellSummary> cells;
  /// "target|workload|concurrency" -> the probes' medians (summaries[].probes.medians)
  std::map<std::string, nlohmann::json> probe_medians;
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
/// naming both files) and summarises them.
Result<ReportModel> build_report_model(const std::vector<LoadedResults>& files);

/// The plain-words summary at the top of every report, in `language`.
std::vector<std::string> summary_sentences(const ReportModel& model, Language language);

/// The median of one startup phase ("namespaces") in a cell's probe medians, NaN when absent.
double phase_median(const nlohmann::json& medians, const std::string& phase);

/// Whether the VM figures come from TCG (software emulation) rather than KVM.
bool vm_is_emulated(const ReportModel& model);

/// The cells of one row of a metric's table, formatted: target, workload, concurrency, runs,
/// median, "low-high" 95% CI, p90, "N.NNx" vs bare.
std::vector<std::string> metric_table_row(const CellSummary& cell, const MetricSummary& metric);

/// The scenario's first concurrency level (1 when none is given): where the summaries,
/// charts and ratios compare targets.
int first_concurrency(const ReportModel& model);

/// The cell of target x workload x concurrency, or null when it has no runs.
const CellSummary* find_cell(const ReportModel& model, const std::string& target, const std::string& workload,
                             int concurrency);

/// The key for probe_medians.
std::string cell_key(const std::string& target, const std::string& workload, int concurrency);

}  // namespace isobench::reports
