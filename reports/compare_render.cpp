#include "reports/compare_render.h"
#include "common/time_units.h"
#include "reports/junit_xml.h"
#include "reports/number_text.h"
#include "reports/report_model.h"

#include <cmath>
#include <cstdio>

namespace isobench::reports {
namespace {

std::string cell(const MetricComparison& row) {
  return row.target + " " + row.workload + (row.concurrency > 1 ? " x" + std::to_string(row.concurrency) : "");
}

/// A median as people read it: memory in MiB, times with the digits that matter.
std::string median_text(const MetricComparison& row, double value) {
  if (row.metric == "runs") return std::isfinite(value) ? number_text("%.0f", value) + " failed" : "-";
  return figure_text(row.metric == "memory" ? "memory_kib" : "time_ms", value) + (row.metric == "memory" ? " MiB" : " ms");
}

std::string p_text(double p) {
  if (std::isfinite(p) && p < 0.0001) return "<0.0001";
  return number_text("%.4f", p);
}

std::string change_text(const MetricComparison& row) {
  return row.metric == "runs" ? "-" : number_text("%+.1f%%", row.change * 100);
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
  std::snprintf(line, sizeof line, "%-34s %-8s %12s %12s %9s %8s  %-17s  %s\n", "cell", "metric", "baseline",
                "current", "change", "p", "verdict", "why");
  out += line;
  for (const MetricComparison& row : comparison.rows) {
    std::snprintf(line, sizeof line, "%-34s %-8s %12s %12s %9s %8s  %-17s  %s\n", cell(row).c_str(), row.metric.c_str(),
                  median_text(row, row.baseline_median).c_str(), median_text(row, row.current_median).c_str(),
                  change_text(row).c_str(), p_text(row.p_value).c_str(), verdict_name(row.verdict),
                  row.reason.c_str());
    out += line;
  }
  out += totals(comparison) + "\n";
  for (const std::string& warning : comparison.environment_warnings) out += "warning: " + warning + "\n";
  for (const std::string& cell : comparison.unmatched) out += "not compared: " + cell + "\n";
  return out;
}

std::string render_compare_markdown(const Comparison& comparison) {
  std::string out = "### isobench compare: " + totals(comparison) + "\n\n";
  out += "| cell | metric | baseline | current | change | p | verdict | why |\n|---|---|---:|---:|---:|---:|---|---|\n";
  for (const MetricComparison& row : comparison.rows) {
    std::string verdict = verdict_name(row.verdict);
    if (row.verdict == Verdict::kRegressed) verdict = "**" + verdict + "**";
    out += "| " + cell(row) + " | " + row.metric + " | " + median_text(row, row.baseline_median) + " | " +
           median_text(row, row.current_median) + " | " + change_text(row) + " | " +
           p_text(row.p_value) + " | " + verdict + " | " + row.reason + " |\n";
  }
  if (!comparison.environment_warnings.empty()) {
    out += "\n";
    for (const std::string& warning : comparison.environment_warnings) out += "> warning: " + warning + "\n";
  }
  for (const std::string& cell : comparison.unmatched) out += "\nnot compared: " + cell + "\n";
  return out;
}

std::string render_compare_junit(const Comparison& comparison) {
  std::vector<JunitCase> cases;
  for (const MetricComparison& row : comparison.rows) {
    JunitCase test;
    test.classname = "isobench." + row.target;
    test.name = cell(row) + " " + row.metric;
    if (row.unit == "ms") test.seconds = ms_to_s(row.current_median);
    test.detail = row.metric + ": " + median_text(row, row.baseline_median) + " -> " +
                  median_text(row, row.current_median) + " (" + change_text(row) +
                  ", p=" + p_text(row.p_value) + "): " + row.reason;
    if (row.verdict == Verdict::kRegressed) {
      test.outcome = JunitCase::Outcome::kFailed;
      test.message = "regressed";
    } else if (row.verdict == Verdict::kTooNoisy) {
      test.outcome = JunitCase::Outcome::kSkipped;
      test.message = "too noisy to tell";
    }
    cases.push_back(std::move(test));
  }
  // What was not compared is a skipped case: a CI's test list does not lose a cell silently.
  for (const std::string& line : comparison.unmatched) {
    size_t colon = line.find(": ");
    JunitCase test;
    test.name = line.substr(0, colon);
    test.classname = "isobench." + test.name.substr(0, test.name.find(' '));
    test.outcome = JunitCase::Outcome::kSkipped;
    test.message = "not compared" + (colon == std::string::npos ? "" : ": " + line.substr(colon + 2));
    cases.push_back(std::move(test));
  }
  return render_junit("isobench compare", cases);
}

}  // namespace isobench::reports
