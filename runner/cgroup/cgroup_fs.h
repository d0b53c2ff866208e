// The file-system seam under the cgroup managers: cgroupfs is driven by mkdir, rmdir and
// small reads and writes. Tests replace it with an in-memory twin.
#pragma once

#include <string>

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
};

}  // namespace isobench::runner
