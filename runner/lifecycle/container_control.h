// What `stop`, `kill` and `wait` do to a container that runs under its monitor: signals go to
// the workload through a pidfd checked against the recorded start time (never to a process
// that merely inherited the pid), and "has it ended" is the monitor's lock and process, not a
// poll of state.json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "runner/lifecycle/container_store.h"

namespace isobench::runner::lifecycle {

/// A signal as Docker's `kill -s` and StopSignal take it: a number (1-64) or a name with or
/// without "SIG", in any case ("TERM", "sigkill", "SIGUSR1", "RTMIN+3"). Errors are usage
/// errors: "invalid signal: X".
Result<int> parse_signal(std::string_view text);

/// The container's state as recorded, corrected by the kernel's truth (observed_state).
Result<StoredContainer> read_observed(const ContainerStore& store, const std::string& id);

/// Sends `signal` to the container's init. A container that does not run is Docker's error
/// "container ID is not running" (exit code 1 at the CLI).
Status signal_container(const ContainerStore& store, const std::string& id, int signal);

/// Blocks until the container's monitor has ended (and so recorded how the container ended),
/// at most `timeout_ms` (-1: no limit). Returns whether it has.
bool wait_for_monitor(const ContainerStore& store, const std::string& id, int timeout_ms);

/// `docker stop`: the container's stop signal, then SIGKILL after `timeout_seconds` (0 kills
/// at once; negative waits for ever), then the wait for the monitor's record. A container that
/// does not run is no error (Docker's answer too).
Status stop_container(const ContainerStore& store, const std::string& id, int timeout_seconds);

/// `docker wait`: blocks until the container is not running and returns its exit code
/// (nullopt when it is unknown: the monitor died before it saw the end).
Result<std::optional<int>> wait_container(const ContainerStore& store, const std::string& id);

}  // namespace isobench::runner::lifecycle
