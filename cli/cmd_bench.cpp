// `isobench bench`: run workloads under several targets and compare them.
#include <algorithm>
#include <iostream>
#include <optional>

#include "bench/harness/harness.h"
#include "bench/scenario.h"
#include "bench/targets/target.h"
#include "common/bounded_input.h"
#include "probes/probe_session.h"
#include "reports/price_list.h"
#include "reports/results_codec.h"
#include "reports/terminal_table.h"
#include "cli/bench_workspace.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "cli/results_output.h"

namespace isobench::cli {
namespace {

/// A command-line option and the setting it sets: given explicitly, it wins over a
/// scenario file's value.
struct SettingOption {
  const char* setting;  ///< as the results record it
  CLI::Option* option = nullptr;
  void (*copy)(bench::ScenarioSettings& to, const bench::ScenarioSettings& from);
};

struct BenchOptions {
  bench::ScenarioSettings settings;  ///< the command line's values (defaults where not given)
  std::vector<SettingOption> setting_options;
  std::string scenario;
  std::string json_path;  ///< -o FILE; "-" (or --json) is stdout
  bool json = false;
  std::string price_list;
  std::optional<std::string> cmd;  ///< given: even `--cmd ''` replaces the workloads (and is refused)
  std::vector<std::string> cmd_argv;  ///< after `--`: the command's words as they are
  bool allow_unavailable = false;
  bool quiet = false;
  std::vector<std::string> command_line;
};

/// The settings to run: a scenario file's, then every option given on the command line
/// over them; and where each came from.
Result<std::pair<bench::ScenarioSettings, std::map<std::string, std::string>>> effective_settings(
    const BenchOptions& options) {
  bench::ScenarioSettings settings = options.settings;
  std::map<std::string, std::string> sources;
  std::string otherwise = reports::kFromDefault;
  if (!options.scenario.empty()) {
    auto parsed = bench::load_scenario(options.scenario);
    if (!parsed) return parsed.error();
    settings = *parsed;
    otherwise = "scenario " + options.scenario;
  }
  for (const SettingOption& entry : options.setting_options) {
    bool given = entry.option->count() > 0;
    if (given) entry.copy(settings, options.settings);
    sources[entry.setting] = given ? reports::kFromCommandLine : otherwise;
  }
  bool after_dashes = std::find(options.command_line.begin(), options.command_line.end(), "--") !=
                      options.command_line.end();
  if (!options.cmd_argv.empty() && !after_dashes)
    return plain_error("unexpected argument '" + options.cmd_argv.front() +
                       "': a command to benchmark goes after -- (isobench bench -- /bin/hello) or in --cmd");
  if (options.cmd && !options.cmd_argv.empty())
    return plain_error("--cmd and a command after -- are two commands: give one");
  if (options.cmd) {
    auto words = bench::split_command_words(*options.cmd);
    if (!words) return Error{words.error().errno_value, "--cmd: " + words.error().message};
    settings.cmd = std::move(*words);
    if (settings.cmd.empty()) return plain_error("--cmd: an empty command");
  } else if (!options.cmd_argv.empty()) {
    settings.cmd = options.cmd_argv;
  }
  sources["cmd"] = options.cmd || !options.cmd_argv.empty() ? reports::kFromCommandLine : otherwise;
  return std::pair{settings, sources};
}

std::string unavailable_targets(const bench::BenchmarkResults& results) {
  std::string list;
  for (const bench::TargetInfo& target : results.targets)
    if (!target.available) list += (list.empty() ? "" : "; ") + target.name + ": " + target.detail;
  return list;
}

Result<int> run_bench(BenchOptions& options) {
  auto effective = effective_settings(options);
  if (!effective) return effective.error();
  auto& [settings, sources] = *effective;
  if (settings.image.empty()) sources.erase("image");  // the built-in image: recorded as before images
  if (!settings.cold) sources.erase("cold");           // likewise warm runs, as before --cold
  auto wanted_probes = probes::ProbeSet::parse(settings.probes);
  if (!wanted_probes) return wanted_probes.error();
  // Checked before anything runs: a bad file or path must not cost a whole benchmark.
  nlohmann::ordered_json price_list;
  if (!options.price_list.empty()) {
    if (options.json_path.empty()) return plain_error("--price-list is joined to the results document: give -o FILE");
    auto loaded = reports::load_price_list(options.price_list);
    if (!loaded) return Error{loaded.error().errno_value, "--price-list " + loaded.error().message};
    price_list = std::move(*loaded);
  }
  if (options.json && !options.json_path.empty() && options.json_path != "-")
    return plain_error("--json prints the results to stdout and -o writes them to " + options.json_path + ": give one");
  if (options.json) options.json_path = "-";
  if (!options.json_path.empty()) ISOBENCH_TRY(check_output(options.json_path, "-o/--output"));
  // With the results on standard output, the table goes to the terminal's other stream.
  std::ostream& table_stream = options.json_path == "-" ? std::cerr : std::cout;

  // The image is opened (and its view mounted) here, before anything is timed; harness_options
  // looks for the workloads' programs in it.
  auto workspace = BenchWorkspace::create("bench", settings.image);
  if (!workspace) return workspace.error();
  auto harness = bench::harness_options(settings, workspace->context());
  if (!harness) return harness.error();

  std::unique_ptr<probes::ProbeSession> probe_session;
  if (!wanted_probes->empty()) {
    probe_session = probes::start_probe_session(*wanted_probes);
    for (const std::string& note : probe_session->notes()) std::cerr << "isobench: " << note << "\n";
    harness->probes = probe_session.get();
  }
  harness->require_every_target = !options.allow_unavailable;
  auto interrupt = InterruptGuard::install();
  if (!interrupt) return interrupt.error();
  harness->stop_fd = (*interrupt)->stop_fd();

  const bool progress = progress_wanted(options.quiet);
  auto results = bench::run_benchmark(*harness, workspace->context(), progress_bar(progress));
  if (!results) return results.error();
  if (results->interrupted && progress) std::cerr << "\n";  // the bar's line was not ended
  if (!options.allow_unavailable && results->records.empty() && !unavailable_targets(*results).empty())
    return plain_error("a requested target cannot run here (" + unavailable_targets(*results) +
                       "); nothing was run. Leave it out, or pass --allow-unavailable to run the others");

  reports::RunSettings recorded{settings.targets, settings.cmd,    settings.timeout, settings.min_time,
                                settings.seed,    options.allow_unavailable, sources, std::nullopt};
  if (const auto& image = workspace->context().image) recorded.image = reports::RecordedImage{image->name, image->id};
  recorded.cold = settings.cold;
  reports::ResultsDocument document =
      make_results_document(std::move(*results), std::move(recorded), options.command_line, std::move(price_list));
  auto model = model_of(document);
  if (!model) return model.error();
  table_stream << reports::render_terminal_table(*model) << reports::render_probe_table(model->cells) << std::flush;
  if (!options.json_path.empty()) {
    ISOBENCH_TRY(write_output(options.json_path, reports::encode_results(document, model->cells)));
    if (options.json_path != "-") std::cerr << "isobench: results written to " << options.json_path << "\n";
  }
  if ((*interrupt)->requested()) {
    std::cerr << "isobench: interrupted: the results above are partial\n";
    return (*interrupt)->exit_status();
  }
  return exit_status_of_runs(document.results, "see the fails column; the results document (-o) records why");
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action, const std::vector<std::string>& command_line) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* command =
      app.add_subcommand("bench", "Run workloads under several targets and compare what isolation costs");
  auto& s = options->settings;
  using Settings = bench::ScenarioSettings;
  auto& table = options->setting_options;
  table.push_back({"targets",
                   command->add_option("--targets", s.targets, "Targets: " + bench::known_targets())->delimiter(','),
                   [](Settings& to, const Settings& from) { to.targets = from.targets; }});
  table.push_back({"workloads",
                   command->add_option("--workloads", s.workloads, "Built-in workloads: " + bench::known_workloads())
                       ->delimiter(','),
                   [](Settings& to, const Settings& from) { to.workloads = from.workloads; }});
  command->add_option("--cmd", options->cmd,
                      "A program of the image and its arguments, instead of the workloads. Words are split as a POSIX "
                      "shell would (quotes, backslashes); pipes, redirections, $ and globs are refused: run /bin/sh -c "
                      "'...'. Every target, bare included, runs the image's file. Or give the words after --");
  table.push_back({"image",
                   command->add_option("--image", s.image,
                                       "An image from the store (isobench pull) that every target runs instead of the "
                                       "built-in one; give --cmd unless it has /bin/WORKLOAD"),
                   [](Settings& to, const Settings& from) { to.image = from.image; }});
  table.push_back({"params", command->add_option("--param", s.params, "Parameter sweep, e.g. mem.size=16m,64m (repeatable)"),
                   [](Settings& to, const Settings& from) { to.params = from.params; }});
  table.push_back({"concurrency",
                   command->add_option("--concurrency", s.concurrency, "Sandboxes started at once, e.g. 1,10,100")
                       ->delimiter(','),
                   [](Settings& to, const Settings& from) { to.concurrency = from.concurrency; }});
  table.push_back({"runs", command->add_option("-r,--runs", s.runs, "Measured rounds")->check(at_least(1)),
                   [](Settings& to, const Settings& from) { to.runs = from.runs; }});
  table.push_back({"warmup",
                   command->add_option("--warmup", s.warmup, "Unmeasured rounds first")->check(at_least(0)),
                   [](Settings& to, const Settings& from) { to.warmup = from.warmup; }});
  table.push_back({"memory_runs",
                   command
                       ->add_option("--memory-runs", s.memory_runs,
                                    "Untimed runs per cell measuring the whole target's memory (compare needs 5)")
                       ->check(at_least(0)),
                   [](Settings& to, const Settings& from) { to.memory_runs = from.memory_runs; }});
  table.push_back({"min_time",
                   command->add_option("--min-time", s.min_time, "Add rounds until each cell has run this many seconds"),
                   [](Settings& to, const Settings& from) { to.min_time = from.min_time; }});
  table.push_back({"timeout",
                   command->add_option("--timeout", s.timeout, "Seconds before a run is killed and recorded as failed"),
                   [](Settings& to, const Settings& from) { to.timeout = from.timeout; }});
  table.push_back({"seed", command->add_option("--seed", s.seed, "Seed of the shuffled order"),
                   [](Settings& to, const Settings& from) { to.seed = from.seed; }});
  table.push_back({"cold",
                   command->add_flag("--cold", s.cold,
                                     "Drop the page cache before every run (sync; drop_caches), for first-start "
                                     "figures; needs root"),
                   [](Settings& to, const Settings& from) { to.cold = from.cold; }});
  table.push_back({"probes",
                   command->add_option("--probes", s.probes,
                                       "Follow every measured run with BPF probes: lifecycle,cpu,syscalls,memory,kvm "
                                       "or all"),
                   [](Settings& to, const Settings& from) { to.probes = from.probes; }});
  command->add_option("--scenario", options->scenario,
                      "JSON file with the same settings; options given on the command line win over it");
  command->add_option("-o,--output", options->json_path,
                      "Write the results document (isobench-results/1) to FILE; - for stdout");
  command->add_flag("--json", options->json, "Print the results document on stdout (the table goes to stderr)");
  command->add_option("--price-list", options->price_list,
                      "Google Benchmark JSON of mechanism_bench to include in the results document (-o)");
  command->add_flag("--allow-unavailable", options->allow_unavailable,
                    "Run the other targets when a requested one cannot run here (its reason is in the results); "
                    "without it that is an error before anything runs");
  command->add_flag("-q,--quiet", options->quiet, "No progress bar");
  command->add_option("command", options->cmd_argv, "The command's words after --, instead of --cmd");
  command->callback([options, &action, &command_line] {
    options->command_line = command_line;
    action = [options] { return run_bench(*options); };
  });
}

}  // namespace isobench::cli
