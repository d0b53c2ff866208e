// Docker's convention for `run`: the first argument that is not an isobench option starts
// the container's command, and everything after it belongs to that command, options
// included (`isobench run hello --stats` passes --stats to hello). CLI11 cannot express
// that, so the command is split off before CLI11 sees the rest.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/result.h"

namespace isobench::cli {

/// Removes the container command (and a "--" before it) from `args` (argv without the
/// program name) and returns it. Uses `app`'s own option table to know which options take
/// a value. Only subcommands in `command_taking` get this treatment. `after_separator`, when
/// given, says whether the command came after a "--" (then its first word cannot be an image).
std::vector<std::string> split_container_command(const CLI::App& app, std::vector<std::string>& args,
                                                 const std::vector<std::string>& command_taking = {"run"},
                                                 bool* after_separator = nullptr);

/// The first word of `args` (argv without the program name) that is neither an option of
/// `app` (nor its value) nor the name of a subcommand: "nosuch" in `isobench nosuch`. Empty
/// when the first such word names a subcommand, or there is none.
std::string unknown_command(const CLI::App& app, const std::vector<std::string>& args);

/// Options every verb takes, before or after the verb's name: --log-level, and --version.
/// Every option's --help shows its default.
void add_global_options(CLI::App& app, std::string& log_level, const std::string& version);

/// Parses `args` (argv without the program name). False: --help or --version was asked for
/// and printed, nothing more to do. A command line that does not parse is a usage error
/// (exit 2, whatever the verb) whose message names the problem and where to read more.
Result<bool> parse_arguments(CLI::App& app, std::vector<std::string> args);

/// A check that an integer option is at least `minimum`, with a message a person reads:
/// "must be at least 1, not 0".
CLI::Validator at_least(long long minimum);

/// spdlog's default logger: "isobench: LEVEL: message" on stderr.
void install_logger();

/// Prints `error` ("isobench: error: ...") and returns the exit status it carries.
int end_with(const Error& error);

/// The end of a main: parses `args`, sets the log level, runs the chosen action and turns
/// its result into the exit status; the one place an error is printed ("isobench: error: ...").
int run_and_exit_status(CLI::App& app, std::vector<std::string> args, const Action& action, const std::string& log_level);

/// The names of `app`'s subcommands, in the order they were added: "run, doctor, ...".
std::string command_names(const CLI::App& app);

}  // namespace isobench::cli
