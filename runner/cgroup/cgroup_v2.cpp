#include "runner/cgroup/cgroup_v2.h"

#include "common/time_units.h"
#include "runner/cgroup/cgroup_dirs.h"
#include "runner/cgroup/stale_cgroups.h"

namespace isobench::runner {
namespace {

class CgroupV2 final : public Cgroup {
 public:
  /// Keeps the directory's lock until the object dies: a stale-cgroup sweep leaves it alone.
  CgroupV2(CgroupDir dir, CgroupFs& fs) : dir_(std::move(dir.path)), lock_(std::move(dir.lock)), fs_(fs) {}
  ~CgroupV2() override { (void)destroy(); }

  Result<CgroupJoin> prepare_join() override {
    auto fd = fs_.open_directory(dir_);
    if (!fd) return fd.error();
    dir_fd_ = std::move(*fd);
    CgroupJoin join;
    join.clone_into_fd = dir_fd_.get();
    return join;
  }

  Result<CgroupStats> stats() override {
    CgroupStats stats;
    if (auto peak = fs_.read(dir_ + "/memory.peak")) stats.memory_peak_bytes = std::stoull(*peak);
    if (auto events = fs_.read(dir_ + "/memory.events"))
      stats.oom_kills = find_keyed_value(*events, "oom_kill").value_or(0);
    if (auto cpu = fs_.read(dir_ + "/cpu.stat")) {
      if (auto total = find_keyed_value(*cpu, "usage_usec")) stats.cpu_total_ns = whole_us_to_ns(*total);
      if (auto user = find_keyed_value(*cpu, "user_usec")) stats.cpu_user_ns = whole_us_to_ns(*user);
      if (auto system = find_keyed_value(*cpu, "system_usec")) stats.cpu_system_ns = whole_us_to_ns(*system);
    }
    return stats;
  }

  Status kill_all() override {
    // cgroup.kill (Linux 5.14) kills atomically, even a fork bomb; the procs loop is the fallback.
    if (fs_.exists(dir_ + "/cgroup.kill")) (void)fs_.write(dir_ + "/cgroup.kill", "1");
    return kill_cgroup_procs(fs_, dir_);
  }

  Status destroy() override {
    if (destroyed_) return {};
    destroyed_ = true;
    dir_fd_.reset();
    Status killed = kill_all();
    Status removed = remove_cgroup_dir(fs_, dir_);
    return killed ? removed : killed;
  }

  std::vector<std::string> paths() const override { return {dir_}; }
  void hold_device_filter(UniqueFd program) { device_filter_ = std::move(program); }

 private:
  std::string dir_;
  UniqueFd lock_;
  CgroupFs& fs_;
  UniqueFd dir_fd_;
  UniqueFd device_filter_;
  bool destroyed_ = false;
};

std::vector<std::string> controllers_for(const ResourceLimits& limits) {
  // memory and pids always: they give peak memory, OOM kills and a process count.
  std::vector<std::string> wanted = {"memory", "pids"};
  if (limits.cpus) wanted.push_back("cpu");
  if (limits.cpuset_cpus) wanted.push_back("cpuset");
  return wanted;
}

}  // namespace

Status CgroupV2Manager::enable_controllers(const std::string& dir, const std::vector<std::string>& controllers) {
  auto enabled = fs_.read(dir + "/cgroup.subtree_control");
  if (!enabled) return enabled.error();
  std::string request;
  for (const std::string& controller : controllers)
    if (!contains_word(*enabled, controller)) request += (request.empty() ? "+" : " +") + controller;
  if (request.empty()) return {};
  return fs_.write(dir + "/cgroup.subtree_control", request);
}

Result<std::unique_ptr<Cgroup>> CgroupV2Manager::create(const std::string& name, const ResourceLimits& limits) {
  return make(name, limits, /*guard_devices=*/true);
}

Result<std::unique_ptr<Cgroup>> CgroupV2Manager::make(const std::string& name, const ResourceLimits& limits,
                                                      bool guard_devices) {
  std::vector<std::string> wanted = controllers_for(limits);
  auto available = fs_.read(mount_ + "/cgroup.controllers");
  if (!available) return available.error();
  std::vector<std::string> usable;
  for (const std::string& controller : wanted) {
    bool present = contains_word(*available, controller);
    bool required = (controller == "cpu" && limits.cpus) || (controller == "cpuset" && limits.cpuset_cpus) ||
                    (controller == "memory" && limits.memory_bytes) || (controller == "pids" && limits.pids);
    if (present)
      usable.push_back(controller);
    else if (required)
      return plain_error("the cgroup v2 controller '" + controller + "' is not available on this host");
  }
  ISOBENCH_TRY(enable_controllers(mount_, usable));
  // What killed runs left, on every start but cheaply.
  (void)remove_stale_cgroups(fs_, {mount_}, SweepScope::kFirstHierarchy, kStaleCgroupsPerStart);
  auto made = create_cgroup_dir(fs_, mount_, name,
                                [&](const std::string& parent) { return enable_controllers(parent, usable); });
  if (!made) return made.error();
  const std::string dir = made->path;
  auto cgroup = std::make_unique<CgroupV2>(std::move(*made), fs_);  // from here on, failures remove the dir
  if (guard_devices) {
    // Before anything can join: the allow-list guards the container's first open.
    auto filter = fs_.attach_device_filter(dir);
    if (!filter) return filter.error();
    cgroup->hold_device_filter(std::move(*filter));
  }

  auto set = [&](const std::string& file, const std::string& value) { return fs_.write(dir + "/" + file, value); };
  if (limits.memory_bytes) {
    ISOBENCH_TRY(set("memory.max", std::to_string(*limits.memory_bytes)));
    // Without this a limited container would swap instead of being OOM-killed.
    if (fs_.exists(dir + "/memory.swap.max")) ISOBENCH_TRY(set("memory.swap.max", "0"));
  }
  if (limits.cpus) {
    CpuBandwidth bandwidth = cpu_bandwidth(*limits.cpus);
    ISOBENCH_TRY(set("cpu.max", std::to_string(bandwidth.quota_us) + " " + std::to_string(bandwidth.period_us)));
  }
  if (limits.pids) ISOBENCH_TRY(set("pids.max", std::to_string(*limits.pids)));
  if (limits.cpuset_cpus) ISOBENCH_TRY(set("cpuset.cpus", *limits.cpuset_cpus));
  return std::unique_ptr<Cgroup>(std::move(cgroup));
}

}  // namespace isobench::runner
