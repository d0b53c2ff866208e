#include "reports/compare_render.h"
#include "reports/markup_escape.h"
#include "reports/number_text.h"

#include <cmath>
#include <cstdio>

namespace isobench::reports {
namespace {

std::string cell(const MetricComparison& row) {
  return row.target + " " + row.workload + (row.concurrency > 1 ? " x" + std::to_string(row.concurrency) : "");
}

std::string p_text(double p) {
  if (std::isfinite(p) && p < 0.0001) return "<0.0001";
  return number_text("%.4f", p);
}

std::string change_text(const MetricComparison& row) {
  return number_text("%+.1f%%", row.change * 100);
}

size_t count(const Comparison& comparison, Verdict verdict) {
  size_t n = 0;
  for (const MetricComparison& row : comparison.rows) n += row.verdict == verdict ? 1 : 0;
  return n;
}

std::string totals(const Comparison& comparison) {
  return std::to_string(count(comparison, Verdict::kRegressed)) + " regressed, " +
         std::to_string(count(comparison, Verdict::kImproved)) + " improved, " +
         std::to_string(count(comparison, Verdict::kUnchanged)) + " unchanged, " +
         std::to_string(count(comparison, Verdict::kTooNoisy)) + " too noisy to tell";
}

}  // namespace

std::string render_compare_table(const Comparison& comparison) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-34s %-8s %12s %12s %9s %8s  %s\n", "cell", "metric", "baseline", "current",
                "change", "p", "verdict");
  out += line;
  for (const MetricComparison& row : comparison.rows) {
    std::snprintf(line, sizeof line, "%-34s %-8s %9s %-3s %9s %-3s %8s %8s  %s\n", cell(row).c_str(),
                  row.metric.c_str(), number_text("%.3f", row.baseline_median).c_str(), row.unit.c_str(),
                  number_text("%.3f", row.current_median).c_str(), row.unit.c_str(), change_text(row).c_str(),
                  p_text(row.p_value).c_str(), verdict_name(row.verdict));
    out += line;
  }
  out += totals(comparison) + "\n";
  for (const std::string& warning : comparison.environment_warnings) out += "warning: " + warning + "\n";
  for (const std::string& cell : comparison.unmatched) out += "not compared: " + cell + "\n";
  return out;
}

std::string render_compare_markdown(const Comparison& comparison) {
  std::string out = "### isobench compare: " + totals(comparison) + "\n\n";
  out += "| cell | metric | baseline | current | change | p | verdict |\n|---|---|---|---|---|---|---|\n";
  for (const MetricComparison& row : comparison.rows) {
    std::string verdict = verdict_name(row.verdict);
    if (row.verdict == Verdict::kRegressed) verdict = "**" + verdict + "**";
    out += "| " + cell(row) + " | " + row.metric + " | " + number_text("%.3f", row.baseline_median) + " " + row.unit +
           " | " + number_text("%.3f", row.current_median) + " " + row.unit + " | " + change_text(row) + " | " +
           p_text(row.p_value) + " | " + verdict + " |\n";
  }
  if (!comparison.environment_warnings.empty()) {
    out += "\n";
    for (const std::string& warning : comparison.environment_warnings) out += "> warning: " + warning + "\n";
  }
  for (const std::string& cell : comparison.unmatched) out += "\nnot compared: " + cell + "\n";
  return out;
}

std::string render_compare_junit(const Comparison& comparison) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"isobench compare\" tests=\"" + std::to_string(comparison.rows.size()) + "\" failures=\"" +
         std::to_string(count(comparison, Verdict::kRegressed)) + "\">\n";
  out += "  <testsuite name=\"isobench.compare\" tests=\"" + std::to_string(comparison.rows.size()) + "\" failures=\"" +
         std::to_string(count(comparison, Verdict::kRegressed)) + "\" skipped=\"" +
         std::to_string(count(comparison, Verdict::kTooNoisy)) + "\">\n";
  for (const MetricComparison& row : comparison.rows) {
    std::string name = escape_markup(cell(row) + " " + row.metric);
    out += "    <testcase classname=\"isobench." + escape_markup(row.target) + "\" name=\"" + name + "\">\n";
    std::string detail = escape_markup(row.metric + ": " + number_text("%.3f", row.baseline_median) + " -> " +
                                       number_text("%.3f", row.current_median) + " " + row.unit + " (" +
                                       change_text(row) + ", p=" + p_text(row.p_value) + "): " + row.reason);
    if (row.verdict == Verdict::kRegressed)
      out += "      <failure message=\"regressed\">" + detail + "</failure>\n";
    else if (row.verdict == Verdict::kTooNoisy)
      out += "      <skipped message=\"too noisy to tell\">" + detail + "</skipped>\n";
    else
      out += "      <system-out>" + detail + "</system-out>\n";
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace isobench::reports
