// The isobench executable: parse, run the chosen subcommand, print an error once.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "common/bounded_input.h"
#include "cli/command_line.h"
#include "cli/commands.h"

#ifndef ISOBENCH_VERSION
#define ISOBENCH_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace isobench;
  CLI::App app{"isobench: run workloads in containers and VMs, and measure what isolation costs"};
  app.set_version_flag("--version", std::string("isobench ") + ISOBENCH_VERSION);
  app.require_subcommand(1);
  // Every option's --help shows its default; subcommands inherit this when they are added.
  app.option_defaults()->always_capture_default();
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  cli::Action action;
  std::vector<std::string> container_command;
  cli::add_run_command(app, action, container_command);
  cli::add_doctor_command(app, action);
  cli::add_probe_command(app, action, container_command);
  const std::vector<std::string> command_line(argv, argv + argc);
  cli::add_bench_command(app, action, command_line);
  cli::add_compare_command(app, action);
  cli::add_report_command(app, action);
  cli::add_demo_command(app, action, command_line);
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (std::string unknown = cli::unknown_command(app, args); !unknown.empty()) {
      std::cerr << "isobench: error: unknown command '" << excerpt(unknown)
                << "' (commands: " << cli::command_names(app) << "; isobench --help says more)\n";
      return 125;
    }
    container_command = cli::split_container_command(app, args, {"run", "probe"});
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
    app.parse(args);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    // compare's callers read 1 as "regressed": bad input there is 2, like diff and cmp.
    bool gate = std::find(argv + 1, argv + argc, std::string("compare")) != argv + argc ||
                std::find(argv + 1, argv + argc, std::string("report")) != argv + argc;
    return code == 0 ? 0 : gate ? 2 : 125;
  }
  auto logger = spdlog::stderr_color_st("isobench");
  logger->set_pattern("isobench: %^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    auto result = action();
    if (!result) {
      std::cerr << "isobench: error: " << result.error().text() << "\n";
      return 125;
    }
    return *result;
  } catch (const std::exception& error) {
    std::cerr << "isobench: internal error: " << error.what() << "\n";
    return 125;
  }
}
