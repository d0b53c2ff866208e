#include "runner/cgroup/cgroup_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.h"

namespace isobench::runner {

Status HostCgroupFs::make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) return errno_error("cannot create cgroup " + path);
  return {};
}

Status HostCgroupFs::remove_dir(const std::string& path) {
  if (::rmdir(path.c_str()) != 0) return errno_error("cannot remove cgroup " + path);
  return {};
}

Result<std::string> HostCgroupFs::read(const std::string& path) {
  return read_file(path);
}

Status HostCgroupFs::write(const std::string& path, const std::string& text) {
  return write_kernel_file(path, text);
}

Result<UniqueFd> HostCgroupFs::open_for_write(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  return fd;
}

Result<UniqueFd> HostCgroupFs::open_directory(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  return fd;
}

bool HostCgroupFs::exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace isobench::runner
