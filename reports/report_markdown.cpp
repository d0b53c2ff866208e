// `isobench report --format md`.
#include <cmath>
#include <cstdio>

#include "reports/number_text.h"
#include "reports/report_formats.h"
#include "reports/report_text.h"

namespace isobench::reports {
namespace {

/// A table cell's text: pipes would end the cell, line breaks the row.
std::string cell_text(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

}  // namespace

std::string render_report_markdown(const ReportModel& model, Language language) {
  const bool ko = language == Language::kKorean;
  const Words words{ko};
  std::string out = words("# isobench report\n\n", "# isobench 보고서\n\n");
  if (model.results.interrupted)
    out += words("**Interrupted: these results are partial.**\n\n", "**중단됨: 결과가 일부뿐입니다.**\n\n");
  out += words("## Containers versus VMs\n\n", "## 컨테이너와 VM\n\n");
  for (const std::string& sentence : summary_sentences(model, language)) out += "- " + sentence + "\n";
  std::vector<std::string> problems = cell_problems(model, language);
  if (!problems.empty()) {
    out += words("\n## Cells without full results\n\n", "\n## 결과가 온전하지 않은 셀\n\n");
    for (const std::string& problem : problems) out += "- " + cell_text(problem) + "\n";
  }
  for (const MetricText& text : kMetricTexts) {
    bool any = false;
    for (const CellSummary& cell : model.cells) any = any || cell.find(text.metric);
    if (!any) continue;
    out += std::string("\n## ") + (ko ? text.korean : text.english) + " (" + text.unit + ")\n\n";
    for (const char* column : kMetricColumns[ko ? 1 : 0]) out += std::string("| ") + column + " ";
    out += "|\n|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const CellSummary& cell : model.cells) {
      const MetricSummary* metric = cell.find(text.metric);
      if (!metric) continue;
      for (const std::string& field : metric_table_row(model, cell, *metric)) out += "| " + cell_text(field) + " ";
      out += "|\n";
    }
  }
  bool any_phases = false;
  for (const CellSummary& cell : model.cells) any_phases = any_phases || cell.probes;
  if (any_phases) {
    out += words("\n## Startup phases (probes, medians in ms)\n\n", "\n## 시작 단계 (프로브, 중앙값 ms)\n\n");
    out += words("| target | workload | concurrency", "| 대상 | 워크로드 | 동시 실행");
    for (const PhaseText& phase : kPhaseTexts) out += std::string(" | ") + (ko ? phase.korean : phase.english);
    out += " |\n|---|---|---:";
    for (size_t i = 0; i < std::size(kPhaseTexts); ++i) out += "|---:";
    out += "|\n";
    for (const CellSummary& cell : model.cells) {
      if (!cell.probes) continue;
      out += "| " + cell_text(target_label(model, cell.target)) + " | " + cell_text(cell.workload) + " | " +
             std::to_string(cell.concurrency);
      for (const PhaseText& phase : kPhaseTexts) out += " | " + figure_text("phase_ms", phase_median(cell, phase.phase));
      out += " |\n";
    }
  }
  out += words("\n## Settings and environment\n\n", "\n## 설정과 환경\n\n");
  for (const Fact& fact : run_facts(model, language)) out += "- " + fact.label + ": " + cell_text(fact.value) + "\n";
  return out;
}

}  // namespace isobench::reports
