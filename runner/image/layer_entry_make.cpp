// The entry kinds a layer holds, each made on its last component in an already-resolved
// parent directory. Metadata order matters: owner first (chown clears setuid/setgid and
// security.capability), then mode, then xattrs, then times (anything else would bump them).
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include "runner/image/archive_blocks.h"
#include "runner/image/layer_entry_apply.h"

namespace isobench::runner::image::detail {
namespace {

mode_t permissions(archive_entry* entry) {
  return static_cast<mode_t>(archive_entry_perm(entry) & 07777);
}

Status write_all(int fd, const char* data, size_t size, off_t offset) {
  while (size > 0) {
    const ssize_t wrote = pwrite(fd, data, size, offset);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return errno_error("writing its data");
    data += wrote;
    size -= static_cast<size_t>(wrote);
    offset += wrote;
  }
  return {};
}

}  // namespace

Status LayerWriter::write_file(archive* reader, archive_entry* entry, int parent, const std::string& leaf) {
  ISOBENCH_TRY(clear_for(parent, leaf, false));
  UniqueFd fd(openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return errno_error("creating the file");
  auto written = copy_data(reader, fd.get(), archive_entry_size(entry));
  if (!written) return written.error();
  size_bytes_ += *written;
  ISOBENCH_TRY(set_owner(fd.get(), entry));
  if (fchmod(fd.get(), permissions(entry)) != 0) return errno_error("chmod");
  ISOBENCH_TRY(set_xattrs(fd.get(), entry));
  timespec times[2];
  entry_times(entry, times);
  if (futimens(fd.get(), times) != 0) return errno_error("setting its times");
  return {};
}

/// The entry's data blocks at their offsets (a sparse file's holes stay holes), then its full
/// size when it ends in a hole (a truncate per file costs a journal handle on ext4: only
/// where it changes something). Returns the bytes written.
Result<uint64_t> LayerWriter::copy_data(archive* reader, int fd, int64_t declared_size) {
  uint64_t written = 0;
  off_t end = 0;
  ISOBENCH_TRY(for_each_data_block(reader, "reading its data", [&](const char* block, size_t size, off_t offset) -> Status {
    ISOBENCH_TRY(write_all(fd, block, size, offset));
    written += size;
    end = std::max<off_t>(end, offset + static_cast<off_t>(size));
    return Status{};
  }));
  if (declared_size > end && ftruncate(fd, declared_size) != 0) return errno_error("setting its size");
  return written;
}

Status LayerWriter::make_directory(archive_entry* entry, int parent, const std::string& leaf, const std::string& path) {
  bool kept = false;
  ISOBENCH_TRY(clear_for(parent, leaf, true, &kept));
  // 0700 until finish(): writable and searchable by us whatever the archive's mode is.
  if (!kept && mkdirat(parent, leaf.c_str(), 0700) != 0) return errno_error("mkdir");
  UniqueFd fd(open_beneath(parent, leaf, O_RDONLY | O_DIRECTORY));
  if (!fd) return errno_error("opening the new directory");
  ISOBENCH_TRY(set_owner(fd.get(), entry));
  ISOBENCH_TRY(set_xattrs(fd.get(), entry));
  defer_directory(entry, path);
  return {};
}

Status LayerWriter::make_symlink(archive_entry* entry, int parent, const std::string& leaf) {
  const char* target = archive_entry_symlink(entry);
  if (target == nullptr || *target == '\0') return plain_error("is a symbolic link to nothing");
  ISOBENCH_TRY(clear_for(parent, leaf, false));
  // The target is only text here: nothing in the unpacker ever follows it.
  if (symlinkat(target, parent, leaf.c_str()) != 0) return errno_error("symlink");
  return set_node_metadata(entry, parent, leaf, false);
}

/// A hard link's target is an earlier entry of this layer, resolved beneath it like any name.
Status LayerWriter::make_hardlink(archive_entry* entry, int parent, const std::string& leaf, const std::string& path) {
  const std::string shown = archive_entry_hardlink(entry);
  auto target = normalise_entry_name(shown);
  if (!target) return plain_error("hard link target '" + shown + "': " + target.error().message);
  if (*target == path) return {};  // a link to itself: the file is already there
  if (target->empty()) return plain_error("is a hard link to the layer root");
  const auto slash = target->rfind('/');
  const std::string target_dir = slash == std::string::npos ? "" : target->substr(0, slash);
  const std::string target_leaf = slash == std::string::npos ? *target : target->substr(slash + 1);
  UniqueFd target_parent(open_beneath(layer_.get(), target_dir, O_PATH | O_DIRECTORY));
  if (!target_parent) return errno_error("resolving hard link target '" + shown + "' beneath the layer");
  ISOBENCH_TRY(clear_for(parent, leaf, false));
  // No AT_SYMLINK_FOLLOW: a link to an earlier symlink links the symlink, not what it names.
  if (linkat(target_parent.get(), target_leaf.c_str(), parent, leaf.c_str(), 0) != 0) {
    return errno_error("hard link to '" + shown + "'");
  }
  return {};
}

Status LayerWriter::make_node(archive_entry* entry, int parent, const std::string& leaf) {
  const mode_t type = archive_entry_filetype(entry);
  if (type != AE_IFIFO && !options_.privileged) {
    return plain_error("is a device node, which an unprivileged unpack refuses");
  }
  ISOBENCH_TRY(clear_for(parent, leaf, false));
  const dev_t device = makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
  if (mknodat(parent, leaf.c_str(), type | 0600, type == AE_IFIFO ? 0 : device) != 0) return errno_error("mknod");
  return set_node_metadata(entry, parent, leaf, true);
}

/// Owner, mode and times of something that cannot be opened for writing (a symlink, a device
/// node): by name in `parent`, never following it.
Status LayerWriter::set_node_metadata(archive_entry* entry, int parent, const std::string& leaf, bool with_mode) {
  if (options_.privileged && fchownat(parent, leaf.c_str(), static_cast<uid_t>(archive_entry_uid(entry)),
                                      static_cast<gid_t>(archive_entry_gid(entry)), AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_error("chown");
  }
  if (with_mode && fchmodat(parent, leaf.c_str(), permissions(entry), AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_error("chmod");
  }
  timespec times[2];
  entry_times(entry, times);
  if (utimensat(parent, leaf.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) return errno_error("setting its times");
  return {};
}

Status LayerWriter::set_owner(int fd, archive_entry* entry) {
  if (!options_.privileged) return {};  // rootless: everything is the caller's
  if (fchown(fd, static_cast<uid_t>(archive_entry_uid(entry)), static_cast<gid_t>(archive_entry_gid(entry))) != 0) {
    return errno_error("chown");
  }
  return {};
}

/// user.* always and security.capability when privileged (file capabilities: ping, for
/// instance). Never trusted.* nor user.overlay.*: overlayfs keeps its own metadata there
/// (opaque, redirect, metacopy, origin), and a layer that could write it would forge what the
/// whiteout conversion alone may say. security.* labels and ACLs are the host's business.
bool LayerWriter::keeps_xattr(std::string_view name) const {
  if (name.starts_with("user.")) return !name.starts_with("user.overlay.");
  return options_.privileged && name == "security.capability";
}

Status LayerWriter::set_xattrs(int fd, archive_entry* entry) {
  archive_entry_xattr_reset(entry);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    if (name == nullptr || !keeps_xattr(name)) continue;
    if (fsetxattr(fd, name, value, size, 0) != 0) return errno_error(std::string("setting xattr ") + name);
  }
  return {};
}

}  // namespace isobench::runner::image::detail
