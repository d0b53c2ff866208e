// `bench --image NAME`: an image from the store, opened once before anything is timed and
// held for the whole benchmark, in the two forms the targets take it: its id (isobench runs
// `run IMAGE`, stacking the layers itself) and one read-only directory of its layers merged
// (runc's and crun's bundle root, bwrap's --ro-bind source, the VM's initramfs, bare's files,
// and isobench's rootfs for a --cmd, which needs the start stamper the view adds).
#pragma once

#include <memory>
#include <string>

#include "bench/targets/target.h"
#include "common/result.h"
#include "runner/image/image_rootfs.h"
#include "runner/image/merged_view.h"

namespace isobench::bench {

class BenchImage {
 public:
  /// Opens `name` in the store at `store_root` (marked in use: rmi refuses it while the
  /// benchmark runs) and merges its layers in a new directory below `scratch`, over a layer
  /// of its own holding a copy of `stamper` (the built-in image's start stamper) at
  /// kStartStamper, so --cmd runs under it in this image too. An image that has that
  /// directory is refused. Errors name the image; on any of them nothing is left mounted
  /// (what is left in `scratch` goes with it).
  static Result<std::unique_ptr<BenchImage>> open(const std::string& store_root, const std::string& name,
                                                  const std::string& scratch, const std::string& stamper);
  /// The view goes first (unmounted and removed), then the image stops being in use.
  ~BenchImage() = default;

  /// What the targets are told about it (TargetContext::image).
  const TargetImage& target_image() const { return target_image_; }
  /// The merged tree: TargetContext::rootfs.
  const std::string& root() const { return view_->path(); }

 private:
  BenchImage(runner::image::ImageRootfs image, std::unique_ptr<runner::image::MergedView> view, TargetImage target)
      : image_(std::move(image)), view_(std::move(view)), target_image_(std::move(target)) {}
  runner::image::ImageRootfs image_;  ///< declared first: released after the view
  std::unique_ptr<runner::image::MergedView> view_;
  TargetImage target_image_;
};

}  // namespace isobench::bench
