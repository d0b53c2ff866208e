// `isobench report --format csv`: one row per cell and metric, with the metric's unit (ms,
// KiB: raw figures, for spreadsheets), and one row for each cell that has no figures (failed,
// unavailable, not run) with its error.
#include <cmath>
#include <cstdio>

#include "reports/report_formats.h"

namespace isobench::reports {
namespace {

std::string number(double value) {
  if (!std::isfinite(value)) return "";
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

/// RFC 4180: quoted when it holds a comma, a quote or a line break.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string render_report_csv(const ReportModel& model) {
  std::string out =
      "target,workload,concurrency,status,metric,unit,count,runs,failures,median,ci95_low,ci95_high,mean,stddev,min,"
      "max,p90,p99,ratio_vs_bare,error\n";
  for (const CellSummary& cell : model.cells) {
    std::string error;
    for (const CellError& problem : cell.errors)
      error += (error.empty() ? "" : "; ") + problem.text + (problem.runs > 1 ? " (x" + std::to_string(problem.runs) + ")" : "");
    std::string head = field(cell.target) + "," + field(cell.workload) + "," + std::to_string(cell.concurrency) + "," +
                       cell_status_name(cell.status) + ",";
    std::string counts = std::to_string(cell.runs) + "," + std::to_string(cell.failures) + ",";
    // A cell without figures is still a row: its error says why.
    if (cell.metrics.empty()) out += head + ",,0," + counts + ",,,,,,,,,," + field(error) + "\n";
    for (const MetricSummary& metric : cell.metrics) {
      const bench::Summary& s = metric.summary;
      out += head + metric.metric + "," + metric_unit(metric.metric) + "," + std::to_string(s.count) + "," + counts +
             number(s.median) + "," + number(metric.median_ci.low) + "," + number(metric.median_ci.high) + "," +
             number(s.mean) + "," + number(s.stddev) + "," + number(s.min) + "," + number(s.max) + "," +
             number(s.p90) + "," + number(s.p99) + "," + number(metric.ratio_vs_bare) + "," + field(error) + "\n";
    }
  }
  return out;
}

}  // namespace isobench::reports
