// One archive entry at a time, beneath the layer directory's descriptor. No path is ever
// resolved from "/" or through a symlink: a parent directory is opened with openat2
// (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) and the entry itself is made
// by an *at() call on its last component, which never follows it (O_EXCL | O_NOFOLLOW,
// AT_SYMLINK_NOFOLLOW, linkat without AT_SYMLINK_FOLLOW). An earlier entry of the same layer,
// a symlink to "/" say, is only ever replaced, never followed.
#include "runner/image/layer_entry_apply.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace isobench::runner::image::detail {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
/// ".wh..wh.plnk" and the like: AUFS's own bookkeeping, meaningless to overlayfs.
constexpr std::string_view kAufsMetaPrefix = ".wh..wh.";

/// The parent's path ("" for the layer root) and the last component.
std::pair<std::string, std::string> split_parent(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

size_t depth_of(const std::string& path) {
  return path.empty() ? 0 : 1 + static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

Error prefixed(const std::string& prefix, const Error& error) {
  return Error{error.errno_value, prefix + error.message, error.exit_code};
}

}  // namespace

int open_beneath(int dir, const std::string& path, uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = syscall(SYS_openat2, dir, path.empty() ? "." : path.c_str(), &how, sizeof how);
  return static_cast<int>(fd);
}

void entry_times(archive_entry* entry, timespec times[2]) {
  times[1] = archive_entry_mtime_is_set(entry) ? timespec{archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)}
                                               : timespec{0, UTIME_OMIT};
  times[0] = archive_entry_atime_is_set(entry) ? timespec{archive_entry_atime(entry), archive_entry_atime_nsec(entry)}
                                               : times[1];
}

Result<std::string> normalise_entry_name(std::string_view name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view component = name.substr(start, end - start);
    start = end + 1;
    if (component.empty() || component == ".") continue;
    if (component == "..") return plain_error("a '..' component would leave the layer");
    if (!out.empty()) out += '/';
    out += component;
  }
  return out;
}

