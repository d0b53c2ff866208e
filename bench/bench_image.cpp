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
  namespace fs = std::filesystem;
  const fs::path root = scratch + "/start-layer";
  const fs::path stamper_copy = root / fs::path(kStartStamper).relative_path();
  const fs::path fifo_point = root / fs::path(kStartFifoInside).relative_path();
  const std::string own_directory = fs::path(kStartStamper).parent_path().string();  // "/.isobench"
  struct stat info {};
  for (const std::string& layer : layers)
    if (lstat((layer + own_directory).c_str(), &info) == 0)
      return plain_error("it has " + own_directory + ", where bench puts its start stamper");
  // 0755 whatever the umask: the layer's root is the view's.
  for (const fs::path& dir : {root, stamper_copy.parent_path(), fifo_point.parent_path()})
    if (mkdir(dir.c_str(), 0755) != 0 || chmod(dir.c_str(), 0755) != 0)
      return errno_error("cannot make " + dir.string());
  std::error_code error;
  fs::copy_file(stamper, stamper_copy, error);
  if (error) return Error{error.value(), "cannot copy the start stamper " + stamper + ": " + error.message()};
  if (chmod(stamper_copy.c_str(), 0755) != 0) return errno_error("chmod " + stamper_copy.string());
  ISOBENCH_TRY(write_regular_file(fifo_point.string(), ""));
  return root.string();
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
