// isobench load [-i FILE] [-q]
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "common/unique_fd.h"
#include "runner/image/image_load.h"
#include "runner/image/reference.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

Result<int> load(const std::string& input, bool quiet) {
  UniqueFd file;
  if (!input.empty() && input != "-") {
    file.reset(::open(input.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) return errno_error("cannot open " + input);
  } else if (::isatty(STDIN_FILENO)) {
    return usage_error("requested load from stdin, but stdin is a terminal: use -i FILE or redirect stdin");
  }
  auto store = open_image_store();
  if (!store) return store.error();
  image::LoadOptions options;
  options.privileged = ::geteuid() == 0;
  auto loaded = image::load_images(file ? file.get() : STDIN_FILENO, *store, options);
  if (!loaded) return loaded.error();
  for (const image::LoadedImage& one : *loaded) {
    if (quiet) continue;
    if (one.names.empty()) std::printf("Loaded image ID: %s\n", one.record.id.str().c_str());
    for (const std::string& name : one.names) std::printf("Loaded image: %s\n", image::familiar_name(name).c_str());
  }
  return 0;
}

}  // namespace

void add_load_command(CLI::App& app, Action& action) {
  auto input = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand("load", "Add the images of a tar archive (isobench or docker save, OCI layout) to the store");
  command->add_option("-i,--input", *input, "The archive to read, plain, gzip or zstd (default: stdin)");
  command->add_flag("-q,--quiet", *quiet, "Print nothing");
  command->callback([&action, input, quiet] { action = [input, quiet] { return load(*input, *quiet); }; });
}

}  // namespace isobench::cli
