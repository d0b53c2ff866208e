#include "runner/cgroup/cgroup_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.h"
#include "runner/cgroup/cgroup_dirs.h"
#include "runner/security/device_filter.h"

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

Result<UniqueFd> HostCgroupFs::attach_device_filter(const std::string& dir) {
  // Compiled once: the default list does not change while isobench runs.
  static const std::vector<bpf_insn> program = compile_device_program(default_device_rules());
  auto cgroup = open_directory(dir);
  if (!cgroup) return cgroup.error();
  auto attached = attach_device_program(program, cgroup->get());
  if (!attached) return Error{attached.error().errno_value, attached.error().message + " " + dir};
  return attached;
}

bool HostCgroupFs::exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

Result<std::vector<std::string>> HostCgroupFs::list_dirs(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return errno_error("cannot list " + path);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (entry->d_type == DT_DIR && name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  return names;
}

Status HostCgroupFs::kill_processes(const std::string& dir) {
  if (exists(dir + "/cgroup.kill")) (void)write(dir + "/cgroup.kill", "1");
  return kill_cgroup_procs(*this, dir);
}

Result<UniqueFd> HostCgroupFs::lock_dir(const std::string& path, bool wait) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  int locked;
  do locked = ::flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB));
  while (locked != 0 && errno == EINTR);
  if (locked != 0) return errno_error("cannot lock " + path);
  // Whoever removed the directory before we got the lock may have made a new one since.
  struct stat held{}, named{};
  if (::fstat(fd.get(), &held) != 0 || ::stat(path.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
      held.st_dev != named.st_dev)
    return Error{ENOENT, "cgroup " + path + " was removed while it was being locked"};
  return fd;
}

}  // namespace isobench::runner
