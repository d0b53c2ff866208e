#include "runner/cgroup/cgroup_v1.h"

#include "common/file_io.h"
#include "runner/cgroup/cgroup_dirs.h"
#include "runner/cgroup/stale_cgroups.h"
#include "runner/security/device_filter.h"

namespace isobench::runner {
namespace {

class CgroupV1 final : public Cgroup {
 public:
  explicit CgroupV1(CgroupFs& fs) : fs_(fs) {}
  ~CgroupV1() override { (void)destroy(); }

  /// Keeps the directory's lock until the object dies: a stale-cgroup sweep leaves it alone.
  void add_dir(const std::string& controller, CgroupDir dir) {
    dirs_.emplace_back(controller, dir.path);
    locks_.push_back(std::move(dir.lock));
  }
  const std::string* dir_of(const std::string& controller) const {
    for (const auto& [name, dir] : dirs_)
      if (name == controller) return &dir;
    return nullptr;
  }

  Result<CgroupJoin> prepare_join() override {
    CgroupJoin join;
    for (const auto& [controller, dir] : dirs_) {
      auto fd = fs_.open_for_write(dir + "/tasks");
      if (!fd) return fd.error();
      join.self_join_fds.push_back(fd->get());
      join_fds_.push_back(std::move(*fd));
    }
    return join;
  }

  Result<CgroupStats> stats() override {
    CgroupStats stats;
    if (const std::string* memory = dir_of("memory")) {
      if (auto peak = fs_.read(*memory + "/memory.max_usage_in_bytes")) stats.memory_peak_bytes = std::stoull(*peak);
      if (auto oom = fs_.read(*memory + "/memory.oom_control"))
        stats.oom_kills = find_keyed_value(*oom, "oom_kill").value_or(0);
    }
    if (const std::string* cpuacct = dir_of("cpuacct")) {
      if (auto total = fs_.read(*cpuacct + "/cpuacct.usage")) stats.cpu_total_ns = std::stoull(*total);
      if (auto user = fs_.read(*cpuacct + "/cpuacct.usage_user")) stats.cpu_user_ns = std::stoull(*user);
      if (auto system = fs_.read(*cpuacct + "/cpuacct.usage_sys")) stats.cpu_system_ns = std::stoull(*system);
    }
    return stats;
  }

  Status kill_all() override {
    // Every hierarchy holds the same processes: one list is enough to kill them all.
    if (dirs_.empty()) return {};
    return kill_cgroup_procs(fs_, dirs_.front().second);
  }

  Status destroy() override {
    if (destroyed_) return {};
    destroyed_ = true;
    join_fds_.clear();
    Status result = kill_all();
    // Reverse order of creation, as everywhere in the runner.
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it)
      if (Status removed = remove_cgroup_dir(fs_, it->second); !removed && result) result = removed;
    return result;
  }

  std::vector<std::string> paths() const override {
    std::vector<std::string> out;
    for (const auto& [controller, dir] : dirs_) out.push_back(dir);
    return out;
  }

 private:
  CgroupFs& fs_;
  std::vector<std::pair<std::string, std::string>> dirs_;
  std::vector<UniqueFd> join_fds_;
  std::vector<UniqueFd> locks_;  ///< one per directory, closed only after destroy() removed them
  bool destroyed_ = false;
};

}  // namespace

Result<std::unique_ptr<Cgroup>> CgroupV1Manager::create(const std::string& name, const ResourceLimits& limits) {
  return make(name, limits, /*guard_devices=*/true);
}

Result<std::unique_ptr<Cgroup>> CgroupV1Manager::make(const std::string& name, const ResourceLimits& limits,
                                                      bool guard_devices) {
  // memory, cpuacct and pids always (peak memory, CPU time, OOM kills, the process list);
  // cpu and cpuset only when limited: every hierarchy costs a mkdir, a write and an rmdir.
  struct Wanted {
    const char* controller;
    bool required;
  };
  std::vector<Wanted> wanted = {
      {"memory", limits.memory_bytes.has_value()},
      {"cpuacct", false},
      {"pids", limits.pids.has_value()},
      {"devices", false}};  // the device allow-list: without it root inside opens any host device
  if (limits.cpus) wanted.push_back({"cpu", true});
  if (limits.cpuset_cpus) wanted.push_back({"cpuset", true});

  // What killed runs left, on every start but cheaply: a few containers, found in one listing.
  (void)remove_stale_cgroups(fs_, v1_sweep_roots(mounts_), SweepScope::kFirstHierarchy, kStaleCgroupsPerStart);

  auto cgroup = std::make_unique<CgroupV1>(fs_);
  for (const Wanted& want : wanted) {
    auto mount = mounts_.find(want.controller);
    if (mount == mounts_.end()) {
      if (want.required)
        return plain_error(std::string("the cgroup v1 controller '") + want.controller +
                           "' is not mounted on this host");
      continue;
    }
    const std::string root = mount->second;
    // A new v1 cpuset group starts with no cpus and no mems, and nothing can join it
    // until both are copied in from above.
    auto inherit_cpuset = [&](const std::string& dir) -> Status {
      if (std::string(want.controller) != "cpuset") return {};
      for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        auto value = fs_.read(root + "/" + file);
        if (!value) return value.error();
        ISOBENCH_TRY(fs_.write(dir + "/" + file, trim(*value)));
      }
      return {};
    };
    auto dir = create_cgroup_dir(fs_, root, name, inherit_cpuset);
    if (!dir) return dir.error();
    const std::string path = dir->path;
    cgroup->add_dir(want.controller, std::move(*dir));
    ISOBENCH_TRY(inherit_cpuset(path));
  }

  auto set = [&](const char* controller, const std::string& file, const std::string& value) {
    return fs_.write(*cgroup->dir_of(controller) + "/" + file, value);
  };
  if (limits.memory_bytes) ISOBENCH_TRY(set("memory", "memory.limit_in_bytes", std::to_string(*limits.memory_bytes)));
  if (limits.cpus) {
    CpuBandwidth bandwidth = cpu_bandwidth(*limits.cpus);
    ISOBENCH_TRY(set("cpu", "cpu.cfs_period_us", std::to_string(bandwidth.period_us)));
    ISOBENCH_TRY(set("cpu", "cpu.cfs_quota_us", std::to_string(bandwidth.quota_us)));
  }
  if (limits.pids) ISOBENCH_TRY(set("pids", "pids.max", std::to_string(*limits.pids)));
  if (limits.cpuset_cpus) ISOBENCH_TRY(set("cpuset", "cpuset.cpus", *limits.cpuset_cpus));
  // Without the rules, a new devices group allows what its parent allows.
  if (guard_devices && cgroup->dir_of("devices")) {
    // Deny everything, then allow the list: the controller takes one rule per write.
    ISOBENCH_TRY(set("devices", "devices.deny", "a"));
    for (const DeviceRule& rule : default_device_rules())
      ISOBENCH_TRY(set("devices", "devices.allow", device_rule_text(rule)));
  }
  return std::unique_ptr<Cgroup>(std::move(cgroup));
}

}  // namespace isobench::runner
