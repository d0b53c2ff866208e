// Removing a tree by descriptors: each directory is opened beneath its parent's descriptor
// with O_NOFOLLOW, so a symlink anywhere in a layer (to "/", say) is unlinked, never entered;
// and a directory on another filesystem, or the root of a bind mount of the same one, stops the
// removal by name instead of being emptied. Entries that vanish meanwhile (another remover)
// count as removed. In isobench_runner: layers and containers both use it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "runner/image/layer_entry_apply.h"
#include "runner/image/layer_unpack.h"

namespace isobench::runner::image {
namespace detail {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

/// The names in an open directory, "." and ".." left out; read whole before anything is
/// removed, so that removal does not disturb the listing.
Result<std::vector<std::string>> list_names(int dir, const std::string& shown) {
  const int copy = fcntl(dir, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return errno_error("listing " + shown);
  std::unique_ptr<DIR, DirCloser> stream(fdopendir(copy));
  if (!stream) {
    const int saved = errno;
    close(copy);
    return Error{saved, "listing " + shown};
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* item = readdir(stream.get())) {
    const std::string_view name = item->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return errno_error("listing " + shown);
  return names;
}

bool is_mount_root(const struct statx& stx) {
  return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

/// Opens the directory `name` for listing, made writable and searchable first when its mode
/// says otherwise (a layer's read-only /usr, say), and checked to be the one statx saw.
Result<UniqueFd> open_for_removal(int dir, const std::string& name, const struct statx& stx, const std::string& shown) {
  if ((stx.stx_mode & 0700) != 0700 &&
      fchmodat(dir, name.c_str(), (stx.stx_mode & 07777) | 0700, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_error("making " + shown + " writable to empty it");
  }
  UniqueFd fd(openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return errno_error("opening " + shown);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return errno_error("stat " + shown);
  if (st.st_ino != stx.stx_ino || st.st_dev != makedev(stx.stx_dev_major, stx.stx_dev_minor)) {
    return plain_error(shown + " changed while it was being removed");
  }
  return fd;
}

}  // namespace

Status remove_tree_at(int dir, const std::string& name, dev_t device, const std::string& shown) {
  struct statx stx {};
  if (statx(dir, name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE | STATX_MODE | STATX_INO, &stx) != 0) {
    if (errno == ENOENT) return {};
    return errno_error("stat " + shown);
  }
  if (!S_ISDIR(stx.stx_mode)) {
    if (unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) return errno_error("removing " + shown);
    return {};
  }
  if (is_mount_root(stx) || makedev(stx.stx_dev_major, stx.stx_dev_minor) != device) {
    return plain_error(shown + " is a mount point: neither it nor anything in it was removed");
  }
  auto fd = open_for_removal(dir, name, stx, shown);
  // Another remover (a second `rm` of the same container) may have been first: gone is done.
  if (!fd) return fd.error().errno_value == ENOENT ? Status{} : Status{fd.error()};
  auto names = list_names(fd->get(), shown);
  if (!names) return names.error();
  for (const std::string& child : *names) {
    ISOBENCH_TRY(remove_tree_at(fd->get(), child, device, shown + "/" + child));
  }
  if (unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) return errno_error("removing " + shown);
  return {};
}

}  // namespace detail

Status remove_tree(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const auto slash = trimmed.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : trimmed.substr(0, slash);
  const std::string leaf = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (leaf.empty() || leaf == "." || leaf == "..") return plain_error("refusing to remove '" + path + "'");
  UniqueFd parent_fd(open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent_fd) return errno == ENOENT ? Status{} : Status{errno_error("opening " + parent)};
  struct stat st {};
  if (fstatat(parent_fd.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status{} : Status{errno_error("stat " + path)};
  }
  return detail::remove_tree_at(parent_fd.get(), leaf, st.st_dev, trimmed);
}

}  // namespace isobench::runner::image
