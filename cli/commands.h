// The subcommands of the isobench executable. Each registers itself on the root app and
// sets `action` when chosen; main runs the action and prints errors once.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "common/result.h"

namespace isobench::cli {

/// What a chosen subcommand does: its exit code, or an Error for main to print.
using Action = std::function<Result<int>()>;

/// `container_command` is filled by split_container_command before parsing; its first word is
/// an image (isobench run [OPTIONS] IMAGE [CMD...]) unless `after_separator` (isobench run --
/// CMD), --rootfs is given, or the word is a path.
void add_run_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command,
                     const bool& after_separator);
void add_doctor_command(CLI::App& app, Action& action);
/// Like run, probe takes a trailing command: `container_command` is filled before parsing.
void add_probe_command(CLI::App& app, Action& action, const std::vector<std::string>& container_command);
/// `command_line` is the whole argv, recorded in the results.
/// The action of a command that reads results files (compare, report): its errors, and a
/// results file with a field of the wrong type deep inside, are bad input: printed, exit 2.
Action exit_two_on_bad_input(std::function<Result<int>()> body);

/// `compare` exits 2 on bad input, as regression gates expect (1 is "regressed").
void add_compare_command(CLI::App& app, Action& action);
/// `report` too exits 2 on bad input.
void add_report_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action, const std::vector<std::string>& command_line);
/// The classroom demo: bare vs container vs microVM, the price list, report.html.
void add_demo_command(CLI::App& app, Action& action, const std::vector<std::string>& command_line);

}  // namespace isobench::cli
