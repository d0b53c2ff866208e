#include "bench/bench_image.h"

#include <sys/stat.h>

#include <filesystem>

#include "bench/workload_catalog.h"

namespace isobench::bench {
namespace {

/// `scratch`/start-stamper-layer holding a copy of `stamper` at kStartStamper: the layer the
/// merged view adds below the image's. The image must not have the stamper's directory
/// itself: it would hide the copy, and a file of the image's would stamp the start.
Result<std::string> make_stamper_layer(const std::vector<std::string>& layers, const std::string& stamper,
                                       const std::string& scratch) {
  const std::filesystem::path inside = std::filesystem::path(kStartStamper).relative_path();
  struct stat info {};
  for (const std::string& layer : layers)
    if (lstat((layer + "/" + inside.begin()->string()).c_str(), &info) == 0)
      return plain_error("it has /" + inside.begin()->string() + ", where bench puts its start stamper");
  const std::string layer = scratch + "/start-stamper-layer";
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(layer) / inside.parent_path(), error);
  if (!error) std::filesystem::copy_file(stamper, std::filesystem::path(layer) / inside, error);
  if (error) return Error{error.value(), "cannot copy the start stamper " + stamper + ": " + error.message()};
  for (std::filesystem::path dir = std::filesystem::path(layer) / inside.parent_path();; dir = dir.parent_path()) {
    chmod(dir.c_str(), 0755);  // the view's root and /.isobench, whatever the umask made them
    if (dir == std::filesystem::path(layer)) break;
  }
  chmod((std::filesystem::path(layer) / inside).c_str(), 0755);
  return layer;
}

}  // namespace

Result<std::unique_ptr<BenchImage>> BenchImage::open(const std::string& store_root, const std::string& name,
                                                     const std::string& scratch, const std::string& stamper) {
  auto image = runner::image::open_image_rootfs(runner::image::Store(store_root), name);
  if (!image) return Error{image.error().errno_value, "--image " + name + ": " + image.error().message};
  auto stamper_layer = make_stamper_layer(image->layers, stamper, scratch);
  if (!stamper_layer) return Error{stamper_layer.error().errno_value, "--image " + name + ": " + stamper_layer.error().message};
  auto view = runner::image::MergedView::create(image->layers, scratch, {*stamper_layer});
  if (!view) return Error{view.error().errno_value, "--image " + name + ": " + view.error().message};
  TargetImage target{name, image->image.id.str(), image->config.env, store_root};
  return std::unique_ptr<BenchImage>(new BenchImage(std::move(*image), std::move(*view), std::move(target)));
}

}  // namespace isobench::bench
