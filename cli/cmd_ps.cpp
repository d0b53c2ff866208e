// `isobench ps`: the containers, as `docker ps` lists them.
#include <iostream>

#include "cli/container_verbs.h"
#include "common/system.h"

namespace isobench::cli {

namespace {

Result<int> list_containers(const ContainerListOptions& options) {
  auto entries = observed_containers(runner::lifecycle::ContainerStore::open_default());
  if (!entries) return entries.error();
  auto text = render_container_list(*entries, options, realtime_ns());
  if (!text) return text.error();
  std::cout << *text;
  return 0;
}

}  // namespace

void add_ps_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ContainerListOptions>();
  CLI::App* command = app.add_subcommand("ps", "List containers (running ones; -a for all)");
  command->add_flag("-a,--all", options->all, "Show all containers, not only running ones");
  command->add_flag("-q,--quiet", options->quiet, "Only the container ids");
  command->add_flag("--no-trunc", options->no_trunc, "Full ids and commands");
  command->add_option("--format", options->format, "table (default), json, or a Go template such as '{{.Names}}'");
  command->add_option("-f,--filter", options->filters, "status=, name=, id=, exited= (repeatable)");
  command->callback([&action, options] { action = [options] { return list_containers(*options); }; });
}

}  // namespace isobench::cli
