// systemd-nspawn on the same image: a container manager of systemd's, here without systemd
// as PID 1 (no machined registration, no scope unit), no network, a read-only root like
// runc's, the workload as the container's PID 1.
#include <unistd.h>

#include "bench/targets/prepared_target.h"
#include "bench/targets/private_mount_namespace.h"
#include "common/system.h"
#include "common/unique_fd.h"

namespace isobench::bench {
namespace {

/// What the nspawn target found on this host.
struct NspawnHost {
  Result<std::string> found = plain_error("not probed");
  std::string path;
  UniqueFd mount_namespace;  ///< a private /run, where nspawn keeps its locks
};

NspawnHost find_nspawn(const TargetContext& context) {
  NspawnHost host;
  host.path = find_program("systemd-nspawn");
  if (host.path.empty()) {
    host.found = plain_error("not installed (apt-get install systemd-container)");
    return host;
  }
  if (geteuid() != 0) {
    host.found = plain_error("needs root");
    return host;
  }
  if (access((context.rootfs + "/usr").c_str(), F_OK) != 0) {
    host.found = plain_error("the image has no /usr, and systemd-nspawn refuses a tree without one as no OS");
    return host;
  }
  auto mount_namespace = private_mount_namespace(PrivateMounts::kPrivateRun);
  if (!mount_namespace) {
    host.found = mount_namespace.error();
    return host;
  }
  host.mount_namespace = std::move(*mount_namespace);
  host.found = first_output_line(std::vector<std::string>{host.path, "--version"});
  return host;
}

class NspawnTarget final : public PreparedTarget {
 public:
  NspawnTarget(TargetContext context, NspawnHost host)
      : PreparedTarget("nspawn", "container", std::move(context), host.found),
        path_(std::move(host.path)),
        mount_namespace_(std::move(host.mount_namespace)) {}

  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override {
    Invocation invocation;
    // --register=no and --keep-unit: no machined and no transient scope (there is no systemd
    // to ask here), so the container stays in the cgroup it was started in: the measuring
    // one in memory rounds. --console=pipe: stdio passed through, as the other targets'.
    // --timezone=off, --resolv-conf=off: nothing copied into the read-only root.
    invocation.argv = {path_,          "--quiet",           "--register=no",  "--keep-unit",
                       "--console=pipe", "--private-network", "--read-only",    "--timezone=off",
                       "--resolv-conf=off", "--link-journal=no", "--chdir=/",   "--machine=" + run_id,
                       "--directory=" + context().rootfs};
    invocation.env = workload_environment(context());
    // nspawn gives the container an environment of its own making; the workload's goes in
    // explicitly, the same as every target's.
    for (const std::string& variable : invocation.env) invocation.argv.push_back("--setenv=" + variable);
    invocation.argv.push_back("--");
    invocation.argv.insert(invocation.argv.end(), workload.argv.begin(), workload.argv.end());
    // nspawn passes on descriptors given as socket activation, as 3 and up: the handshake.
    invocation.socket_activation = true;
    invocation.mount_namespace_fd = mount_namespace_.get();
    return invocation;
  }

  std::vector<std::string> notes() const override {
    return {"systemd-nspawn without systemd as PID 1: no machined registration and no scope unit (--register=no "
            "--keep-unit), in a mount namespace with a private /run for its locks",
            "nspawn adds its own variables to the workload's environment (container=systemd-nspawn, "
            "container_uuid, LISTEN_FDS, NOTIFY_SOCKET)"};
  }

 private:
  const std::string path_;
  const UniqueFd mount_namespace_;
};

}  // namespace

Result<std::unique_ptr<Target>> make_nspawn_target(const std::string&, const TargetContext& context) {
  return std::unique_ptr<Target>(std::make_unique<NspawnTarget>(context, find_nspawn(context)));
}

}  // namespace isobench::bench
