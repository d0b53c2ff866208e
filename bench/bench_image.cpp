#include "bench/bench_image.h"

#include <sys/stat.h>

#include <filesystem>

#include "bench/workload_catalog.h"
#include "common/file_io.h"

namespace isobench::bench {
namespace {

/// `scratch`/start-layer, the start handshake's files: a copy of `stamper` at kStartStamper,
/// and an empty file at kStartFifoInside, where runsc's bundle binds the start FIFO (a
/// read-only root cannot grow the mount point, and runsc would otherwise make it in the
/// image's own tree). The merged view adds it below the image's layers, whose /run it joins.
/// The image must not have the stamper's directory itself: it would hide the copy, and a
/// file of the image's would stamp the start.
Result<std::string> make_start_layer(const std::vector<std::string>& layers, const std::string& stamper,
                                     const std::string& scratch) {
  const std::filesystem::path inside = std::filesystem::path(kStartStamper).relative_path();
  struct stat info {};
  for (const std::string& layer : layers)
    if (lstat((layer + "/" + inside.begin()->string()).c_str(), &info) == 0)
      return plain_error("it has /" + inside.begin()->string() + ", where bench puts its start stamper");
  const std::string layer = scratch + "/start-layer";
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(layer) / inside.parent_path(), error);
  if (!error) std::filesystem::copy_file(stamper, std::filesystem::path(layer) / inside, error);
  if (error) return Error{error.value(), "cannot copy the start stamper " + stamper + ": " + error.message()};
  for (std::filesystem::path dir = std::filesystem::path(layer) / inside.parent_path();; dir = dir.parent_path()) {
    chmod(dir.c_str(), 0755);  // the view's root and /.isobench, whatever the umask made them
    if (dir == std::filesystem::path(layer)) break;
  }
  chmod((std::filesystem::path(layer) / inside).c_str(), 0755);
  const std::filesystem::path fifo =
      std::filesystem::path(layer) / std::filesystem::path(kStartFifoInside).relative_path();
  std::filesystem::create_directories(fifo.parent_path(), error);
  if (!error && !write_regular_file(fifo.string(), ""))
    return plain_error("cannot make the start FIFO's mount point " + fifo.string());
  if (error) return Error{error.value(), "cannot make " + fifo.parent_path().string() + ": " + error.message()};
  chmod(fifo.parent_path().c_str(), 0755);
  return layer;
}

}  // namespace

Result<std::unique_ptr<BenchImage>> BenchImage::open(const std::string& store_root, const std::string& name,
                                                     const std::string& scratch, const std::string& stamper) {
  auto image = runner::image::open_image_rootfs(runner::image::Store(store_root), name);
  if (!image) return Error{image.error().errno_value, "--image " + name + ": " + image.error().message};
  auto start_layer = make_start_layer(image->layers, stamper, scratch);
  if (!start_layer)
    return Error{start_layer.error().errno_value, "--image " + name + ": " + start_layer.error().message};
  auto view = runner::image::MergedView::create(image->layers, scratch, {*start_layer});
  if (!view) return Error{view.error().errno_value, "--image " + name + ": " + view.error().message};
  TargetImage target{name, image->image.id.str(), image->config.env, store_root};
  return std::unique_ptr<BenchImage>(new BenchImage(std::move(*image), std::move(*view), std::move(target)));
}

}  // namespace isobench::bench
