// `isobench exec`: a command in a running container, as `docker exec` runs it, never with
// more privilege than the container's own workload (runner/lifecycle/container_exec.h).
#include "cli/container_verbs.h"
#include "cli/terminal_relay.h"
#include "runner/lifecycle/container_exec.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

void add_exec_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command) {
  auto request = std::make_shared<lifecycle::ExecRequest>();
  CLI::App* command = app.add_subcommand("exec", "Run a command in a running container: isobench exec [OPTIONS] CONTAINER CMD...");
  command->add_flag("-i,--interactive", request->interactive, "Keep stdin attached");
  command->add_flag("-t,--tty", request->tty, "Allocate a pseudo-terminal of the container's own");
  command->add_option("-e,--env", request->env, "Set KEY=VALUE on top of the container's environment");
  command->add_option("-w,--workdir", request->workdir, "Working directory inside the container");
  command->add_option("-u,--user", request->user, "user[:group] to run as, names or numbers (names from the container's /etc/passwd and /etc/group; default: the container's user)");
  command->callback([&action, &container_command, request] {
    action = [&container_command, request]() -> Result<int> {
      if (container_command.size() < 2) return usage_error("exec needs a container and a command: exec CONTAINER CMD...");
      ISOBENCH_TRY(check_terminal_options(request->tty, request->interactive));
      const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
      auto id = resolve_container(store, container_command.front());
      if (!id) return id.error();
      request->args.assign(container_command.begin() + 1, container_command.end());
      CallerTerminal terminal;
      if (request->tty) {
        request->terminal_size = caller_terminal_size();
        request->on_terminal = [&](UniqueFd master) { terminal.start(std::move(master), request->interactive); };
      }
      auto code = lifecycle::exec_in_container(store, *id, *request);
      request->on_terminal = nullptr;  // it refers to `terminal`, which goes with this scope
      terminal.finish();
      return code;
    };
  });
}

}  // namespace isobench::cli
