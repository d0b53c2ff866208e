// `isobench run`'s options as typed, and their translation into a ContainerSpec. Kept apart
// from the command so that parsing and validation are unit-tested without root.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/result.h"
#include "runner/spec.h"

namespace isobench::cli {

struct RunOptions {
  std::vector<std::string> command;
  std::string rootfs;  ///< empty: the built-in image
  bool read_only = false;
  std::vector<std::string> share;  ///< namespaces to keep from the host
  bool userns = false;
  bool timens = false;
  std::string hostname = "isobench";
  std::vector<std::string> env;
  std::string workdir = "/";
  std::string user;  ///< "uid[:gid]"
  std::string memory;
  std::string cpus;
  std::string pids_limit;
  std::string cpuset_cpus;
  std::string security = "default";
  bool no_cgroup = false;
  std::optional<double> timeout;
  double stop_timeout = 10;
  bool stats = false;
  std::string stats_json;
  bool vm = false;  ///< run in a QEMU microVM instead of a container
  std::string kernel;
  std::string accel = "auto";
};

/// Registers the options on `command` (the `run` subcommand).
void add_run_options(CLI::App& command, RunOptions& options);

/// Who runs isobench: decides rootless mode and id mappings.
struct Invoker {
  uid_t uid = 0;
  gid_t gid = 0;
};

/// Validates the options and builds the spec, touching nothing but reads of the rootfs
/// directory. `builtin_rootfs` is used when no --rootfs was given. Errors name the option
/// and the bad value.
Result<runner::ContainerSpec> build_spec(const RunOptions& options, const Invoker& invoker,
                                         const std::string& builtin_rootfs);

/// Finds the command inside the spec's rootfs and sets spec.executable. A missing command
/// fails with errno ENOENT, a non-executable one with EACCES (exit codes 127 and 126).
Status resolve_executable(runner::ContainerSpec& spec);

}  // namespace isobench::cli
