#include "runner/lifecycle/container_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/unique_fd.h"

namespace isobench::runner::lifecycle {

namespace {

/// The names in the open directory `dir`, read whole before anything is removed.
Result<std::vector<std::string>> names_in(int dir, const std::string& shown) {
  const int copy = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return errno_error("cannot list " + shown);
  DIR* stream = ::fdopendir(copy);
  if (!stream) {
    const Error error = errno_error("cannot list " + shown);
    ::close(copy);
    return error;
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  const int saved = errno;
  ::closedir(stream);
  if (saved != 0) return Error{saved, "cannot list " + shown};
  return names;
}

bool gone(int error) {
  return error == ENOENT;
}

Status remove_at(int dir, const std::string& name, dev_t device, const std::string& shown) {
  struct statx stx {};
  if (::statx(dir, name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE | STATX_MODE | STATX_INO, &stx) !=
      0) {
    return gone(errno) ? Status{} : Status{errno_error("cannot stat " + shown)};
  }
  if (!S_ISDIR(stx.stx_mode)) {
    if (::unlinkat(dir, name.c_str(), 0) != 0 && !gone(errno)) return errno_error("cannot remove " + shown);
    return {};
  }
  const bool mount_root =
      (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
  if (mount_root || makedev(stx.stx_dev_major, stx.stx_dev_minor) != device) {
    return plain_error(shown + " is a mount point: neither it nor anything in it was removed");
  }
  if ((stx.stx_mode & 0700) != 0700 &&
      ::fchmodat(dir, name.c_str(), (stx.stx_mode & 07777) | 0700, AT_SYMLINK_NOFOLLOW) != 0 && !gone(errno)) {
    return errno_error("cannot make " + shown + " writable to empty it");
  }
  UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return gone(errno) ? Status{} : Status{errno_error("cannot open " + shown)};
  // The directory opened must be the one examined: a swap for a symlink or another
  // directory in between would otherwise be emptied.
  struct stat opened {};
  if (::fstat(fd.get(), &opened) != 0) return errno_error("cannot stat " + shown);
  if (opened.st_ino != stx.stx_ino || opened.st_dev != device)
    return plain_error(shown + " changed while it was being removed");
  auto names = names_in(fd.get(), shown);
  if (!names) return names.error();
  for (const std::string& child : *names) ISOBENCH_TRY(remove_at(fd.get(), child, device, shown + "/" + child));
  if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0 && !gone(errno)) return errno_error("cannot remove " + shown);
  return {};
}

}  // namespace

Status remove_container_tree(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const size_t slash = trimmed.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : trimmed.substr(0, slash);
  const std::string leaf = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (leaf.empty() || leaf == "." || leaf == "..") return plain_error("refusing to remove '" + path + "'");
  UniqueFd parent_fd(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent_fd) return gone(errno) ? Status{} : Status{errno_error("cannot open " + parent)};
  struct stat top {};
  if (::fstatat(parent_fd.get(), leaf.c_str(), &top, AT_SYMLINK_NOFOLLOW) != 0) {
    return gone(errno) ? Status{} : Status{errno_error("cannot stat " + trimmed)};
  }
  return remove_at(parent_fd.get(), leaf, top.st_dev, trimmed);
}

}  // namespace isobench::runner::lifecycle
