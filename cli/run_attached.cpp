// `isobench run --name NAME ...` in the foreground: Docker's attached run of a kept container.
// The container lives under its monitor as a detached one does (so `ps -a`, `logs` and
// `start` know it afterwards, and it outlives a killed CLI); the command follows its log and
// proxies the user's signals to it, as docker's --sig-proxy does.
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/run_detached.h"
#include "common/unique_fd.h"
#include "runner/lifecycle/container_control.h"
#include "runner/lifecycle/container_log.h"
#include "runner/signal_block.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

/// The signals that arrived since the last call, each sent on to the container.
void forward_pending(int signal_fd, const lifecycle::ContainerStore& store, const std::string& id) {
  signalfd_siginfo info;
  while (::read(signal_fd, &info, sizeof info) == sizeof info)
    (void)lifecycle::signal_container(store, id, static_cast<int>(info.ssi_signo));
}

}  // namespace

Result<int> run_attached(const RunOptions& options, runner::ContainerSpec spec, runner::CgroupManager* cgroups) {
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  std::string created;
  auto id = create_and_start(options, std::move(spec), cgroups, false, &created);
  if (!id) {
    // A start that failed left the container Created, as Docker does, but --rm asked for nothing left.
    if (options.auto_remove && !created.empty()) (void)store.remove(created);
    return id.error();
  }
  // Blocked only now: the monitor forked before must not hand a blocked mask to the workload.
  runner::SignalBlock signals;
  UniqueFd signal_fd(::signalfd(-1, &signals.blocked(), SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd) return errno_error("signalfd");
  Status followed = lifecycle::follow_log(store.log_path(*id), lifecycle::LogReadOptions{}, STDOUT_FILENO,
                                          STDERR_FILENO, [&] {
                                            forward_pending(signal_fd.get(), store, *id);
                                            return store.monitor_alive(*id);
                                          });
  auto code = lifecycle::wait_container(store, *id);
  if (options.auto_remove) ISOBENCH_TRY(store.remove(*id));
  ISOBENCH_TRY(followed);
  if (!code) return code.error();
  // Unknown only when its monitor was killed: Docker's CLI says 125 when it cannot tell.
  return code->value_or(125);
}

}  // namespace isobench::cli
