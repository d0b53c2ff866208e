// `isobench start` and `restart`: a stopped container again, from the spec it was made with
// and with its writable layer as it was (Docker's semantics: files survive stop and start).
#include <unistd.h>

#include "cli/container_verbs.h"
#include "common/system.h"
#include "cli/run_detached.h"
#include "runner/lifecycle/container_control.h"
#include "runner/lifecycle/container_log.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct StartArguments {
  std::vector<std::string> containers;
  bool attach = false;
  int timeout = 10;
};

/// Starts `id` unless it runs already (no error, as in Docker).
Status start_one(const lifecycle::ContainerStore& store, const std::string& id) {
  auto container = lifecycle::read_observed(store, id);
  if (!container) return container.error();
  if (container->state.status == lifecycle::ContainerStatus::kRunning) return {};
  if (container->state.status == lifecycle::ContainerStatus::kRemoving)
    return plain_error("container " + id + " is being removed");
  auto started = start_kept_container(store, container->config);
  if (!started && started.error().message.ends_with("is already running")) return {};
  if (!started) return started.error();
  return {};
}

/// `start -a`: what it printed since `since_ns` (just before the start), until it ends; its
/// exit code is ours.
Result<int> attach(const lifecycle::ContainerStore& store, const std::string& id, int64_t since_ns) {
  lifecycle::LogReadOptions options;
  options.since_ns = since_ns;
  ISOBENCH_TRY(lifecycle::follow_log(store.log_path(id), options, STDOUT_FILENO, STDERR_FILENO,
                                     [&] { return store.monitor_alive(id); }));
  auto code = lifecycle::wait_container(store, id);
  if (!code) return code.error();
  return code->value_or(kContainerVerbFailed);
}

}  // namespace

void add_start_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<StartArguments>();
  CLI::App* command = app.add_subcommand("start", "Start stopped containers again (their files as they left them)");
  command->add_option("CONTAINER", arguments->containers, "Names, ids or unique id prefixes")->required();
  command->add_flag("-a,--attach", arguments->attach, "Print what it prints until it exits, and exit with its code");
  command->callback([&action, arguments] {
    action = [arguments]() -> Result<int> {
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      if (arguments->attach) {
        if (arguments->containers.size() != 1) return usage_error("start -a attaches to one container");
        auto id = resolve_container(store, arguments->containers.front());
        if (!id) return id.error();
        const int64_t since = realtime_ns();
        if (Status started = start_one(store, *id); !started) return with_exit_code(started.error(), kContainerVerbFailed);
        return attach(store, *id, since);
      }
      return for_each_container(store, arguments->containers, true,
                                [&](const std::string& id) { return start_one(store, id); });
    };
  });
}

void add_restart_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<StartArguments>();
  CLI::App* command = app.add_subcommand("restart", "Stop containers (as stop -t does) and start them again");
  add_stop_options(*command, arguments->containers, arguments->timeout);
  command->callback([&action, arguments] {
    action = [arguments] {
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      return for_each_container(store, arguments->containers, true, [&](const std::string& id) -> Status {
        ISOBENCH_TRY(lifecycle::stop_container(store, id, arguments->timeout));
        return start_one(store, id);
      });
    };
  });
}

}  // namespace isobench::cli
