// `isobench rm` and `container prune`: containers, their writable layers and logs removed, as
// Docker's verbs of the same names remove them.
#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "cli/container_verbs.h"
#include "runner/cgroup/stale_cgroups.h"
#include "runner/lifecycle/container_control.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct RemoveArguments {
  std::vector<std::string> containers;
  bool force = false;
  bool volumes = false;  ///< -v: accepted as Docker's; isobench containers have no volumes yet
};

/// A container whose monitor died without recording the end (SIGKILLed, a reboot) may have
/// left its cgroup: the sweep removes what no live owner holds.
void remove_leftover_cgroups(const lifecycle::StoredContainer& recorded) {
  if (recorded.state.status == lifecycle::ContainerStatus::kRunning) (void)runner::remove_stale_cgroups_on_host();
}

Status remove_container(const lifecycle::ContainerStore& store, const std::string& id, bool force) {
  auto recorded = store.read(id);
  if (!recorded) return recorded.error();
  auto observed = lifecycle::read_observed(store, id);
  if (!observed) return observed.error();
  if (observed->state.status == lifecycle::ContainerStatus::kRunning) {
    if (!force)
      return plain_error("cannot remove container \"/" + observed->config.name +
                         "\": container is running: stop the container before removing or force remove");
    Status killed = lifecycle::signal_container(store, id, SIGKILL);
    if (!lifecycle::wait_for_monitor(store, id, 30'000))
      return plain_error("cannot remove container " + id + ": its monitor did not end after SIGKILL" +
                         (killed ? "" : " (" + killed.error().text() + ")"));
    if (!store.read(id)) return {};  // --rm: its monitor removed it
  }
  remove_leftover_cgroups(*recorded);
  return store.remove(id);
}

Result<int> prune(bool force) {
  if (!force) {
    std::cerr << "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] "
              << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "Y" && answer != "yes")) return 0;
  }
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  auto entries = observed_containers(store);
  if (!entries) return entries.error();
  std::string deleted, failures;
  for (const ContainerEntry& entry : *entries) {
    if (entry.state.status == lifecycle::ContainerStatus::kRunning) continue;
    Status removed = remove_container(store, entry.config.id, false);
    if (removed) deleted += entry.config.id + "\n";
    else failures += (failures.empty() ? "" : "\n") + removed.error().text();
  }
  if (!deleted.empty()) std::cout << "Deleted Containers:\n" << deleted << "\n";
  std::cout << "Total reclaimed space: 0B\n";
  if (!failures.empty()) return Error{0, failures, kContainerVerbFailed};
  return 0;
}

}  // namespace

void add_rm_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<RemoveArguments>();
  CLI::App* command = app.add_subcommand("rm", "Remove containers (a running one only with -f)");
  command->add_option("CONTAINER", arguments->containers, "Names, ids or unique id prefixes")->required();
  command->add_flag("-f,--force", arguments->force, "Kill a running container first");
  command->add_flag("-v,--volumes", arguments->volumes, "Remove its anonymous volumes too (isobench has none)");
  command->callback([&action, arguments] {
    action = [arguments] {
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      return for_each_container(store, arguments->containers, true, [&](const std::string& id) {
        return remove_container(store, id, arguments->force);
      });
    };
  });
}

void add_prune_command(CLI::App& container, Action& action) {
  auto force = std::make_shared<bool>(false);
  CLI::App* command = container.add_subcommand("prune", "Remove every stopped container");
  command->add_flag("-f,--force", *force, "Do not ask for confirmation");
  command->callback([&action, force] { action = [force] { return prune(*force); }; });
}

}  // namespace isobench::cli
