// Child side of the rootfs plan: no allocation, no exceptions, errno values only.
//
// Inside the new root nothing is resolved by path through the kernel's ordinary lookup:
// every target is opened beneath the root's descriptor with symlinks and magic links
// refused, and filesystems are attached to that descriptor (move_mount) instead of to a
// path that could change between the check and the mount.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runner/rootfs_plan.h"

namespace isobench::runner {
namespace {

using Kind = RootfsStep::Kind;

/// Closes a descriptor when the scope ends; the child's counterpart of UniqueFd, which it
/// could use too, but this one states that nothing here may allocate or throw.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) noexcept : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const noexcept { return fd_; }
  void reset(int fd) noexcept {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }
  int release() noexcept {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

/// State carried from step to step: the new root, once it exists.
struct ApplyState {
  ScopedFd root;
};

/// openat2 beneath `dir`, refusing every symbolic link, magic links included. Returns the
/// descriptor or -errno.
int open_beneath(int dir, const char* path, uint64_t flags) noexcept {
  open_how how{};
  how.flags = flags | O_CLOEXEC;  // RESOLVE_NO_SYMLINKS refuses a trailing symlink too
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  // "" would mean `dir` itself, which openat2 spells ".".
  long fd = syscall(SYS_openat2, dir, *path ? path : ".", &how, sizeof how);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

/// Splits `path` ("dev/pts") into its parent, opened beneath the root, and its last
/// component. The caller owns *parent. Returns 0 or an errno.
int open_parent(int root, const char* path, ScopedFd& parent, const char** name) noexcept {
  char buffer[4096];
  size_t length = std::strlen(path);
  if (length == 0 || length >= sizeof buffer) return ENAMETOOLONG;
  const char* slash = std::strrchr(path, '/');
  if (!slash) {
    *name = path;
    parent.reset(open_beneath(root, "", O_PATH | O_DIRECTORY));
  } else {
    size_t prefix = static_cast<size_t>(slash - path);
    std::memcpy(buffer, path, prefix);
    buffer[prefix] = '\0';
    *name = slash + 1;
    parent.reset(open_beneath(root, buffer, O_PATH | O_DIRECTORY));
  }
  return parent.get() < 0 ? -parent.get() : 0;
}

/// A new, detached filesystem: fsopen, one fsconfig per option, create, fsmount.
int new_filesystem(const char* fstype, const std::vector<MountOption>& options, uint64_t attributes,
                   ScopedFd& mount) noexcept {
  ScopedFd context(fsopen(fstype, FSOPEN_CLOEXEC));
  if (context.get() < 0) return errno;
  for (const MountOption& option : options) {
    int rc = option.value.empty()
                 ? fsconfig(context.get(), FSCONFIG_SET_FLAG, option.key.c_str(), nullptr, 0)
                 : fsconfig(context.get(), FSCONFIG_SET_STRING, option.key.c_str(), option.value.c_str(), 0);
    if (rc != 0) return errno;
  }
  if (fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) return errno;
  mount.reset(fsmount(context.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attributes)));
  return mount.get() < 0 ? errno : 0;
}

/// Attaches a detached mount on the object `target` refers to.
int attach(int mount, int target) noexcept {
  return move_mount(mount, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0 ? 0 : errno;
}

/// A recursive copy of the tree at `source` with `attributes` set on all of it.
int clone_tree(int source, uint64_t attributes, ScopedFd& tree) noexcept {
  tree.reset(open_tree(source, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE));
  if (tree.get() < 0) return errno;
  if (attributes == 0) return 0;
  mount_attr attr{};
  attr.attr_set = attributes;
  return mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0 ? 0 : errno;
}

int open_host_path(const char* path, int flags) noexcept {
  int fd = open(path, flags | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int apply_host_step(const RootfsStep& step, ApplyState& state) noexcept {
  switch (step.kind) {
    case Kind::kPrivatePropagation:
      return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 ? 0 : errno;
    case Kind::kReopenImage: {
      int fd = open(step.source.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return errno;
      if (fd == step.fd) return 0;
      int moved = dup3(fd, step.fd, O_CLOEXEC);
      int error = moved < 0 ? errno : 0;
      close(fd);
      return error;
    }
    case Kind::kLayerTmpfs: {
      ScopedFd layer;
      if (int error = new_filesystem("tmpfs", step.options, 0, layer)) return error;
      for (const char* dir : {"upper", "work", "root"})
        if (mkdirat(layer.get(), dir, 0755) != 0) return errno;
      return attach(layer.get(), step.fd);  // over the image, whose descriptor stays the lower layer
    }
    case Kind::kLayerDirectory: {
      ScopedFd layer(open_host_path(step.source.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
      if (layer.get() < 0) return -layer.get();
      ScopedFd tree;
      if (int error = clone_tree(layer.get(), 0, tree)) return error;
      return attach(tree.get(), step.fd);
    }
    case Kind::kOverlayRoot: {
      ScopedFd overlay;
      if (int error = new_filesystem(step.fstype.c_str(), step.options, step.attributes, overlay)) return error;
      ScopedFd target(open_host_path(step.target.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
      if (target.get() < 0) return -target.get();
      if (int error = attach(overlay.get(), target.get())) return error;
      // The mount's own descriptor is its root; a lookup from `target` would stay beneath it.
      state.root.reset(overlay.release());
      return 0;
    }
    case Kind::kBindRoot: {
      ScopedFd image(open_host_path(step.source.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
      if (image.get() < 0) return -image.get();
      ScopedFd tree;
      if (int error = clone_tree(image.get(), step.attributes, tree)) return error;
      if (int error = attach(tree.get(), image.get())) return error;
      state.root.reset(tree.release());  // the bound copy: a mount point pivot_root accepts
      return 0;
    }
    case Kind::kPivotRoot:
      // pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves
      // only the new root, with no directory needed to hold the old one.
      if (fchdir(state.root.get()) != 0) return errno;
      if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
      if (umount2(".", MNT_DETACH) != 0) return errno;
      return chdir("/") == 0 ? 0 : errno;
    default: return EINVAL;
  }
}

/// Makes the directory `target` beneath `root`, or accepts one already there if it is a real
/// directory: the mounts that follow refuse symlinks, and saying so here names the right path.
int make_dir_beneath(int root, const char* target, mode_t mode) noexcept {
  ScopedFd parent;
  const char* name = nullptr;
  if (int error = open_parent(root, target, parent, &name)) return error;
  if (mkdirat(parent.get(), name, mode) != 0 && errno != EEXIST) return errno;
  ScopedFd made(open_beneath(parent.get(), name, O_PATH | O_DIRECTORY));
  return made.get() < 0 ? -made.get() : 0;
}

/// Binds the host's device node `source` over a new, empty file `target` beneath `root`.
/// An entry already at `target` is an error (O_EXCL), not something to bind over.
int bind_device_beneath(int root, const char* target, const char* source) noexcept {
  ScopedFd parent;
  const char* name = nullptr;
  if (int error = open_parent(root, target, parent, &name)) return error;
  int created = openat(parent.get(), name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (created < 0) return errno;
  close(created);
  ScopedFd where(open_beneath(parent.get(), name, O_PATH));
  if (where.get() < 0) return -where.get();
  ScopedFd device(open_host_path(source, O_PATH));
  if (device.get() < 0) return -device.get();
  ScopedFd tree;
  if (int error = clone_tree(device.get(), 0, tree)) return error;
  return attach(tree.get(), where.get());
}

/// Hides `target` beneath `root`: a directory under an empty read-only tmpfs, anything else
/// under the container's own /dev/null.
int mask_beneath(int root, const char* target) noexcept {
  ScopedFd where(open_beneath(root, target, O_PATH));
  if (where.get() < 0) return -where.get();
  struct stat info;
  if (fstat(where.get(), &info) != 0) return errno;
  ScopedFd cover;
  if (S_ISDIR(info.st_mode)) {
    if (int error = new_filesystem("tmpfs", {}, MOUNT_ATTR_RDONLY, cover)) return error;
  } else {
    // Our own /dev/null, found the same careful way: a mask that cannot be applied is an
    // error, never a silent skip.
    ScopedFd null(open_beneath(root, "dev/null", O_PATH));
    if (null.get() < 0) return -null.get();
    if (int error = clone_tree(null.get(), 0, cover)) return error;
  }
  return attach(cover.get(), where.get());
}

int apply_inside_root(const RootfsStep& step, ApplyState& state) noexcept {
  const int root = state.root.get();
  if (root < 0) return EINVAL;  // a plan that works inside a root it never made
  const char* target = step.target.c_str();
  switch (step.kind) {
    case Kind::kMount: {
      ScopedFd fs;
      if (int error = new_filesystem(step.fstype.c_str(), step.options, step.attributes, fs)) return error;
      ScopedFd where(open_beneath(root, target, O_PATH | O_DIRECTORY));
      if (where.get() < 0) return -where.get();
      return attach(fs.get(), where.get());
    }
    case Kind::kBindHost: {
      ScopedFd source(open_host_path(step.source.c_str(), O_PATH | O_DIRECTORY));
      if (source.get() < 0) return -source.get();
      ScopedFd tree;
      if (int error = clone_tree(source.get(), step.attributes, tree)) return error;
      ScopedFd where(open_beneath(root, target, O_PATH | O_DIRECTORY));
      if (where.get() < 0) return -where.get();
      return attach(tree.get(), where.get());
    }
    case Kind::kMakeDir: return make_dir_beneath(root, target, step.mode);
    case Kind::kMakeDevice: {
      ScopedFd parent;
      const char* name = nullptr;
      if (int error = open_parent(root, target, parent, &name)) return error;
      return mknodat(parent.get(), name, step.mode, step.device) == 0 ? 0 : errno;
    }
    case Kind::kBindDevice: return bind_device_beneath(root, target, step.source.c_str());
    case Kind::kSymlink: {
      ScopedFd parent;
      const char* name = nullptr;
      if (int error = open_parent(root, target, parent, &name)) return error;
      return symlinkat(step.source.c_str(), parent.get(), name) == 0 ? 0 : errno;
    }
    case Kind::kMask: return mask_beneath(root, target);
    case Kind::kReadOnly: {
      ScopedFd where(open_beneath(root, target, O_PATH));
      if (where.get() < 0) return -where.get();
      ScopedFd tree;
      if (int error = clone_tree(where.get(),
                                 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, tree))
        return error;
      return attach(tree.get(), where.get());
    }
    default: return EINVAL;
  }
}

}  // namespace

int apply_rootfs_plan(const std::vector<RootfsStep>& steps, size_t* failed_step) noexcept {
  mode_t saved_umask = umask(0);  // device nodes and /dev/shm need their exact modes
  ApplyState state;
  for (size_t i = 0; i < steps.size(); ++i) {
    const RootfsStep& step = steps[i];
    int error = step.inside_root() ? apply_inside_root(step, state) : apply_host_step(step, state);
    // Only the target's own absence is forgiven: there is nothing to hide.
    if (error == ENOENT && step.optional) {
      ScopedFd probe(open_beneath(state.root.get(), step.target.c_str(), O_PATH));
      if (probe.get() == -ENOENT) continue;
    }
    if (error != 0) {
      *failed_step = i;
      umask(saved_umask);
      return error;
    }
  }
  umask(saved_umask);
  return 0;
}

}  // namespace isobench::runner
