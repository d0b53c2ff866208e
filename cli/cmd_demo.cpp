// `isobench demo [--lang en|ko] [--quick] [--output-dir DIR]`: the classroom demonstration.
// A bare process, an isobench container and a QEMU microVM run noop, cpu and mem; then the
// mechanism price list; then a narrated summary on the terminal and report.html (with
// demo-results.json beside it, for `isobench report` and `compare`). What cannot run says
// why in its place (no QEMU or guest kernel: the VM row; no BPF: labelled fallbacks; no
// mechanism_bench: the price list) instead of failing the demo.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "bench/scenario.h"
#include "common/file_io.h"
#include "common/system.h"
#include "common/time_units.h"
#include "probes/probe_session.h"
#include "reports/demo_summary.h"
#include "reports/report_formats.h"
#include "reports/results_codec.h"
#include "cli/bench_workspace.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/price_list_run.h"
#include "cli/progress.h"
#include "cli/results_output.h"

namespace isobench::cli {
namespace {

namespace fs = std::filesystem;

struct DemoArguments {
  std::string language = "en";
  bool quick = false;
  std::string output_dir = ".";
  std::vector<std::string> command_line;
};

/// The spectrum the demo shows, from no isolation to a kernel of its own: first the targets
/// that start in milliseconds (a process, namespaces only, the OCI runtimes), then those with
/// a manager, a daemon or a kernel in user space in front (the full demo only: a few rounds,
/// since each Docker or podman run costs a few hundred), then the VM.
const std::vector<std::string> kCheapTargets = {"bare", "bwrap", "isobench", "runc", "crun"};
const std::vector<std::string> kCostlyTargets = {"lxc", "nspawn", "runsc", "podman", "docker"};

/// How much of each: the full demo takes about 90 s on two cores with TCG boots of ~4 s (the
/// first run's timed KVM probe and dockerd's start included); --quick, without the costly
/// targets, about 40 s. VM rounds are few because each is a guest boot.
struct DemoPlan {
  int runs, warmup, memory_runs;  // the cheap targets
  int costly_runs;                // the costly ones, with one warmup and one memory run; 0: not run
  int vm_runs, vm_memory_runs;
  double price_list_min_time;  // seconds per mechanism and repetition (3 of them)
};
constexpr DemoPlan kFull{10, 1, 2, 3, 3, 1, 0.03};
constexpr DemoPlan kQuick{5, 1, 1, 0, 2, 1, 0.01};

Result<bench::BenchmarkResults> run_step(const std::vector<std::string>& targets, int runs, int warmup, int memory_runs,
                                         const bench::TargetContext& context, probes::ProbeSession* probes,
                                         const bench::ProgressCallback& progress, int stop_fd) {
  bench::ScenarioSettings settings;
  settings.targets = targets;
  settings.workloads = {"noop", "cpu", "mem"};
  settings.runs = runs;
  settings.warmup = warmup;
  settings.memory_runs = memory_runs;
  auto harness = bench::harness_options(settings);
  if (!harness) return harness.error();
  harness->probes = probes;
  harness->stop_fd = stop_fd;
  return bench::run_benchmark(*harness, context, progress);
}

/// The narration's language: each fixed sentence in English and Korean.
struct Words {
  bool korean = false;
  std::string operator()(const char* english, const char* in_korean) const {
    return korean ? in_korean : english;
  }
};

struct DemoPaths {
  std::string results, report;
};

/// Bad input first, before anything runs or is created.
Result<DemoPaths> check_output_dir(const std::string& output_dir) {
  std::error_code error;
  if (!fs::is_directory(output_dir, error)) return plain_error("--output-dir " + output_dir + ": not a directory");
  if (access(output_dir.c_str(), W_OK) != 0) return errno_error("--output-dir " + output_dir);
  return DemoPaths{fs::absolute(fs::path(output_dir) / "demo-results.json").lexically_normal(),
                   fs::absolute(fs::path(output_dir) / "report.html").lexically_normal()};
}

void announce(const Words& words, bool quick) {
  std::cout << words("isobench demo: the same three workloads as a bare process, in containers (namespaces only, "
                     "OCI runtimes",
                     "isobench 데모: 같은 세 워크로드를 bare 프로세스, 컨테이너(네임스페이스만, OCI 런타임")
            << (quick ? "" : words(", LXC and systemd-nspawn, Docker and podman, gVisor", ", LXC와 systemd-nspawn, Docker와 podman, gVisor"))
            << words(") and in a QEMU microVM\n  noop: start and exit at once; cpu: ~0.2 s of arithmetic; mem: touch "
                     "64 MiB\nthen the price of each isolation mechanism on its own. About ",
                     ")와 QEMU 마이크로VM에서 실행합니다\n  noop: 시작하자마자 종료, cpu: 약 0.2초 계산, mem: 64 MiB "
                     "사용\n그다음 격리 메커니즘별 비용을 따로 잽니다. 약 ")
            << (quick ? 40 : 90) << words(" s.\n\n", "초 걸립니다.\n\n") << std::flush;
  if (geteuid() != 0)
    std::cout << words(
        "Not root: the isobench container, the eBPF probes and most of the price list need root; what "
        "cannot run says why below. For the whole demo: sudo isobench demo\n\n",
        "root가 아닙니다: isobench 컨테이너, eBPF 프로브, 가격표 대부분은 root가 필요합니다. 실행할 수 "
        "없는 것은 아래에 이유가 나옵니다. 전체 데모: sudo isobench demo\n\n");
}

/// What the demo measured: the runs of its three targets, and the price list (or why not).
struct DemoMeasurements {
  bench::BenchmarkResults results;
  Result<std::string> price_list = plain_error("not run: the demo was interrupted");
};

/// A step's results after the earlier ones' (the first gives the runs' settings), saying
/// which of its targets cannot run here.
void append_step(bench::BenchmarkResults& all, bench::BenchmarkResults step, const Words& words) {
  for (const bench::TargetInfo& target : step.targets)
    if (!target.available)
      std::cout << "      " << target.name << ": " << words("not available: ", "사용할 수 없음: ") << target.detail
                << "\n";
  if (all.targets.empty()) {
    all = std::move(step);
    return;
  }
  all.targets.insert(all.targets.end(), step.targets.begin(), step.targets.end());
  all.records.insert(all.records.end(), step.records.begin(), step.records.end());
  all.interrupted = all.interrupted || step.interrupted;
}

/// The steps, each skipped once Ctrl-C was pressed: the cheap targets, the costly ones
/// (not with --quick), the VM, the price list.
Result<DemoMeasurements> measure(const Words& words, const DemoPlan& plan, const bench::TargetContext& context,
                                 probes::ProbeSession* probes, const InterruptGuard& interrupt) {
  const int stop_fd = interrupt.stop_fd();
  const bool progress = progress_wanted(false);
  const int steps = plan.costly_runs > 0 ? 4 : 3;
  int step = 0;
  auto heading = [&](const char* english, const char* korean) {
    std::cout << "[" << ++step << "/" << steps << "] " << words(english, korean) << "\n" << std::flush;
  };
  heading("bare process, namespaces only (bwrap), OCI runtimes (isobench, runc, crun)",
          "bare 프로세스, 네임스페이스만 (bwrap), OCI 런타임 (isobench, runc, crun)");
  auto results = run_step(kCheapTargets, plan.runs, plan.warmup, plan.memory_runs, context, probes,
                          progress_bar(progress, "      "), stop_fd);
  if (!results) return results.error();
  DemoMeasurements measured;
  append_step(measured.results, std::move(*results), words);
  if (plan.costly_runs > 0 && !interrupt.requested()) {
    heading("LXC and systemd-nspawn, gVisor (runsc), podman and Docker (the demo starts its own dockerd)",
            "LXC와 systemd-nspawn, gVisor (runsc), podman과 Docker (데모가 자기 dockerd를 시작)");
    auto costly = run_step(kCostlyTargets, plan.costly_runs, 1, 1, context, probes, progress_bar(progress, "      "),
                           stop_fd);
    if (!costly) return costly.error();
    append_step(measured.results, std::move(*costly), words);
  }
  if (!interrupt.requested()) {
    heading("QEMU microVM (each run boots a guest kernel)", "QEMU 마이크로VM (실행마다 게스트 커널을 부팅)");
    auto vm = run_step({"vm"}, plan.vm_runs, 0, plan.vm_memory_runs, context, probes, progress_bar(progress, "      "),
                       stop_fd);
    if (!vm) return vm.error();
    append_step(measured.results, std::move(*vm), words);
  }
  if (!interrupt.requested()) {
    heading("the mechanism price list (mechanism_bench)", "메커니즘 가격표 (mechanism_bench)");
    measured.price_list = run_price_list(plan.price_list_min_time, context.scratch);
  }
  measured.results.interrupted = measured.results.interrupted || interrupt.requested();
  if (!measured.price_list)
    std::cout << "      " << words("not measured: ", "측정하지 못함: ") << measured.price_list.error().text() << "\n";
  return measured;
}

reports::ResultsDocument demo_document(DemoMeasurements measured, const DemoArguments& arguments,
                                       const std::string& results_path) {
  reports::RunSettings settings;
  for (const bench::TargetInfo& target : measured.results.targets) settings.targets.push_back(target.name);
  settings.sources = {{"runs", "demo plan"}, {"warmup", "demo plan"}, {"memory_runs", "demo plan"}};
  const Result<std::string>& price_list = measured.price_list;
  nlohmann::ordered_json price_document;
  if (price_list) {
    auto checked = parse_ordered_json_text(*price_list, "mechanism_bench's output", reports::kPriceListLimits);
    if (checked) price_document = std::move(*checked);
  }
  reports::ResultsDocument document =
      make_results_document(std::move(measured.results), std::move(settings), arguments.command_line,
                            std::move(price_document), price_list ? "" : price_list.error().text());
  document.name = results_path;
  return document;
}

Result<int> demo(const DemoArguments& arguments) {
  const Words words{arguments.language == "ko"};
  const DemoPlan& plan = arguments.quick ? kQuick : kFull;
  auto paths = check_output_dir(arguments.output_dir);
  if (!paths) return paths.error();

  int64_t started = monotonic_ns();
  announce(words, arguments.quick);
  auto workspace = BenchWorkspace::create("demo");
  if (!workspace) return workspace.error();
  // The probes give the startup phases; without BPF they fall back and say so.
  auto probe_session = probes::start_probe_session(*probes::ProbeSet::parse("lifecycle,cpu,memory"));
  for (const std::string& note : probe_session->notes()) std::cout << "isobench: " << note << "\n";
  // Ctrl-C in class stops the demo cleanly: what ran so far is summarised and written.
  auto interrupt = InterruptGuard::install();
  if (!interrupt) return interrupt.error();
  auto measured = measure(words, plan, workspace->context(), probe_session.get(), **interrupt);
  if (!measured) return measured.error();

  reports::ResultsDocument document = demo_document(std::move(*measured), arguments, paths->results);
  auto model = model_of(document);
  if (!model) return model.error();
  reports::Language language = words.korean ? reports::Language::kKorean : reports::Language::kEnglish;
  ISOBENCH_TRY(replace_file(paths->results, reports::encode_results(document, model->cells)));
  ISOBENCH_TRY(replace_file(paths->report, reports::render_report_html(*model, language)));

  std::cout << "\n" << reports::render_demo_summary(*model, language) << "\n";
  std::cout << words("Report: ", "보고서: ") << paths->report << "\n"
            << words("Results: ", "결과: ") << paths->results
            << words("  (isobench report / isobench compare read it)\n",
                     "  (isobench report / compare로 읽을 수 있음)\n")
            << words("Done in ", "소요 시간: ") << ns_to_whole_s(monotonic_ns() - started) << words(" s.\n", "초.\n");
  if ((*interrupt)->requested()) {
    std::cerr << words("isobench: interrupted: the summary and report are partial\n",
                       "isobench: 중단됨: 요약과 보고서는 일부뿐입니다\n");
    return (*interrupt)->exit_status();
  }
  return exit_status_of_runs(document.results, paths->results + " records why");
}

}  // namespace

void add_demo_command(CLI::App& app, Action& action, const std::vector<std::string>& command_line) {
  auto arguments = std::make_shared<DemoArguments>();
  CLI::App* command = app.add_subcommand(
      "demo", "The classroom demo: bare process vs container vs microVM, the price list, report.html (needs root)");
  command->add_option("--lang", arguments->language, "Language of the narration and report: en (default) or ko")
      ->check(CLI::IsMember({"en", "ko"}));
  command->add_flag("--quick", arguments->quick, "Fewer runs: about half the time, wider confidence intervals");
  command->add_option("--output-dir", arguments->output_dir, "Where report.html and demo-results.json go (default .)");
  command->callback([arguments, &action, &command_line] {
    arguments->command_line = command_line;
    action = [arguments] { return demo(*arguments); };
  });
}

}  // namespace isobench::cli
