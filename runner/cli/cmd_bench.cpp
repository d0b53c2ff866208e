// `isobench bench`: run workloads under several targets and compare them.
#include <iostream>
#include <optional>
#include <sstream>

#include "bench/environment.h"
#include "bench/harness/harness.h"
#include "bench/scenario.h"
#include "common/bounded_input.h"
#include "common/file_io.h"
#include "probes/probe_session.h"
#include "reports/cell_summary.h"
#include "reports/price_list.h"
#include "reports/results_json.h"
#include "reports/terminal_table.h"
#include "runner/cli/bench_workspace.h"
#include "runner/cli/commands.h"
#include "runner/cli/progress.h"

#ifndef ISOBENCH_VERSION
#define ISOBENCH_VERSION "0.0.0"
#endif

namespace isobench::cli {
namespace {

struct BenchOptions {
  bench::ScenarioSettings settings;
  std::string scenario;
  std::string json_path;
  std::string price_list;
  std::optional<std::string> cmd;  ///< given: even `--cmd ''` replaces the workloads (and is refused)
  bool quiet = false;
  std::vector<std::string> command_line;
};

Result<int> run_bench(BenchOptions& options) {
  bench::ScenarioSettings settings = options.settings;
  if (!options.scenario.empty()) {
    auto parsed = bench::load_scenario(options.scenario);
    if (!parsed) return parsed.error();
    settings = *parsed;
  }
  if (options.cmd) {
    auto words = bench::split_command_words(*options.cmd);
    if (!words) return Error{words.error().errno_value, "--cmd: " + words.error().message};
    settings.cmd = std::move(*words);
    if (settings.cmd.empty()) return plain_error("--cmd: an empty command");
  }
  auto harness = bench::harness_options(settings);
  if (!harness) return harness.error();
  auto wanted_probes = probes::ProbeSet::parse(settings.probes);
  if (!wanted_probes) return wanted_probes.error();
  // Checked before anything runs: a bad file must not cost a whole benchmark.
  nlohmann::ordered_json price_list;
  if (!options.price_list.empty()) {
    if (options.json_path.empty()) return plain_error("--price-list is joined to the --json results: give --json FILE");
    auto loaded = reports::load_price_list(options.price_list);
    if (!loaded) return Error{loaded.error().errno_value, "--price-list " + loaded.error().message};
    price_list = std::move(*loaded);
  }
  if (!options.json_path.empty()) ISOBENCH_TRY(check_output_path(options.json_path, "--json"));

  auto workspace = BenchWorkspace::create("bench");
  if (!workspace) return workspace.error();

  std::unique_ptr<probes::ProbeSession> probe_session;
  if (!wanted_probes->empty()) {
    probe_session = probes::start_probe_session(*wanted_probes);
    for (const std::string& note : probe_session->notes()) std::cerr << "isobench: " << note << "\n";
    harness->probes = probe_session.get();
  }

  auto results = bench::run_benchmark(*harness, workspace->context(), progress_bar(progress_wanted(options.quiet)));
  if (!results) return results.error();

  auto cells = reports::summarize_cells(*results);
  std::cout << reports::render_terminal_table(*results, cells) << reports::render_probe_table(cells);
  if (!options.json_path.empty()) {
    auto environment = bench::collect_environment(options.command_line, ISOBENCH_VERSION, results->targets);
    nlohmann::ordered_json document = reports::results_to_json(*results, cells, environment);
    if (!price_list.is_null()) document["price_list"] = std::move(price_list);
    ISOBENCH_TRY(write_regular_file(options.json_path,
                                    document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
    std::cerr << "isobench: results written to " << options.json_path << "\n";
  }
  return exit_status_of_runs(*results, "see the fails column; --json records why");
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action, const std::vector<std::string>& command_line) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* command =
      app.add_subcommand("bench", "Run workloads under several targets and compare what isolation costs");
  auto& s = options->settings;
  command->add_option("--targets", s.targets, "bare, isobench[:ns|full|TOGGLES], runc, crun, bwrap")->delimiter(',');
  command->add_option("--workloads", s.workloads, "noop, hello, cpu, mem, syscall, fork, io")->delimiter(',');
  command->add_option("--cmd", options->cmd, "A command from the image instead of the workloads");
  command->add_option("--param", s.params, "Parameter sweep, e.g. mem.size=16m,64m (repeatable)");
  command->add_option("--concurrency", s.concurrency, "Sandboxes started at once, e.g. 1,10,100")->delimiter(',');
  command->add_option("-r,--runs", s.runs, "Measured rounds")->check(CLI::PositiveNumber);
  command->add_option("-w,--warmup", s.warmup, "Unmeasured rounds first")->check(CLI::NonNegativeNumber);
  command->add_option("--memory-runs", s.memory_runs, "Untimed runs per cell measuring the runtime's memory")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--min-time", s.min_time, "Add rounds until each cell has run this many seconds");
  command->add_option("--timeout", s.timeout, "Seconds before a run is killed and recorded as failed");
  command->add_option("--seed", s.seed, "Seed of the shuffled order");
  command->add_option("--scenario", options->scenario, "JSON file with the same settings");
  command->add_option("--json", options->json_path, "Write the results document (isobench-results/1) here");
  command->add_option("--price-list", options->price_list,
                      "Google Benchmark JSON of mechanism_bench to include in the --json results");
  command->add_option("--probes", s.probes,
                      "Follow every measured run with BPF probes: lifecycle,cpu,syscalls,memory,kvm or all");
  command->add_flag("-q,--quiet", options->quiet, "No progress bar");
  command->callback([options, &action, &command_line] {
    options->command_line = command_line;
    action = [options] { return run_bench(*options); };
  });
}

}  // namespace isobench::cli
