#include "cli/container_verbs.h"

#include <iostream>

#include "runner/lifecycle/container_liveness.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

void add_container_commands(CLI::App& app, Action& action, const std::vector<std::string>& container_command) {
  add_ps_command(app, action);
  add_logs_command(app, action);
  add_start_command(app, action);
  add_stop_command(app, action);
  add_restart_command(app, action);
  add_kill_command(app, action);
  add_wait_command(app, action);
  add_rm_command(app, action);
  add_exec_command(app, action, container_command);
  add_attach_command(app, action);
  add_inspect_command(app, action);
  add_stats_command(app, action);
  add_top_command(app, action, container_command);
  CLI::App* container = app.add_subcommand("container", "Manage containers (prune)");
  container->require_subcommand(1);
  add_prune_command(*container, action);
}

void add_stop_options(CLI::App& command, std::vector<std::string>& containers, int& timeout) {
  command.add_option("CONTAINER", containers, "Names, ids or unique id prefixes")->required();
  command.add_option("-t,--time", timeout, "Seconds to wait for the stop signal to work before SIGKILL (-1: for ever)")
      ->check(CLI::Range(-1, 86400));
}

Result<std::string> resolve_container(const lifecycle::ContainerStore& store, const std::string& name_or_id) {
  auto id = store.resolve(name_or_id);
  if (!id) return with_exit_code(id.error(), kContainerVerbFailed);
  return id;
}

Result<int> for_each_container(const lifecycle::ContainerStore& store, const std::vector<std::string>& names,
                               bool print_names, const std::function<Status(const std::string& id)>& each) {
  std::string failures;
  for (const std::string& name : names) {
    auto id = store.resolve(name);
    Status done = id ? each(*id) : Status(id.error());
    if (done) {
      if (print_names) std::cout << name << "\n" << std::flush;
      continue;
    }
    if (!failures.empty()) failures += "\n";
    failures += done.error().text();
  }
  if (failures.empty()) return 0;
  return Error{0, failures, kContainerVerbFailed};
}

Result<std::vector<ContainerEntry>> observed_containers(const lifecycle::ContainerStore& store) {
  auto stored = store.list();
  if (!stored) return stored.error();
  std::vector<ContainerEntry> entries;
  entries.reserve(stored->size());
  for (lifecycle::StoredContainer& container : *stored) {
    const bool alive = container.state.status == lifecycle::ContainerStatus::kRunning &&
                       store.monitor_alive(container.config.id);
    entries.push_back({std::move(container.config), lifecycle::observed_state(container.state, alive)});
  }
  return entries;
}

}  // namespace isobench::cli
