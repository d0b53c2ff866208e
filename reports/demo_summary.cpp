#include "reports/demo_summary.h"

#include <algorithm>
#include <cmath>

#include "reports/isolation_kinds.h"
#include "reports/number_text.h"
#include "reports/report_text.h"

namespace isobench::reports {
namespace {

/// Columns a terminal gives `text`: Hangul and other wide characters take two.
size_t display_width(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    uint32_t code = lead;
    if (length == 3 && i + 2 < text.size())
      code = ((lead & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    bool wide = (code >= 0x1100 && code <= 0x115F) || (code >= 0x2E80 && code <= 0xA4CF) ||
                (code >= 0xAC00 && code <= 0xD7A3) || (code >= 0xF900 && code <= 0xFAFF);
    width += wide ? 2 : 1;
    i += length;
  }
  return width;
}

std::string pad(const std::string& text, size_t width, bool right_align = false) {
  size_t used = display_width(text);
  std::string fill(used < width ? width - used : 0, ' ');
  return right_align ? fill + text : text + fill;
}

const MetricSummary* metric_of(const ReportModel& model, const std::string& target, const std::string& workload,
                               const char* metric) {
  const CellSummary* cell = find_cell(model, target, workload, first_concurrency(model));
  return cell ? cell->find(metric) : nullptr;
}

std::string median_text(const MetricSummary* metric, double scale, const char* pattern) {
  return metric ? number_text(pattern, metric->summary.median / scale) : "-";
}

/// The workload a figure is shown for: `wanted` when the results have it, else the first.
std::string workload_for(const ReportModel& model, const std::string& wanted) {
  const std::vector<std::string>& workloads = model.results.workloads;
  if (std::find(workloads.begin(), workloads.end(), wanted) != workloads.end()) return wanted;
  return workloads.empty() ? wanted : workloads.front();
}

std::string key_figures(const ReportModel& model, const Words& words) {
  std::string noop = workload_for(model, "noop"), cpu = workload_for(model, "cpu");
  std::string out = words("What isolation cost on this machine (medians; confidence intervals in the report):\n\n",
                          "이 머신에서 격리의 비용 (중앙값, 신뢰구간은 보고서에):\n\n");
  const size_t first = 26, column = 24;  // 24: the Korean headings are wider than 20 columns
  out += "  " + pad("", first) + pad(words("startup (", "시작 (") + noop + ")", column, true) +
         pad(words("mem overhead (", "메모리 오버헤드 (") + noop + ")", column, true) +
         pad(words("CPU (", "CPU (") + cpu + ")", column, true) + "\n";
  for (const bench::TargetInfo& target : model.results.targets) {
    std::string label = target.name;
    if (target.kind == "vm" && target.available && vm_is_emulated(model))
      label += words(" (TCG emulation)", " (TCG 에뮬레이션)");
    if (!target.available) {
      out += "  " + pad(label, first) + words("  not measured: ", "  측정하지 못함: ") + target.detail + "\n";
      continue;
    }
    const CellSummary* cell = find_cell(model, target.name, noop, first_concurrency(model));
    if (!cell || cell->status == CellStatus::kFailed || cell->status == CellStatus::kNotRun) {
      out += "  " + pad(label, first) + words("  every run failed: ", "  모든 실행 실패: ") +
             (cell && !cell->errors.empty() ? cell->errors.front().text : words("no runs", "실행 없음")) + "\n";
      continue;
    }
    out += "  " + pad(label, first) +
           pad(median_text(metric_of(model, target.name, noop, "startup_ms"), 1, "%.2f ms"), column, true) +
           pad(median_text(metric_of(model, target.name, noop, "overhead_kib"), 1024, "%.1f MiB"), column, true) +
           pad(median_text(metric_of(model, target.name, cpu, "cpu_ms"), 1, "%.0f ms"), column, true) + "\n";
  }
  return out;
}

std::string ratio_lines(const ReportModel& model, const Words& words) {
  std::string out;
  std::string noop = workload_for(model, "noop");
  if (!model.container_target.empty()) {
    const MetricSummary* startup = metric_of(model, model.container_target, noop, "startup_ms");
    if (startup && std::isfinite(startup->ratio_vs_bare))
      out += words("  - A container (", "  - 컨테이너(") + model.container_target +
             words(") started ", ")는 bare 프로세스보다 ") + number_text("%.1f", startup->ratio_vs_bare) +
             words("x as slow as a bare process: namespaces, a root filesystem and a cgroup to set up.\n",
                   "배 느리게 시작했습니다: 네임스페이스, 루트 파일시스템, cgroup을 준비하기 때문입니다.\n");
  }
  for (const SummaryRatio& ratio : model.vm_vs_container) {
    if (ratio.workload != noop) continue;
    std::string times =
        number_text("%.0f", ratio.ratio) + words("x", "배") +
        (std::isfinite(ratio.ci.low)
             ? " (95% CI " + number_text("%.0f", ratio.ci.low) + "-" + number_text("%.0f", ratio.ci.high) + ")"
             : words(" (too few runs for an interval)", " (실행 수가 적어 신뢰구간 없음)"));
    if (ratio.metric == "startup_ms")
      out += words("  - The VM took ", "  - VM은 컨테이너보다 시작에 ") + times +
             words(" as long as the container to start: it boots a kernel of its own.\n",
                   " 오래 걸렸습니다: 자기 커널을 부팅하기 때문입니다.\n");
    else if (ratio.metric == "overhead_kib")
      out += words("  - Over a bare process of the same workload, the VM added ",
                   "  - 같은 워크로드의 bare 프로세스보다 VM은 ") +
             number_text("%.1f MiB", ratio.numerator / 1024) + words(" and the container ", ", 컨테이너는 ") +
             number_text("%.1f MiB", ratio.denominator / 1024) +
             words(" more", "를 더 썼습니다") + (std::isfinite(ratio.ratio) ? ", " + times : std::string()) +
             words(": a guest kernel, its page cache and QEMU itself.\n", ": 게스트 커널, 그 페이지 캐시, QEMU 자체입니다.\n");
  }
  for (const SummaryRatio& ratio : model.container_vs_bare)
    out += words("  - On the CPU-bound ", "  - CPU를 쓰는 ") + ratio.workload +
           words(" workload the container cost ", " 워크로드에서 컨테이너의 CPU 비용은 bare 대비 ") +
           number_text("%+.1f%%", (ratio.ratio - 1) * 100) +
           words(" CPU time over a bare process: once started, a container's code runs at native speed.\n",
                 "였습니다: 일단 시작하면 컨테이너 안의 코드는 네이티브 속도로 실행됩니다.\n");
  return out.empty() ? out : "\n" + out;
}

/// The mechanisms a lecture walks through, in the order a container start meets them.
struct Step {
  const char* benchmark;
  const char* english;
  const char* korean;
};
constexpr Step kSteps[] = {
    {"BM_Clone/pid", "a PID namespace (its own process numbers)", "PID 네임스페이스 (자기 프로세스 번호)"},
    {"BM_Clone/mnt", "a mount namespace (its own mount table)", "마운트 네임스페이스 (자기 마운트 테이블)"},
    {"BM_Clone/uts", "a UTS namespace (its own hostname)", "UTS 네임스페이스 (자기 호스트 이름)"},
    {"BM_Clone/ipc", "an IPC namespace", "IPC 네임스페이스"},
    {"BM_Clone/net", "a network namespace (its own interfaces)", "네트워크 네임스페이스 (자기 인터페이스)"},
    {"BM_Clone/user", "a user namespace (root inside only)", "사용자 네임스페이스 (안에서만 root)"},
    {"BM_PivotRoot/child_with_pivot", "pivot_root into the image", "이미지로 pivot_root"},
    {"BM_Security/seccomp_install_child", "installing the seccomp filter", "seccomp 필터 설치"},
    {"BM_Security/capability_drop_child", "dropping capabilities", "권한(capability) 줄이기"},
    {"BM_CgroupV1/tasks_self_join", "a memory cgroup: create, join, remove (whole cycle)",
     "메모리 cgroup: 만들기, 들어가기, 지우기 (전체)"},
    {"BM_Overlay/tmpfs_layer_and_overlay", "a writable overlay root: tmpfs + overlay mount (whole cycle)",
     "쓰기 가능한 overlay 루트: tmpfs + overlay 마운트 (전체)"},
};

std::string price_lines(const ReportModel& model, const Words& words) {
  std::string out = words("\nWhat each isolation step costs (mechanism price list, microseconds):\n",
                          "\n격리 단계별 비용 (메커니즘 가격표, 마이크로초):\n");
  if (model.price_list.empty())
    return out + words("  not measured: ", "  측정하지 못함: ") +
           (model.price_list_problem.empty() ? words("no price list in these results", "결과에 가격표가 없습니다")
                                             : model.price_list_problem) +
           "\n";
  for (const Step& step : kSteps) {
    auto entry = std::find_if(model.price_list.begin(), model.price_list.end(),
                              [&](const PriceEntry& price) { return price.name == step.benchmark; });
    if (entry == model.price_list.end()) continue;
    std::string figure;
    if (!entry->error.empty())
      figure = words("not measured: ", "측정하지 못함: ") + entry->error;
    else if (!entry->baseline.empty() && std::isfinite(entry->price_us))
      figure = entry->price_us < 0
                   ? words("within the noise (", "잡음 이내 (") + number_text("%+.0f", entry->price_us) + ")"
                   : number_text("%+.0f", entry->price_us);
    else
      figure = number_text("%.0f", entry->time_us);
    out += "  " + pad(words(step.english, step.korean), 62) + " " + figure + "\n";
  }
  out += words("  (+N: time over the same cycle without the mechanism; the rest: the whole cycle)\n",
               "  (+N: 그 메커니즘이 없는 같은 과정보다 더 걸린 시간, 나머지: 전체 과정)\n");
  return out;
}

std::string phase_lines(const ReportModel& model, const Words& words) {
  if (model.container_target.empty()) return "";
  std::string noop = workload_for(model, "noop");
  const CellSummary* cell = find_cell(model, model.container_target, noop, first_concurrency(model));
  std::string out = words("\nWhere the container's startup went (eBPF probes, medians):\n",
                          "\n컨테이너 시작 시간의 내역 (eBPF 프로브, 중앙값):\n");
  std::string phases;
  if (cell && cell->probes)
    for (const PhaseText& phase : kPhaseTexts) {
      if (std::string(phase.phase) == "workload" || std::string(phase.phase) == "teardown") continue;
      double median = phase_median(*cell, phase.phase);
      if (std::isfinite(median))
        phases += "  " + pad(words(phase.english, phase.korean), 20) + number_text("%7.3f ms", median) + "\n";
    }
  if (phases.empty())
    return out + words(
                     "  not measured: the BPF probes were not available (see the notes above); only wall-clock "
                     "totals were recorded\n",
                     "  측정하지 못함: BPF 프로브를 쓸 수 없었습니다(위의 안내 참고). 벽시계 합계만 기록했습니다\n");
  return out + phases;
}

}  // namespace

std::string render_demo_summary(const ReportModel& model, Language language) {
  const Words words{language == Language::kKorean};
  std::string out =
      key_figures(model, words) + ratio_lines(model, words) + price_lines(model, words) + phase_lines(model, words);
  std::vector<std::string> kinds = isolation_kind_sentences(model, language);
  if (!kinds.empty()) out += words("\nWhat each kind of isolation shares with the host, and what it cost:\n",
                                   "\n격리 종류별로 호스트와 공유하는 것과 그 비용:\n");
  for (const std::string& kind : kinds) out += "  - " + kind + "\n";
  std::vector<std::string> sentences = summary_sentences(model, language);
  // The last sentences are the why and, for an emulated VM, the TCG note.
  out += "\n";
  for (const std::string& sentence : sentences)
    if (sentence.rfind(words("Why", "이유"), 0) == 0 || sentence.rfind(words("Note", "주의"), 0) == 0)
      out += sentence + "\n";
  return out;
}

}  // namespace isobench::reports
