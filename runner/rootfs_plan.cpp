#include "runner/rootfs_plan.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/text.h"

namespace isobench::runner {
namespace {

using Kind = RootfsStep::Kind;

RootfsStep step_of(Kind kind, std::string source, std::string target) {
  RootfsStep step;
  step.kind = kind;
  step.source = std::move(source);
  step.target = std::move(target);
  return step;
}

RootfsStep mount_step(std::string fstype, std::string target, uint64_t attributes,
                      std::vector<MountOption> options = {}) {
  RootfsStep step = step_of(Kind::kMount, {}, std::move(target));
  step.fstype = std::move(fstype);
  step.attributes = attributes;
  step.options = std::move(options);
  return step;
}

RootfsStep dir_step(std::string target, mode_t mode = 0755) {
  RootfsStep step = step_of(Kind::kMakeDir, {}, std::move(target));
  step.mode = mode;
  return step;
}

struct DeviceNode {
  const char* name;
  unsigned major;
  unsigned minor;
};
constexpr DeviceNode kDevices[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                                   {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};

/// A tmpfs of `bytes`, and one inode per 4 KiB of it: inodes cost kernel memory that `size`
/// does not count (an empty file with a long name takes about 1 KiB), and the kernel's
/// default allows half of the host's memory in pages.
std::vector<MountOption> bounded_tmpfs(const char* mode, uint64_t bytes) {
  return {{"mode", mode}, {"size", std::to_string(bytes)}, {"nr_inodes", std::to_string(bytes / 4096 + 1024)}};
}

constexpr uint64_t kDevBytes = uint64_t{64} << 20;  // /dev and /dev/shm, as Docker's 64 MiB /dev/shm

void add_dev(std::vector<RootfsStep>& steps, const RootfsPlanInput& input) {
  steps.push_back(
      mount_step("tmpfs", "dev", MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME, bounded_tmpfs("755", kDevBytes)));
  for (const DeviceNode& node : kDevices) {
    std::string path = std::string("dev/") + node.name;
    if (input.user_namespace) {
      // A user namespace may not create device nodes; borrow the host's through bind mounts.
      steps.push_back(step_of(Kind::kBindDevice, std::string("/dev/") + node.name, path));
    } else {
      RootfsStep step = step_of(Kind::kMakeDevice, {}, path);
      step.mode = S_IFCHR | 0666;
      step.device = makedev(node.major, node.minor);
      steps.push_back(step);
    }
  }
  steps.push_back(dir_step("dev/pts"));
  steps.push_back(mount_step("devpts", "dev/pts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                             {{"newinstance", ""}, {"ptmxmode", "0666"}, {"mode", "0620"}}));
  steps.push_back(step_of(Kind::kSymlink, "pts/ptmx", "dev/ptmx"));
  steps.push_back(dir_step("dev/shm", 01777));
  steps.push_back(mount_step("tmpfs", "dev/shm", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                             bounded_tmpfs("1777", kDevBytes)));
  if (input.ipc_namespace) {
    steps.push_back(dir_step("dev/mqueue"));
    steps.push_back(mount_step("mqueue", "dev/mqueue", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  }
  for (const auto& [link, target] : {std::pair{"fd", "/proc/self/fd"}, std::pair{"stdin", "/proc/self/fd/0"},
                                     std::pair{"stdout", "/proc/self/fd/1"}, std::pair{"stderr", "/proc/self/fd/2"}})
    steps.push_back(step_of(Kind::kSymlink, target, std::string("dev/") + link));
}

/// "proc/kcore" from "/proc/kcore": in-root steps name paths relative to the root.
std::string relative(const std::string& absolute) {
  return absolute.substr(absolute.find_first_not_of('/'));
}

}  // namespace

const std::vector<std::string>& masked_paths() {
  static const std::vector<std::string> paths = {"/proc/acpi",
                                                 "/proc/asound",
                                                 "/proc/kcore",
                                                 "/proc/keys",
                                                 "/proc/latency_stats",
                                                 "/proc/timer_list",
                                                 "/proc/timer_stats",
                                                 "/proc/sched_debug",
                                                 "/proc/scsi",
                                                 "/sys/firmware",
                                                 "/sys/devices/virtual/powercap"};
  return paths;
}

const std::vector<std::string>& read_only_paths() {
  static const std::vector<std::string> paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                 "/proc/sysrq-trigger"};
  return paths;
}

std::string RootfsStep::data() const {
  std::vector<std::string> words;
  for (const MountOption& option : options)
    words.push_back(option.value.empty() ? option.key : option.key + "=" + option.value);
  return join(words, ",");
}

bool RootfsStep::inside_root() const {
  switch (kind) {
    case Kind::kPrivatePropagation:
    case Kind::kReopenImage:
    case Kind::kLayerTmpfs:
    case Kind::kLayerDirectory:
    case Kind::kOverlayRoot:
    case Kind::kBindRoot:
    case Kind::kPivotRoot: return false;
    default: return true;
  }
}

std::string RootfsStep::describe() const {
  const std::string where = inside_root() ? "/" + target : target;
  switch (kind) {
    case Kind::kPrivatePropagation: return "make every mount private";
    case Kind::kReopenImage: return "open the image " + source;
    case Kind::kLayerTmpfs: return "mount the writable layer (tmpfs) over " + source;
    case Kind::kLayerDirectory: return "bind-mount the writable layer " + source + " over " + target;
    case Kind::kOverlayRoot: return "mount overlay on " + target;
    case Kind::kBindRoot: return "bind-mount the image " + source;
    case Kind::kMount: return "mount " + fstype + " on " + where;
    case Kind::kBindHost: return "bind-mount " + source + " on " + where;
    case Kind::kMakeDir: return "create directory " + where;
    case Kind::kMakeDevice: return "create device node " + where;
    case Kind::kBindDevice: return "bind-mount device " + source + " on " + where;
    case Kind::kSymlink: return "create symlink " + where + " -> " + source;
    case Kind::kPivotRoot: return "pivot_root into " + target;
    case Kind::kMask: return "mask " + where;
    case Kind::kReadOnly: return "make " + where + " read-only";
  }
  return "?";
}

/// overlayfs's lower directories: the image root through its descriptor (its path is under
/// the writable layer's tmpfs by then), then the image's other layers, top first. fsconfig
/// takes strings of at most 256 bytes, which three store paths exceed: with layers, each is
/// its own "lowerdir+" (Linux 6.8), in order; alone, the one "lowerdir" any kernel takes.
/// Layer paths come from the image store and never hold ':' or ','.
static std::vector<MountOption> lower_directories(const RootfsPlanInput& input) {
  const std::string root = "/proc/self/fd/" + std::to_string(input.rootfs_fd);
  if (input.lower_layers.empty()) return {{"lowerdir", root}};
  std::vector<MountOption> lowers = {{"lowerdir+", root}};
  for (const std::string& layer : input.lower_layers) lowers.push_back({"lowerdir+", layer});
  return lowers;
}

/// The writable layer over the image path: a size-bounded tmpfs, or a kept layer (the same
/// three directories, upper/ work/ root/, on disk) bound where the tmpfs would be.
static RootfsStep writable_layer_step(const RootfsPlanInput& input) {
  if (!input.layer_dir.empty()) {
    RootfsStep layer = step_of(Kind::kLayerDirectory, input.layer_dir, input.rootfs);
    layer.fd = input.rootfs_fd;
    return layer;
  }
  RootfsStep layer = step_of(Kind::kLayerTmpfs, input.rootfs, input.rootfs);
  layer.fd = input.rootfs_fd;
  layer.options = input.layer_bytes ? bounded_tmpfs("0755", input.layer_bytes) : std::vector<MountOption>{{"mode", "0755"}};
  return layer;
}

std::vector<RootfsStep> plan_rootfs(const RootfsPlanInput& input) {
  std::vector<RootfsStep> steps;
  // Nothing the container mounts may propagate back to the host, nor the host's into it.
  steps.push_back(step_of(Kind::kPrivatePropagation, {}, "/"));
  const uint64_t root_attributes = input.nodev_root ? MOUNT_ATTR_NODEV : 0;

  std::string root;
  if (input.mode == RootfsMode::kOverlay) {
    // The writable layer lives in a tmpfs mounted over the image path inside this mount
    // namespace only: it dies with the namespace, so nothing can be left on the host. Its
    // size is bounded: a tmpfs defaults to half of the host's memory. The image stays
    // reachable as the lower layer through a descriptor opened just before; it must be
    // opened inside the new namespace, as overlayfs only takes layers from the mounter's
    // own namespace.
    RootfsStep reopen = step_of(Kind::kReopenImage, input.rootfs, {});
    reopen.fd = input.rootfs_fd;
    steps.push_back(reopen);
    steps.push_back(writable_layer_step(input));
    root = input.rootfs + "/root";
    RootfsStep overlay = step_of(Kind::kOverlayRoot, {}, root);
    overlay.fstype = "overlay";
    overlay.options = lower_directories(input);
    overlay.options.insert(overlay.options.end(), {{"upperdir", input.rootfs + "/upper"}, {"workdir", input.rootfs + "/work"}});
    if (input.user_namespace) overlay.options.push_back({"userxattr", ""});
    overlay.attributes = root_attributes;
    steps.push_back(overlay);
  } else if (!input.lower_layers.empty()) {
    // Read-only and layered: an overlay of the layers alone, which has no upper directory
    // to write to, mounted over the top layer in this namespace.
    RootfsStep reopen = step_of(Kind::kReopenImage, input.rootfs, {});
    reopen.fd = input.rootfs_fd;
    steps.push_back(reopen);
    root = input.rootfs;
    RootfsStep overlay = step_of(Kind::kOverlayRoot, {}, root);
    overlay.fstype = "overlay";
    overlay.options = lower_directories(input);
    overlay.attributes = root_attributes | MOUNT_ATTR_RDONLY;
    steps.push_back(overlay);
  } else {
    root = input.rootfs;
    RootfsStep bind = step_of(Kind::kBindRoot, input.rootfs, input.rootfs);
    // Read-only from the start and all the way down: a mount inside the image directory (a
    // caller's data directory) is part of the image too. /proc, /dev and /sys come on top.
    bind.attributes = root_attributes | MOUNT_ATTR_RDONLY;
    steps.push_back(bind);
  }

  for (const char* dir : {"proc", "sys", "dev"}) steps.push_back(dir_step(dir));
  steps.push_back(mount_step("proc", "proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  constexpr uint64_t kSysAttributes = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  if (input.net_namespace || !input.user_namespace) {
    steps.push_back(mount_step("sysfs", "sys", kSysAttributes));
  } else {
    // sysfs may only be mounted by the owner of the network namespace: borrow the host's.
    RootfsStep bind = step_of(Kind::kBindHost, "/sys", "sys");
    bind.attributes = kSysAttributes;
    steps.push_back(bind);
  }
  add_dev(steps, input);
  steps.push_back(step_of(Kind::kPivotRoot, {}, root));

  for (const std::string& path : masked_paths()) {
    RootfsStep step = step_of(Kind::kMask, {}, relative(path));
    step.optional = true;
    steps.push_back(step);
  }
  for (const std::string& path : read_only_paths()) {
    RootfsStep step = step_of(Kind::kReadOnly, {}, relative(path));
    step.optional = true;
    steps.push_back(step);
  }
  return steps;
}

}  // namespace isobench::runner
