#include "reports/terminal_table.h"

#include <cmath>
#include <cstdio>

namespace isobench::reports {
namespace {

std::string format(const char* pattern, double value) {
  if (!std::isfinite(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string median_text(const CellSummary& cell, const std::string& metric, const char* pattern = "%.3f") {
  const MetricSummary* summary = cell.find(metric);
  return summary ? format(pattern, summary->summary.median) : "-";
}

std::string ratio_text(const CellSummary& cell, const std::string& metric) {
  const MetricSummary* summary = cell.find(metric);
  return summary ? format("%.2fx", summary->ratio_vs_bare) : "-";
}

}  // namespace

std::string render_terminal_table(const bench::BenchmarkResults& results, const std::vector<CellSummary>& cells) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-22s %-22s %4s %11s %8s %11s %8s %10s %9s %9s %6s\n", "target", "workload", "conc",
                "startup ms", "vs bare", "wall ms", "vs bare", "cpu ms", "wl KiB", "tree KiB", "fails");
  out += line;
  for (const CellSummary& cell : cells) {
    std::snprintf(line, sizeof line, "%-22s %-22s %4d %11s %8s %11s %8s %10s %9s %9s %3d/%-3d\n", cell.target.c_str(),
                  cell.workload.c_str(), cell.concurrency, median_text(cell, "startup_ms").c_str(),
                  ratio_text(cell, "startup_ms").c_str(), median_text(cell, "wall_ms").c_str(),
                  ratio_text(cell, "wall_ms").c_str(), median_text(cell, "cpu_ms").c_str(),
                  median_text(cell, "workload_peak_kib", "%.0f").c_str(),
                  median_text(cell, "tree_peak_kib", "%.0f").c_str(), cell.failures, cell.runs);
    out += line;
  }
  out +=
      "medians of successful runs; startup = launch to the workload's first instruction (handshake); "
      "cpu = user+system of the target's whole process tree (rusage); wl = the workload's VmHWM;\n"
      "tree = peak memory charged to the target's processes in a measuring cgroup (untimed extra runs; anonymous "
      "and newly cached pages, not shared file pages; includes the "
      "workload for bare and bwrap, which make no cgroup of their own)\n";
  for (const bench::TargetInfo& target : results.targets)
    if (!target.available) out += "skipped " + target.name + ": " + target.detail + "\n";
  for (const CellSummary& cell : cells)
    for (const MetricSummary& metric : cell.metrics)
      for (const std::string& warning : metric.warnings)
        if (metric.metric == "wall_ms") out += "warning: " + cell.target + " " + cell.workload + ": " + warning + "\n";
  return out;
}

}  // namespace isobench::reports
