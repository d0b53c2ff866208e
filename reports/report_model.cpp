#include "reports/report_model.h"

#include "reports/isolation_kinds.h"
#include "reports/number_text.h"
#include "reports/report_text.h"

#include <algorithm>
#include <cstdio>

#include "bench/statistics.h"

namespace isobench::reports {
namespace {

/// What makes two files one scenario: the same workloads and concurrency levels.
std::string scenario_of(const ResultsDocument& file) {
  std::string text = "workloads ";
  for (const std::string& workload : file.results.workloads) text += workload + ",";
  text += " concurrency ";
  for (int level : file.results.concurrency) text += std::to_string(level) + ",";
  // The same workload in another image is another measurement.
  if (file.settings.image) text += " image " + file.settings.image->id;
  // As is a start from the disk beside one from the page cache.
  if (file.settings.cold) text += " cold";
  return text;
}

/// At the scenario's first concurrency level (1 unless the bench said otherwise).
SummaryRatio ratio_of(const ReportModel& model, const std::string& metric, const std::string& workload,
                      const std::string& numerator, const std::string& denominator) {
  SummaryRatio ratio{metric, workload};
  int concurrency = first_concurrency(model);
  std::vector<double> a = metric_samples(model.results, numerator, workload, concurrency, metric);
  std::vector<double> b = metric_samples(model.results, denominator, workload, concurrency, metric);
  if (a.empty() || b.empty()) return ratio;
  ratio.numerator = bench::median(a);
  ratio.denominator = bench::median(b);
  // A ratio over a figure at or below zero (an overhead within the noise) says nothing.
  if (!(ratio.denominator > 0)) return ratio;
  ratio.ratio = bench::ratio(ratio.numerator, ratio.denominator);
  // A bootstrap of one or two runs only repeats them: no interval rather than a false one.
  if (a.size() >= kMinimumRunsForInterval && b.size() >= kMinimumRunsForInterval)
    ratio.ci = bench::ratio_of_medians_ci(a, b);
  return ratio;
}

/// Whether `name` has a successful run: a target whose every run failed compares nothing.
bool has_target(const ReportModel& model, const std::string& name) {
  return std::any_of(model.cells.begin(), model.cells.end(),
                     [&](const CellSummary& cell) { return cell.target == name && cell.runs > cell.failures; });
}

}  // namespace

int first_concurrency(const ReportModel& model) {
  return model.results.concurrency.empty() ? 1 : model.results.concurrency.front();
}

const CellSummary* find_cell(const ReportModel& model, const std::string& target, const std::string& workload,
                             int concurrency) {
  for (const CellSummary& cell : model.cells)
    if (cell.target == target && cell.workload == workload && cell.concurrency == concurrency) return &cell;
  return nullptr;
}

Result<ReportModel> build_report_model(const std::vector<ResultsDocument>& files) {
  if (files.empty()) return plain_error("no results files given");
  ReportModel model;
  const ResultsDocument& first = files.front();
  model.environment = first.environment;
  model.settings = first.settings;
  model.results.workloads = first.results.workloads;
  model.results.concurrency = first.results.concurrency;
  model.results.runs = first.results.runs;
  model.results.warmup = first.results.warmup;
  model.results.memory_runs = first.results.memory_runs;
  model.results.probes_requested = first.results.probes_requested;
  model.results.probes_active = first.results.probes_active;
  for (const ResultsDocument& file : files) {
    if (scenario_of(file) != scenario_of(first))
      return plain_error(file.name + " and " + first.name + " come from different scenarios (" + scenario_of(file) +
                         " vs " + scenario_of(first) +
                         "): one report cannot chart them together; report them one at a time");
    model.sources.push_back(file.name);
    for (const std::string& difference : environment_differences(first.environment, first.name, file.environment, file.name))
      model.environment_warnings.push_back(difference);
    model.results.interrupted = model.results.interrupted || file.results.interrupted;
    for (const bench::TargetInfo& target : file.results.targets) {
      auto known = std::find_if(model.results.targets.begin(), model.results.targets.end(),
                                [&](const bench::TargetInfo& info) { return info.name == target.name; });
      if (known == model.results.targets.end())
        model.results.targets.push_back(target);
      else if (!known->available && target.available)
        *known = target;  // ran in one of the files: its runs are charted
    }
    if (model.price_list.empty() && file.price_list.is_object()) {
      model.price_list = price_entries(file.price_list);
      if (!model.price_list.empty()) model.price_list_source = file.name;
    }
    if (model.price_list_problem.empty()) model.price_list_problem = file.price_list_error;
    const std::vector<bench::RunRecord>& records = file.results.records;
    model.results.records.insert(model.results.records.end(), records.begin(), records.end());
  }
  model.cells = summarize_cells(model.results);

  for (const bench::TargetInfo& target : model.results.targets) {
    if (!has_target(model, target.name)) continue;
    if (target.kind == "vm" && model.vm_target.empty()) model.vm_target = target.name;
    if (target.kind == "container" && (model.container_target.empty() || target.name == "isobench"))
      model.container_target = target.name;
  }
  for (const std::string& workload : model.results.workloads) {
    if (!model.vm_target.empty() && !model.container_target.empty())
      for (const char* metric : {"startup_ms", "tree_peak_kib", "overhead_kib", "cpu_ms"}) {
        SummaryRatio ratio = ratio_of(model, metric, workload, model.vm_target, model.container_target);
        // An overhead is told in MiB even when the container's is too small for a ratio.
        bool told = std::isfinite(ratio.ratio) ||
                    (std::string(metric) == "overhead_kib" && std::isfinite(ratio.numerator) &&
                     std::isfinite(ratio.denominator));
        if (told) model.vm_vs_container.push_back(ratio);
      }
    // CPU overhead means something on a CPU-bound workload; on noop it is the runtime's own CPU.
    if (!model.container_target.empty() && has_target(model, "bare") && workload.rfind("cpu", 0) == 0) {
      SummaryRatio ratio = ratio_of(model, "cpu_ms", workload, model.container_target, "bare");
      if (std::isfinite(ratio.ratio)) model.container_vs_bare.push_back(ratio);
    }
  }
  return model;
}

namespace {

/// "12.3x (95% CI 11.0-13.9x)", or in Korean "12.3배 (95% 신뢰구간 11.0-13.9배)".
std::string times(const SummaryRatio& ratio, bool ko) {
  const char* unit = ko ? "배" : "x";
  if (!std::isfinite(ratio.ci.low))
    return number_text("%.1f", ratio.ratio) + unit +
           (ko ? " (실행 수가 적어 신뢰구간 없음)" : " (too few runs for a confidence interval)");
  return number_text("%.1f", ratio.ratio) + unit + (ko ? " (95% 신뢰구간 " : " (95% CI ") +
         number_text("%.1f", ratio.ci.low) + "-" + number_text("%.1f", ratio.ci.high) + unit + ")";
}

}  // namespace

bool vm_is_emulated(const ReportModel& model) {
  for (const bench::TargetInfo& target : model.results.targets)
    if (target.kind == "vm" && target.available)
      return target.detail.find("TCG") != std::string::npos || target.kvm.find("TCG") != std::string::npos;
  return false;
}

std::string target_label(const ReportModel& model, const std::string& target) {
  for (const bench::TargetInfo& info : model.results.targets)
    if (info.name == target && info.kind == "vm" && vm_is_emulated(model)) return target + " (TCG)";
  return target;
}

double phase_median(const CellSummary& cell, const std::string& phase) {
  return cell.probes ? cell.probes->median("phase." + phase + "_ms") : NAN;
}

const char* metric_display_unit(const std::string& metric) {
  return metric.ends_with("_ms") ? "ms" : "MiB";
}

std::string figure_text(const std::string& metric, double value) {
  if (!std::isfinite(value)) return "-";
  if (!metric.ends_with("_ms")) value /= 1024;  // KiB as MiB
  double magnitude = std::fabs(value);
  const char* pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
  return number_text(pattern, value);
}

std::vector<std::string> metric_table_row(const ReportModel& model, const CellSummary& cell,
                                          const MetricSummary& metric) {
  const std::string& name = metric.metric;
  return {target_label(model, cell.target),
          cell.workload,
          std::to_string(cell.concurrency),
          std::to_string(metric.summary.count),
          figure_text(name, metric.summary.median),
          figure_text(name, metric.median_ci.low) + " to " + figure_text(name, metric.median_ci.high),
          figure_text(name, metric.summary.p90),
          number_text("%.2fx", metric.ratio_vs_bare)};
}

namespace {

std::string gib_text(uint64_t bytes) {
  return number_text("%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

std::string joined_words(const std::vector<std::string>& words, const char* separator) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) text += (i ? separator : "") + words[i];
  return text;
}

}  // namespace

std::vector<std::string> environment_differences(const bench::Environment& a, const std::string& a_name,
                                                 const bench::Environment& b, const std::string& b_name) {
  std::vector<std::string> differences;
  auto differs = [&](const char* key, const std::string& before, const std::string& after) {
    if (before.empty() || after.empty() || before == after) return;
    differences.push_back(std::string(key) + " differs: \"" + before + "\" in " + a_name + ", \"" + after + "\" in " +
                          b_name);
  };
  differs("kernel", a.kernel, b.kernel);
  differs("cpu_model", a.cpu_model, b.cpu_model);
  differs("cores", a.cores ? std::to_string(a.cores) : "", b.cores ? std::to_string(b.cores) : "");
  differs("cgroup_mode", a.cgroup_mode, b.cgroup_mode);
  differs("kvm", a.kvm, b.kvm);
  differs("isobench_version", a.isobench_version, b.isobench_version);
  return differences;
}

std::vector<Fact> run_facts(const ReportModel& model, Language language) {
  const Words words{language == Language::kKorean};
  auto source = [&](const char* setting) {
    auto found = model.settings.sources.find(setting);
    if (found == model.settings.sources.end()) return std::string();
    std::string where = found->second;
    if (where == kFromCommandLine) where = words("command line", "명령줄");
    else if (where == kFromDefault) where = words("default", "기본값");
    else if (where == "demo plan") where = words("demo plan", "데모 계획");
    else if (where.rfind("scenario ", 0) == 0) where = words("scenario ", "시나리오 ") + where.substr(9);
    return " (" + where + ")";
  };
  const bench::Environment& env = model.environment;
  std::vector<Fact> facts = {
      {words("measured runs per cell", "셀당 측정 실행 수"), std::to_string(model.results.runs) + source("runs")},
      {words("warmup runs", "워밍업 실행 수"), std::to_string(model.results.warmup) + source("warmup")},
      {words("memory runs", "메모리 측정 실행 수"), std::to_string(model.results.memory_runs) + source("memory_runs")},
      {words("command", "명령"), joined_words(env.command, " ")},
  };
  if (!model.settings.cmd.empty())
    facts.push_back({words("workload command", "워크로드 명령"), joined_words(model.settings.cmd, " ")});
  if (const auto& image = model.settings.image)
    facts.push_back({words("image", "이미지"), image->name + " (" + image->id + ")" + source("image")});
  if (model.settings.cold)
    facts.push_back({words("page cache", "페이지 캐시"),
                     words("dropped before every run (--cold): first-start figures",
                           "실행마다 비움 (--cold): 첫 시작 수치") + source("cold")});
  if (model.results.interrupted)
    facts.push_back({words("interrupted", "중단됨"), words("yes: the results are partial", "예: 결과가 일부뿐입니다")});
  for (const bench::TargetInfo& target : model.results.targets) {
    std::string value = target.available ? target.detail : words("not run: ", "실행 안 됨: ") + target.detail;
    for (const std::string& note : target.notes) value += "; " + note;
    facts.push_back({words("target ", "대상 ") + target_label(model, target.name), value});
  }
  facts.push_back({"KVM", env.kvm.empty() ? words("not recorded", "기록 없음") : env.kvm});
  for (const std::string& difference : model.environment_warnings)
    facts.push_back({words("warning: files from different hosts", "경고: 다른 호스트의 파일"), difference});
  facts.push_back({words("kernel", "커널"), env.kernel});
  facts.push_back({"CPU", env.cpu_model + ", " + std::to_string(env.cores) + words(" cores", "코어")});
  facts.push_back({words("memory", "메모리"), gib_text(env.memory_bytes)});
  facts.push_back({words("cgroup mode", "cgroup 모드"), env.cgroup_mode});
  facts.push_back({words("isobench version", "isobench 버전"), env.isobench_version});
  facts.push_back({words("date", "날짜"), env.date});
  facts.push_back({words("sources", "원본 파일"), joined_words(model.sources, ", ")});
  return facts;
}

std::vector<std::string> cell_problems(const ReportModel& model, Language language) {
  const Words words{language == Language::kKorean};
  std::vector<std::string> lines;
  for (const CellSummary& cell : model.cells) {
    if (cell.status == CellStatus::kMeasured) continue;
    std::string where = target_label(model, cell.target) + " " + cell.workload +
                        (model.results.concurrency.size() > 1 ? " x" + std::to_string(cell.concurrency) : "") + ": ";
    std::string what;
    switch (cell.status) {
      case CellStatus::kUnavailable: what = words("not available here: ", "이 호스트에서 실행 불가: "); break;
      case CellStatus::kNotRun: what = words("not run (the benchmark was interrupted)", "실행 안 됨 (벤치마크 중단)"); break;
      case CellStatus::kFailed:
        what = words("every run failed", "모든 실행 실패") + " (" + std::to_string(cell.failures) + "/" +
               std::to_string(cell.runs) + "): ";
        break;
      default:
        what = cell.failures == 0 ? words("memory runs failed: ", "메모리 측정 실행 실패: ")
                                  : std::to_string(cell.failures) + "/" + std::to_string(cell.runs) +
                                        words(" runs failed: ", "개 실행 실패: ");
    }
    std::vector<std::string> errors;
    for (const CellError& error : cell.errors)
      errors.push_back(error.runs > 1 ? error.text + " (x" + std::to_string(error.runs) + ")" : error.text);
    lines.push_back(where + what + joined_words(errors, "; "));
  }
  return lines;
}

std::vector<std::string> summary_sentences(const ReportModel& model, Language language) {
  const bool ko = language == Language::kKorean;
  std::vector<std::string> sentences;
  auto unavailable_vm =
      std::find_if(model.results.targets.begin(), model.results.targets.end(),
                   [](const bench::TargetInfo& target) { return target.kind == "vm" && !target.available; });
  if (model.vm_target.empty() && unavailable_vm != model.results.targets.end()) {
    sentences.push_back((ko ? "VM을 이 호스트에서 실행할 수 없어 VM 열이 비어 있습니다: "
                            : "The VM column is empty because the VM could not run on this host: ") +
                        unavailable_vm->detail);
  } else if (model.vm_target.empty() || model.container_target.empty()) {
    sentences.push_back(ko ? "이 결과에는 VM 열이 없습니다. 컨테이너와 VM을 비교하려면 \"isobench bench --targets "
                             "bare,isobench,vm\"을 실행하세요."
                           : "These results have no VM column: run \"isobench bench --targets bare,isobench,vm\" to "
                             "compare containers with VMs.");
  }
  for (const SummaryRatio& ratio : model.vm_vs_container) {
    if (ratio.metric == "startup_ms")
      sentences.push_back(ko ? ratio.workload + ": VM의 시작 시간은 컨테이너의 " + times(ratio, ko) + "입니다."
                             : ratio.workload + ": the VM took " + times(ratio, ko) +
                                   " as long as the container to start.");
    else if (ratio.metric == "tree_peak_kib")
      sentences.push_back(ko ? ratio.workload + ": 워크로드를 포함한 전체 메모리는 VM이 컨테이너의 " + times(ratio, ko) +
                                   "입니다."
                             : ratio.workload + ": with the workload included on both sides, the VM used " +
                                   times(ratio, ko) + " the memory of the container.");
    else if (ratio.metric == "overhead_kib")
      sentences.push_back(ko ? ratio.workload + ": 같은 워크로드의 bare 프로세스보다 VM은 " +
                                   number_text("%.1f", ratio.numerator / 1024) + " MiB, 컨테이너는 " +
                                   number_text("%.1f", ratio.denominator / 1024) + " MiB를 더 썼습니다" +
                                   (std::isfinite(ratio.ratio) ? ": " + times(ratio, ko) + "." : ".")
                             : ratio.workload + ": over a bare process of the same workload, the VM added " +
                                   number_text("%.1f", ratio.numerator / 1024) + " MiB and the container " +
                                   number_text("%.1f", ratio.denominator / 1024) + " MiB" +
                                   (std::isfinite(ratio.ratio) ? ": " + times(ratio, ko) + "." : "."));
    else
      sentences.push_back(ko ? ratio.workload + ": VM의 CPU 시간은 컨테이너의 " + times(ratio, ko) + "입니다."
                             : ratio.workload + ": the VM used " + times(ratio, ko) +
                                   " the CPU time of the container.");
  }
  for (const SummaryRatio& ratio : model.container_vs_bare)
    sentences.push_back(ko ? ratio.workload + ": 컨테이너의 CPU 오버헤드(베어 프로세스 대비)는 " +
                                 number_text("%+.1f%%", (ratio.ratio - 1) * 100) + "입니다."
                           : ratio.workload + ": the container's CPU overhead over a bare process is " +
                                 number_text("%+.1f%%", (ratio.ratio - 1) * 100) + ".");
  for (std::string& sentence : isolation_kind_sentences(model, language)) sentences.push_back(std::move(sentence));
  sentences.push_back(
      ko ? "이유: 컨테이너는 호스트 커널을 공유하는 평범한 프로세스로, 네임스페이스로 격리되고 cgroup으로 제한됩니다. "
           "그래서 시작에 시스템 호출 몇 번이면 충분합니다. VM은 하이퍼바이저 뒤에서 자기 커널을 부팅해야 합니다."
         : "Why: a container is an ordinary process of the host's kernel, fenced off by namespaces and limited by "
           "cgroups, so starting one costs a few system calls; a VM boots a kernel of its own behind a hypervisor.");
  if (!model.vm_target.empty() && vm_is_emulated(model))
    sentences.push_back(ko ? "주의: 이 호스트의 VM은 KVM이 아닌 TCG(소프트웨어 에뮬레이션)로 실행되었으므로, VM "
                             "수치는 KVM보다 훨씬 느립니다."
                           : "Note: the VM here ran under TCG (software emulation), not KVM, so its figures are far "
                             "slower than a KVM guest's would be.");
  return sentences;
}

}  // namespace isobench::reports
