// `isobench exec`: a new process in a running container, never more privileged than the
// container's own init. What the init has is read from the kernel (/proc/PID/status: its
// bounding and effective capability sets, no_new_privs, whether a seccomp filter is on), and
// the joining process takes exactly that, after joining the init's cgroups and, through its
// pidfd, all of its namespaces at once. It is not dumpable until it execs (nothing in the
// container can ptrace it or open its /proc files while it still holds the host's
// privileges), keeps no descriptor of the host but stdio, and leads a session of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/lifecycle/container_store.h"
#include "runner/spec.h"

namespace isobench::runner::lifecycle {

struct ExecRequest {
  std::vector<std::string> args;
  std::vector<std::string> env;  ///< -e KEY=VALUE on top of the container's environment
  std::string workdir;           ///< -w; empty: the container's working directory
  std::string user;              ///< -u user[:group], names looked up in the container's files; empty: the container's user
  bool interactive = false;      ///< -i: stdin stays attached (else /dev/null)
  /// -t: a pty of the container's devpts, made by the joined process with its final ids, as
  /// its stdio and controlling terminal; its master goes to `on_terminal` once it exists.
  bool tty = false;
  TerminalSize terminal_size;
  std::function<void(UniqueFd master)> on_terminal;
};

/// What the container's init runs with, as /proc/PID/status says.
struct ProcessPrivileges {
  uint64_t bounding = 0;   ///< CapBnd
  uint64_t effective = 0;  ///< CapEff
  bool no_new_privs = false;
  bool seccomp = false;    ///< Seccomp: 2 (a filter)
};

/// Parses /proc/PID/status text. Pure.
Result<ProcessPrivileges> parse_process_privileges(const std::string& status);

/// Runs the request in the container and returns its exit code (128+N when killed by signal
/// N), forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to it. A container that does not run is
/// Docker's "container ID is not running" (exit 1); a command that cannot run exits 126 or
/// 127 with the reason.
Result<int> exec_in_container(const ContainerStore& store, const std::string& id, const ExecRequest& request);

}  // namespace isobench::runner::lifecycle
