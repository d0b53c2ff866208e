// `isobench report --format html`: one self-contained page (inline CSS and SVG, no scripts,
// nothing fetched when it is viewed) for a classroom projector: the containers-versus-VMs
// summary, then one chart per question, then the figures and the environment.
#include <algorithm>
#include <cmath>

#include "reports/markup_escape.h"
#include "reports/number_text.h"
#include "reports/report_formats.h"
#include "reports/report_text.h"
#include "reports/svg_chart.h"

namespace isobench::reports {
namespace {

constexpr const char* kStyle = R"(
body { font-family: "Noto Sans CJK KR", "Noto Sans", sans-serif; font-size: 20px; line-height: 1.45; color: #111; background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 40px; margin-bottom: 8px; }
h2 { font-size: 30px; margin-top: 48px; border-bottom: 3px solid #0072B2; padding-bottom: 4px; }
h3 { font-size: 24px; }
.summary li { margin: 6px 0; }
.emulation { display: inline-block; background: #D55E00; color: #fff; font-weight: bold; padding: 4px 12px; border-radius: 4px; }
.note { color: #333; font-size: 18px; }
figure { margin: 24px 0; }
svg.chart { width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 18px; margin: 12px 0; }
th, td { border: 1px solid #bbb; padding: 4px 10px; text-align: left; }
th { background: #eef4fa; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
)";

/// The targets that have cells, in the results' order.
std::vector<bench::TargetInfo> measured_targets(const ReportModel& model) {
  std::vector<bench::TargetInfo> targets;
  for (const bench::TargetInfo& target : model.results.targets)
    if (std::any_of(model.cells.begin(), model.cells.end(),
                    [&](const CellSummary& cell) { return cell.target == target.name; }))
      targets.push_back(target);
  return targets;
}

/// The target's name, and for an emulated VM a mark that says so on every chart.
std::string chart_label(const ReportModel& model, const bench::TargetInfo& target, const Words& words) {
  if (target.kind == "vm" && vm_is_emulated(model)) return target.name + words(" (TCG emulation)", " (TCG 에뮬레이션)");
  return target.name;
}

double metric_median(const CellSummary* cell, const char* metric) {
  const MetricSummary* found = cell ? cell->find(metric) : nullptr;
  return found ? found->summary.median : NAN;
}

std::string figure(const std::string& chart, const std::string& caption) {
  return "<figure>" + chart +
         (caption.empty() ? "" : "<figcaption class=\"note\">" + escape_markup(caption) + "</figcaption>") +
         "</figure>\n";
}

/// Escaped text in which `commands` are set as code, so no backtick reaches the page.
std::string with_code(const std::string& text) {
  std::string out, escaped = escape_markup(text);
  bool open = false;
  for (char c : escaped) {
    if (c != '`') {
      out += c;
      continue;
    }
    out += open ? "</code>" : "<code>";
    open = !open;
  }
  return open ? out + "</code>" : out;
}

std::string paragraph(const std::string& text) {
  return "<p class=\"note\">" + with_code(text) + "</p>\n";
}

/// An axis with its fixed words in the report's language.
svg::ValueAxis axis_of(const std::string& label, const Words& words) {
  svg::ValueAxis axis{label};
  axis.log_note = words(" — log scale", " — 로그 눈금");
  axis.quartiles_word = words("quartiles", "사분위");
  axis.median_word = words("median", "중앙값");
  return axis;
}

/// " (concurrency 4)" after a chart's title when the results have several levels: which one it shows.
std::string at_level(const ReportModel& model, int concurrency, const Words& words) {
  if (model.results.concurrency.size() < 2) return "";
  return words(" (concurrency ", " (동시 실행 ") + std::to_string(concurrency) + ")";
}

std::string problems_section(const ReportModel& model, Language language, const Words& words) {
  std::vector<std::string> problems = cell_problems(model, language);
  if (problems.empty()) return "";
  std::string out = "<section id=\"problems\"><h2>" + words("Cells without full results", "결과가 온전하지 않은 셀") +
                    "</h2>\n<ul>\n";
  for (const std::string& problem : problems) out += "<li>" + escape_markup(problem) + "</li>\n";
  return out + "</ul></section>\n";
}

std::string startup_section(const ReportModel& model, const Words& words) {
  std::string out = "<section id=\"startup\"><h2>" + words("Startup latency", "시작 지연") + "</h2>\n";
  int concurrency = first_concurrency(model);
  std::vector<std::pair<std::string, std::vector<svg::Distribution>>> charts;
  std::vector<double> every_sample;
  for (const std::string& workload : model.results.workloads) {
    std::vector<svg::Distribution> rows;
    for (const bench::TargetInfo& target : measured_targets(model)) {
      std::vector<double> samples = metric_samples(model.results, target.name, workload, concurrency, "startup_ms");
      every_sample.insert(every_sample.end(), samples.begin(), samples.end());
      if (!samples.empty()) rows.push_back({chart_label(model, target, words), samples});
    }
    if (!rows.empty()) charts.emplace_back(workload, std::move(rows));
  }
  // One rule for the charts of the section: read side by side, they must not switch scales.
  svg::ValueAxis axis =
      axis_of(words("ms from launch to the workload's first instruction", "실행부터 워크로드의 첫 명령까지 (ms)"), words);
  axis.log_always = svg::needs_log_scale(every_sample);
  for (const auto& [workload, rows] : charts) {
    out += figure(svg::distribution_chart(words("Startup latency: ", "시작 지연: ") + workload +
                                              at_level(model, concurrency, words),
                                          rows, axis),
                  words("Each dot is one run; the box spans the middle half of the runs, the black line is the median "
                        "(written on the right).",
                        "점 하나가 실행 한 번입니다. 상자는 가운데 절반의 실행, 검은 선은 중앙값(오른쪽 숫자)입니다."));
  }
  return out + "</section>\n";
}

std::string memory_section(const ReportModel& model, const Words& words) {
  std::vector<svg::BarRow> rows;
  int concurrency = first_concurrency(model);
  for (const bench::TargetInfo& target : measured_targets(model))
    for (const std::string& workload : model.results.workloads) {
      const CellSummary* cell = find_cell(model, target.name, workload, concurrency);
      double own = metric_median(cell, "workload_peak_kib") / 1024;
      double whole = metric_median(cell, "tree_peak_kib") / 1024;
      double overhead = metric_median(cell, "overhead_kib") / 1024;
      if (std::isfinite(own) || std::isfinite(whole))
        rows.push_back({chart_label(model, target, words) + " · " + workload, {own, whole, overhead}});
    }
  std::string out = "<section id=\"memory\"><h2>" + words("Memory", "메모리") + "</h2>\n";
  if (rows.empty())
    return out + paragraph(words("No memory figures in these results.", "메모리 수치가 없습니다.")) + "</section>\n";
  return out +
         figure(svg::bar_chart(words("Memory: the workload, the whole target, the target's overhead",
                                     "메모리: 워크로드, 대상 전체, 대상의 오버헤드") +
                                   at_level(model, concurrency, words),
                               {words("workload's own peak (VmHWM)", "워크로드 자체 최대 (VmHWM)"),
                                words("whole target, workload included", "워크로드를 포함한 대상 전체"),
                                words("overhead: whole minus bare's whole", "오버헤드: 전체 - bare의 전체")},
                               rows, axis_of(words("MiB, medians", "MiB, 중앙값"), words)),
                words("The same three definitions for every target. Whole: the peak memory of everything the target "
                      "started, the workload included, measured in a cgroup of the harness in untimed runs. Overhead: "
                      "what the target adds to the workload, its whole peak minus bare's (the workload alone, read by "
                      "the same cgroup): a container's small runtime, or a VM's QEMU with its guest kernel and page "
                      "cache. The workload's own peak (VmHWM) also counts file pages already cached, which no cgroup "
                      "is charged for, so it is shown beside the others but not subtracted.",
                      "모든 대상에 같은 세 정의를 씁니다. 전체: 대상이 시작한 모든 것(워크로드 포함)의 최대 메모리로, "
                      "시간을 재지 않는 실행에서 하네스의 cgroup으로 잽니다. 오버헤드: 대상이 워크로드에 더하는 "
                      "메모리로, 전체에서 bare의 전체(같은 cgroup으로 잰 워크로드만의 값)를 뺀 값입니다: 컨테이너의 작은 "
                      "런타임, 또는 VM의 QEMU와 게스트 커널, 페이지 캐시. 워크로드 자체 최대치(VmHWM)는 이미 캐시된 "
                      "파일 페이지도 세므로 함께 보여 주되 빼지 않습니다.")) +
         "</section>\n";
}

std::string cpu_section(const ReportModel& model, const Words& words) {
  std::vector<svg::BarRow> rows;
  std::vector<std::string> unmeasured;
  int concurrency = first_concurrency(model);
  for (const bench::TargetInfo& target : measured_targets(model)) {
    if (target.name == "bare") continue;
    for (const std::string& workload : model.results.workloads) {
      const CellSummary* cell = find_cell(model, target.name, workload, concurrency);
      if (cell && cell->status != CellStatus::kUnavailable && cell->status != CellStatus::kFailed &&
          cell->status != CellStatus::kNotRun && !cell->find("cpu_ms"))
        unmeasured.push_back(chart_label(model, target, words) + " · " + workload);
    }
    for (const std::string& workload : model.results.workloads) {
      const CellSummary* cell = find_cell(model, target.name, workload, concurrency);
      const MetricSummary* cpu = cell ? cell->find("cpu_ms") : nullptr;
      if (cpu && std::isfinite(cpu->ratio_vs_bare))
        rows.push_back({chart_label(model, target, words) + " · " + workload, {cpu->ratio_vs_bare}});
    }
  }
  std::string out = "<section id=\"cpu\"><h2>" + words("CPU overhead", "CPU 오버헤드") + "</h2>\n";
  for (const std::string& where : unmeasured)
    out += paragraph(where + words(": CPU time not measured for this target (its processes are not all reaped "
                                   "where rusage can count them)",
                                   ": 이 대상은 CPU 시간을 측정하지 못했습니다 (rusage가 셀 수 있는 곳에서 "
                                   "프로세스가 모두 회수되지 않음)"));
  const CellSummary* bare = nullptr;
  for (const CellSummary& cell : model.cells)
    if (cell.target == "bare" && cell.find("cpu_ms")) bare = &cell;
  if (rows.empty())
    return out +
           paragraph(bare ? words("No CPU ratios: no other target measured its CPU time.",
                                  "CPU 비율이 없습니다: 다른 대상이 CPU 시간을 측정하지 못했습니다.")
                          : words("No CPU ratios: they need the bare target measured next to the others.",
                                  "CPU 비율이 없습니다: bare 대상이 함께 측정되어야 합니다.")) +
           "</section>\n";
  svg::ValueAxis axis = axis_of(words("CPU time, times the bare process's (x)", "CPU 시간, bare 대비 배수 (x)"), words);
  axis.reference = 1;
  return out +
         figure(svg::bar_chart(words("CPU time versus a bare process", "bare 프로세스 대비 CPU 시간") +
                                   at_level(model, concurrency, words),
                               {}, rows, axis),
                words("CPU time of everything the target started, the workload included. The dashed line is no overhead (1x). On a CPU-bound "
                      "workload the ratio is the isolation's CPU overhead; on noop it is the runtime's own work, since "
                      "the workload does nothing.",
                      "대상이 시작한 모든 것(워크로드 포함)의 CPU 시간입니다. 점선은 오버헤드 없음(1x)입니다. CPU를 쓰는 워크로드에서는 "
                      "이 비율이 격리의 CPU 오버헤드이고, noop에서는 워크로드가 아무것도 "
                      "하지 않으므로 런타임 자체의 일입니다.")) +
         "</section>\n";
}

std::string phases_section(const ReportModel& model, const Words& words) {
  // Processes and containers: the phases before the workload's first instruction, so that a
  // 0.2 s workload does not flatten milliseconds of setup. VMs in a chart of their own, with
  // the workload phase: seen from the host, the guest's boot happens inside QEMU's run.
  std::vector<std::string> startup_series, vm_series;
  std::vector<svg::BarRow> sandboxes, vms;
  for (const PhaseText& phase : kPhaseTexts) {
    std::string name = phase.phase;
    if (name == "teardown") continue;
    if (name != "workload") startup_series.push_back(words(phase.english, phase.korean));
    vm_series.push_back(name == "workload"
                            ? words("QEMU running: guest boot + workload", "QEMU 실행: 게스트 부팅 + 워크로드")
                            : words(phase.english, phase.korean));
  }
  int concurrency = first_concurrency(model);
  for (const bench::TargetInfo& target : measured_targets(model))
    for (const std::string& workload : model.results.workloads) {
      const CellSummary* cell = find_cell(model, target.name, workload, concurrency);
      if (!cell || !cell->probes) continue;
      svg::BarRow row{chart_label(model, target, words) + " · " + workload, {}};
      const bool vm = target.kind == "vm";
      for (const PhaseText& phase : kPhaseTexts) {
        std::string name = phase.phase;
        if (name == "teardown" || (name == "workload" && !vm)) continue;
        row.values.push_back(phase_median(*cell, name));
      }
      (vm ? vms : sandboxes).push_back(row);
    }
  std::string out =
      "<section id=\"phases\"><h2>" + words("Where the startup time goes", "시작 시간은 어디에 쓰이나") + "</h2>\n";
  if (sandboxes.empty() && vms.empty())
    return out +
           paragraph(words("No probe data: run `isobench bench --probes lifecycle` (as root) to see the phases.",
                           "프로브 데이터가 없습니다: 단계를 보려면 root로 `isobench bench --probes lifecycle`을 "
                           "실행하세요.")) +
           "</section>\n";
  svg::ValueAxis axis = axis_of(words("ms, medians of the probed runs", "ms, 프로브한 실행의 중앙값"), words);
  if (!sandboxes.empty())
    out += figure(
        svg::stacked_bar_chart(words("Startup phases: processes and containers", "시작 단계: 프로세스와 컨테이너") +
                                   at_level(model, concurrency, words),
                               startup_series, sandboxes, axis),
        words("From launch to the workload's first instruction, from the kernel's side (eBPF tracepoints, "
              "or the wall clock where BPF was unavailable): namespaces, the root filesystem and cgroups "
              "are what a container adds to a process start.",
              "실행부터 워크로드의 첫 명령까지를 커널 쪽에서 본 값입니다(eBPF 트레이스포인트, BPF가 없으면 "
              "벽시계). 네임스페이스, 루트 파일시스템, cgroup이 컨테이너가 프로세스 시작에 더하는 것입니다."));
  if (!vms.empty())
    out += figure(
        svg::stacked_bar_chart(words("Startup phases: virtual machines", "시작 단계: 가상 머신") +
                                   at_level(model, concurrency, words),
                               vm_series, vms, axis),
        words("Seen from the host, QEMU is one process: the guest kernel's boot and the workload both happen "
              "while it runs, so they share one bar segment.",
              "호스트에서 보면 QEMU는 하나의 프로세스입니다. 게스트 커널 부팅과 워크로드가 모두 그 실행 중에 "
              "일어나므로 한 구간으로 보입니다."));
  return out + "</section>\n";
}

std::string concurrency_section(const ReportModel& model, const Words& words) {
  std::string out =
      "<section id=\"concurrency\"><h2>" + words("Latency versus concurrency", "동시 실행과 지연") + "</h2>\n";
  std::string charts;
  for (const std::string& workload : model.results.workloads) {
    std::vector<svg::Line> lines;
    bool any_line = false;
    for (const bench::TargetInfo& target : measured_targets(model)) {
      svg::Line line{chart_label(model, target, words), {}, {}};
      for (int level : model.results.concurrency) {
        const CellSummary* cell = find_cell(model, target.name, workload, level);
        const MetricSummary* startup = cell ? cell->find("startup_ms") : nullptr;
        if (!startup || !std::isfinite(startup->summary.median)) continue;
        line.points.emplace_back(level, startup->summary.median);
        if (std::isfinite(startup->summary.p90)) line.upper.emplace_back(level, startup->summary.p90);
      }
      any_line = any_line || line.points.size() >= 2;
      if (!line.points.empty()) lines.push_back(line);
    }
    // Lone points (runs at one level only) say nothing about how latency grows.
    if (!any_line) continue;
    charts += figure(svg::line_chart(words("Startup latency versus sandboxes started at once: ",
                                           "동시에 시작한 샌드박스 수와 시작 지연: ") +
                                         workload,
                                     lines, axis_of(words("sandboxes started at once", "동시에 시작한 샌드박스 수"), words),
                                     axis_of(words("startup (ms)", "시작 지연 (ms)"), words)),
                     words("Solid lines: the median of the sandboxes' startup latencies; dashed: their 90th "
                           "percentile, the slow tail that grows first when sandboxes compete for the CPUs.",
                           "실선: 샌드박스 시작 지연의 중앙값, 점선: 90번째 백분위수(샌드박스들이 CPU를 두고 경쟁할 때 "
                           "먼저 늘어나는 느린 꼬리)."));
  }
  if (charts.empty())
    return out +
           paragraph(words("One concurrency level only: run `isobench bench --concurrency 1,4,16` to see how startup "
                           "latency grows when sandboxes start together.",
                           "동시 실행 수준이 하나뿐입니다: 함께 시작할 때 지연이 어떻게 늘어나는지 보려면 "
                           "`isobench bench --concurrency 1,4,16`을 실행하세요.")) +
           "</section>\n";
  return out + charts + "</section>\n";
}

std::string price_list_section(const ReportModel& model, const Words& words) {
  std::string out =
      "<section id=\"price-list\"><h2>" + words("The price of each mechanism", "격리 메커니즘별 비용") + "</h2>\n";
  if (model.price_list.empty() && !model.price_list_problem.empty())
    return out + paragraph(words("Not measured: ", "측정하지 못함: ") + model.price_list_problem) + "</section>\n";
  if (model.price_list.empty())
    return out +
           paragraph(words("No price list in these results: run `mechanism_bench --benchmark_out=price-list.json` and "
                           "`isobench bench -o results.json --price-list price-list.json`.",
                           "이 결과에는 가격표가 없습니다: `mechanism_bench --benchmark_out=price-list.json` 후 "
                           "`isobench bench -o results.json --price-list price-list.json`을 실행하세요.")) +
           "</section>\n";
  std::vector<svg::BarRow> rows;
  for (const PriceEntry& entry : model.price_list)
    if (std::isfinite(entry.time_us)) rows.push_back({entry.name, {entry.time_us}});
  if (!rows.empty())
    out +=
        figure(svg::bar_chart(words("One create+destroy cycle of each mechanism", "각 메커니즘의 생성+삭제 한 번"), {},
                              rows, axis_of(words("µs of wall-clock time per cycle", "한 번에 걸린 벽시계 시간 (µs)"), words)),
               words("Google Benchmark (mechanism_bench), each mechanism alone. A mechanism's price is its time "
                     "minus its baseline's (table below).",
                     "Google Benchmark(mechanism_bench)로 각 메커니즘을 따로 잰 값입니다. 메커니즘의 비용은 기준과의 "
                     "차이입니다(아래 표)."));
  out += "<table><tr><th>" + words("mechanism", "메커니즘") + "</th><th>" + words("µs per cycle", "µs/회") +
         "</th><th>" + words("baseline", "기준") + "</th><th>" +
         words("price over the baseline (µs)", "기준 대비 비용 (µs)") + "</th><th>" +
         words("children's CPU (µs)", "자식 CPU (µs)") + "</th></tr>\n";
  for (const PriceEntry& entry : model.price_list) {
    out += "<tr><td>" + escape_markup(entry.name) + "</td>";
    if (!entry.error.empty()) {
      out += "<td colspan=\"4\">" + words("not measured: ", "측정하지 못함: ") + escape_markup(entry.error) +
             "</td></tr>\n";
      continue;
    }
    out += "<td class=\"number\">" + number_text("%.1f", entry.time_us) + "</td><td>" + escape_markup(entry.baseline) +
           "</td><td class=\"number\">" + number_text("%+.1f", entry.price_us) + "</td><td class=\"number\">" +
           number_text("%.1f", entry.child_cpu_us) + "</td></tr>\n";
  }
  return out + "</table>\n<p class=\"note\">" + words("Source: ", "출처: ") + escape_markup(model.price_list_source) +
         "</p></section>\n";
}

std::string figures_section(const ReportModel& model, const Words& words) {
  std::string out = "<section id=\"figures\"><h2>" + words("The figures", "수치") + "</h2>\n";
  for (const MetricText& text : kMetricTexts) {
    std::string rows;
    for (const CellSummary& cell : model.cells) {
      const MetricSummary* metric = cell.find(text.metric);
      if (!metric) continue;
      std::vector<std::string> fields = metric_table_row(model, cell, *metric);
      rows += "<tr>";
      for (size_t i = 0; i < fields.size(); ++i)
        rows += std::string(i >= 2 ? "<td class=\"number\">" : "<td>") + escape_markup(fields[i]) + "</td>";
      rows += "</tr>\n";
    }
    if (rows.empty()) continue;
    out += "<h3>" + escape_markup(words(text.english, text.korean)) + " (" + text.unit + ")</h3>\n<table><tr>";
    for (const char* column : kMetricColumns[words.ko ? 1 : 0]) out += "<th>" + escape_markup(column) + "</th>";
    out += "</tr>\n" + rows + "</table>\n";
  }
  return out + "</section>\n";
}

std::string environment_section(const ReportModel& model, Language language, const Words& words) {
  std::string out =
      "<section id=\"environment\"><h2>" + words("Settings and environment", "설정과 환경") + "</h2>\n";
  if (!model.vm_target.empty() && vm_is_emulated(model))
    out += "<p><span class=\"emulation\">" +
           words("TCG: the VM figures are software emulation", "TCG: VM 수치는 소프트웨어 에뮬레이션입니다") +
           "</span></p>\n";
  out += "<table>\n";
  for (const Fact& fact : run_facts(model, language))
    out += "<tr><th>" + escape_markup(fact.label) + "</th><td>" + escape_markup(fact.value) + "</td></tr>\n";
  return out + "</table></section>\n";
}

}  // namespace

std::string render_report_html(const ReportModel& model, Language language) {
  const Words words{language == Language::kKorean};
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + words("en", "ko") +
                    "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\"><title>" +
                    words("isobench report", "isobench 보고서") + "</title><style>" + kStyle +
                    "</style></head>\n<body><main>\n<h1>" + words("isobench report", "isobench 보고서") + "</h1>\n";
  if (!model.vm_target.empty() && vm_is_emulated(model))
    out += "<p><span class=\"emulation\">" +
           words("VM figures: TCG software emulation, not KVM", "VM 수치: KVM이 아닌 TCG 소프트웨어 에뮬레이션") +
           "</span></p>\n";
  out += "<section id=\"summary\"><h2>" + words("Containers versus VMs", "컨테이너와 VM") +
         "</h2>\n<ul class=\"summary\">\n";
  for (const std::string& sentence : summary_sentences(model, language))
    out += "<li>" + with_code(sentence) + "</li>\n";
  out += "</ul></section>\n";
  if (model.results.interrupted)
    out += "<p><span class=\"emulation\">" +
           words("Interrupted: these results are partial", "중단됨: 결과가 일부뿐입니다") + "</span></p>\n";
  out += problems_section(model, language, words);
  out += startup_section(model, words) + memory_section(model, words) + cpu_section(model, words) +
         phases_section(model, words) + concurrency_section(model, words) + price_list_section(model, words) +
         figures_section(model, words) + environment_section(model, language, words);
  return out + "</main></body></html>\n";
}

}  // namespace isobench::reports
