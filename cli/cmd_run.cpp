// `isobench run`: start a command in a container and pass its exit code through.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "runner/cgroup/cgroup.h"
#include "cli/commands.h"
#include "cli/run_options.h"
#include "cli/run_stats.h"
#include "cli/host_cgroups.h"
#include "cli/run_detached.h"
#include "cli/run_vm.h"
#include "cli/terminal_relay.h"
#include "runner/container.h"
#include "runner/image.h"
#include "runner/image/image_rootfs.h"

namespace isobench::cli {
namespace {

using Ending = runner::ContainerOutcome::Ending;
namespace image = runner::image;

/// `isobench run IMAGE [CMD...]`: the image from the store becomes the rootfs and the
/// defaults; "isobench/builtin" is the built-in image. Holds the image in use (returned).
Result<std::optional<image::ImageRootfs>> take_image(RunOptions& options) {
  if (!command_names_image(options)) return std::optional<image::ImageRootfs>();
  const std::string name = options.command.front();
  options.command.erase(options.command.begin());
  if (!options.command.empty() && options.command.front() == "--") options.command.erase(options.command.begin());
  if (name == image::kBuiltinImageName) return std::optional<image::ImageRootfs>();
  if (options.vm) return usage_error("--vm boots the built-in image or --rootfs, not an image from the store (yet)");
  auto opened = image::open_image_rootfs(image::Store(image::default_store_root()), name);
  if (!opened) return opened.error();
  options.image_name = name;
  options.image_id = opened->image.id.str();
  options.stop_signal = opened->config.stop_signal;
  image::ImageOverrides overrides{options.command, options.entrypoint, options.workdir_given, options.user_given};
  ISOBENCH_TRY(image::apply_image(*opened, overrides, options));
  return std::optional<image::ImageRootfs>(std::move(*opened));
}

/// The foreground run's ending, in words where a bare exit code would puzzle, and --stats.
Result<int> report_outcome(const RunOptions& options, const runner::ContainerOutcome& outcome, runner::CgroupMode mode) {
  for (const std::string& warning : outcome.warnings) std::cerr << "isobench: warning: " << warning << "\n";
  switch (outcome.ending) {
    case Ending::kSetupFailed: break;  // the error, after the statistics
    case Ending::kOomKilled:
      std::cerr << "isobench: the container was OOM-killed: it used more memory than --memory " << options.memory
                << " allows\n";
      break;
    case Ending::kTimedOut:
      std::cerr << "isobench: the container was killed after --timeout " << *options.timeout << " s\n";
      break;
    case Ending::kSignaled:
    case Ending::kExited:
      // The init survived, but something inside hit the limit: say so rather than leave a bare 137.
      if (outcome.cgroup && outcome.cgroup->oom_kills > 0)
        std::cerr << "isobench: " << outcome.cgroup->oom_kills
                  << " process(es) in the container were OOM-killed (memory limit " << options.memory << ")\n";
      break;
  }
  if (options.stats || !options.stats_json.empty()) {
    nlohmann::ordered_json stats = run_stats_json(outcome, mode, own_peak_rss_bytes());
    if (options.stats) std::cerr << run_stats_text(stats) << "\n";
    // The workload ran: its exit code stays the run's even when the file cannot be written.
    if (!options.stats_json.empty())
      if (Status written = write_output_file(options.stats_json, stats.dump(2) + "\n"); !written)
        spdlog::error("--stats-json: {}", written.error().text());
  }
  if (outcome.ending == Ending::kSetupFailed) return Error{0, outcome.message, outcome.exit_code};
  return outcome.exit_code;
}

Result<int> run_container(RunOptions& options) {
  auto image = take_image(options);
  if (!image) return image.error();
  if (options.entrypoint && !*image) return usage_error("--entrypoint replaces an image's Entrypoint: name an image");
  ISOBENCH_TRY(check_detach_options(options));
  ISOBENCH_TRY(check_terminal_options(options.tty, options.interactive && !options.detach));
  if (options.vm && options.tty) return usage_error("-t gives a container a pseudo-terminal; a --vm guest's console is its serial line");
  if (options.vm) return run_in_vm(options);
  auto builtin = runner::builtin_image_rootfs();
  if (!builtin && options.rootfs.empty()) return builtin.error();
  auto spec = runner::build_spec(options, {geteuid(), getegid(), runner::host_online_cpus()}, builtin ? *builtin : "");
  if (!spec) return spec.error();
  // Before the workload runs: a path that cannot be written must not cost its exit code.
  if (!options.stats_json.empty()) ISOBENCH_TRY(check_output_path(options.stats_json, "--stats-json"));
  ISOBENCH_TRY(runner::resolve_executable(*spec));

  runner::HostCgroupFs cgroup_fs;
  std::unique_ptr<runner::CgroupManager> cgroups;
  ISOBENCH_TRY(open_cgroups(*spec, cgroup_fs, cgroups));
  for (const std::string& warning : runner::isolation_warnings(*spec)) spdlog::warn("{}", warning);
  spec->terminal = options.tty;
  if (options.tty) spec->terminal_size = caller_terminal_size();
  if (options.detach) return run_detached(options, std::move(*spec), cgroups.get());
  if (keeps_container(options)) return run_attached(options, std::move(*spec), cgroups.get());
  runner::ContainerLauncher launcher(cgroups.get());
  CallerTerminal terminal;
  launcher.on_started([&](pid_t, UniqueFd master) {
    if (master) terminal.start(std::move(master), options.interactive);
  });
  auto outcome = launcher.run(*spec);
  terminal.finish();
  if (!outcome) return outcome.error();
  return report_outcome(options, *outcome, cgroups ? cgroups->mode() : runner::CgroupMode::kNone);
}

}  // namespace

void add_run_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command,
                     const bool& after_separator) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Run a command in a new container: isobench run [OPTIONS] IMAGE [CMD...], or [--] CMD in the built-in image");
  add_run_options(*command, *options);
  command->callback([options, command, &action, &container_command, &after_separator] {
    options->command = container_command;
    options->command_may_name_image = !after_separator;
    options->workdir_given = command->count("--workdir") > 0;
    options->user_given = command->count("--user") > 0;
    action = [options] { return run_container(*options); };
  });
}

}  // namespace isobench::cli
