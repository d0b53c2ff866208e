// `isobench run --name NAME ...` in the foreground: Docker's attached run of a kept container.
// The container lives under its monitor as a detached one does (so `ps -a`, `logs` and
// `start` know it afterwards, and it outlives a killed CLI); the command attaches to the
// monitor's socket, which holds the output until it has, and proxies the user's signals.
#include "cli/attach_session.h"
#include "cli/run_detached.h"
#include "runner/lifecycle/attach_protocol.h"
#include "runner/lifecycle/container_control.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

Result<int> run_attached(const RunOptions& options, runner::ContainerSpec spec, runner::CgroupManager* cgroups) {
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  std::string created;
  auto id = create_and_start(options, std::move(spec), cgroups, true, &created);
  if (!id) {
    // A start that failed left the container Created, as Docker does, but --rm asked for nothing left.
    if (options.auto_remove && !created.empty()) (void)store.remove(created);
    return id.error();
  }
  auto socket = lifecycle::connect_to_monitor(store, *id);
  if (!socket) return socket.error();
  AttachOptions attach;
  attach.tty = options.tty;
  attach.forward_input = options.interactive;
  attach.close_stdin_at_eof = options.interactive && !options.tty;  // docker run -i's StdinOnce
  // Signals are held only from here: the monitor, forked before, must not hand a blocked mask
  // to the workload.
  Status attached = attach_stdio(socket->get(), store, *id, attach);
  auto code = lifecycle::wait_container(store, *id);
  if (options.auto_remove) ISOBENCH_TRY(store.remove(*id));
  ISOBENCH_TRY(attached);
  if (!code) return code.error();
  // Unknown only when its monitor was killed: Docker's CLI says 125 when it cannot tell.
  return code->value_or(125);
}

}  // namespace isobench::cli
