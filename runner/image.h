// Where root filesystems come from and how a command is found inside one.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::runner {

/// The built-in image (the project's static workloads), found relative to the running
/// executable, so that isobench and its helpers agree on it: next to it in the build tree
/// (<dir>/image/rootfs), under the prefix of an installed bin/ or libexec/isobench/
/// (<prefix>/share/isobench/image/rootfs), or else at the path fixed at build time.
Result<std::string> builtin_image_rootfs();

/// Checks that `rootfs` is a directory and returns its absolute, canonical path.
Result<std::string> canonical_rootfs(const std::string& rootfs);

/// Finds `command` inside `rootfs` the way execvp would inside the container: a name with a
/// '/' is taken as a path, anything else is searched in `path_variable` (PATH's value).
/// Symlinks resolve relative to the rootfs, never escaping it (openat2 RESOLVE_IN_ROOT).
/// Returns the path inside the container. Not found: ENOENT; not executable: EACCES.
Result<std::string> resolve_command(const std::string& rootfs, const std::string& command,
                                    const std::string& path_variable);

/// PATH's value in a "KEY=VALUE" environment, or empty.
std::string path_variable(const std::vector<std::string>& env);

}  // namespace isobench::runner
