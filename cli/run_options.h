// `isobench run`'s options as typed: the container request (runner/container_request.h) and
// what only the command line has (statistics, the VM). Kept apart from the command so that
// parsing is unit-tested without root.
#pragma once

#include <optional>
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
  std::optional<std::string> entrypoint;  ///< --entrypoint: replaces an image's ("" clears it)
  bool command_may_name_image = false;    ///< the command did not come after "--"
  bool workdir_given = false;             ///< -w was typed (an image's WorkingDir yields to it)
  bool user_given = false;                ///< -u was typed (an image's User yields to it)
};

/// Whether the first word of options.command names an image: it came before any "--", no
/// --rootfs was given, and it is not a path ("/bin/noop", "./x").
bool command_names_image(const RunOptions& options);

/// Registers the options on `command` (the `run` subcommand).
void add_run_options(CLI::App& command, RunOptions& options);

}  // namespace isobench::cli
