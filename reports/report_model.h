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
#include "reports/results_reader.h"

namespace isobench::reports {

enum class Language { kEnglish, kKorean };

/// One ratio in the containers-versus-VMs summary: how many times the VM's median is the
/// container's, with its bootstrap 95% interval.
struct SummaryRatio {
  std::string metric;  ///< startup_ms, tree_peak_kib or workload_peak_kib, cpu_ms
  std::string workload;
  double ratio = NAN;
  bench::Interval ci{NAN, NAN};
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
};

/// Merges `files` (all of one scenario: the same workloads and concurrency, else an error
/// naming both files) and summarises them.
Result<ReportModel> build_report_model(const std::vector<LoadedResults>& files);

/// The plain-words summary at the top of every report, in `language`.
std::vector<std::string> summary_sentences(const ReportModel& model, Language language);

/// The key for probe_medians.
std::string cell_key(const std::string& target, const std::string& workload, int concurrency);

}  // namespace isobench::reports
