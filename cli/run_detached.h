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

/// The options that only make sense with -d (--name, --log-opt), and those that make none
/// with it (--stats, --vm): usage errors before anything is made.
Status check_detach_options(const RunOptions& options);

/// Creates the container in the store, starts it under its monitor and prints its id once
/// its workload runs. A failed start is the launcher's error and exit code (125, 126, 127);
/// the container is then kept in state Created with the error (Docker's way) unless --rm.
Result<int> run_detached(const RunOptions& options, runner::ContainerSpec spec, runner::CgroupManager* cgroups);

/// Starts the kept container `config` from its stored spec under a new monitor (`start`,
/// `restart`): its image held in use again (an error when the image's layers are gone).
Result<runner::lifecycle::DetachedStart> start_kept_container(const runner::lifecycle::ContainerStore& store,
                                                              const runner::lifecycle::ContainerConfig& config);

}  // namespace isobench::cli
