// isobench save [-o FILE] IMAGE...
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "common/unique_fd.h"
#include "runner/image/image_save.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

struct SaveArguments {
  std::vector<std::string> names;
  std::string output;
};

/// Into FILE.tmp-PID, renamed over FILE once whole: a failed save leaves no partial archive.
Status save_to_file(const image::Store& store, const std::vector<image::ArchivedImage>& images, const std::string& path) {
  const std::string partial = path + ".tmp-" + std::to_string(::getpid());
  UniqueFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return errno_error("cannot create " + partial);
  Status written = image::write_image_archive(store, images, fd.get());
  if (written && ::fsync(fd.get()) != 0) written = errno_error("cannot flush " + partial);
  fd.reset();
  if (written && ::rename(partial.c_str(), path.c_str()) != 0) written = errno_error("cannot rename onto " + path);
  if (!written) ::unlink(partial.c_str());
  return written;
}

Result<int> save(const SaveArguments& arguments) {
  if (arguments.output.empty() && ::isatty(STDOUT_FILENO)) {
    return usage_error("cowardly refusing to write an image archive to a terminal: use -o FILE or redirect stdout");
  }
  image::Store store(image::default_store_root());
  auto index = store.read_index();
  if (!index) return index.error();
  auto images = image::images_to_save(store, *index, arguments.names);
  if (!images) return images.error();
  if (arguments.output.empty()) ISOBENCH_TRY(image::write_image_archive(store, *images, STDOUT_FILENO));
  else ISOBENCH_TRY(save_to_file(store, *images, arguments.output));
  return 0;
}

}  // namespace

void add_save_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<SaveArguments>();
  CLI::App* command = app.add_subcommand("save", "Write images to a tar archive (an OCI image layout that docker load also reads)");
  command->add_option("IMAGE", arguments->names, "Names or ids of the images")->required();
  command->add_option("-o,--output", arguments->output, "The archive to write (default: stdout)");
  command->callback([&action, arguments] { action = [arguments] { return save(*arguments); }; });
}

}  // namespace isobench::cli
