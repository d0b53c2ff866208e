// Internal to the layer unpacker (runner/image/layer_unpack.h): applying one archive entry
// beneath the layer directory's descriptor, and the descriptor-relative tree removal that both
// an entry replacing a directory and remove_tree use. Not for other callers.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/image/layer_unpack.h"

struct archive;
struct archive_entry;

namespace isobench::runner::image::detail {

/// An entry name as a relative path beneath the layer: leading "/" and "./" stripped, empty
/// and "." components dropped ("a//./b" is "a/b"). A ".." component anywhere is refused, so
/// nothing that follows can climb out by name. "" (from "./" or "/") is the layer root.
Result<std::string> normalise_entry_name(std::string_view name);

/// An entry's atime and mtime for utimensat: a missing atime is the mtime, a missing mtime is
/// left alone (UTIME_OMIT).
void entry_times(archive_entry* entry, timespec times[2]);

/// Removes `name` in `dir` (a whole directory tree when it is one) without following
/// symlinks and without entering another filesystem than `device` or a mount root; read-only
/// directories are made writable first. `shown` names it in errors.
Status remove_tree_at(int dir, const std::string& name, dev_t device, const std::string& shown);

/// openat2 beneath `dir` refusing every symlink and magic link on the way (a trailing symlink
/// too, unless flags has O_PATH | O_NOFOLLOW). "" is `dir` itself. Returns the fd or -1/errno.
int open_beneath(int dir, const std::string& path, uint64_t flags);

/// Applies archive entries, in archive order, beneath one layer directory.
class LayerWriter {
 public:
  static Result<std::unique_ptr<LayerWriter>> open(const std::string& layer_dir, const UnpackOptions& options);

  /// Applies the entry `entry` whose data, for a regular file, is read from `reader`.
  /// Errors name the entry as the archive spells it.
  Status apply(archive* reader, archive_entry* entry);
  /// Gives directories their modes and times, deepest first, once every entry is in: a
  /// read-only directory must not block its own children, and writing a child would
  /// otherwise change the parent's mtime.
  Status finish();
  uint64_t size_bytes() const { return size_bytes_; }

 private:
  struct DeferredDirectory {
    std::string path;
    mode_t mode = 0;
    timespec times[2] = {};
  };

  LayerWriter(UniqueFd layer, dev_t device, const UnpackOptions& options)
      : layer_(std::move(layer)), device_(device), options_(options) {}

  Status apply_named(archive* reader, archive_entry* entry, const std::string& path);
  Status apply_root(archive_entry* entry);
  Status apply_whiteout(const std::string& parent_path, const std::string& leaf);
  Status apply_opaque(const std::string& parent_path);
  Result<int> parent_fd(const std::string& parent_path);
  int make_parents(const std::string& parent_path);
  Status clear_for(int parent, const std::string& leaf, bool keep_directory, bool* kept = nullptr);
  Status write_file(archive* reader, archive_entry* entry, int parent, const std::string& leaf);
  Result<uint64_t> copy_data(archive* reader, int fd, int64_t declared_size);
  Status make_directory(archive_entry* entry, int parent, const std::string& leaf, const std::string& path);
  Status make_symlink(archive_entry* entry, int parent, const std::string& leaf);
  Status make_hardlink(archive_entry* entry, int parent, const std::string& leaf, const std::string& path);
  Status make_node(archive_entry* entry, int parent, const std::string& leaf);
  Status set_node_metadata(archive_entry* entry, int parent, const std::string& leaf, bool with_mode);
  Status set_owner(int fd, archive_entry* entry);
  Status set_xattrs(int fd, archive_entry* entry);
  bool keeps_xattr(std::string_view name) const;
  void defer_directory(archive_entry* entry, const std::string& path);

  UniqueFd layer_;  ///< O_PATH | O_DIRECTORY: every path is resolved beneath it
  dev_t device_;
  UnpackOptions options_;
  /// The last parent directory resolved: consecutive entries mostly share one. Dropped (not
  /// closed: the entry being applied may still use it) whenever an entry removes something.
  UniqueFd parent_;
  std::string parent_path_;
  bool parent_valid_ = false;
  std::vector<DeferredDirectory> directories_;
  std::unordered_map<std::string, size_t> directory_index_;  ///< a directory named twice: the last wins
  uint64_t size_bytes_ = 0;
};

}  // namespace isobench::runner::image::detail
