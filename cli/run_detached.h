// `isobench run -d`: the container as an object that outlives the command (its record in the
// container store, its writable layer on disk, a monitor as its parent), started and left
// running; `ps`, `logs`, `stop`, `rm` take it from there.
#pragma once

#include "cli/run_options.h"
#include "common/result.h"
#include "runner/cgroup/cgroup.h"
#include "runner/lifecycle/container_store.h"
#include "runner/lifecycle/monitor.h"
#include "runner/spec.h"

namespace isobench::cli {

/// Whether the run makes a container that outlives the command: -d, or a --name in the
/// foreground (kept in `ps -a` after it exits, as Docker keeps it).
bool keeps_container(const RunOptions& options);

/// The options that only make sense for a kept container (--log-opt), and those that make
/// none for one (--stats, --vm, --layer-size): usage errors before anything is made.
Status check_detach_options(const RunOptions& options);

/// Creates the container in the store and starts it under its monitor; its id once its
/// workload runs. `attached`: the caller attaches at once (the monitor holds the output for
/// it) and, with --rm, removes the container itself once it read the exit code. `created`, if
/// given, is set to the id once the record exists, a failed start included.
Result<std::string> create_and_start(const RunOptions& options, runner::ContainerSpec spec,
                                     runner::CgroupManager* cgroups, bool attached, std::string* created = nullptr);

/// Creates the container in the store, starts it under its monitor and prints its id once
/// its workload runs. A failed start is the launcher's error and exit code (125, 126, 127);
/// the container is then kept in state Created with the error (Docker's way) unless --rm.
Result<int> run_detached(const RunOptions& options, runner::ContainerSpec spec, runner::CgroupManager* cgroups);

/// `docker run --name NAME IMAGE` in the foreground: a kept container, made and started as
/// run_detached does, then attached through its monitor (`attach`): its stdout and stderr,
/// with -i our stdin, with -t its terminal; SIGINT, SIGTERM, SIGHUP and SIGQUIT forwarded to
/// it. Its exit code is ours, and with --rm it is removed once it ended.
Result<int> run_attached(const RunOptions& options, runner::ContainerSpec spec, runner::CgroupManager* cgroups);

/// Starts the kept container `config` from its stored spec under a new monitor (`start`,
/// `restart`): its image held in use again (an error when the image's layers are gone).
Result<runner::lifecycle::DetachedStart> start_kept_container(const runner::lifecycle::ContainerStore& store,
                                                              const runner::lifecycle::ContainerConfig& config);

}  // namespace isobench::cli
