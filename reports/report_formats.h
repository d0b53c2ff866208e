// The formats of `isobench report`, one pure renderer each, from the same ReportModel.
#pragma once

#include <string>

#include "reports/report_model.h"

namespace isobench::reports {

/// For PR comments and READMEs: the summary, then one table per metric, the startup phases
/// from the probes, and the environment.
std::string render_report_markdown(const ReportModel& model, Language language);
/// One row per cell and metric with its unit, and a row with the error for each cell without
/// figures.
std::string render_report_csv(const ReportModel& model);
/// The model as JSON (isobench-report/1): summary sentences, cells with statistics, sources.
std::string render_report_json(const ReportModel& model, Language language);
/// Google Benchmark's JSON: `context` (host, CPUs, MHz, caches), per target x workload x time
/// metric one iteration row per run (unless `aggregates_only`) and _mean/_median/_stddev/_cv
/// aggregate rows, times in microseconds; no NaN or Infinity.
std::string render_report_gbench(const ReportModel& model, bool aggregates_only = false);
/// One self-contained page (inline CSS and SVG charts, no scripts, nothing fetched): the
/// summary, startup distributions, memory, CPU overhead, startup phases, latency versus
/// concurrency, the mechanism price list, the figures and the environment.
std::string render_report_html(const ReportModel& model, Language language);
/// JUnit XML (valid against the Jenkins xunit plugin's junit-10.xsd): one test case per cell
/// and gated metric (startup, wall, cpu, memory), failed with the errors when runs of the
/// cell failed, skipped with the reason when the target could not run, the cell was not run
/// or the metric is not measured.
std::string render_report_junit(const ReportModel& model);

}  // namespace isobench::reports
