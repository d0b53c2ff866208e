// `isobench run`'s options as typed: the container request (runner/container_request.h) and
// what only the command line has (statistics, the VM). Kept apart from the command so that
// parsing is unit-tested without root.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "runner/container_request.h"

namespace isobench::cli {

struct RunOptions : runner::ContainerRequest {
  bool stats = false;
  std::string stats_json;
  bool vm = false;  ///< run in a QEMU microVM instead of a container
  std::string kernel;
  std::string accel = "auto";
};

/// Registers the options on `command` (the `run` subcommand).
void add_run_options(CLI::App& command, RunOptions& options);

}  // namespace isobench::cli
