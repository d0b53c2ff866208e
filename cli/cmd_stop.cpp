// `isobench stop`, `kill` and `wait`: what Docker's verbs of the same names do to running
// containers (runner/lifecycle/container_control.h has the mechanics).
#include <iostream>

#include "cli/container_verbs.h"
#include "runner/lifecycle/container_control.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct SignalArguments {
  std::vector<std::string> containers;
  int timeout = 10;              ///< stop -t
  std::string signal = "KILL";  ///< kill -s
};

}  // namespace

void add_stop_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<SignalArguments>();
  CLI::App* command = app.add_subcommand("stop", "Stop running containers: their stop signal, then SIGKILL after -t");
  add_stop_options(*command, arguments->containers, arguments->timeout);
  command->callback([&action, arguments] {
    action = [arguments] {
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      return for_each_container(store, arguments->containers, true, [&](const std::string& id) {
        return lifecycle::stop_container(store, id, arguments->timeout);
      });
    };
  });
}

void add_kill_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<SignalArguments>();
  CLI::App* command = app.add_subcommand("kill", "Send a signal (SIGKILL unless -s) to running containers");
  command->add_option("CONTAINER", arguments->containers, "Names, ids or unique id prefixes")->required();
  command->add_option("-s,--signal", arguments->signal, "Signal by name (TERM, SIGUSR1) or number");
  command->callback([&action, arguments] {
    action = [arguments]() -> Result<int> {
      auto signal = lifecycle::parse_signal(arguments->signal);
      if (!signal) return signal.error();
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      return for_each_container(store, arguments->containers, true, [&](const std::string& id) {
        return lifecycle::signal_container(store, id, *signal);
      });
    };
  });
}

void add_wait_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<SignalArguments>();
  CLI::App* command = app.add_subcommand("wait", "Wait until containers stop, then print their exit codes");
  command->add_option("CONTAINER", arguments->containers, "Names, ids or unique id prefixes")->required();
  command->callback([&action, arguments] {
    action = [arguments] {
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      return for_each_container(store, arguments->containers, false, [&](const std::string& id) -> Status {
        auto code = lifecycle::wait_container(store, id);
        if (!code) return code.error();
        // Docker prints -1 when the daemon does not know the code either.
        std::cout << code->value_or(-1) << "\n" << std::flush;
        return {};
      });
    };
  });
}

}  // namespace isobench::cli
