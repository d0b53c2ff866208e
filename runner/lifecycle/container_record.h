// A container as an object that outlives the command that made it (`run -d`, `ps`, `logs`,
// `stop`, `rm`, ...): what it was made from, and what has happened to it. Passive data; the
// store (container_store.h) keeps it on disk, the monitor (monitor.h) updates it, and the
// CLI renders it.
//
//   STORE/containers/ID/config.json   ContainerConfig: written once by `run`/`create`
//   STORE/containers/ID/state.json    ContainerState: replaced atomically on every change
//   STORE/containers/ID/spec.json     the ContainerSpec it runs (spec_codec.h), for `start`
//   STORE/containers/ID/lock          held exclusively while state.json changes
//   STORE/containers/ID/container.log what the workload printed (container_log.h)
//   STORE/containers/ID/layer/        the writable layer (upper/ and work/) of a kept container
//   STORE/containers/names/NAME       a symlink to ID: a name is taken by creating it
//   RUNDIR/ID/monitor.lock            held exclusively by the live monitor; RUNDIR is
//                                     /run/isobench for root, $XDG_RUNTIME_DIR/isobench else
//
// The truth is the kernel's: a container whose monitor no longer holds monitor.lock is not
// running, whatever state.json says (a SIGKILLed monitor, a reboot that emptied /run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace isobench::runner::lifecycle {

enum class ContainerStatus {
  kCreated,  ///< made, never started
  kRunning,  ///< its monitor is alive and the workload runs
  kExited,   ///< the workload ended (or its monitor vanished); see ContainerState
  kRemoving, ///< `rm` in progress
};

/// What the container is made from; fixed when it is created.
struct ContainerConfig {
  std::string id;        ///< 64 hex digits; Docker's short form is the first 12
  std::string name;      ///< unique; generated ("brave_turing") when the user gave none
  std::string image;     ///< the name the user typed ("busybox", "isobench/builtin")
  std::string image_id;  ///< "sha256:..." of the image's config; empty for --rootfs
  std::vector<std::string> entrypoint;  ///< the argv actually run: entrypoint + cmd resolved
  std::vector<std::string> command;
  std::vector<std::string> env;
  std::string workdir;
  std::string user;
  std::string hostname;
  int stop_signal = 15;            ///< the image's StopSignal, else SIGTERM
  bool auto_remove = false;        ///< --rm
  bool tty = false;                ///< -t
  bool interactive = false;        ///< -i
  int64_t log_max_size = 0;        ///< --log-opt max-size, bytes; 0 = unbounded
  std::string created;             ///< RFC 3339 with nanoseconds, UTC
  /// The options of `run` that made it, as given (limits, isolation profile, ...), so that
  /// `start` makes the same container again.
  std::vector<std::string> run_arguments;
  bool operator==(const ContainerConfig&) const = default;
};

/// What has happened to it; changes over its life.
struct ContainerState {
  ContainerStatus status = ContainerStatus::kCreated;
  int pid = 0;               ///< the workload's pid as the host sees it, while running
  uint64_t pid_start_time = 0;  ///< /proc/PID/stat field 22, so a recycled pid is not mistaken for it
  int monitor_pid = 0;
  std::string started_at;    ///< RFC 3339 UTC; empty if never started
  std::string finished_at;   ///< empty while running or never started
  std::optional<int> exit_code;  ///< empty when unknown (the monitor died before it saw the end)
  bool oom_killed = false;
  std::string error;         ///< why the last start failed, if it did
  int restart_count = 0;
  bool operator==(const ContainerState&) const = default;
};

}  // namespace isobench::runner::lifecycle
