// The isobench executable: parse, run the chosen subcommand, and end: the one place that
// prints an Error and turns it into the exit status it carries.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "common/version.h"

namespace {

int end_with(const isobench::Error& error) {
  std::cerr << "isobench: error: " << error.text() << "\n";
  return error.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace isobench;
  auto logger = spdlog::stderr_color_st("isobench");
  logger->set_pattern("isobench: %^%l%$: %v");
  spdlog::set_default_logger(logger);

  CLI::App app{"isobench: run workloads in containers and VMs, and measure what isolation costs", "isobench"};
  std::string log_level = "warn";
  cli::add_global_options(app, log_level, std::string("isobench ") + kVersion);
  cli::Action action;
  std::vector<std::string> container_command;
  const std::vector<std::string> command_line(argv, argv + argc);
  cli::add_run_command(app, action, container_command);
  cli::add_doctor_command(app, action);
  cli::add_probe_command(app, action, container_command);
  cli::add_bench_command(app, action, command_line);
  cli::add_compare_command(app, action);
  cli::add_report_command(app, action);
  cli::add_demo_command(app, action, command_line);

  std::vector<std::string> args(argv + 1, argv + argc);
  container_command = cli::split_container_command(app, args, {"run", "probe"});
  if (Result<bool> go_on = cli::parse_arguments(app, std::move(args)); !go_on) {
    return end_with(go_on.error());
  } else if (!*go_on) {
    return 0;  // --help or --version was printed
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  try {
    auto result = action();
    return result ? *result : end_with(result.error());
  } catch (const std::exception& error) {
    return end_with(plain_error("internal error: " + std::string(error.what())));
  }
}
