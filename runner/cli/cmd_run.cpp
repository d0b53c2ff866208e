// `isobench run`: start a command in a container and pass its exit code through.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

#include "common/file_io.h"
#include "runner/cgroup/cgroup.h"
#include "runner/cli/commands.h"
#include "runner/cli/run_options.h"
#include "runner/cli/run_stats.h"
#include "runner/cli/run_vm.h"
#include "runner/container.h"
#include "runner/image.h"

namespace isobench::cli {
namespace {

using Ending = runner::ContainerOutcome::Ending;

Result<int> run_container(RunOptions& options) {
  if (options.vm) return run_in_vm(options);
  auto builtin = runner::builtin_image_rootfs();
  if (!builtin && options.rootfs.empty()) return builtin.error();
  auto spec = build_spec(options, {geteuid(), getegid()}, builtin ? *builtin : "");
  if (!spec) return spec.error();
  if (Status found = resolve_executable(*spec); !found) {
    std::cerr << "isobench: error: " << found.error().message << "\n";
    return found.error().errno_value == ENOENT ? 127 : 126;
  }

  runner::HostCgroupFs cgroup_fs;
  std::unique_ptr<runner::CgroupManager> cgroups;
  runner::CgroupMode mode = runner::CgroupMode::kNone;
  if (spec->use_cgroup) {
    auto mountinfo = read_file("/proc/self/mountinfo");
    if (!mountinfo) return mountinfo.error();
    auto manager = runner::make_cgroup_manager(runner::parse_cgroup_layout(*mountinfo), cgroup_fs);
    if (manager) {
      cgroups = std::move(*manager);
      mode = cgroups->mode();
    } else if (spec->limits.any()) {
      return manager.error();
    } else {
      spdlog::warn("no cgroups on this host ({}): running without; CPU and memory figures come from rusage",
                   manager.error().text());
    }
  }

  runner::ContainerLauncher launcher(cgroups.get());
  auto outcome = launcher.run(*spec);
  if (!outcome) return outcome.error();

  switch (outcome->ending) {
    case Ending::kSetupFailed: std::cerr << "isobench: error: " << outcome->message << "\n"; break;
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
      if (outcome->cgroup && outcome->cgroup->oom_kills > 0)
        std::cerr << "isobench: " << outcome->cgroup->oom_kills
                  << " process(es) in the container were OOM-killed (memory limit " << options.memory << ")\n";
      break;
  }
  if (options.stats || !options.stats_json.empty()) {
    nlohmann::ordered_json stats = run_stats_json(*outcome, mode, own_peak_rss_bytes());
    if (options.stats) std::cerr << run_stats_text(stats) << "\n";
    if (!options.stats_json.empty()) ISOBENCH_TRY(write_regular_file(options.stats_json, stats.dump(2) + "\n"));
  }
  return outcome->exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command =
      app.add_subcommand("run", "Run a command in a new container: isobench run [OPTIONS] [--] CMD [ARGS...]");
  add_run_options(*command, *options);
  command->callback([options, &action, &container_command] {
    options->command = container_command;
    action = [options] { return run_container(*options); };
  });
}

}  // namespace isobench::cli
