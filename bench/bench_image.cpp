#include "bench/bench_image.h"

namespace isobench::bench {

Result<std::unique_ptr<BenchImage>> BenchImage::open(const std::string& store_root, const std::string& name,
                                                     const std::string& scratch) {
  auto image = runner::image::open_image_rootfs(runner::image::Store(store_root), name);
  if (!image) return Error{image.error().errno_value, "--image " + name + ": " + image.error().message};
  auto view = runner::image::MergedView::create(image->layers, scratch);
  if (!view) return Error{view.error().errno_value, "--image " + name + ": " + view.error().message};
  TargetImage target{name, image->image.id.str(), image->config.env, store_root};
  return std::unique_ptr<BenchImage>(new BenchImage(std::move(*image), std::move(*view), std::move(target)));
}

}  // namespace isobench::bench
