// `isobench report --format csv`: one row per cell and metric.
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
      "target,workload,concurrency,metric,count,failures,median,ci95_low,ci95_high,mean,stddev,min,max,p90,p99,"
      "ratio_vs_bare\n";
  for (const CellSummary& cell : model.cells)
    for (const MetricSummary& metric : cell.metrics) {
      const bench::Summary& s = metric.summary;
      out += field(cell.target) + "," + field(cell.workload) + "," + std::to_string(cell.concurrency) + "," +
             metric.metric + "," + std::to_string(s.count) + "," + std::to_string(cell.failures) + "," +
             number(s.median) + "," + number(metric.median_ci.low) + "," + number(metric.median_ci.high) + "," +
             number(s.mean) + "," + number(s.stddev) + "," + number(s.min) + "," + number(s.max) + "," + number(s.p90) +
             "," + number(s.p99) + "," + number(metric.ratio_vs_bare) + "\n";
    }
  return out;
}

}  // namespace isobench::reports
