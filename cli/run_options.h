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
  // A container that outlives the command (runner/lifecycle/): -d, or a --name to keep.
  bool detach = false;     ///< -d: start under a monitor, print the id, return
  bool tty = false;          ///< -t: a pseudo-terminal of the container's own as its stdio
  bool interactive = false;  ///< -i: with -t, keys go to the container (the caller's terminal raw)
  std::string name;        ///< --name: unique; generated for -d when empty
  bool auto_remove = false;  ///< --rm: with -d the monitor removes the container at its end
  std::vector<std::string> log_options;  ///< --log-opt KEY=VALUE (max-size=SIZE)
  std::string image_name;  ///< the image as typed ("busybox"); set by `run` once it is known
  std::string image_id;    ///< "sha256:..." of a store image; empty otherwise
  std::string stop_signal; ///< the image's StopSignal; empty: SIGTERM
};

/// Whether the first word of options.command names an image: it came before any "--", no
/// --rootfs was given, and it is not a path ("/bin/noop", "./x").
bool command_names_image(const RunOptions& options);

/// Registers the options on `command` (the `run` subcommand).
void add_run_options(CLI::App& command, RunOptions& options);

}  // namespace isobench::cli
