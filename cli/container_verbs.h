// The verbs of containers as objects (issue 15), as Docker's CLI has them, without a daemon:
// each reads the container store (runner/lifecycle/) and the kernel's truth directly. One
// file per verb registers it; this header also holds what they share.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/container_listing.h"
#include "runner/lifecycle/container_store.h"

namespace isobench::cli {

/// ps, logs, start, stop, restart, kill, rm, wait, exec, inspect, stats, top, container prune.
/// `container_command` is exec's CONTAINER CMD... (and top's CONTAINER PS_OPTIONS...), split off
/// before parsing as run's command is.
void add_container_commands(CLI::App& app, Action& action, const std::vector<std::string>& container_command);

void add_ps_command(CLI::App& app, Action& action);
void add_logs_command(CLI::App& app, Action& action);
void add_stop_command(CLI::App& app, Action& action);
void add_kill_command(CLI::App& app, Action& action);
void add_wait_command(CLI::App& app, Action& action);
void add_start_command(CLI::App& app, Action& action);
void add_restart_command(CLI::App& app, Action& action);
void add_rm_command(CLI::App& app, Action& action);
void add_prune_command(CLI::App& container, Action& action);
void add_inspect_command(CLI::App& app, Action& action);
void add_stats_command(CLI::App& app, Action& action);
void add_top_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command);
void add_exec_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command);
void add_attach_command(CLI::App& app, Action& action);

/// Docker's client exits 1 when the daemon refuses (no such container, not running, ...).
inline constexpr int kContainerVerbFailed = 1;

/// The CONTAINER... arguments and `-t,--time SECONDS` (-1: for ever) of stop and restart.
void add_stop_options(CLI::App& command, std::vector<std::string>& containers, int& timeout);

/// The id of the container the user means (ContainerStore::resolve), an error ending with 1.
Result<std::string> resolve_container(const runner::lifecycle::ContainerStore& store, const std::string& name_or_id);

/// Docker's way with several containers (`stop a b c`): each in turn, the name printed on
/// stdout when `each` succeeds (with `print_names`), a failure not stopping the others; the
/// failures together are the result's error (exit 1), one line each.
Result<int> for_each_container(const runner::lifecycle::ContainerStore& store, const std::vector<std::string>& names,
                               bool print_names, const std::function<Status(const std::string& id)>& each);

/// Every container with its state corrected by the kernel's truth, newest first.
Result<std::vector<ContainerEntry>> observed_containers(const runner::lifecycle::ContainerStore& store);


}  // namespace isobench::cli
