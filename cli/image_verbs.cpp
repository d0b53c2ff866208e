#include "cli/image_verbs.h"

#include <unistd.h>

#include <algorithm>

#include "runner/vm/vm_assets.h"

namespace isobench::cli {

const std::vector<ImageVerb>& image_verbs() {
  static const std::vector<ImageVerb> verbs = {
      {"pull", "Download an image from a registry into the image store"},
      {"rmi", "Remove images from the store"},
      {"tag", "Give an image another name"},
      {"image", "Manage images: inspect, prune, ls, rm, pull, tag"},
      {"import", "Make a one-layer image of a root filesystem tarball"},
      {"save", "Write images to a tar archive (an OCI image layout that docker load also reads)"},
      {"load", "Add the images of a tar archive (isobench or docker save, OCI layout) to the store"},
      {"push", "Upload an image to the registry its name points at"},
      {"login", "Log in to a registry (checked against it, then stored for pull and push)"},
      {"logout", "Forget the stored credentials of a registry"},
  };
  return verbs;
}

void add_image_verb_entries(CLI::App& app) {
  for (const ImageVerb& verb : image_verbs()) app.add_subcommand(verb.name, verb.description);
}

Status forward_image_verb(const std::vector<std::string>& command_line) {
  size_t word = 1;
  while (word < command_line.size() && command_line[word].starts_with("--log-level")) {
    word += command_line[word] == "--log-level" ? 2 : 1;
  }
  if (word >= command_line.size()) return {};
  const std::string& verb = command_line[word];
  const auto& verbs = image_verbs();
  if (std::none_of(verbs.begin(), verbs.end(), [&](const ImageVerb& known) { return verb == known.name; })) return {};
  auto companion = runner::sibling_executable("isobench-image");
  if (!companion) return plain_error("the image verbs need isobench-image, installed with isobench: " + companion.error().text());
  std::vector<char*> argv;
  for (const std::string& argument : command_line) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  ::execv(companion->c_str(), argv.data());
  return errno_error("cannot run " + *companion);
}

}  // namespace isobench::cli
