// `isobench report --format json`: the report model (isobench-report/1).
#include <cmath>

#include "reports/report_formats.h"

namespace isobench::reports {
namespace {

using nlohmann::ordered_json;

ordered_json number(double value) {
  return std::isfinite(value) ? ordered_json(value) : ordered_json();
}

ordered_json ratio_json(const SummaryRatio& ratio) {
  return {{"metric", ratio.metric},
          {"workload", ratio.workload},
          {"ratio", number(ratio.ratio)},
          {"ci95", {number(ratio.ci.low), number(ratio.ci.high)}}};
}

}  // namespace

std::string render_report_json(const ReportModel& model, Language language) {
  ordered_json facts = ordered_json::array();
  for (const Fact& fact : run_facts(model, language)) facts.push_back({{"label", fact.label}, {"value", fact.value}});
  ordered_json doc = {{"schema", "isobench-report/1"},
                      {"sources", model.sources},
                      {"interrupted", model.results.interrupted},
                      {"facts", facts},
                      {"problems", cell_problems(model, language)}};
  doc["summary"] = {{"sentences", summary_sentences(model, language)},
                    {"container_target", model.container_target},
                    {"vm_target", model.vm_target},
                    {"vm_vs_container", ordered_json::array()},
                    {"container_vs_bare", ordered_json::array()}};
  for (const SummaryRatio& ratio : model.vm_vs_container)
    doc["summary"]["vm_vs_container"].push_back(ratio_json(ratio));
  for (const SummaryRatio& ratio : model.container_vs_bare)
    doc["summary"]["container_vs_bare"].push_back(ratio_json(ratio));
  doc["cells"] = ordered_json::array();
  for (const CellSummary& cell : model.cells) {
    ordered_json metrics = ordered_json::object();
    for (const MetricSummary& metric : cell.metrics)
      metrics[metric.metric] = {{"count", metric.summary.count},
                                {"median", number(metric.summary.median)},
                                {"ci95", {number(metric.median_ci.low), number(metric.median_ci.high)}},
                                {"p90", number(metric.summary.p90)},
                                {"mean", number(metric.summary.mean)},
                                {"stddev", number(metric.summary.stddev)},
                                {"ratio_vs_bare", number(metric.ratio_vs_bare)},
                                {"unit", metric_unit(metric.metric)}};
    ordered_json errors = ordered_json::array();
    for (const CellError& error : cell.errors) errors.push_back({{"error", error.text}, {"runs", error.runs}});
    ordered_json entry = {{"target", cell.target},     {"workload", cell.workload},
                          {"concurrency", cell.concurrency}, {"status", cell_status_name(cell.status)},
                          {"runs", cell.runs},         {"failures", cell.failures},
                          {"errors", errors},          {"metrics", metrics}};
    if (cell.probes) {
      ordered_json medians = ordered_json::object();
      for (const NamedMedian& median : cell.probes->medians)
        medians[median.name] = {{"median", number(median.median)}, {"source", median.source}};
      entry["probe_medians"] = medians;
    }
    doc["cells"].push_back(std::move(entry));
  }
  return doc.dump(2) + "\n";
}

}  // namespace isobench::reports
