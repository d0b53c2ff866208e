#include "runner/lifecycle/container_store_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "common/file_lock.h"
#include "runner/image/layer_unpack.h"

namespace isobench::runner::lifecycle::detail {

Error no_such_container(std::string_view name_or_id) {
  return with_exit_code(plain_error("no such container: " + std::string(name_or_id.substr(0, 200))),
                        exit_codes::kFailed);
}

std::vector<std::string> entries_of(const std::string& directory) {
  std::vector<std::string> names;
  DIR* stream = ::opendir(directory.c_str());
  if (!stream) return names;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(stream);
  return names;
}

bool exists(const std::string& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0;
}

bool older_than(const std::string& path, int seconds) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return false;
  return status.st_mtime + seconds < ::time(nullptr);
}

std::string link_target(const std::string& path) {
  char target[256];
  const ssize_t length = ::readlink(path.c_str(), target, sizeof target);
  if (length <= 0 || static_cast<size_t>(length) >= sizeof target) return {};
  return std::string(target, static_cast<size_t>(length));
}

Status make_directories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return errno_error("cannot create " + prefix);
    }
    if (slash == std::string::npos) return {};
  }
}

StagedDirectory::StagedDirectory(StagedDirectory&& other) noexcept
    : path(std::move(other.path)), lock(std::move(other.lock)) {
  other.path.clear();
}

StagedDirectory::~StagedDirectory() {
  // Removed while still locked, so that no other creator takes its name for a live holder's.
  if (!path.empty()) (void)image::remove_tree(path);
}

Result<StagedDirectory> stage_directory(const std::string& root, const std::string& id) {
  const std::string fresh = root + "/.new-" + id;
  const std::string staged = root + "/.tmp-" + id;
  if (::mkdir(fresh.c_str(), 0700) != 0) return errno_error("cannot create " + fresh);
  auto lock = lock_file(fresh + "/lock", LockKind::kExclusive);
  if (lock && ::rename(fresh.c_str(), staged.c_str()) == 0) return StagedDirectory(staged, std::move(*lock));
  const Error error = lock ? errno_error("cannot rename " + fresh) : lock.error();
  (void)image::remove_tree(fresh);
  return error;
}

Status move_into_place(const std::string& staged, const std::string& target) {
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    // A file system without RENAME_NOREPLACE: rename(2) still refuses a non-empty target,
    // and a container's directory is never empty.
    if (errno != EINVAL || ::rename(staged.c_str(), target.c_str()) != 0) return errno_error("cannot create " + target);
  }
  return {};
}

}  // namespace isobench::runner::lifecycle::detail
