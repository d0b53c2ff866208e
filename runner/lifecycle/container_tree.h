// Removing a container's directory: its writable layer holds whatever the workload wrote,
// symlinks to host paths included, so removal works by descriptors and never follows one.
// (runner/image's remove_tree does the same for layers, but lives in isobench_image_transfer,
// which the static isobench does not link.)
#pragma once

#include <string>

#include "common/result.h"

namespace isobench::runner::lifecycle {

/// Removes the tree at `path`: every directory is opened beneath its parent with O_NOFOLLOW,
/// symlinks are unlinked and never entered, and a mount point (another filesystem, or a bind
/// mount's root) stops the removal with an error instead of being emptied. Directories
/// without write or search permission (overlayfs's work/work) are opened up first. A missing
/// path, or entries vanishing meanwhile (another remover), is success.
Status remove_container_tree(const std::string& path);

}  // namespace isobench::runner::lifecycle
