// The root filesystem of a container as a list of steps planned before clone (pure, so it
// can be unit-tested without root) and executed by the child (no allocation, no throw).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "runner/spec.h"

namespace isobench::runner {

struct RootfsStep {
  enum class Kind {
    kMount,         ///< mount(source, target, fstype, flags, data)
    kMakeDir,       ///< mkdir(target, mode); an existing directory is fine
    kMakeDevice,    ///< mknod(target, mode, device)
    kBindDevice,    ///< create an empty file at target and bind-mount source over it
    kSymlink,       ///< symlink(source, target)
    kPivotRoot,     ///< make target the new root and detach the old one
    kMask,          ///< hide target: /dev/null over a file, an empty read-only tmpfs over a directory
    kReadOnlyBind,  ///< bind target onto itself, then remount it read-only
    kReopenAs,      ///< open source (O_PATH) and move the descriptor to number `fd`
  };
  Kind kind = Kind::kMount;
  std::string source;
  std::string target;
  std::string fstype;
  std::string data;
  unsigned long flags = 0;
  mode_t mode = 0;
  dev_t device = 0;
  int fd = -1;
  bool optional = false;  ///< a missing target is skipped, not an error

  /// One line for error messages: "mount overlay on /x (overlay)".
  std::string describe() const;
};

/// Everything the plan depends on, separated from ContainerSpec so tests can vary it.
struct RootfsPlanInput {
  std::string rootfs;  ///< host path of the image root
  int rootfs_fd = -1;  ///< a descriptor number the child may reuse for the image root
  RootfsMode mode = RootfsMode::kOverlay;
  bool user_namespace = false;  ///< devices are bind-mounted, overlay uses user xattrs
  bool net_namespace = true;    ///< a fresh sysfs needs its own network namespace
  bool ipc_namespace = true;    ///< /dev/mqueue needs its own IPC namespace
};

/// Paths under /proc and /sys hidden from the container, as runc's default spec does.
const std::vector<std::string>& masked_paths();
/// Paths under /proc made read-only, as runc's default spec does.
const std::vector<std::string>& read_only_paths();

/// Steps, in order: stop propagation, build the root (overlay over a private tmpfs, or a
/// read-only bind), mount /proc, /sys and a minimal /dev inside it, pivot_root, mask and
/// protect /proc paths, and for --read-only remount the root read-only last.
std::vector<RootfsStep> plan_rootfs(const RootfsPlanInput& input);

/// Child side: runs the steps; on failure returns an errno and sets *failed_step.
int apply_rootfs_plan(const std::vector<RootfsStep>& steps, size_t* failed_step) noexcept;

}  // namespace isobench::runner
