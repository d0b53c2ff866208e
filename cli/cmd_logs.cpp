// `isobench logs`: what a container printed, stdout to stdout and stderr to stderr, as
// `docker logs` shows it; -f follows until the container ends.
#include <unistd.h>

#include <charconv>

#include "cli/container_verbs.h"
#include "common/system.h"
#include "runner/lifecycle/container_log.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct LogsArguments {
  std::string container;
  bool follow = false;
  bool timestamps = false;
  std::string tail = "all";
  std::string since;
  std::string until;
};

Result<lifecycle::LogReadOptions> read_options(const LogsArguments& arguments) {
  lifecycle::LogReadOptions options;
  options.timestamps = arguments.timestamps;
  if (arguments.tail != "all") {
    size_t lines = 0;
    const auto [end, error] = std::from_chars(arguments.tail.data(), arguments.tail.data() + arguments.tail.size(), lines);
    if (error != std::errc() || end != arguments.tail.data() + arguments.tail.size() || arguments.tail.empty())
      return usage_error("--tail " + arguments.tail + ": expected a number of lines or \"all\"");
    options.tail = lines;
  }
  const int64_t now = realtime_ns();
  if (!arguments.since.empty()) {
    auto since = lifecycle::parse_since(arguments.since, now);
    if (!since) return since.error();
    options.since_ns = *since;
  }
  if (!arguments.until.empty()) {
    auto until = lifecycle::parse_since(arguments.until, now);
    if (!until) return until.error();
    options.until_ns = *until;
  }
  return options;
}

Result<int> show_logs(const LogsArguments& arguments) {
  auto options = read_options(arguments);
  if (!options) return options.error();
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  auto id = resolve_container(store, arguments.container);
  if (!id) return id.error();
  const std::string path = store.log_path(*id);
  if (!arguments.follow) {
    ISOBENCH_TRY(lifecycle::print_log(path, *options, STDOUT_FILENO, STDERR_FILENO));
    return 0;
  }
  auto still_running = [&store, &id] { return store.monitor_alive(*id); };
  ISOBENCH_TRY(lifecycle::follow_log(path, *options, STDOUT_FILENO, STDERR_FILENO, still_running));
  return 0;
}

}  // namespace

void add_logs_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<LogsArguments>();
  CLI::App* command = app.add_subcommand("logs", "Show what a container printed (stdout and stderr)");
  command->add_option("CONTAINER", arguments->container, "Name, id or unique id prefix")->required();
  command->add_flag("-f,--follow", arguments->follow, "Keep printing what it prints until it exits");
  command->add_flag("-t,--timestamps", arguments->timestamps, "Start each line with its time (RFC 3339, nanoseconds)");
  command->add_option("-n,--tail", arguments->tail, "Only the last N lines (\"all\": every line)");
  command->add_option("--since", arguments->since, "Only lines since a time (2026-12-02T18:00:00Z, 1700000000) or for a duration (10m)");
  command->add_option("--until", arguments->until, "Only lines before a time or duration ago");
  command->callback([&action, arguments] { action = [arguments] { return show_logs(*arguments); }; });
}

}  // namespace isobench::cli
