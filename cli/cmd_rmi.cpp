// isobench rmi [-f] IMAGE...   and   isobench tag SOURCE TARGET
#include <cstdio>
#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "runner/image/image_removal.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

struct RmiArguments {
  std::vector<std::string> names;
  bool force = false;
};

void print_removal(const image::RemovalReport& report) {
  for (const std::string& name : report.untagged) std::printf("Untagged: %s\n", name.c_str());
  for (const std::string& id : report.deleted) std::printf("Deleted: %s\n", id.c_str());
}

/// Every name is tried, as Docker does; the errors end the command together, one a line.
Result<int> remove_images(const RmiArguments& arguments) {
  auto store = open_image_store();
  if (!store) return store.error();
  std::optional<Error> first_error;
  for (const std::string& name : arguments.names) {
    auto removed = image::remove_image(*store, name, arguments.force);
    if (removed) {
      print_removal(*removed);
      continue;
    }
    if (first_error) first_error->message += "\n" + removed.error().text();
    else first_error = removed.error();
  }
  if (first_error) return *first_error;
  return 0;
}

}  // namespace

void add_rmi_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<RmiArguments>();
  CLI::App* command = app.add_subcommand("rmi", "Remove images from the store");
  command->add_option("IMAGE", arguments->names, "Names or ids of the images")->required();
  command->add_flag("-f,--force", arguments->force, "Remove an image id that has several names (never one a running container uses)");
  command->callback([&action, arguments] { action = [arguments] { return remove_images(*arguments); }; });
}

void add_tag_command(CLI::App& app, Action& action) {
  auto names = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* command = app.add_subcommand("tag", "Give an image another name");
  command->add_option("SOURCE", names->first, "An image's name or id")->required();
  command->add_option("TARGET", names->second, "The new name: NAME[:TAG]")->required();
  command->callback([&action, names] {
    action = [names]() -> Result<int> {
      auto store = open_image_store();
      if (!store) return store.error();
      ISOBENCH_TRY(image::tag_image(*store, names->first, names->second));
      return 0;
    };
  });
}

}  // namespace isobench::cli
