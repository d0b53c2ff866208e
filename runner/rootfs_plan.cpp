#include "runner/rootfs_plan.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

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

RootfsStep mount_step(std::string source, std::string target, std::string fstype, unsigned long flags,
                      std::string data = {}) {
  RootfsStep step = step_of(Kind::kMount, std::move(source), std::move(target));
  step.fstype = std::move(fstype);
  step.data = std::move(data);
  step.flags = flags;
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

void add_dev(std::vector<RootfsStep>& steps, const std::string& dev, const RootfsPlanInput& input) {
  steps.push_back(mount_step("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"));
  for (const DeviceNode& node : kDevices) {
    std::string path = dev + "/" + node.name;
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
  steps.push_back(dir_step(dev + "/pts"));
  steps.push_back(
      mount_step("devpts", dev + "/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"));
  steps.push_back(step_of(Kind::kSymlink, "pts/ptmx", dev + "/ptmx"));
  steps.push_back(dir_step(dev + "/shm", 01777));
  steps.push_back(mount_step("shm", dev + "/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k"));
  if (input.ipc_namespace) {
    steps.push_back(dir_step(dev + "/mqueue"));
    steps.push_back(mount_step("mqueue", dev + "/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC));
  }
  for (const auto& [link, target] : {std::pair{"fd", "/proc/self/fd"}, std::pair{"stdin", "/proc/self/fd/0"},
                                     std::pair{"stdout", "/proc/self/fd/1"}, std::pair{"stderr", "/proc/self/fd/2"}})
    steps.push_back(step_of(Kind::kSymlink, target, dev + "/" + link));
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

std::string RootfsStep::describe() const {
  switch (kind) {
    case Kind::kMount:
      if (flags & MS_REMOUNT) return "remount " + target + " read-only";
      if (flags & MS_BIND) return "bind-mount " + source + " on " + target;
      if (fstype.empty()) return "change propagation of " + target;
      return "mount " + fstype + " on " + target;
    case Kind::kMakeDir: return "create directory " + target;
    case Kind::kMakeDevice: return "create device node " + target;
    case Kind::kBindDevice: return "bind-mount device " + source + " on " + target;
    case Kind::kSymlink: return "create symlink " + target + " -> " + source;
    case Kind::kPivotRoot: return "pivot_root into " + target;
    case Kind::kMask: return "mask " + target;
    case Kind::kReadOnlyBind: return "make " + target + " read-only";
    case Kind::kReopenAs: return "open " + source;
  }
  return "?";
}

std::vector<RootfsStep> plan_rootfs(const RootfsPlanInput& input) {
  std::vector<RootfsStep> steps;
  // Nothing the container mounts may propagate back to the host, nor the host's into it.
  steps.push_back(mount_step("", "/", "", MS_REC | MS_PRIVATE));

  std::string root;
  if (input.mode == RootfsMode::kOverlay) {
    // The writable layer lives in a tmpfs mounted over the image path inside this mount
    // namespace only: it dies with the namespace, so nothing can be left on the host. The
    // image stays reachable as the lower layer through a descriptor opened just before;
    // it must be opened inside the new namespace, as overlayfs only takes layers from the
    // mounter's own namespace.
    RootfsStep reopen = step_of(Kind::kReopenAs, input.rootfs, {});
    reopen.fd = input.rootfs_fd;
    steps.push_back(reopen);
    steps.push_back(mount_step("isobench", input.rootfs, "tmpfs", 0, "mode=0755"));
    steps.push_back(dir_step(input.rootfs + "/upper"));
    steps.push_back(dir_step(input.rootfs + "/work"));
    steps.push_back(dir_step(input.rootfs + "/root"));
    root = input.rootfs + "/root";
    std::string options = "lowerdir=/proc/self/fd/" + std::to_string(input.rootfs_fd) + ",upperdir=" + input.rootfs +
                          "/upper,workdir=" + input.rootfs + "/work";
    if (input.user_namespace) options += ",userxattr";
    steps.push_back(mount_step("overlay", root, "overlay", 0, options));
  } else {
    root = input.rootfs;
    steps.push_back(mount_step(root, root, "", MS_BIND | MS_REC));
  }

  for (const char* dir : {"/proc", "/sys", "/dev"}) steps.push_back(dir_step(root + dir));
  steps.push_back(mount_step("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
  if (input.net_namespace || !input.user_namespace) {
    steps.push_back(mount_step("sysfs", root + "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
  } else {
    // sysfs may only be mounted by the owner of the network namespace: borrow the host's.
    steps.push_back(mount_step("/sys", root + "/sys", "", MS_BIND | MS_REC));
    steps.push_back(
        mount_step("", root + "/sys", "", MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
  }
  add_dev(steps, root + "/dev", input);
  steps.push_back(step_of(Kind::kPivotRoot, {}, root));

  for (const std::string& path : masked_paths()) {
    RootfsStep step = step_of(Kind::kMask, {}, path);
    step.optional = true;
    steps.push_back(step);
  }
  for (const std::string& path : read_only_paths()) {
    RootfsStep step = step_of(Kind::kReadOnlyBind, {}, path);
    step.optional = true;
    steps.push_back(step);
  }
  if (input.mode == RootfsMode::kReadOnlyBind)
    steps.push_back(mount_step("", "/", "", MS_BIND | MS_REMOUNT | MS_RDONLY));
  return steps;
}

namespace {

const char* or_null(const std::string& text) {
  return text.empty() ? nullptr : text.c_str();
}

int apply_step(const RootfsStep& step) noexcept {
  const char* target = step.target.c_str();
  switch (step.kind) {
    case Kind::kMount:
      return mount(or_null(step.source), target, or_null(step.fstype), step.flags, or_null(step.data)) == 0 ? 0 : errno;
    case Kind::kMakeDir:
      if (mkdir(target, step.mode) != 0 && errno != EEXIST) return errno;
      return 0;
    case Kind::kMakeDevice: return mknod(target, step.mode, step.device) == 0 ? 0 : errno;
    case Kind::kBindDevice: {
      int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
      if (fd < 0) return errno;
      close(fd);
      return mount(step.source.c_str(), target, nullptr, MS_BIND, nullptr) == 0 ? 0 : errno;
    }
    case Kind::kSymlink: return symlink(step.source.c_str(), target) == 0 ? 0 : errno;
    case Kind::kPivotRoot:
      // pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves
      // only the new root, with no directory needed to hold the old one.
      if (chdir(target) != 0) return errno;
      if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
      if (umount2(".", MNT_DETACH) != 0) return errno;
      return chdir("/") == 0 ? 0 : errno;
    case Kind::kMask: {
      struct stat info;
      if (stat(target, &info) != 0) return errno;
      if (S_ISDIR(info.st_mode)) return mount("tmpfs", target, "tmpfs", MS_RDONLY, nullptr) == 0 ? 0 : errno;
      return mount("/dev/null", target, nullptr, MS_BIND, nullptr) == 0 ? 0 : errno;
    }
    case Kind::kReadOnlyBind:
      if (mount(target, target, nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
      return mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                   nullptr) == 0
                 ? 0
                 : errno;
    case Kind::kReopenAs: {
      int fd = open(step.source.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return errno;
      if (fd == step.fd) return 0;
      int moved = dup3(fd, step.fd, O_CLOEXEC);
      int error = moved < 0 ? errno : 0;
      close(fd);
      return error;
    }
  }
  return EINVAL;
}

}  // namespace

int apply_rootfs_plan(const std::vector<RootfsStep>& steps, size_t* failed_step) noexcept {
  mode_t saved_umask = umask(0);  // device nodes and /dev/shm need their exact modes
  for (size_t i = 0; i < steps.size(); ++i) {
    int error = apply_step(steps[i]);
    if (error == ENOENT && steps[i].optional) continue;
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
