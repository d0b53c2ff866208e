// One directory that shows an image's layers stacked, for the tools that take a single root
// directory (runc's and crun's bundle root, bwrap's --ro-bind source, the VM's initramfs):
// a read-only overlay of the layers alone (no upper directory), as `run IMAGE --read-only`
// stacks them, mounted on a private directory of its own and undone by its owner.
//
// A read-only root cannot grow the directories the runtimes mount /proc, /dev, /sys and /tmp
// on, and a small image (a busybox one, say) has none of them: below the image's layers lies
// one more, holding only those empty directories (Docker's "init layer" does the same). It
// hides nothing: any layer of the image that has one of them wins.
//
// A killed owner cannot unmount: whoever cleans up the directory the view was made in (the
// bench workspace's guard, the next bench's sweep) calls detach_mounts_beneath first.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::runner::image {

class MergedView {
 public:
  /// `layers`: layer trees, top first (ImageRootfs::layers). One layer that has the mount
  /// point directories, with no `added_below`, is shown as it is (its tree, nothing mounted).
  /// Otherwise: a new directory `parent`/image-view-XXXXXX with a read-only overlay on it of
  /// the layers, then the trees of `added_below` (the caller's, which it keeps and removes:
  /// files the image lacks, such as bench's start stamper) and, at the bottom,
  /// `parent`/image-mount-points-XXXXXX (the new mount API, each layer its own "lowerdir+"
  /// parameter, so no path needs escaping). Needs the right to mount (root). On any error
  /// nothing is left: no mount, no directory.
  static Result<std::unique_ptr<MergedView>> create(const std::vector<std::string>& layers, const std::string& parent,
                                                    const std::vector<std::string>& added_below = {});
  /// Detaches the overlay (MNT_DETACH: a run still inside it keeps it alive until it exits)
  /// and removes its directory and the mount points' layer.
  ~MergedView();
  MergedView(const MergedView&) = delete;
  MergedView& operator=(const MergedView&) = delete;

  /// The merged tree: the mount point, or the single layer's tree.
  const std::string& path() const { return path_; }
  /// Whether path() is a mount this view made (false for a single layer).
  bool mounted() const { return mounted_; }

 private:
  MergedView(std::string path, std::string mount_points)
      : path_(std::move(path)), mount_points_(std::move(mount_points)), mounted_(!mount_points_.empty()) {}
  std::string path_;
  std::string mount_points_;  ///< the bottom layer this view made; empty for a single layer shown as it is
  bool mounted_;
};

/// The directories every runtime mounts something on: dev, proc, run (systemd-nspawn, LXC), sys, tmp.
const std::vector<std::string>& runtime_mount_points();

/// The mount points of a /proc/PID/mountinfo text that are `dir` or beneath it (octal
/// escapes such as \040 decoded), deepest first: the order they can be unmounted in.
std::vector<std::string> mount_points_beneath(std::string_view mountinfo, const std::string& dir);

/// Detaches (MNT_DETACH) every mount at or beneath `dir` in this mount namespace, deepest
/// first, best effort: what a killed owner of a MergedView left. Returns how many went.
int detach_mounts_beneath(const std::string& dir);

}  // namespace isobench::runner::image
