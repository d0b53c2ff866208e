// Which file a workload's program is: always the image's, under every target. Containers
// and the VM exec it inside the image; `bare` execs the built-in image's from the host, so
// its path must be found inside the image and reached from the host without leaving it.
#pragma once

#include <string>

#include "common/result.h"

namespace isobench::bench {

/// `program` (a command's argv[0]) inside the image at `rootfs`, found the way the
/// containers' exec finds it: a name without '/' along `path_variable` (the workload's
/// PATH) inside the image, a relative path from the image's root (their working directory),
/// an absolute path as it is. Symlinks resolve inside the image, never on the host
/// (openat2 RESOLVE_IN_ROOT). Returns the absolute path inside the image; the targets are
/// given this path, so none searches on its own. Errors are for the user, with no option
/// prefix, and name the program, the image and what it holds: ENOENT when it is not there,
/// EACCES when it is not an executable regular file. Here and below an error's message is
/// complete (it says the errno's meaning itself when that is the explanation): show
/// message, not text().
Result<std::string> find_image_program(const std::string& rootfs, const std::string& program,
                                       const std::string& path_variable);

/// The host path from which `bare` runs the image's program `in_image` (absolute, as
/// find_image_program returns it): rootfs + in_image, kept as written so that a multi-call
/// program such as busybox still sees its applet's name. Refused (ELOOP) when the host,
/// following that path its own way, would not reach the file the image's resolution reaches
/// (an absolute symlink, or ".." climbing out of the rootfs): bare would run a host file; the
/// message names the file in the image to give instead. The image could change between this
/// check and the exec; it is the build's own directory, not an adversary's.
Result<std::string> host_path_of_image_program(const std::string& rootfs, const std::string& in_image);

/// What the image holds along `path_variable`, for messages: "/bin/busybox, /bin/cpu, ... and
/// 268 symlinks (ls ROOT/bin)"; at most 24 files are named.
std::string image_programs_summary(const std::string& rootfs, const std::string& path_variable);

}  // namespace isobench::bench
