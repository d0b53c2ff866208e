#include "bench/targets/oci_runtime_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "bench/targets/oci_bundle.h"
#include "bench/targets/prepared_target.h"
#include "bench/targets/private_mount_namespace.h"
#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/system.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/spec.h"

namespace isobench::bench {
namespace {

bool hybrid_cgroups() {
  auto layout = runner::host_cgroup_layout();
  return layout && layout->mode == runner::CgroupMode::kHybrid;
}

/// `RUNTIME --root STATE delete --force ID`, best effort and without a shell: what it prints
/// or how it ends changes nothing for the caller.
void force_delete(std::vector<std::string> base_argv, const std::string& id) {
  base_argv.insert(base_argv.end(), {"delete", "--force", id});
  CommandOptions quiet;
  quiet.output = CommandOptions::Output::kDiscard;
  quiet.null_stdin = true;
  (void)run_command(base_argv, quiet);
}

bool is_gvisor(const std::string& runtime) { return runtime == "runsc"; }

std::string state_dir(const std::string& scratch, const std::string& runtime) {
  return scratch + "/" + runtime + "-state";
}

}  // namespace

void delete_leftover_oci_containers(const std::string& scratch) {
  for (const char* runtime : {"runc", "crun", "runsc"}) {
    const std::string state = state_dir(scratch, runtime);
    std::error_code error;
    if (!std::filesystem::is_directory(state, error)) continue;
    const std::string path = find_program(runtime);
    if (path.empty()) continue;
    // Each container's state is a directory named after it.
    for (const auto& entry : std::filesystem::directory_iterator(state, error))
      if (entry.is_directory(error)) force_delete({path, "--root", state}, entry.path().filename().string());
  }
}

namespace {

/// What the runc or crun target found on this host: everything its runs depend on.
struct OciRuntimeHost {
  Result<std::string> found = plain_error("not probed");  ///< the version line, or why not
  std::string path;
  UniqueFd mount_namespace;  ///< crun on a hybrid host: without the cgroup2 mount
};

OciRuntimeHost find_oci_runtime(const std::string& runtime) {
  OciRuntimeHost host;
  host.path = find_program(runtime);
  if (host.path.empty()) {
    host.found = plain_error("not installed (apt-get install " + runtime + ")");
  } else if (geteuid() != 0) {
    host.found = plain_error("needs root");
  } else {
    std::string version = first_output_line(std::vector<std::string>{host.path, "--version"});
    if (runtime == "crun" && hybrid_cgroups()) {
      auto prepared = private_mount_namespace(PrivateMounts::kWithoutCgroup2);
      if (!prepared) {
        host.found =
            plain_error("unsupported on this host: crun refuses hybrid cgroups and " + prepared.error().text());
        return host;
      }
      host.mount_namespace = std::move(*prepared);
      version += " (in a mount namespace without the cgroup2 mount: this host is hybrid)";
    }
    host.found = version;
  }
  return host;
}

}  // namespace

/// `RUNTIME --root STATE run --bundle BUNDLE ID`, one bundle per workload.
class OciRuntimeTarget final : public PreparedTarget {
 public:
  OciRuntimeTarget(const std::string& runtime, TargetContext context, OciRuntimeHost host)
      : PreparedTarget(runtime, "container", std::move(context), host.found),
        path_(std::move(host.path)),
        mount_namespace_(std::move(host.mount_namespace)) {}
  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override;
  std::vector<std::string> notes() const override;
  /// The container's cgroup below the measuring one, through the bundle's cgroupsPath.
  Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                         const std::string& measuring) override;
  void after_kill(const std::string& run_id) override;

 private:
  std::vector<std::string> base_argv() const;
  /// The bundle's config.json for `workload`; runsc's with the start FIFO bound in.
  Result<nlohmann::json> bundle_config(const WorkloadCommand& workload);
  Invocation run_invocation(const std::string& bundle, const std::string& run_id) const;

  const std::string path_;
  const UniqueFd mount_namespace_;
  std::map<std::string, std::string> bundles_;  ///< workload label -> bundle directory
  /// runsc: the host end of the start FIFO, one for every run (they run one at a time and
  /// the harness opens it afresh for each); empty until the first bundle.
  std::string start_fifo_;
};

Result<std::unique_ptr<Target>> make_oci_runtime_target(const std::string& name, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<OciRuntimeTarget>(name, context, find_oci_runtime(name)));
}

