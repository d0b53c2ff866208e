// `isobench report --format json`: the report model (isobench-report/1).
#include <cmath>

#include "reports/number_text.h"
#include "reports/report_formats.h"

namespace isobench::reports {
namespace {

using nlohmann::ordered_json;


ordered_json ratio_json(const SummaryRatio& ratio) {
  return {{"metric", ratio.metric},
          {"workload", ratio.workload},
          {"ratio", json_number(ratio.ratio)},
          {"ci95", {json_number(ratio.ci.low), json_number(ratio.ci.high)}}};
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
                                {"median", json_number(metric.summary.median)},
                                {"ci95", {json_number(metric.median_ci.low), json_number(metric.median_ci.high)}},
                                {"p90", json_number(metric.summary.p90)},
                                {"mean", json_number(metric.summary.mean)},
                                {"stddev", json_number(metric.summary.stddev)},
                                {"ratio_vs_bare", json_number(metric.ratio_vs_bare)},
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
        medians[median.name] = {{"median", json_number(median.median)}, {"source", median.source}};
      entry["probe_medians"] = medians;
    }
    doc["cells"].push_back(std::move(entry));
  }
  return doc.dump(2) + "\n";
}

}  // namespace isobench::reports
