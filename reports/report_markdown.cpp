// `isobench report --format md`.
#include <cmath>
#include <cstdio>

#include "reports/number_text.h"
#include "reports/report_formats.h"

namespace isobench::reports {
namespace {

struct MetricText {
  const char* metric;
  const char* unit;
  const char* english;
  const char* korean;
};

constexpr MetricText kMetrics[] = {
    {"startup_ms", "ms", "Startup latency (launch to the workload's first instruction)",
     "시작 지연 (실행부터 워크로드의 첫 명령까지)"},
    {"wall_ms", "ms", "Launch to exit", "실행부터 종료까지"},
    {"cpu_ms", "ms", "CPU time of the whole process tree", "프로세스 트리 전체의 CPU 시간"},
    {"workload_peak_kib", "KiB", "Workload's own peak memory (VmHWM)", "워크로드 자체의 최대 메모리 (VmHWM)"},
    {"tree_peak_kib", "KiB", "Peak memory charged to the target's processes", "대상 프로세스들에 청구된 최대 메모리"},
};

}  // namespace

std::string render_report_markdown(const ReportModel& model, Language language) {
  const bool ko = language == Language::kKorean;
  std::string out =
      ko ? "# isobench 보고서\n\n## 컨테이너와 VM\n\n" : "# isobench report\n\n## Containers versus VMs\n\n";
  for (const std::string& sentence : summary_sentences(model, language)) out += "- " + sentence + "\n";
  for (const MetricText& text : kMetrics) {
    bool any = false;
    for (const CellSummary& cell : model.cells) any = any || cell.find(text.metric);
    if (!any) continue;
    out += std::string("\n## ") + (ko ? text.korean : text.english) + " (" + text.unit + ")\n\n";
    out += ko ? "| 대상 | 워크로드 | 동시 실행 | 실행 수 | 중앙값 | 95% 신뢰구간 | p90 | 베어 대비 |\n"
              : "| target | workload | concurrency | runs | median | 95% CI | p90 | vs bare |\n";
    out += "|---|---|---|---|---|---|---|---|\n";
    for (const CellSummary& cell : model.cells) {
      const MetricSummary* metric = cell.find(text.metric);
      if (!metric) continue;
      out += "| " + cell.target + " | " + cell.workload + " | " + std::to_string(cell.concurrency) + " | " +
             std::to_string(metric->summary.count) + " | " + number_text("%.3f", metric->summary.median) + " | " +
             number_text("%.3f", metric->median_ci.low) + "-" + number_text("%.3f", metric->median_ci.high) + " | " +
             number_text("%.3f", metric->summary.p90) + " | " + number_text("%.2fx", metric->ratio_vs_bare) + " |\n";
    }
  }
  bool any_phases = false;
  for (const CellSummary& cell : model.cells)
    any_phases = any_phases || model.probe_medians.count(cell_key(cell.target, cell.workload, cell.concurrency));
  if (any_phases) {
    out += ko ? "\n## 시작 단계 (프로브, 중앙값 ms)\n\n" : "\n## Startup phases (probes, medians in ms)\n\n";
    out +=
        ko ? "| 대상 | 워크로드 | 런타임 시작 | 네임스페이스 | rootfs | cgroup | 기타 준비 | exec | 워크로드 | 정리 |\n"
           : "| target | workload | runtime start | namespaces | rootfs | cgroup | other setup | exec | workload | "
             "teardown |\n";
    out += "|---|---|---|---|---|---|---|---|---|---|\n";
    for (const CellSummary& cell : model.cells) {
      auto found = model.probe_medians.find(cell_key(cell.target, cell.workload, cell.concurrency));
      if (found == model.probe_medians.end()) continue;
      out += "| " + cell.target + " | " + cell.workload;
      for (const char* phase :
           {"runtime_start", "namespaces", "rootfs", "cgroup", "other_setup", "exec", "workload", "teardown"}) {
        const nlohmann::json& entry = found->second.value("phase." + std::string(phase) + "_ms", nlohmann::json());
        out += " | " + (entry.is_object() && entry["median"].is_number()
                            ? number_text("%.3f", entry["median"].get<double>())
                            : std::string("-"));
      }
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
