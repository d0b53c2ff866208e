// `isobench inspect`: containers as `docker inspect` shows them; names that are no container
// are images, handed to `isobench-image image inspect` (the image verbs' executable).
#include <unistd.h>

#include <iostream>

#include "cli/container_inspect.h"
#include "common/file_io.h"
#include "common/text.h"
#include "cli/container_verbs.h"
#include "runner/lifecycle/container_control.h"
#include "runner/vm/vm_assets.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

struct InspectArguments {
  std::vector<std::string> names;
  std::string format;
  std::string type;  ///< "", "container" or "image"
};

/// The container's cgroup as /proc/PID/cgroup of its init names it (the first hierarchy).
std::string cgroup_of(const lifecycle::StoredContainer& container) {
  if (container.state.status != lifecycle::ContainerStatus::kRunning || container.state.pid <= 0) return "";
  auto text = read_file("/proc/" + std::to_string(container.state.pid) + "/cgroup");
  if (!text) return "";
  for (const std::string& line : split_list(*text, '\n')) {
    const size_t colon = line.rfind(':');
    if (colon != std::string::npos && line.substr(colon + 1) != "/") return line.substr(colon + 1);
  }
  return "";
}

Status inspect_images(const std::vector<std::string>& names) {
  auto companion = runner::sibling_executable("isobench-image");
  if (!companion) return companion.error();
  std::vector<std::string> words = {*companion, "image", "inspect"};
  words.insert(words.end(), names.begin(), names.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  ::execv(companion->c_str(), argv.data());
  return errno_error("cannot run " + *companion);
}

Result<int> inspect(const InspectArguments& arguments) {
  const lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  std::vector<nlohmann::ordered_json> documents;
  std::vector<std::string> images;
  for (const std::string& name : arguments.names) {
    auto id = arguments.type == "image" ? Result<std::string>(plain_error("")) : store.resolve(name);
    auto container = id ? lifecycle::read_observed(store, *id) : Result<lifecycle::StoredContainer>(id.error());
    if (!container) {
      if (arguments.type == "container") return with_exit_code(container.error(), kContainerVerbFailed);
      images.push_back(name);
      continue;
    }
    ContainerPaths paths{store.log_path(*id), cgroup_of(*container)};
    documents.push_back(container_inspect_json(container->config, container->state, paths));
  }
  if (!images.empty()) {
    if (!documents.empty() || !arguments.format.empty())
      return with_exit_code(plain_error("no such container: " + images.front() + " (inspect images on their own, "
                                        "without --format: isobench image inspect)"), kContainerVerbFailed);
    ISOBENCH_TRY(inspect_images(images));
  }
  if (arguments.format.empty()) {
    std::cout << render_inspect(documents);
    return 0;
  }
  auto text = render_inspect_format(arguments.format, documents);
  if (!text) return text.error();
  std::cout << *text;
  return 0;
}

}  // namespace

void add_inspect_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<InspectArguments>();
  CLI::App* command = app.add_subcommand("inspect", "Show containers (or images) as JSON");
  command->add_option("NAME", arguments->names, "Container names, ids or id prefixes; or images")->required();
  command->add_option("-f,--format", arguments->format, "A Go template such as '{{.State.Pid}}', or json");
  command->add_option("--type", arguments->type, "Only containers, or only images")->check(CLI::IsMember({"container", "image"}));
  command->callback([&action, arguments] { action = [arguments] { return inspect(*arguments); }; });
}

}  // namespace isobench::cli
