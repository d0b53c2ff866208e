#include "runner/image/merged_view.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "common/file_io.h"
#include "common/text.h"
#include "common/unique_fd.h"

namespace isobench::runner::image {
namespace {

/// A new read-only overlay of `layers` (top first), detached: nothing is mounted anywhere
/// until it is moved onto a directory, so a failure here leaves nothing to undo.
Result<UniqueFd> detached_overlay(const std::vector<std::string>& layers) {
  UniqueFd context(fsopen("overlay", FSOPEN_CLOEXEC));
  if (!context) return errno_error("cannot make an overlay for the image's merged view (fsopen)");
  // "lowerdir+" (Linux 6.8) appends one layer per call, top first; unlike "lowerdir" it takes
  // a path as it is, so a store under a directory named with ':' or ',' still works.
  for (const std::string& layer : layers)
    if (fsconfig(context.get(), FSCONFIG_SET_STRING, "lowerdir+", layer.c_str(), 0) != 0)
      return errno_error("overlay lower directory " + layer);
  if (fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
    return errno_error("cannot create the overlay of the image's " + std::to_string(layers.size()) + " layers");
  UniqueFd mount(fsmount(context.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID));
  if (!mount) return errno_error("cannot mount the overlay of the image's layers (fsmount)");
  return mount;
}

/// "\040" -> " ": how mountinfo escapes space, tab, newline and backslash in paths.
std::string unescape_mountinfo(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    const bool octal =
        field[i] == '\\' && i + 3 < field.size() &&
        std::all_of(field.begin() + i + 1, field.begin() + i + 4, [](char c) { return c >= '0' && c <= '7'; });
    if (octal) {
      out.push_back(static_cast<char>(std::strtol(std::string(field.substr(i + 1, 3)).c_str(), nullptr, 8)));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

bool has_mount_points(const std::string& tree) {
  struct stat info {};
  return std::all_of(runtime_mount_points().begin(), runtime_mount_points().end(), [&](const std::string& dir) {
    return lstat((tree + "/" + dir).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
  });
}

void remove_mount_points(const std::string& layer) {
  for (const std::string& dir : runtime_mount_points()) rmdir((layer + "/" + dir).c_str());
  rmdir(layer.c_str());
}

/// `parent`/image-mount-points-XXXXXX with the runtimes' mount points, empty.
Result<std::string> make_mount_points(const std::string& parent) {
  std::string layer = parent + "/image-mount-points-XXXXXX";
  if (!mkdtemp(layer.data())) return errno_error("mkdtemp " + layer);
  chmod(layer.c_str(), 0755);  // the root of the view: mkdtemp made it 0700
  for (const std::string& dir : runtime_mount_points()) {
    if (mkdir((layer + "/" + dir).c_str(), dir == "tmp" ? 01777 : 0755) != 0) {
      Error error = errno_error("cannot make " + layer + "/" + dir);
      remove_mount_points(layer);
      return error;
    }
  }
  if (chmod((layer + "/tmp").c_str(), 01777) != 0) {  // past the umask
    Error error = errno_error("chmod " + layer + "/tmp");
    remove_mount_points(layer);
    return error;
  }
  return layer;
}

/// The overlay of `lowers` (top first) on a new directory in `parent`: its path.
Result<std::string> mount_view(const std::vector<std::string>& lowers, const std::string& parent) {
  auto overlay = detached_overlay(lowers);
  if (!overlay) return overlay.error();
  std::string path = parent + "/image-view-XXXXXX";
  if (!mkdtemp(path.data())) return errno_error("mkdtemp " + path);
  if (move_mount(overlay->get(), "", AT_FDCWD, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    Error error = errno_error("cannot mount the image's merged view on " + path);
    rmdir(path.c_str());
    return error;
  }
  return path;
}

}  // namespace

const std::vector<std::string>& runtime_mount_points() {
  static const std::vector<std::string> dirs = {"dev", "proc", "run", "sys", "tmp"};
  return dirs;
}

Result<std::unique_ptr<MergedView>> MergedView::create(const std::vector<std::string>& layers,
                                                       const std::string& parent,
                                                       const std::vector<std::string>& added_below) {
  if (layers.empty()) return plain_error("an image with no layers has nothing to show");
  if (layers.size() == 1 && added_below.empty() && has_mount_points(layers.front()))
    return std::unique_ptr<MergedView>(new MergedView(layers.front(), ""));
  auto mount_points = make_mount_points(parent);
  if (!mount_points) return mount_points.error();
  std::vector<std::string> lowers = layers;
  lowers.insert(lowers.end(), added_below.begin(), added_below.end());
  lowers.push_back(*mount_points);  // the bottom: every layer of the image wins over it
  auto path = mount_view(lowers, parent);
  if (!path) {
    remove_mount_points(*mount_points);
    return path.error();
  }
  // Owned from here: the destructor unmounts and removes both on every later path.
  return std::unique_ptr<MergedView>(new MergedView(std::move(*path), std::move(*mount_points)));
}

MergedView::~MergedView() {
  if (!mounted_) return;  // a layer's own tree: the store's, not ours
  umount2(path_.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
  rmdir(path_.c_str());
  remove_mount_points(mount_points_);
}

std::vector<std::string> mount_points_beneath(std::string_view mountinfo, const std::string& dir) {
  std::vector<std::string> points;
  const std::string prefix = dir.ends_with('/') ? dir : dir + "/";
  for (const std::string& line : split_list(mountinfo, '\n')) {
    // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT ...: the fifth field.
    const std::vector<std::string> fields = split_list(line, ' ');
    if (fields.size() < 5) continue;
    std::string point = unescape_mountinfo(fields[4]);
    if (point == dir || point.starts_with(prefix)) points.push_back(std::move(point));
  }
  // Deeper first; the same mount point twice (stacked mounts) is unmounted twice.
  std::stable_sort(points.begin(), points.end(), [](const std::string& a, const std::string& b) {
    return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
  });
  return points;
}

int detach_mounts_beneath(const std::string& dir) {
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return 0;
  int detached = 0;
  for (const std::string& point : mount_points_beneath(*mountinfo, dir))
    detached += umount2(point.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0 ? 1 : 0;
  return detached;
}

}  // namespace isobench::runner::image
