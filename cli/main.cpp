// The isobench executable: parse, run the chosen subcommand, and end (command_line.cpp's
// run_and_exit_status is the one place that prints an Error and picks the exit status).
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/container_verbs.h"
#include "cli/image_verbs.h"
#include "common/version.h"

int main(int argc, char** argv) {
  using namespace isobench;
  cli::install_logger();
  CLI::App app{"isobench: run workloads in containers and VMs, and measure what isolation costs", "isobench"};
  std::string log_level = "warn";
  cli::add_global_options(app, log_level, std::string("isobench ") + kVersion);
  cli::Action action;
  std::vector<std::string> container_command;
  bool command_after_separator = false;
  const std::vector<std::string> command_line(argv, argv + argc);
  cli::add_run_command(app, action, container_command, command_after_separator);
  cli::add_doctor_command(app, action);
  cli::add_probe_command(app, action, container_command);
  cli::add_bench_command(app, action, command_line);
  cli::add_compare_command(app, action);
  cli::add_report_command(app, action);
  cli::add_demo_command(app, action, command_line);
  // Listing needs no network library: it stays in the static executable, where it is fast.
  cli::add_images_command(app, action);
  // Containers as objects: no daemon, so every verb reads the store itself.
  cli::add_container_commands(app, action, container_command);
  cli::add_image_verb_entries(app);

  if (Status forwarded = cli::forward_image_verb(command_line); !forwarded) return cli::end_with(forwarded.error());
  std::vector<std::string> args(argv + 1, argv + argc);
  container_command = cli::split_container_command(app, args, {"run", "probe", "exec", "top"}, &command_after_separator);
  return cli::run_and_exit_status(app, std::move(args), action, log_level);
}
