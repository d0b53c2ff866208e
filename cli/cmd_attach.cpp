// `isobench attach CONTAINER`: the caller's stdio joined to a running container through its
// monitor, as `docker attach` joins them: its output from now on (earlier output is in
// `logs`), with its terminal when it has one, our stdin when it keeps one open (-i), signals
// proxied unless --sig-proxy=false; the container's exit code once it ends.
#include <unistd.h>

#include "cli/attach_session.h"
#include "cli/container_verbs.h"
#include "runner/lifecycle/attach_protocol.h"
#include "runner/lifecycle/container_control.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct AttachArguments {
  std::string container;
  bool no_stdin = false;
  bool sig_proxy = true;
};

Result<int> attach_container(const AttachArguments& arguments) {
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  auto id = resolve_container(store, arguments.container);
  if (!id) return id.error();
  auto container = store.read(*id);
  if (!container) return with_exit_code(container.error(), kContainerVerbFailed);
  const bool input = container->config.interactive && !arguments.no_stdin;
  if (container->config.tty && input && !::isatty(STDIN_FILENO))
    return with_exit_code(plain_error("the input device is not a TTY"), kContainerVerbFailed);
  auto socket = lifecycle::connect_to_monitor(store, *id);
  if (!socket) return socket.error();
  AttachOptions attach;
  attach.tty = container->config.tty;
  attach.forward_input = input;
  attach.proxy_signals = arguments.sig_proxy;
  ISOBENCH_TRY(attach_stdio(socket->get(), store, *id, attach));
  auto code = lifecycle::wait_container(store, *id);
  if (!code) return code.error();
  return code->value_or(kContainerVerbFailed);
}

}  // namespace

void add_attach_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<AttachArguments>();
  CLI::App* command = app.add_subcommand("attach", "Attach stdin, stdout and stderr to a running container");
  command->add_option("CONTAINER", arguments->container, "Name, id or unique id prefix")->required();
  command->add_flag("--no-stdin", arguments->no_stdin, "Do not attach stdin");
  command->add_option("--sig-proxy", arguments->sig_proxy, "Proxy the signals isobench receives to the container")
      ->default_str("true");
  command->callback([&action, arguments] { action = [arguments] { return attach_container(*arguments); }; });
}

}  // namespace isobench::cli
