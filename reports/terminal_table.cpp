#include "reports/terminal_table.h"
#include "reports/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace isobench::reports {
namespace {

std::string median_text(const CellSummary& cell, const std::string& metric) {
  const MetricSummary* summary = cell.find(metric);
  return summary ? figure_text(metric, summary->summary.median) : "-";
}

std::string ratio_text(const CellSummary& cell, const std::string& metric) {
  const MetricSummary* summary = cell.find(metric);
  return summary ? number_text("%.2fx", summary->ratio_vs_bare) : "-";
}

}  // namespace

std::string render_terminal_table(const ReportModel& model) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-22s %-22s %4s %11s %8s %11s %8s %10s %9s %9s %9s %7s\n", "target", "workload",
                "conc", "startup ms", "vs bare", "wall ms", "vs bare", "cpu ms", "wl MiB", "whole MiB", "ovh MiB",
                "fails");
  out += line;
  for (const CellSummary& cell : model.cells) {
    if (cell.status == CellStatus::kUnavailable) continue;  // listed below with the reason
    std::string fails = std::to_string(cell.failures) + "/" + std::to_string(cell.runs);
    std::snprintf(line, sizeof line, "%-22s %-22s %4d %11s %8s %11s %8s %10s %9s %9s %9s %7s\n",
                  target_label(model, cell.target).c_str(), cell.workload.c_str(), cell.concurrency,
                  median_text(cell, "startup_ms").c_str(), ratio_text(cell, "startup_ms").c_str(),
                  median_text(cell, "wall_ms").c_str(), ratio_text(cell, "wall_ms").c_str(),
                  median_text(cell, "cpu_ms").c_str(), median_text(cell, "workload_peak_kib").c_str(),
                  median_text(cell, "tree_peak_kib").c_str(), median_text(cell, "overhead_kib").c_str(),
                  fails.c_str());
    out += line;
  }
  out +=
      "medians of successful runs; startup = launch to the workload's first instruction (its handshake; a --cmd's: "
      "the start stamper's, at the command's exec); cpu = user+system of everything the target started, the workload "
      "included (rusage);\nwl = the workload's own peak (VmHWM); whole = "
      "peak of everything the target started, the workload included (a measuring cgroup, untimed extra runs); ovh = "
      "whole - bare's whole (what the target adds)\n";
  if (model.results.interrupted) out += "interrupted: these results are partial\n";
  for (const std::string& problem : cell_problems(model, Language::kEnglish)) out += "not measured in full: " + problem + "\n";
  for (const CellSummary& cell : model.cells)
    for (const MetricSummary& metric : cell.metrics)
      for (const std::string& warning : metric.warnings)
        if (metric.metric == "wall_ms") out += "warning: " + cell.target + " " + cell.workload + ": " + warning + "\n";
  return out;
}

std::string render_probe_table(const std::vector<CellSummary>& cells) {
  std::vector<std::string> notes;
  std::string out;
  char line[768];
  for (const CellSummary& cell : cells) {
    if (!cell.probes) continue;
    if (out.empty()) {
      out += "\nFrom the kernel's side (medians over the runs; phases in ms, source: bpf probes)\n";
      std::snprintf(line, sizeof line, "%-22s %-14s %4s %8s %8s %8s %8s %8s %8s %9s %9s | %9s %7s %7s %9s %8s\n",
                    "target", "workload", "conc", "rt start", "ns", "rootfs", "cgroup", "other", "exec", "workload",
                    "teardown", "on-CPU ms", "vol/inv", "faults", "wl calls", "kvm exit");
      out += line;
    }
    const ProbeAggregate& p = *cell.probes;
    auto phase = [&](const char* name) { return number_text("%.3f", p.median(std::string("phase.") + name + "_ms")); };
    std::string switches = number_text("%.0f", p.median("cpu.voluntary_switches")) + "/" +
                           number_text("%.0f", p.median("cpu.involuntary_switches"));
    std::snprintf(line, sizeof line, "%-22s %-14s %4d %8s %8s %8s %8s %8s %8s %9s %9s | %9s %7s %7s %9s %8s\n",
                  cell.target.c_str(), cell.workload.c_str(), cell.concurrency, phase("runtime_start").c_str(),
                  phase("namespaces").c_str(), phase("rootfs").c_str(), phase("cgroup").c_str(),
                  phase("other_setup").c_str(), phase("exec").c_str(), phase("workload").c_str(),
                  phase("teardown").c_str(), number_text("%.3f", p.median("cpu.on_cpu_ms")).c_str(), switches.c_str(),
                  number_text("%.0f", p.median("memory.minor_faults")).c_str(),
                  number_text("%.0f", p.median("syscalls.workload_calls")).c_str(),
                  number_text("%.0f", p.median("kvm.exits")).c_str());
    out += line;
    for (const std::string& note : p.notes)
      if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
  }
  for (const std::string& note : notes) out += "note: " + note + "\n";
  return out;
}

}  // namespace isobench::reports
