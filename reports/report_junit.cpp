// `isobench report --format junit`: for CI systems that chart test results. One test case
// per cell and gated metric (startup, wall, cpu, memory: the metrics `compare` gates on). A
// case fails when runs of its cell failed (with their errors), is skipped when its target
// could not run here, the benchmark was interrupted before it, or the metric is not measured
// for it; it carries the median as its time when the metric is a time, and the figures as
// text. Regressions against a baseline are `compare --format junit`'s job.
#include <cmath>

#include "common/time_units.h"
#include "reports/junit_xml.h"
#include "reports/number_text.h"
#include "reports/report_formats.h"

namespace isobench::reports {

std::string render_report_junit(const ReportModel& model) {
  constexpr const char* kGated[] = {"startup_ms", "wall_ms", "cpu_ms", "tree_peak_kib"};
  std::vector<JunitCase> cases;
  for (const CellSummary& cell : model.cells) {
    std::string errors;
    for (const CellError& error : cell.errors)
      errors += (errors.empty() ? "" : "; ") + error.text + (error.runs > 1 ? " (x" + std::to_string(error.runs) + ")" : "");
    for (const char* metric_name : kGated) {
      JunitCase test;
      test.classname = "isobench." + target_label(model, cell.target);
      test.name = cell.workload + (cell.concurrency > 1 ? " x" + std::to_string(cell.concurrency) : "") + " " +
                  metric_name;
      const MetricSummary* metric = cell.find(metric_name);
      if (metric) {
        if (std::string(metric_name).ends_with("_ms")) test.seconds = ms_to_s(metric->summary.median);
        test.detail = std::string(metric_name) + ": median " + figure_text(metric_name, metric->summary.median) + " " +
                      metric_display_unit(metric_name) + " (95% CI " + figure_text(metric_name, metric->median_ci.low) +
                      "-" + figure_text(metric_name, metric->median_ci.high) + "), p90 " +
                      figure_text(metric_name, metric->summary.p90) + ", " + std::to_string(metric->summary.count) +
                      " runs, " + number_text("%.2fx", metric->ratio_vs_bare) + " bare";
      }
      switch (cell.status) {
        case CellStatus::kUnavailable:
          test.outcome = JunitCase::Outcome::kSkipped;
          test.message = "target not available here";
          test.detail = errors;
          break;
        case CellStatus::kNotRun:
          test.outcome = JunitCase::Outcome::kSkipped;
          test.message = "not run: the benchmark was interrupted";
          break;
        case CellStatus::kFailed:
        case CellStatus::kPartlyFailed:
          test.outcome = JunitCase::Outcome::kFailed;
          test.message = cell.failures > 0 ? std::to_string(cell.failures) + " of " + std::to_string(cell.runs) +
                                                 " runs failed"
                                           : "memory runs failed";
          test.detail = errors + (test.detail.empty() ? "" : "\n" + test.detail);
          break;
        case CellStatus::kMeasured:
          if (!metric) {
            test.outcome = JunitCase::Outcome::kSkipped;
            test.message = "not measured for this target or workload";
          }
      }
      cases.push_back(std::move(test));
    }
  }
  return render_junit("isobench report", cases);
}

}  // namespace isobench::reports
