// Unpacking one image layer (a tar stream, gzip/zstd-compressed or not) into its own
// directory, so that layers stack as overlayfs lower directories without a flattening copy.
//
// The layer is untrusted input. No entry may create, replace or write anything outside the
// layer directory: not through "../", an absolute name, a symlink or hard link planted by an
// earlier entry of the same layer, or a symlinked parent directory (the CVE class of tar
// escapes). Every path is resolved beneath the layer directory's descriptor with openat2
// (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS for the parents), never by
// string prefix checks.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "runner/image/digest.h"

namespace isobench::runner::image {

struct UnpackOptions {
  /// Owners from the archive (chown/lchown), device nodes and security.capability. Off for a
  /// rootless store: owners become the caller's, a character or block device (not a whiteout,
  /// not a FIFO) is refused with an error naming it, and file capabilities are dropped.
  bool privileged = true;
  /// Overlay xattr namespace for opaque directories: "trusted.overlay.opaque" as root,
  /// "user.overlay.opaque" for a rootless (userxattr) overlay.
  bool user_xattrs = false;
  uint64_t max_entries = 1'000'000;  ///< a layer with more entries is refused (tar bombs)
};

struct UnpackedLayer {
  Digest diff_id;           ///< sha256 of the uncompressed tar stream (config rootfs.diff_ids)
  uint64_t entries = 0;     ///< archive entries read (skipped AUFS metadata included)
  uint64_t size_bytes = 0;  ///< bytes of regular file content written
};

/// Unpacks the archive at `archive_path` into `layer_dir`, an existing empty directory the
/// caller made (a temporary name it renames into place on success). Whiteouts become what
/// overlayfs understands: ".wh.NAME" a 0:0 character device NAME, ".wh..wh..opq" the opaque
/// xattr ("y") on its directory; other ".wh..wh.*" names (AUFS metadata) are skipped. Modes
/// (setuid/setgid included), owners (when privileged), mtimes, hard links, symlinks, FIFOs and
/// device nodes are kept.
///
/// Names: leading "/" and "./" are stripped (an absolute name lands inside the layer), a ".."
/// component is refused by name, "./" itself is the layer root (a directory entry only), a
/// later entry replaces an earlier one of the same name (a directory over a directory keeps
/// it), and missing parent directories are made 0755. Hard link targets resolve beneath the
/// layer like names.
///
/// Xattrs: user.* and (privileged) security.capability are kept. trusted.* and user.overlay.*
/// from the archive are dropped: they are overlayfs's own metadata (opaque, redirect, origin,
/// metacopy), and a layer must not forge what only the whiteout conversion may write. Other
/// security.* labels and ACLs belong to the host and are dropped too.
///
/// On error the directory may hold a partial tree (never anything outside it): the caller
/// removes it, with remove_tree.
Result<UnpackedLayer> unpack_layer(const std::string& archive_path, const std::string& layer_dir,
                                   const UnpackOptions& options = {});

/// The same, reading the archive from `fd` (a pipe or stdin for `import -`).
Result<UnpackedLayer> unpack_layer_from_fd(int fd, const std::string& layer_dir, const UnpackOptions& options = {});

/// Removes a directory tree without following symlinks and without crossing mounts; for
/// partial layers and removed images. Immutable or busy entries make it fail by name.
Status remove_tree(const std::string& path);

}  // namespace isobench::runner::image
