#include "reports/report_model.h"
#include "reports/number_text.h"

#include <algorithm>
#include <cstdio>

#include "bench/statistics.h"

namespace isobench::reports {
namespace {

/// What makes two files one scenario: the same workloads and concurrency levels.
Result<nlohmann::json> scenario_of(const LoadedResults& file) {
  auto workloads = file.settings.find("workloads");
  auto concurrency = file.settings.find("concurrency");
  bool names = workloads != file.settings.end() && workloads->is_array() && !workloads->empty() &&
               std::all_of(workloads->begin(), workloads->end(), [](const nlohmann::json& w) { return w.is_string(); });
  bool levels = concurrency != file.settings.end() && concurrency->is_array() && !concurrency->empty() &&
                std::all_of(concurrency->begin(), concurrency->end(),
                            [](const nlohmann::json& c) { return c.is_number_integer() && c.get<int>() > 0; });
  if (!names) return plain_error(file.name + ": settings.workloads is missing or not a list of workload names");
  if (!levels) return plain_error(file.name + ": settings.concurrency is missing or not a list of positive integers");
  return nlohmann::json{{"workloads", *workloads}, {"concurrency", *concurrency}};
}

/// At the scenario's first concurrency level (1 unless the bench said otherwise).
SummaryRatio ratio_of(const ReportModel& model, const std::string& metric, const std::string& workload,
                      const std::string& numerator, const std::string& denominator) {
  SummaryRatio ratio{metric, workload};
  int concurrency = first_concurrency(model);
  std::vector<double> a = metric_samples(model.results, numerator, workload, concurrency, metric);
  std::vector<double> b = metric_samples(model.results, denominator, workload, concurrency, metric);
  if (a.empty() || b.empty()) return ratio;
  ratio.ratio = bench::ratio(bench::median(a), bench::median(b));
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

std::string cell_key(const std::string& target, const std::string& workload, int concurrency) {
  return target + "|" + workload + "|" + std::to_string(concurrency);
}

Result<ReportModel> build_report_model(const std::vector<LoadedResults>& files) {
  if (files.empty()) return plain_error("no results files given");
  ReportModel model;
  model.environment = files.front().environment;
  auto first = scenario_of(files.front());
  if (!first) return first.error();
  const nlohmann::json scenario = *first;
  for (const LoadedResults& file : files) {
    auto this_one = scenario_of(file);
    if (!this_one) return this_one.error();
    if (*this_one != scenario)
      return plain_error(file.name + " and " + files.front().name + " come from different scenarios (" +
                         this_one->dump() + " vs " + scenario.dump() +
                         "): one report cannot chart them together; report them one at a time");
    model.sources.push_back(file.name);
    const nlohmann::json& doc = file.document;
    const nlohmann::json& targets = doc.value("targets", nlohmann::json::array());
    if (!targets.is_array()) return plain_error(file.name + ": \"targets\" is not an array");
    for (const nlohmann::json& target : targets) {
      if (!target.is_object() || !target.value("name", nlohmann::json()).is_string() ||
          !target.value("kind", nlohmann::json("")).is_string() ||
          !target.value("available", nlohmann::json(false)).is_boolean())
        return plain_error(file.name + ": a \"targets\" entry is malformed");
      std::string name = target.value("name", "");
      bool known = std::any_of(model.results.targets.begin(), model.results.targets.end(),
                               [&](const bench::TargetInfo& info) { return info.name == name; });
      if (known || name.empty()) continue;
      bool available = target.value("available", false);
      const nlohmann::json& detail = target.value(available ? "version" : "skipped_because", nlohmann::json(""));
      model.results.targets.push_back(
          {name, target.value("kind", ""), available, detail.is_string() ? detail.get<std::string>() : detail.dump()});
    }
    if (model.price_list.empty() && doc.contains("price_list")) {
      model.price_list = price_entries(doc["price_list"]);
      if (!model.price_list.empty()) model.price_list_source = file.name;
    }
    const nlohmann::json& price_list_error = doc.value("price_list_error", nlohmann::json());
    if (model.price_list_problem.empty() && price_list_error.is_string())
      model.price_list_problem = price_list_error.get<std::string>();
    const std::vector<bench::RunRecord>& records = file.results.records;
    model.results.records.insert(model.results.records.end(), records.begin(), records.end());
    for (const nlohmann::json& summary : doc.value("summaries", nlohmann::json::array())) {
      // Probe medians are an extra: a summary without a well-formed one is shown without it.
      if (!summary.is_object() || !summary.contains("probes") || !summary["probes"].is_object()) continue;
      const nlohmann::json& medians = summary["probes"].value("medians", nlohmann::json());
      const nlohmann::json& target = summary.value("target", nlohmann::json());
      const nlohmann::json& workload = summary.value("workload", nlohmann::json());
      const nlohmann::json& concurrency = summary.value("concurrency", nlohmann::json(1));
      if (!medians.is_object() || !target.is_string() || !workload.is_string() || !concurrency.is_number_integer())
        continue;
      model.probe_medians[cell_key(target, workload, concurrency)] = medians;
    }
  }
  model.results.workloads = scenario["workloads"].get<std::vector<std::string>>();
  model.results.concurrency = scenario["concurrency"].get<std::vector<int>>();
  model.results.runs = files.front().settings.value("runs", 0);
  model.cells = summarize_cells(model.results);

  for (const bench::TargetInfo& target : model.results.targets) {
    if (!has_target(model, target.name)) continue;
    if (target.kind == "vm" && model.vm_target.empty()) model.vm_target = target.name;
    if (target.kind == "container" && (model.container_target.empty() || target.name == "isobench"))
      model.container_target = target.name;
  }
  for (const std::string& workload : model.results.workloads) {
    if (!model.vm_target.empty() && !model.container_target.empty())
      for (const char* metric : {"startup_ms", "tree_peak_kib", "cpu_ms"}) {
        SummaryRatio ratio = ratio_of(model, metric, workload, model.vm_target, model.container_target);
        if (std::isfinite(ratio.ratio)) model.vm_vs_container.push_back(ratio);
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
  const nlohmann::json& field = model.environment.value("kvm", nlohmann::json(""));
  std::string kvm = field.is_string() ? field.get<std::string>() : "";
  return kvm.find("unusable") != std::string::npos || kvm.find("absent") != std::string::npos ||
         kvm.find("untested") != std::string::npos;
}

double phase_median(const nlohmann::json& medians, const std::string& phase) {
  if (!medians.is_object()) return NAN;
  const nlohmann::json& entry = medians.value("phase." + phase + "_ms", nlohmann::json());
  return entry.is_object() && entry.value("median", nlohmann::json()).is_number() ? entry["median"].get<double>() : NAN;
}

std::vector<std::string> metric_table_row(const CellSummary& cell, const MetricSummary& metric) {
  return {cell.target,
          cell.workload,
          std::to_string(cell.concurrency),
          std::to_string(metric.summary.count),
          number_text("%.3f", metric.summary.median),
          number_text("%.3f", metric.median_ci.low) + "-" + number_text("%.3f", metric.median_ci.high),
          number_text("%.3f", metric.summary.p90),
          number_text("%.2fx", metric.ratio_vs_bare)};
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
    sentences.push_back(ko ? "이 결과에는 VM 열이 없습니다. 컨테이너와 VM을 비교하려면 `isobench bench --targets "
                             "bare,isobench,vm`을 실행하세요."
                           : "These results have no VM column: run `isobench bench --targets bare,isobench,vm` to "
                             "compare containers with VMs.");
  }
  for (const SummaryRatio& ratio : model.vm_vs_container) {
    if (ratio.metric == "startup_ms")
      sentences.push_back(ko ? ratio.workload + ": VM의 시작 시간은 컨테이너의 " + times(ratio, ko) + "입니다."
                             : ratio.workload + ": the VM took " + times(ratio, ko) +
                                   " as long as the container to start.");
    else if (ratio.metric == "tree_peak_kib")
      sentences.push_back(ko ? ratio.workload + ": VM은 컨테이너보다 " + times(ratio, ko) + "의 메모리를 썼습니다."
                             : ratio.workload + ": the VM used " + times(ratio, ko) + " the memory of the container.");
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