std::vector<std::string> OciRuntimeTarget::base_argv() const {
  std::vector<std::string> argv = {path_, "--root", state_dir(context().scratch, name())};
  // gVisor as it runs on a host without KVM for it: the ptrace platform, no network stack of
  // its own (the others run with no network either), cgroups left to the harness; its gofer
  // may open the one host FIFO bound in, the start handshake's.
  if (is_gvisor(name()))
    argv.insert(argv.end(), {"--platform=ptrace", "--network=none", "--ignore-cgroups", "--host-fifo=open"});
  return argv;
}

std::vector<std::string> OciRuntimeTarget::notes() const {
  if (!is_gvisor(name())) return {};
  return {"gVisor's runsc on its ptrace platform: the workload's system calls are served by the sentry, a "
          "user-space kernel, not by the host's",
          "runsc passes no descriptor into the sandbox (no --preserve-fds): the workload signals its start through "
          "a FIFO bound in at " + std::string(kStartFifoInside) + ", stamped on CLOCK_REALTIME (the sentry's "
          "CLOCK_MONOTONIC starts at the sandbox's boot), so its startup figure can move with a host clock step",
          "the eBPF probes (--probes) see runsc, its sentry and its gofer as host processes, never the workload's "
          "own exec or system calls, which the sentry serves",
          "cpu misses part of the workload's own work: on the ptrace platform its code runs in stub processes that "
          "outlive their parent and are reaped by the host's init, not by runsc (a CPU-bound workload reads low)"};
}

Invocation OciRuntimeTarget::run_invocation(const std::string& bundle, const std::string& run_id) const {
  Invocation invocation;
  invocation.argv = base_argv();
  // --preserve-fds 1 hands descriptor 3, the start handshake, to the container's process;
  // runsc has no such flag.
  if (is_gvisor(name())) {
    invocation.argv.insert(invocation.argv.end(), {"run", "--bundle", bundle, run_id});
    invocation.start_fifo = start_fifo_;
    invocation.start_stamp_realtime = true;
  } else {
    invocation.argv.insert(invocation.argv.end(), {"run", "--preserve-fds", "1", "--bundle", bundle, run_id});
  }
  invocation.env = workload_environment(context());
  invocation.mount_namespace_fd = mount_namespace_.get();
  return invocation;
}

Result<nlohmann::json> OciRuntimeTarget::bundle_config(const WorkloadCommand& workload) {
  if (!is_gvisor(name())) return oci_config(context().rootfs, workload.argv, workload_environment(context()));
  if (start_fifo_.empty()) {
    const std::string path = context().scratch + "/runsc-start";
    std::error_code error;
    std::filesystem::create_directories(context().scratch, error);
    if (mkfifo(path.c_str(), 0600) != 0) return errno_error("mkfifo " + path);
    start_fifo_ = path;
  }
  const std::vector<std::string> env =
      runner::merge_environment(fifo_workload_environment(context(), kStartFifoInside), {"ISOBENCH_START_CLOCK=realtime"});
  nlohmann::json config = oci_config(context().rootfs, workload.argv, env);
  config["mounts"].push_back(
      {{"destination", kStartFifoInside}, {"type", "bind"}, {"source", start_fifo_}, {"options", {"rbind", "rw"}}});
  return config;
}

Result<Invocation> OciRuntimeTarget::invocation(const WorkloadCommand& workload, const std::string& run_id) {
  std::string label = workload.label();
  auto bundle = bundles_.find(label);
  if (bundle == bundles_.end()) {
    std::string dir = context().scratch + "/" + name() + "-bundle-" + std::to_string(bundles_.size());
    auto config = bundle_config(workload);
    if (!config) return config.error();
    ISOBENCH_TRY(write_bundle(dir, *config));
    bundle = bundles_.emplace(label, dir).first;
  }
  return run_invocation(bundle->second, run_id);
}

Result<Invocation> OciRuntimeTarget::measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                                         const std::string& measuring) {
  // Without cgroupsPath runc makes the container's cgroup relative to its own (inside the
  // measuring one) but crun makes /<id> at each hierarchy's root, outside it. The same
  // absolute path for both keeps their bundles identical; one bundle per run, as the path is.
  auto made = bundle_config(workload);
  if (!made) return made.error();
  nlohmann::json config = std::move(*made);
  config["linux"]["cgroupsPath"] = "/" + std::string(runner::kCgroupParent) + "/" + measuring + "/" + run_id;
  const std::string dir = context().scratch + "/" + name() + "-bundle-" + run_id;
  ISOBENCH_TRY(write_bundle(dir, config));
  return run_invocation(dir, run_id);
}

void OciRuntimeTarget::after_kill(const std::string& run_id) {
  force_delete(base_argv(), run_id);
}

}  // namespace isobench::bench