Result<std::unique_ptr<LayerWriter>> LayerWriter::open(const std::string& layer_dir, const UnpackOptions& options) {
  UniqueFd layer(::open(layer_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!layer) return errno_error("opening the layer directory " + layer_dir);
  struct stat st {};
  if (fstat(layer.get(), &st) != 0) return errno_error("stat " + layer_dir);
  return std::unique_ptr<LayerWriter>(new LayerWriter(std::move(layer), st.st_dev, options));
}

Status LayerWriter::apply(archive* reader, archive_entry* entry) {
  const char* raw = archive_entry_pathname(entry);
  if (raw == nullptr) return plain_error("layer entry without a name");
  const std::string shown = raw;
  const std::string prefix = "layer entry '" + shown + "': ";
  auto path = normalise_entry_name(shown);
  if (!path) return prefixed(prefix, path.error());
  if (auto status = apply_named(reader, entry, *path); !status) return prefixed(prefix, status.error());
  return {};
}

Status LayerWriter::apply_named(archive* reader, archive_entry* entry, const std::string& path) {
  const mode_t type = archive_entry_filetype(entry);
  if (archive_entry_hardlink(entry) == nullptr && type == AE_IFDIR && path.empty()) return apply_root(entry);
  if (path.empty()) return plain_error("names the layer root but is not a directory");
  const auto [parent_path, leaf] = split_parent(path);
  if (leaf == kOpaqueMarker) return apply_opaque(parent_path);
  if (leaf.starts_with(kAufsMetaPrefix)) return {};
  if (leaf.starts_with(kWhiteoutPrefix)) return apply_whiteout(parent_path, leaf.substr(kWhiteoutPrefix.size()));
  auto parent = parent_fd(parent_path);
  if (!parent) return parent.error();
  if (archive_entry_hardlink(entry) != nullptr) return make_hardlink(entry, *parent, leaf, path);
  switch (type) {
    case AE_IFREG: return write_file(reader, entry, *parent, leaf);
    case AE_IFDIR: return make_directory(entry, *parent, leaf, path);
    case AE_IFLNK: return make_symlink(entry, *parent, leaf);
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO: return make_node(entry, *parent, leaf);
    default: return plain_error("has an unsupported file type");
  }
}

/// "./": the layer root's own owner, xattrs, mode and times (overlayfs shows the topmost
/// layer's root as "/").
Status LayerWriter::apply_root(archive_entry* entry) {
  UniqueFd root(open_beneath(layer_.get(), "", O_RDONLY | O_DIRECTORY));
  if (!root) return errno_error("opening the layer directory");
  ISOBENCH_TRY(set_owner(root.get(), entry));
  ISOBENCH_TRY(set_xattrs(root.get(), entry));
  defer_directory(entry, "");
  return {};
}

/// ".wh.NAME" hides NAME of the lower layers: overlayfs spells that a 0:0 character device.
Status LayerWriter::apply_whiteout(const std::string& parent_path, const std::string& leaf) {
  if (leaf.empty() || leaf == "." || leaf == "..") return plain_error("is a whiteout of no name");
  auto parent = parent_fd(parent_path);
  if (!parent) return parent.error();
  ISOBENCH_TRY(clear_for(*parent, leaf, false));
  if (mknodat(*parent, leaf.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
    return errno_error("making the whiteout device " + leaf);
  }
  return {};
}

/// ".wh..wh..opq" hides everything the lower layers have in its directory.
Status LayerWriter::apply_opaque(const std::string& parent_path) {
  auto parent = parent_fd(parent_path);
  if (!parent) return parent.error();
  UniqueFd dir(open_beneath(*parent, "", O_RDONLY | O_DIRECTORY));
  if (!dir) return errno_error("opening its directory");
  const char* key = options_.user_xattrs ? "user.overlay.opaque" : "trusted.overlay.opaque";
  if (fsetxattr(dir.get(), key, "y", 1, 0) != 0) return errno_error(std::string("setting ") + key);
  return {};
}

/// The entry's parent directory, beneath the layer, made (0755, as tar does) where the archive
/// has no entry for it. The descriptor is borrowed: it stays open until the next entry.
Result<int> LayerWriter::parent_fd(const std::string& parent_path) {
  if (parent_path.empty()) return layer_.get();
  if (parent_valid_ && parent_path_ == parent_path) return parent_.get();
  int fd = open_beneath(layer_.get(), parent_path, O_PATH | O_DIRECTORY);
  if (fd < 0 && errno == ENOENT) fd = make_parents(parent_path);
  if (fd < 0) {
    const char* why = errno == ELOOP ? " (a symbolic link on the way is refused)" : "";
    return errno_error("resolving its directory '" + parent_path + "' beneath the layer" + why);
  }
  parent_.reset(fd);
  parent_path_ = parent_path;
  parent_valid_ = true;
  return fd;
}

/// The walk behind parent_fd for directories not there yet, one component at a time, each
/// opened beneath the one before. Returns the fd or -1/errno.
int LayerWriter::make_parents(const std::string& parent_path) {
  UniqueFd current(fcntl(layer_.get(), F_DUPFD_CLOEXEC, 0));
  size_t start = 0;
  while (current && start < parent_path.size()) {
    size_t end = parent_path.find('/', start);
    if (end == std::string::npos) end = parent_path.size();
    const std::string component = parent_path.substr(start, end - start);
    start = end + 1;
    int next = open_beneath(current.get(), component, O_PATH | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      if (mkdirat(current.get(), component.c_str(), 0755) != 0 && errno != EEXIST) return -1;
      next = open_beneath(current.get(), component, O_PATH | O_DIRECTORY);
    }
    if (next < 0) return -1;
    current.reset(next);
  }
  return current.valid() ? current.release() : -1;
}

/// Makes room for a new `leaf` (tar semantics: a later entry replaces an earlier one of the
/// same name). A directory stays when the new entry is a directory too (`*kept`).
Status LayerWriter::clear_for(int parent, const std::string& leaf, bool keep_directory, bool* kept) {
  if (kept != nullptr) *kept = false;
  struct stat st {};
  if (fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return errno_error("stat of the existing " + leaf);
  }
  if (S_ISDIR(st.st_mode) && keep_directory) {
    if (kept != nullptr) *kept = true;
    return {};
  }
  parent_valid_ = false;  // what is removed may be a cached parent's ancestor
  if (S_ISDIR(st.st_mode)) return remove_tree_at(parent, leaf, device_, leaf);
  if (unlinkat(parent, leaf.c_str(), 0) != 0) return errno_error("replacing the existing " + leaf);
  return {};
}

void LayerWriter::defer_directory(archive_entry* entry, const std::string& path) {
  DeferredDirectory directory{path, static_cast<mode_t>(archive_entry_perm(entry) & 07777), {}};
  entry_times(entry, directory.times);
  const auto [it, inserted] = directory_index_.try_emplace(path, directories_.size());
  if (inserted) {
    directories_.push_back(std::move(directory));
  } else {
    directories_[it->second] = std::move(directory);
  }
}

Status LayerWriter::finish() {
  std::vector<const DeferredDirectory*> order;
  order.reserve(directories_.size());
  for (const auto& directory : directories_) order.push_back(&directory);
  std::stable_sort(order.begin(), order.end(), [](const DeferredDirectory* a, const DeferredDirectory* b) {
    return depth_of(a->path) > depth_of(b->path);
  });
  for (const DeferredDirectory* directory : order) {
    UniqueFd fd(open_beneath(layer_.get(), directory->path, O_RDONLY | O_DIRECTORY));
    // Replaced by a later entry (a file, a symlink, a whiteout) or removed with its parent.
    if (!fd && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) continue;
    const std::string shown = directory->path.empty() ? "." : directory->path;
    if (!fd) return errno_error("layer directory '" + shown + "': opening it for its mode");
    if (fchmod(fd.get(), directory->mode) != 0) return errno_error("layer directory '" + shown + "': chmod");
    if (futimens(fd.get(), directory->times) != 0) return errno_error("layer directory '" + shown + "': times");
  }
  return {};
}

}  // namespace isobench::runner::image::detail
