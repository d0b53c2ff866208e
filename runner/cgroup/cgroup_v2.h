// cgroup v2: one directory, controllers enabled top-down through cgroup.subtree_control.
#pragma once

#include "runner/cgroup/cgroup.h"

namespace isobench::runner {

class CgroupV2Manager final : public CgroupManager {
 public:
  CgroupV2Manager(std::string mount, CgroupFs& fs) : mount_(std::move(mount)), fs_(fs) {}
  CgroupMode mode() const override { return CgroupMode::kV2; }
  bool guards_devices() const override { return true; }
  Result<std::unique_ptr<Cgroup>> create(const std::string& name, const ResourceLimits& limits) override;
  Result<std::unique_ptr<Cgroup>> create_accounting(const std::string& name) override {
    return make(name, {}, /*guard_devices=*/false);
  }

 private:
  Result<std::unique_ptr<Cgroup>> make(const std::string& name, const ResourceLimits& limits, bool guard_devices);
  Status enable_controllers(const std::string& dir, const std::vector<std::string>& controllers);
  std::string mount_;
  CgroupFs& fs_;
};

}  // namespace isobench::runner
