#include "reports/results_json.h"

#include "reports/probe_json.h"

#include <cmath>

namespace isobench::reports {
namespace {

/// JSON has no NaN: absent figures are null.
nlohmann::ordered_json number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json summary_json(const MetricSummary& metric) {
  const bench::Summary& s = metric.summary;
  return {{"metric", metric.metric},
          {"count", s.count},
          {"mean", number(s.mean)},
          {"median", number(s.median)},
          {"stddev", number(s.stddev)},
          {"min", number(s.min)},
          {"max", number(s.max)},
          {"p90", number(s.p90)},
          {"p95", number(s.p95)},
          {"p99", number(s.p99)},
          {"mad", number(s.mad)},
          {"median_ci95", {number(metric.median_ci.low), number(metric.median_ci.high)}},
          {"ratio_vs_bare", number(metric.ratio_vs_bare)},
          {"ratio_vs_bare_ci95", {number(metric.ratio_ci.low), number(metric.ratio_ci.high)}},
          {"warnings", metric.warnings}};
}

}  // namespace

nlohmann::ordered_json results_to_json(const bench::BenchmarkResults& results, const std::vector<CellSummary>& cells,
                                       const nlohmann::json& environment) {
  nlohmann::ordered_json doc;
  doc["schema"] = kResultsSchema;
  doc["environment"] = environment;
  doc["settings"] = {{"runs", results.runs},
                     {"warmup", results.warmup},
                     {"memory_runs", results.memory_runs},
                     {"concurrency", results.concurrency},
                     {"workloads", results.workloads},
                     {"probes_requested", results.probes_requested},
                     {"probes_active", results.probes_active}};
  doc["targets"] = nlohmann::ordered_json::array();
  for (const bench::TargetInfo& target : results.targets)
    doc["targets"].push_back({{"name", target.name},
                              {"kind", target.kind},
                              {"available", target.available},
                              {target.available ? "version" : "skipped_because", target.detail}});
  doc["summaries"] = nlohmann::ordered_json::array();
  for (const CellSummary& cell : cells) {
    nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
    for (const MetricSummary& metric : cell.metrics) metrics.push_back(summary_json(metric));
    nlohmann::ordered_json summary = {{"target", cell.target},           {"workload", cell.workload},
                                      {"concurrency", cell.concurrency}, {"runs", cell.runs},
                                      {"failures", cell.failures},       {"metrics", metrics}};
    if (cell.probes) summary["probes"] = probe_aggregate_to_json(*cell.probes);
    doc["summaries"].push_back(std::move(summary));
  }
  doc["runs"] = nlohmann::ordered_json::array();
  for (const bench::RunRecord& record : results.records) {
    nlohmann::ordered_json run = {{"target", record.target},
                                  {"workload", record.workload},
                                  {"concurrency", record.concurrency},
                                  {"round", record.round},
                                  {"slot", record.slot},
                                  {"ok", record.ok},
                                  {"exit_code", record.exit_code},
                                  {"startup_ms", number(record.startup_ms)},
                                  {"wall_ms", number(record.wall_ms)},
                                  {"batch_wall_ms", number(record.batch_wall_ms)},
                                  {"workload_ms", number(record.workload_ms)},
                                  {"cpu_user_ms", number(record.cpu_user_ms)},
                                  {"cpu_system_ms", number(record.cpu_system_ms)},
                                  {"cpu_source", "rusage of the target's process tree"},
                                  {"workload_peak_kib", number(record.workload_peak_kib)}};
    if (record.memory_round) {
      run["memory_round"] = true;
      run["tree_peak_kib"] = number(record.tree_peak_kib);
    }
    if (record.timed_out) run["timed_out"] = true;
    if (!record.error.empty()) run["error"] = record.error;
    if (record.report.is_object()) run["report"] = record.report;
    if (record.probes) run["probes"] = probe_report_to_json(*record.probes, false);
    doc["runs"].push_back(std::move(run));
  }
  return doc;
}

}  // namespace isobench::reports
