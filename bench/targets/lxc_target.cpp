// LXC's lxc-execute on the same image: an application container (init.lxc as PID 1, the
// workload below it), no network but loopback, a read-only root like runc's, LXC's own
// defaults otherwise (a privileged container: every capability, no seccomp filter).
#include <unistd.h>

#include <filesystem>

#include "bench/harness/measuring_cgroup.h"
#include "bench/targets/prepared_target.h"
#include "bench/targets/private_mount_namespace.h"
#include "common/file_io.h"
#include "common/system.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::bench {
namespace {

/// What the lxc target found on this host.
struct LxcHost {
  Result<std::string> found = plain_error("not probed");
  std::string path;
  UniqueFd mount_namespace;  ///< a private /run, where LXC keeps its locks (/run/lxc/lock)
};

LxcHost find_lxc() {
  LxcHost host;
  host.path = find_program("lxc-execute");
  if (host.path.empty()) {
    host.found = plain_error("not installed (apt-get install lxc)");
    return host;
  }
  if (geteuid() != 0) {
    host.found = plain_error("needs root (unprivileged LXC needs delegated cgroups and subordinate ids)");
    return host;
  }
  auto mount_namespace = private_mount_namespace(PrivateMounts::kPrivateRun);
  if (!mount_namespace) {
    host.found = mount_namespace.error();
    return host;
  }
  host.mount_namespace = std::move(*mount_namespace);
  host.found = "lxc " + first_output_line(std::vector<std::string>{host.path, "--version"});
  return host;
}

/// The container's configuration: everything but the command and its cgroups, which each
/// run gives on the command line.
std::string lxc_config(const std::string& rootfs, const std::vector<std::string>& env) {
  std::string config = "lxc.rootfs.path = dir:" + rootfs +
                       "\n"
                       "lxc.rootfs.options = ro\n"
                       "lxc.uts.name = isobench\n"
                       // A network namespace with loopback only, as the other containers have.
                       "lxc.net.0.type = empty\n"
                       "lxc.mount.auto = proc:mixed sys:ro\n"
                       "lxc.mount.entry = tmpfs tmp tmpfs nosuid,nodev,mode=1777,create=dir 0 0\n"
                       "lxc.autodev = 1\n"
                       "lxc.init.cwd = /\n"
                       // No profile of LXC's own, as runc's and crun's bundles have none.
                       "lxc.apparmor.profile = unconfined\n";
  // LXC starts the container with an environment of its own (container=lxc, PATH): the
  // workload's goes in explicitly, the same as every target's.
  for (const std::string& variable : env) config += "lxc.environment = " + variable + "\n";
  return config;
}

class LxcTarget final : public PreparedTarget {
 public:
  LxcTarget(TargetContext context, LxcHost host)
      : PreparedTarget("lxc", "container", std::move(context), host.found),
        path_(std::move(host.path)),
        mount_namespace_(std::move(host.mount_namespace)) {}

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override {
    // LXC makes the container's and its monitor's cgroups in every hierarchy, and a pivot
    // cgroup the monitor moves to at the end, which it never removes: timed runs keep them
    // in a locked cgroup of the target's, removed with everything below when it goes.
    if (!timed_area_) {
      if (!cgroups_) cgroups_ = MeasuringCgroups::make();
      if (!cgroups_) return plain_error("lxc: this host has no cgroups to keep LXC's in");
      auto area = cgroups_->open("lxc-" + run_id);
      if (!area) return area.error();
      timed_area_ = std::move(*area);
    }
    return run_invocation(workload, run_id, timed_area_->name());
  }

  /// The container's and the monitor's cgroups below the measuring one.
  Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                         const std::string& measuring) override {
    return run_invocation(workload, run_id, measuring);
  }

  std::vector<std::string> notes() const override {
    return {"lxc-execute with LXC's defaults: a privileged container (every capability, no seccomp filter), "
            "init.lxc as its PID 1 and the workload as PID 2, in a mount namespace with a private /run for its locks"};
  }

 private:
  Result<Invocation> run_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                    const std::string& area) {
    if (config_.empty()) {
      const std::string dir = context().scratch + "/lxc";
      std::error_code error;
      std::filesystem::create_directories(dir, error);
      if (error) return plain_error("cannot make " + dir + ": " + error.message());
      config_ = dir + "/config";
      ISOBENCH_TRY(write_regular_file(config_, lxc_config(context().rootfs, workload_environment(context()))));
    }
    const std::string cgroups = std::string(runner::kCgroupParent) + "/" + area + "/";
    Invocation invocation;
    invocation.argv = {path_,
                       "--name",
                       run_id,
                       "--rcfile",
                       config_,
                       "--lxcpath",
                       context().scratch + "/lxc",
                       "--define",
                       "lxc.cgroup.dir.container=" + cgroups + run_id,
                       "--define",
                       "lxc.cgroup.dir.monitor=" + cgroups + run_id + ".monitor",
                       "--define",
                       "lxc.cgroup.dir.monitor.pivot=" + cgroups + "pivot",
                       "--"};
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    invocation.env = workload_environment(context());  // lxc-execute passes descriptor 3 on
    invocation.mount_namespace_fd = mount_namespace_.get();
    return invocation;
  }

  const std::string path_;
  const UniqueFd mount_namespace_;
  std::string config_;
  std::unique_ptr<MeasuringCgroups> cgroups_;  ///< outlives timed_area_, declared first
  std::unique_ptr<MeasuringCgroup> timed_area_;
};

}  // namespace

Result<std::unique_ptr<Target>> make_lxc_target(const std::string&, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<LxcTarget>(context, find_lxc()));
}

}  // namespace isobench::bench
