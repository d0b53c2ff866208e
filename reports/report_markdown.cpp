// `isobench report --format md`.
#include <cmath>
#include <cstdio>

#include "reports/number_text.h"
#include "reports/report_formats.h"
#include "reports/report_text.h"

namespace isobench::reports {

std::string render_report_markdown(const ReportModel& model, Language language) {
  const bool ko = language == Language::kKorean;
  std::string out =
      ko ? "# isobench 보고서\n\n## 컨테이너와 VM\n\n" : "# isobench report\n\n## Containers versus VMs\n\n";
  for (const std::string& sentence : summary_sentences(model, language)) out += "- " + sentence + "\n";
  for (const MetricText& text : kMetricTexts) {
    bool any = false;
    for (const CellSummary& cell : model.cells) any = any || cell.find(text.metric);
    if (!any) continue;
    out += std::string("\n## ") + (ko ? text.korean : text.english) + " (" + text.unit + ")\n\n";
    for (const char* column : kMetricColumns[ko ? 1 : 0]) out += std::string("| ") + column + " ";
    out += "|\n|---|---|---|---|---|---|---|---|\n";
    for (const CellSummary& cell : model.cells) {
      const MetricSummary* metric = cell.find(text.metric);
      if (!metric) continue;
      for (const std::string& field : metric_table_row(cell, *metric)) out += "| " + field + " ";
      out += "|\n";
    }
  }
  bool any_phases = false;
  for (const CellSummary& cell : model.cells)
    any_phases = any_phases || model.probe_medians.count(cell_key(cell.target, cell.workload, cell.concurrency));
  if (any_phases) {
    out += ko ? "\n## 시작 단계 (프로브, 중앙값 ms)\n\n" : "\n## Startup phases (probes, medians in ms)\n\n";
    out += ko ? "| 대상 | 워크로드" : "| target | workload";
    for (const PhaseText& phase : kPhaseTexts) out += std::string(" | ") + (ko ? phase.korean : phase.english);
    out += " |\n|---|---";
    for (size_t i = 0; i < std::size(kPhaseTexts); ++i) out += "|---";
    out += "|\n";
    for (const CellSummary& cell : model.cells) {
      auto found = model.probe_medians.find(cell_key(cell.target, cell.workload, cell.concurrency));
      if (found == model.probe_medians.end()) continue;
      out += "| " + cell.target + " | " + cell.workload;
      for (const PhaseText& phase : kPhaseTexts)
        out += " | " + number_text("%.3f", phase_median(found->second, phase.phase));
      out += " |\n";
    }
  }
  out += ko ? "\n## 환경\n\n" : "\n## Environment\n\n";
  for (const char* key :
       {"kernel", "cpu_model", "cores", "memory_bytes", "cgroup_mode", "kvm", "isobench_version", "date"})
    if (model.environment.contains(key)) {
      const nlohmann::json& value = model.environment[key];
      out += std::string("- ") + key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
    }
  out += ko ? "- 원본 파일: " : "- sources: ";
  for (size_t i = 0; i < model.sources.size(); ++i) out += (i ? ", " : "") + model.sources[i];
  out += "\n";
  return out;
}

}  // namespace isobench::reports
