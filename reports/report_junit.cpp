// `isobench report --format junit`: for CI systems that chart test results. One test case
// per cell and gated metric (startup, wall, cpu, memory: the metrics `compare` gates on);
// a case fails when runs of its cell failed, is skipped when the metric was not measured,
// and carries the median (in seconds for times, as JUnit's time attribute expects) and its
// 95% interval. Regressions against a baseline are `compare --format junit`'s job.
#include <cmath>

#include "reports/markup_escape.h"
#include "reports/number_text.h"
#include "reports/report_formats.h"

namespace isobench::reports {

std::string render_report_junit(const ReportModel& model) {
  constexpr const char* kGated[] = {"startup_ms", "wall_ms", "cpu_ms", "tree_peak_kib"};
  std::string cases;
  int tests = 0, failures = 0, skipped = 0;
  for (const CellSummary& cell : model.cells)
    for (const char* metric_name : kGated) {
      ++tests;
      const MetricSummary* metric = cell.find(metric_name);
      std::string name =
          cell.workload + (cell.concurrency > 1 ? " x" + std::to_string(cell.concurrency) : "") + " " + metric_name;
      bool is_time = std::string(metric_name).ends_with("_ms");
      double seconds = metric && is_time ? metric->summary.median / 1e3 : 0;
      cases += "    <testcase classname=\"isobench." + escape_markup(cell.target) + "\" name=\"" + escape_markup(name) +
               "\" time=\"" + number_text("%.6f", std::isfinite(seconds) ? seconds : 0) + "\">\n";
      if (!metric) {
        ++skipped;
        cases += "      <skipped message=\"not measured\"/>\n";
      } else {
        std::string detail = std::string(metric_name) + ": median " + number_text("%.3f", metric->summary.median) +
                             " (95% CI " + number_text("%.3f", metric->median_ci.low) + "-" +
                             number_text("%.3f", metric->median_ci.high) + "), p90 " +
                             number_text("%.3f", metric->summary.p90) + ", " + std::to_string(metric->summary.count) +
                             " runs, " + number_text("%.2fx", metric->ratio_vs_bare) + " bare";
        if (cell.failures > 0) {
          ++failures;
          cases += "      <failure message=\"" + std::to_string(cell.failures) + " of " + std::to_string(cell.runs) +
                   " runs failed\">" + escape_markup(detail) + "</failure>\n";
        } else {
          cases += "      <system-out>" + escape_markup(detail) + "</system-out>\n";
        }
      }
      cases += "    </testcase>\n";
    }
  std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                       "\" skipped=\"" + std::to_string(skipped) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"isobench report\"" + counts +
         ">\n  <testsuite name=\"isobench.report\"" + counts + ">\n" + cases + "  </testsuite>\n</testsuites>\n";
}

}  // namespace isobench::reports
