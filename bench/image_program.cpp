#include "bench/image_program.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

#include "common/unique_fd.h"
#include "runner/image.h"

namespace isobench::bench {
namespace {

/// `path` opened inside the directory `root`, every symlink and ".." kept within it.
UniqueFd open_in_root(int root, const std::string& path, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return UniqueFd(static_cast<int>(syscall(SYS_openat2, root, path.c_str(), &how, sizeof how)));
}

/// An errno error whose message already names the errno: callers show messages alone.
Error system_error(const std::string& what) {
  int saved = errno;
  return Error{saved, what + ": " + std::strerror(saved)};
}

std::vector<std::string> path_directories(const std::string& path_variable) {
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= path_variable.size()) {
    size_t colon = path_variable.find(':', start);
    std::string dir = path_variable.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && dir[0] == '/') dirs.push_back(dir);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

}  // namespace

std::string image_programs_summary(const std::string& rootfs, const std::string& path_variable) {
  UniqueFd root(open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return "nothing: the image cannot be read";
  std::vector<std::string> programs;
  std::vector<std::pair<std::string, size_t>> symlinks;  // directory, how many
  std::set<std::pair<dev_t, ino_t>> seen;                // /usr/bin may be /bin by a symlink
  for (const std::string& dir : path_directories(path_variable)) {
    UniqueFd fd = open_in_root(root.get(), dir, O_RDONLY | O_DIRECTORY);
    struct stat info;
    if (!fd || fstat(fd.get(), &info) != 0 || !seen.insert({info.st_dev, info.st_ino}).second) continue;
    DIR* listing = fdopendir(fd.get());
    if (!listing) continue;
    fd.release();  // the DIR owns it now
    size_t links = 0;
    while (dirent* entry = readdir(listing)) {
      struct stat file;
      if (fstatat(dirfd(listing), entry->d_name, &file, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISLNK(file.st_mode)) ++links;
      if (S_ISREG(file.st_mode) && (file.st_mode & 0111))
        programs.push_back((dir == "/" ? "" : dir) + "/" + entry->d_name);
    }
    closedir(listing);
    if (links > 0) symlinks.emplace_back(dir, links);
  }
  if (programs.empty() && symlinks.empty()) return "nothing executable along PATH (" + path_variable + ")";
  std::sort(programs.begin(), programs.end());
  constexpr size_t kNamed = 24;
  std::string text;
  for (size_t i = 0; i < programs.size() && i < kNamed; ++i) text += (i ? ", " : "") + programs[i];
  if (programs.size() > kNamed) text += " and " + std::to_string(programs.size() - kNamed) + " more files";
  for (const auto& [dir, count] : symlinks)
    text +=
        (text.empty() ? "" : ", and ") + std::to_string(count) + " symlinks in " + dir + " (ls " + rootfs + dir + ")";
  return text;
}

Result<std::string> find_image_program(const std::string& rootfs, const std::string& program,
                                       const std::string& path_variable) {
  auto found = runner::resolve_command(rootfs, program, path_variable);
  if (found) return found;
  const bool searched = program.find('/') == std::string::npos;
  const std::string named = searched ? "'" + program + "' along the workload's PATH (" + path_variable + ")" : program;
  const std::string image = "the image (" + rootfs + ")";
  switch (found.error().errno_value) {
    case ENOENT:
      return Error{ENOENT, named + " is not in " + image + ": every target runs the image's program, bare included; " +
                               "the image holds " + image_programs_summary(rootfs, path_variable)};
    case EACCES: return Error{EACCES, named + " in " + image + " is not an executable file"};
    default:
      return Error{found.error().errno_value,
                   "cannot look up " + named + " in " + image + ": " + std::strerror(found.error().errno_value)};
  }
}

Result<std::string> host_path_of_image_program(const std::string& rootfs, const std::string& in_image) {
  char canonical[PATH_MAX];
  if (!realpath(rootfs.c_str(), canonical)) return system_error("the image (" + rootfs + ")");
  const std::string root = canonical;
  UniqueFd root_fd(open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return system_error("the image (" + rootfs + ")");
  UniqueFd in_fd = open_in_root(root_fd.get(), in_image, O_PATH);
  if (!in_fd) return system_error(in_image + " in the image (" + rootfs + ")");

  const std::string host = (root == "/" ? "" : root) + (in_image.empty() || in_image[0] != '/' ? "/" : "") + in_image;
  UniqueFd host_fd(open(host.c_str(), O_PATH | O_CLOEXEC));
  struct stat image_file, host_file;
  if (host_fd && fstat(in_fd.get(), &image_file) == 0 && fstat(host_fd.get(), &host_file) == 0 &&
      image_file.st_dev == host_file.st_dev && image_file.st_ino == host_file.st_ino)
    return host;

  // The file the image's resolution reached, as a path inside the image, for the message.
  std::string file;
  char target[PATH_MAX];
  ssize_t length = readlink(("/proc/self/fd/" + std::to_string(in_fd.get())).c_str(), target, sizeof target - 1);
  if (length > 0) {
    std::string resolved(target, static_cast<size_t>(length));
    if (root == "/")
      file = resolved;
    else if (resolved.rfind(root + "/", 0) == 0)
      file = resolved.substr(root.size());
  }
  return Error{ELOOP, in_image + " in the image (" + rootfs +
                          ") goes through a symlink that leads out of the image when the host follows it; bare " +
                          "runs the image's program from the host and will not run a host file instead" +
                          (file.empty() ? std::string() : ": give the file itself, " + file)};
}

}  // namespace isobench::bench
