// cgroup v1 (and hybrid hosts): one directory per controller hierarchy, each attached
// and removed separately.
#pragma once

#include <map>

#include "runner/cgroup/cgroup.h"

namespace isobench::runner {

class CgroupV1Manager final : public CgroupManager {
 public:
  CgroupV1Manager(std::map<std::string, std::string> mounts, CgroupMode mode, CgroupFs& fs)
      : mounts_(std::move(mounts)), mode_(mode), fs_(fs) {}
  CgroupMode mode() const override { return mode_; }
  bool guards_devices() const override { return mounts_.count("devices") > 0; }
  Result<std::unique_ptr<Cgroup>> create(const std::string& name, const ResourceLimits& limits) override;
  Result<std::unique_ptr<Cgroup>> create_accounting(const std::string& name) override {
    return make(name, {}, /*guard_devices=*/false);
  }

 private:
  Result<std::unique_ptr<Cgroup>> make(const std::string& name, const ResourceLimits& limits, bool guard_devices);
  std::map<std::string, std::string> mounts_;  ///< controller -> mount point
  CgroupMode mode_;
  CgroupFs& fs_;
};

}  // namespace isobench::runner
