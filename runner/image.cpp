#include "runner/image.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "common/system.h"
#include "common/unique_fd.h"

#ifndef ISOBENCH_BUILD_IMAGE_DIR
#define ISOBENCH_BUILD_IMAGE_DIR ""
#endif

namespace isobench::runner {
namespace {

bool is_directory(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

Result<std::string> builtin_image_rootfs() {
  if (auto self = own_executable()) {
    std::string dir = self->substr(0, self->rfind('/'));
    // The build tree, then an installed bin/ (isobench), then an installed libexec/isobench/
    // (mechanism_bench): the install rules put the image in <prefix>/share/isobench/image.
    for (const std::string& candidate : {dir + "/image/rootfs", dir + "/../share/isobench/image/rootfs",
                                         dir + "/../../share/isobench/image/rootfs"})
      if (is_directory(candidate)) return canonical_rootfs(candidate);
  }
  std::string built = ISOBENCH_BUILD_IMAGE_DIR;
  if (!built.empty() && is_directory(built)) return canonical_rootfs(built);
  return plain_error(
      "the built-in image was not found next to the isobench executable; rebuild the project "
      "(it assembles image/rootfs) or pass --rootfs DIR");
}

Result<std::string> canonical_rootfs(const std::string& rootfs) {
  char resolved[PATH_MAX];
  if (!realpath(rootfs.c_str(), resolved)) return errno_error("rootfs '" + rootfs + "'");
  if (!is_directory(resolved)) return Error{ENOTDIR, "rootfs '" + rootfs + "'"};
  return std::string(resolved);
}

std::string path_variable(const std::vector<std::string>& env) {
  for (const std::string& entry : env)
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  return {};
}

Result<std::string> resolve_command(const std::string& rootfs, const std::string& command,
                                    const std::string& path_variable) {
  UniqueFd root(open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return errno_error("rootfs '" + rootfs + "'");

  // 0: found; otherwise the errno explaining why this candidate is unusable.
  auto check = [&](const std::string& candidate) -> int {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT;
    UniqueFd file(static_cast<int>(syscall(SYS_openat2, root.get(), candidate.c_str(), &how, sizeof how)));
    if (!file) return errno;
    struct stat info;
    if (fstat(file.get(), &info) != 0) return errno;
    if (!S_ISREG(info.st_mode) || (info.st_mode & 0111) == 0) return EACCES;
    return 0;
  };

  if (command.empty()) return Error{ENOENT, "empty command"};
  if (command.find('/') != std::string::npos) {
    std::string path = command[0] == '/' ? command : "/" + command;
    if (int error = check(path)) return Error{error, "cannot run '" + command + "' in the image"};
    return path;
  }
  int last_error = ENOENT;
  size_t start = 0;
  while (start <= path_variable.size()) {
    size_t colon = path_variable.find(':', start);
    std::string dir = path_variable.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty() || dir.back() != '/') dir += '/';
    std::string candidate = dir + command;
    int error = check(candidate);
    if (error == 0) return candidate;
    if (error == EACCES) last_error = EACCES;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return Error{last_error, last_error == ENOENT ? "executable file not found in $PATH: '" + command + "'"
                                                : "cannot run '" + command + "' in the image"};
}

}  // namespace isobench::runner
