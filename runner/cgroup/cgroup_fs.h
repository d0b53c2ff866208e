// The file-system seam under the cgroup managers: cgroupfs is driven by mkdir, rmdir and
// small reads and writes. Tests replace it with an in-memory twin.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::runner {

class CgroupFs {
 public:
  virtual ~CgroupFs() = default;
  /// mkdir(2); an existing directory fails with errno EEXIST.
  virtual Status make_dir(const std::string& path) = 0;
  /// rmdir(2); a cgroup that still has tasks fails with EBUSY.
  virtual Status remove_dir(const std::string& path) = 0;
  virtual Result<std::string> read(const std::string& path) = 0;
  /// One write(2) of `text`, without creating the file.
  virtual Status write(const std::string& path, const std::string& text) = 0;
  virtual bool exists(const std::string& path) = 0;
  /// open(2) for writing, close-on-exec: a descriptor another process may write through
  /// (cgroupfs checks permissions against the opener's credentials).
  virtual Result<UniqueFd> open_for_write(const std::string& path) = 0;
  /// open(2) of a directory, close-on-exec (for clone3's CLONE_INTO_CGROUP).
  virtual Result<UniqueFd> open_directory(const std::string& path) = 0;
  /// Attaches the default device allow-list (a BPF device program) to the cgroup v2
  /// directory `dir`; the returned descriptor holds the program while the cgroup lives.
  virtual Result<UniqueFd> attach_device_filter(const std::string& dir) = 0;
  /// The names of the directories (child cgroups) in `path`.
  virtual Result<std::vector<std::string>> list_dirs(const std::string& path) = 0;
  /// flock(2) LOCK_EX on the directory `path`, close-on-exec, held until the descriptor is
  /// closed: how the owner of a cgroup says it is alive. With `wait` false, fails with
  /// EWOULDBLOCK while someone else holds it. Fails with ENOENT when `path` no longer names
  /// the directory that got locked (removed, or removed and made again, in between).
  virtual Result<UniqueFd> lock_dir(const std::string& path, bool wait) = 0;
  /// SIGKILLs every process in the cgroup `dir` (cgroup.kill where the kernel has it) and
  /// waits, about 1 s at most, until none is left.
  virtual Status kill_processes(const std::string& dir) = 0;
};

/// The real thing: system calls on the host's cgroup mounts.
class HostCgroupFs final : public CgroupFs {
 public:
  Status make_dir(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Result<std::string> read(const std::string& path) override;
  Status write(const std::string& path, const std::string& text) override;
  bool exists(const std::string& path) override;
  Result<UniqueFd> open_for_write(const std::string& path) override;
  Result<UniqueFd> open_directory(const std::string& path) override;
  Result<UniqueFd> attach_device_filter(const std::string& dir) override;
  Result<std::vector<std::string>> list_dirs(const std::string& path) override;
  Result<UniqueFd> lock_dir(const std::string& path, bool wait) override;
  Status kill_processes(const std::string& dir) override;
};

}  // namespace isobench::runner
