// What `isobench ps` prints, as `docker ps` prints it: the default table (CONTAINER ID, IMAGE,
// COMMAND, CREATED, STATUS, PORTS, NAMES), -q, --no-trunc, --format (json, table, templates
// over the same fields as Docker's) and the status, name, id and exited filters. Pure: the
// caller reads the store, reconciles each state with the kernel's truth, and passes `now`.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "runner/lifecycle/container_record.h"

namespace isobench::cli {

struct ContainerEntry {
  runner::lifecycle::ContainerConfig config;
  runner::lifecycle::ContainerState state;  ///< already reconciled with the monitor's lock
};

struct ContainerListOptions {
  bool all = false;       ///< -a: stopped containers too (a status filter implies it, as in Docker)
  bool quiet = false;     ///< -q: ids only; wins over --format, as in Docker
  bool no_trunc = false;  ///< full ids, whole commands
  /// --format: "" or "table" for the default table, "json" for one JSON object per line,
  /// "table TEMPLATE" or a bare TEMPLATE (format_template.h) over the fields of container_row.
  std::string format = {};
  /// -f/--filter, each "key=value": status=created|running|exited|removing|paused|restarting|
  /// dead, name=PATTERN, id=PATTERN (Docker's regular expressions, searched anywhere: a plain
  /// name or id prefix matches), exited=CODE. Values of one key are alternatives; keys must all
  /// match.
  std::vector<std::string> filters = {};
};

/// The listing, newest first. Errors (usage errors, exit 2) for a filter not written
/// key=value ("bad format of filter (expected name=value)"), an unknown key ("invalid filter
/// 'x'"), a status that is none ("invalid filter 'status=x'"), an exit code that is not a
/// number, and a --format that does not parse or render. `now_nanos` is nanoseconds since the
/// epoch.
Result<std::string> render_container_list(const std::vector<ContainerEntry>& containers, const ContainerListOptions& options,
                                          int64_t now_nanos);

/// The object a --format template sees for one container: Docker's keys (Command, CreatedAt,
/// ID, Image, Labels, LocalVolumes, Mounts, Names, Networks, Ports, RunningFor, Size, State,
/// Status), every value a string as Docker's are. Networks is "none": a container's network
/// namespace is new and empty, as Docker's --network none.
nlohmann::json container_row(const ContainerEntry& container, bool no_trunc, int64_t now_nanos);

/// The headers of the table columns by field ("ID" -> "CONTAINER ID", "RunningFor" -> "CREATED").
const nlohmann::json& container_headers();

/// Docker's STATUS text: "Created", "Up 3 seconds", "Up Less than a second", "Exited (0) 5
/// seconds ago", "Exited (unknown) 5 seconds ago" when the monitor died before it saw the end,
/// "Removal In Progress".
std::string container_status_text(const runner::lifecycle::ContainerState& state, int64_t now_nanos);
/// Docker's State: "created", "running", "exited", "removing".
std::string container_state_text(runner::lifecycle::ContainerStatus status);
/// The argv a container runs: its entrypoint, then its command.
std::vector<std::string> container_argv(const runner::lifecycle::ContainerConfig& config);
/// Docker's COMMAND before quoting: the argv joined by spaces, an argument with a space in
/// single quotes ("/bin/sh -c 'sleep 100'").
std::string container_command_text(const runner::lifecycle::ContainerConfig& config);

}  // namespace isobench::cli
