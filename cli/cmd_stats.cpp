// `isobench stats` and `top`: a benchmarking tool's natural verbs, as Docker prints them.
// stats samples each running container's cgroups once a second (CPU % between two samples);
// top lists the processes in a container's cgroup with ps(1)'s -f columns, as `docker top`.
#include <signal.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "cli/container_verbs.h"
#include "cli/stats_table.h"
#include "common/system.h"
#include "runner/lifecycle/container_cgroups.h"
#include "runner/lifecycle/container_control.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct StatsArguments {
  std::vector<std::string> containers;
  bool no_stream = false;
  bool no_trunc = false;
  bool json = false;
  std::string format;
};

int64_t host_memory_bytes() {
  struct sysinfo info {};
  return ::sysinfo(&info) == 0 ? static_cast<int64_t>(info.totalram) * info.mem_unit : 0;
}

/// The running containers asked for (all running ones when none is named).
Result<std::vector<ContainerEntry>> chosen(const lifecycle::ContainerStore& store, const std::vector<std::string>& names) {
  auto all = observed_containers(store);
  if (!all) return all.error();
  if (names.empty()) {
    std::erase_if(*all, [](const ContainerEntry& entry) { return entry.state.status != lifecycle::ContainerStatus::kRunning; });
    return all;
  }
  std::vector<ContainerEntry> picked;
  for (const std::string& name : names) {
    auto id = resolve_container(store, name);
    if (!id) return id.error();
    for (const ContainerEntry& entry : *all)
      if (entry.config.id == *id) picked.push_back(entry);
  }
  return picked;
}

std::vector<ContainerSample> sample(const std::vector<ContainerEntry>& containers) {
  std::vector<ContainerSample> samples;
  for (const ContainerEntry& entry : containers) {
    ContainerSample row;
    row.id = entry.config.id;
    row.name = entry.config.name;
    auto counters = entry.state.status == lifecycle::ContainerStatus::kRunning
                        ? lifecycle::read_container_counters(entry.state.pid)
                        : Result<lifecycle::ContainerCounters>(plain_error("not running"));
    row.valid = counters.ok();
    if (counters) {
      row.cpu_ns = counters->cpu_ns;
      row.mem_bytes = counters->mem_bytes;
      row.mem_limit = counters->mem_limit > 0 ? counters->mem_limit : host_memory_bytes();
      row.pids = counters->pids;
      row.net_rx = counters->net_rx;
      row.net_tx = counters->net_tx;
      row.block_read = counters->block_read;
      row.block_write = counters->block_write;
    }
    samples.push_back(std::move(row));
  }
  return samples;
}

Result<int> show_stats(const StatsArguments& arguments) {
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  StatsOptions options{arguments.no_trunc, arguments.json ? "json" : arguments.format};
  auto containers = chosen(store, arguments.containers);
  if (!containers) return containers.error();
  std::vector<ContainerSample> before = sample(*containers);
  int64_t before_ns = monotonic_ns();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (!arguments.no_stream) {
      containers = chosen(store, arguments.containers);
      if (!containers) return containers.error();
    }
    std::vector<ContainerSample> after = sample(*containers);
    const int64_t after_ns = monotonic_ns();
    auto text = render_stats(before, after, after_ns - before_ns, options);
    if (!text) return text.error();
    if (!arguments.no_stream && ::isatty(STDOUT_FILENO)) std::cout << stats_refresh_prefix();
    std::cout << *text << std::flush;
    if (arguments.no_stream) return 0;
    before = std::move(after);
    before_ns = after_ns;
  }
}

Result<int> show_top(const std::string& name, const std::vector<std::string>& ps_options) {
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  auto id = resolve_container(store, name);
  if (!id) return id.error();
  auto container = lifecycle::read_observed(store, *id);
  if (!container) return container.error();
  if (container->state.status != lifecycle::ContainerStatus::kRunning)
    return Error{0, "container " + *id + " is not running", kContainerVerbFailed};
  std::string pids;
  for (pid_t pid : lifecycle::container_processes(container->state.pid)) pids += (pids.empty() ? "" : ",") + std::to_string(pid);
  if (pids.empty()) pids = std::to_string(container->state.pid);
  std::vector<std::string> words = {"ps"};
  if (ps_options.empty()) words.push_back("-f");
  words.insert(words.end(), ps_options.begin(), ps_options.end());
  words.insert(words.end(), {"-p", pids});
  std::vector<char*> argv = exec_array(words);
  ::execvp("ps", argv.data());
  return errno_error("cannot run ps (Debian's procps)");
}

}  // namespace

void add_stats_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<StatsArguments>();
  CLI::App* command = app.add_subcommand("stats", "Live CPU, memory, network, block I/O and pids of running containers");
  command->add_option("CONTAINER", arguments->containers, "Names, ids or id prefixes (default: every running one)");
  command->add_flag("--no-stream", arguments->no_stream, "One table (two samples a second apart), then exit");
  command->add_flag("--no-trunc", arguments->no_trunc, "Full ids");
  command->add_flag("--json", arguments->json, "One JSON object per container and line");
  command->add_option("--format", arguments->format, "table (default), json, or a Go template such as '{{.CPUPerc}}'");
  command->callback([&action, arguments] { action = [arguments] { return show_stats(*arguments); }; });
}

void add_top_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command) {
  app.add_subcommand("top", "The processes of a running container: top CONTAINER [ps OPTIONS] (ps -f by default)")
      ->callback([&action, &container_command] {
        action = [&container_command]() -> Result<int> {
          if (container_command.empty()) return usage_error("top needs a container: top CONTAINER [ps OPTIONS]");
          return show_top(container_command.front(), {container_command.begin() + 1, container_command.end()});
        };
      });
}

}  // namespace isobench::cli
