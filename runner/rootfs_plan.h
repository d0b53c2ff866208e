// The root filesystem of a container as a list of steps planned before clone (pure, so it
// can be unit-tested without root) and executed by the child (no allocation, no throw).
//
// Everything below the new root is untrusted: the image decides what its directories are,
// and an image whose /proc or /dev is a symbolic link would otherwise redirect a mount (and
// with it the masks) anywhere. So every step inside the root names a path relative to the
// root, which the child resolves with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS) and mounts on by descriptor with the new mount API (fsopen,
// fsmount, open_tree, move_mount, mount_setattr): a symlink on the way is refused (ELOOP),
// never followed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runner/spec.h"

namespace isobench::runner {

/// One fsconfig(2) parameter of a new filesystem: a string, or a flag when value is empty.
struct MountOption {
  std::string key;
  std::string value;
};

struct RootfsStep {
  enum class Kind {
    // Host side: paths here are absolute host paths that isobench chose or canonicalised.
    kPrivatePropagation,  ///< no mount event crosses between the host and the container
    kReopenImage,         ///< open `source` (O_PATH) on descriptor number `fd`: the lower layer
    kLayerTmpfs,          ///< the writable layer: a tmpfs (options) over the image `source`, with upper/ work/ root/
    kLayerDirectory,      ///< the writable layer: host directory `source` (upper/ work/ root/) bound over the image
    kOverlayRoot,         ///< overlay of image and layer on `target`; it becomes the new root
    kBindRoot,            ///< the image bound onto itself, read-only all the way down (--read-only): the new root
    // Inside the new root: `target` is relative to it ("dev/pts").
    kMount,         ///< a new `fstype` filesystem with `options` and `attributes` on target
    kBindHost,      ///< host path `source` bound on target, with `attributes` (borrowed /sys)
    kMakeDir,       ///< mkdir target (mode); an existing directory is fine, a symlink is not
    kMakeDevice,    ///< mknod target (mode, device)
    kBindDevice,    ///< a new empty file at target with the host device `source` bound over it
    kSymlink,       ///< symlink target -> source (our own /dev links)
    kPivotRoot,     ///< the new root becomes "/"; the old one is detached
    kMask,          ///< hide target: /dev/null over a file, an empty read-only tmpfs over a directory
    kReadOnly,      ///< bind target onto itself read-only, nosuid, nodev, noexec
  };
  Kind kind = Kind::kMount;
  std::string source;
  std::string target;
  std::string fstype;
  std::vector<MountOption> options;
  uint64_t attributes = 0;  ///< MOUNT_ATTR_* for the new mount
  mode_t mode = 0;
  dev_t device = 0;
  int fd = -1;
  bool optional = false;  ///< a missing target is skipped, not an error (nothing to hide)

  /// The options as mount(8) writes them: "mode=0755,size=1073741824".
  std::string data() const;
  /// True for the kinds whose target is relative to the new root.
  bool inside_root() const;
  /// One line for error messages: "mount proc on /proc".
  std::string describe() const;
};

/// Everything the plan depends on, separated from ContainerSpec so tests can vary it.
struct RootfsPlanInput {
  std::string rootfs;  ///< host path of the image root (an image's top layer)
  std::vector<std::string> lower_layers;  ///< the image's other layers, top first (see ContainerSpec)
  int rootfs_fd = -1;  ///< a descriptor number the child may reuse for the image root
  RootfsMode mode = RootfsMode::kOverlay;
  uint64_t layer_bytes = 0;     ///< size of the writable layer's tmpfs (kOverlay); 0: the kernel's default
  std::string layer_dir;        ///< non-empty: a kept writable layer on disk instead of the tmpfs (kOverlay)
  bool user_namespace = false;  ///< devices are bind-mounted, overlay uses user xattrs
  bool net_namespace = true;    ///< a fresh sysfs needs its own network namespace
  bool ipc_namespace = true;    ///< /dev/mqueue needs its own IPC namespace
  bool nodev_root = false;      ///< no device cgroup guards the container: device files on the root stay closed
};

/// Paths under /proc and /sys hidden from the container, as runc's default spec does.
const std::vector<std::string>& masked_paths();
/// Paths under /proc made read-only, as runc's default spec does.
const std::vector<std::string>& read_only_paths();

/// Steps, in order: stop propagation, build the root (overlay over a private, size-bounded
/// tmpfs, or a read-only bind), mount /proc, /sys and a minimal /dev inside it, pivot_root,
/// mask and protect /proc paths.
std::vector<RootfsStep> plan_rootfs(const RootfsPlanInput& input);

/// Child side: runs the steps; on failure returns an errno and sets *failed_step.
int apply_rootfs_plan(const std::vector<RootfsStep>& steps, size_t* failed_step) noexcept;

}  // namespace isobench::runner
