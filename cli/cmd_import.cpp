// isobench import [--change INSTRUCTION]... TARBALL|- [NAME[:TAG]]
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "common/unique_fd.h"
#include "runner/image/image_import.h"
#include "runner/image/reference.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

struct ImportArguments {
  std::string tarball;
  std::string name;
  std::vector<std::string> changes;
};

Result<int> import(const ImportArguments& arguments) {
  std::optional<image::Reference> name;
  if (!arguments.name.empty()) {
    auto reference = image::parse_reference(arguments.name);
    if (!reference) return reference.error();
    name = *reference;
  }
  UniqueFd file;
  if (arguments.tarball != "-") {
    file.reset(::open(arguments.tarball.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) return errno_error("cannot open " + arguments.tarball);
  }
  auto store = open_image_store();
  if (!store) return store.error();
  image::ImportOptions options;
  options.changes = arguments.changes;
  options.source = arguments.tarball;
  options.privileged = ::geteuid() == 0;
  auto imported = image::import_image(file ? file.get() : STDIN_FILENO, name, options, *store);
  if (!imported) return imported.error();
  std::printf("%s\n", imported->id.str().c_str());
  return 0;
}

}  // namespace

void add_import_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<ImportArguments>();
  CLI::App* command = app.add_subcommand("import", "Make a one-layer image of a root filesystem tarball");
  command->add_option("TARBALL", arguments->tarball, "A tar (plain, gzip or zstd) of a root filesystem; - reads stdin")->required();
  command->add_option("NAME", arguments->name, "NAME[:TAG] for the image (default: no name, only its id)");
  command->add_option("-c,--change", arguments->changes,
                      "A Dockerfile instruction for the config: 'CMD ...', 'ENTRYPOINT ...', 'ENV K=V', 'WORKDIR /x', 'USER u', "
                      "'LABEL k=v', 'STOPSIGNAL s' (repeatable)")
      ->allow_extra_args(false);  // one instruction per -c: TARBALL and NAME stay positional
  command->footer("Prints the new image's id. Without root, owners become the caller's and device nodes are refused.");
  command->callback([&action, arguments] { action = [arguments] { return import(*arguments); }; });
}

}  // namespace isobench::cli
