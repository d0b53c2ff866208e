// A comparison target: something that can run a workload from the built-in image (a bare
// process, isobench, runc, crun, bwrap; later a VM). Targets only say what to run; the
// harness spawns, times and measures, identically for all of them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/workload_catalog.h"
#include "common/result.h"
#include "common/system.h"

namespace isobench::bench {

/// The descriptor number on which every workload finds the start handshake pipe.
inline constexpr int kStartFd = 3;

/// How to run one workload once.
struct Invocation {
  std::vector<std::string> argv;  ///< host command; argv[0] is an absolute path
  std::vector<std::string> env;   ///< the spawned process's whole environment
  int mount_namespace_fd = -1;    ///< setns into it before exec (crun on hybrid hosts), or -1
  int cgroup_join_fd = -1;        ///< the harness's measuring cgroup: write "0" to it before exec
  /// The handshake's descriptor announced as systemd socket activation (LISTEN_FDS=1 and
  /// LISTEN_PID, the spawned process's own pid, added to env): how systemd-nspawn passes
  /// descriptor 3 on into its container.
  bool socket_activation = false;
  /// For targets that pass no descriptor in (Docker, gVisor): the host path of a FIFO the
  /// target made and bind-mounts into the container, where the workload finds it by
  /// ISOBENCH_START_PATH. The harness reads the handshake from it instead of descriptor 3.
  std::string start_fifo;
  /// The workload stamps its start on CLOCK_REALTIME (ISOBENCH_START_CLOCK=realtime in env),
  /// for a target whose CLOCK_MONOTONIC is not the host's (gVisor); the harness converts it
  /// by the launch's own realtime stamp.
  bool start_stamp_realtime = false;
  /// chroot into it (and chdir to its /) before exec, or empty: how bare runs an image's
  /// program with the image's own loader and libraries, and nothing else of isolation.
  std::string root_directory;
};

/// CPU time, user and system, in milliseconds.
struct CpuTimes {
  double user_ms = 0;
  double system_ms = 0;
};

/// An image from the store that every target runs (bench --image), resolved and held in
/// use before anything is timed.
struct TargetImage {
  std::string name;              ///< as the user gave it
  std::string id;                ///< "sha256:HEX": what `isobench run` is given, so no tag can move under it
  std::vector<std::string> env;  ///< its config's Env ("KEY=VALUE")
  std::string store;             ///< the store it is in: `isobench run` is told (ISOBENCH_STORE)
  bool operator==(const TargetImage&) const = default;
};

/// What the harness knows about where targets find things.
struct TargetContext {
  std::string isobench;  ///< absolute path of the isobench executable
  /// The image's root directory: the built-in image's, or with `image` its layers merged
  /// into one read-only tree (runner/image/merged_view.h).
  std::string rootfs;
  std::string scratch;               ///< a private directory for bundles and state, removed afterwards
  std::optional<TargetImage> image;  ///< bench --image; none: the built-in image
};

class Target {
 public:
  virtual ~Target() = default;
  /// "bare", "isobench", "isobench:ns", "runc", ...
  virtual std::string name() const = 0;
  /// "process", "container" or "vm".
  virtual std::string kind() const = 0;
  /// The target's version when it can run here; otherwise an Error whose message is the
  /// reason it is skipped ("not installed (apt-get install runc)", "unsupported on this host: ...").
  /// Found when the target was made (make_target): asking changes nothing, in any order.
  virtual Result<std::string> probe() const = 0;
  /// The command that runs `workload` once; `run_id` is unique per run (container names).
  virtual Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) = 0;
  /// Memory rounds: the same run, started inside the harness's measuring cgroup `measuring`
  /// (isobench/<measuring> in every hierarchy it uses). Its peak must be the whole target's,
  /// the workload included, so a target whose runtime makes a cgroup for the workload makes
  /// it below `measuring`; the others run as invocation() does, in the measuring cgroup.
  virtual Result<Invocation> measured_invocation(const WorkloadCommand& workload, const std::string& run_id,
                                                 const std::string& /*measuring*/) {
    return invocation(workload, run_id);
  }
  /// When it can run: what a reader of the figures must know about how this target
  /// runs here, one sentence each (they go into every report beside the version).
  virtual std::vector<std::string> notes() const { return {}; }
  /// vm targets: the timed KVM boot probe's verdict; empty for other kinds.
  virtual std::string kvm_verdict() const { return ""; }
  /// Targets whose runs are served by a daemon or a monitor outside the launched process
  /// tree (dockerd; podman's conmon): their CPU so far, their own and what they reaped. The harness charges the growth over
  /// each batch of runs to them; none for targets whose tree holds all their work.
  virtual std::optional<CpuTimes> daemon_cpu() const { return std::nullopt; }
  /// Best-effort cleanup after a run that was killed (timeout): remove its container state.
  virtual void after_kill(const std::string& /*run_id*/) {}
};

/// Makes a target by name, ready to run: bare, isobench (= isobench:default), isobench:ns,
/// isobench:full, isobench:<flags> (ad-hoc toggles, e.g. "isobench:no-net,no-seccomp"), runc,
/// crun, bwrap, vm. What its runs need (paths, versions, the KVM verdict, a mount namespace)
/// is found here; a target that cannot run here is still made, and probe() says why. Fails
/// only for a name it does not know (or an unknown isobench toggle).
Result<std::unique_ptr<Target>> make_target(const std::string& name, const TargetContext& context);

/// The names `make_target` knows, from its table, for --help and error messages.
std::string known_targets();

/// Each target of the table once by its name, and isobench's namespaces-only profile
/// (isobench:ns) after isobench: what doctor lists.
std::vector<std::string> target_names();

/// The kinds of isolation a user chooses between, from none to a hypervisor: what the
/// report groups and explains, and what a target of each shares with the host.
inline constexpr const char* kProcess = "process";
inline constexpr const char* kNamespacesOnly = "namespaces only";
inline constexpr const char* kOciRuntime = "OCI runtime";
inline constexpr const char* kContainerManager = "container manager";
inline constexpr const char* kEngine = "engine with a daemon or monitor";
inline constexpr const char* kUserSpaceKernel = "user-space kernel";
inline constexpr const char* kVirtualMachine = "virtual machine";

/// The kind of isolation the target `name` is (one of the constants above; an isobench
/// profile is an OCI runtime's, but isobench:ns is namespaces only), "" for an unknown name.
std::string isolation_family(const std::string& name);

/// The environment every workload of the built-in image gets: PATH, HOME and the start
/// handshake's descriptor.
std::vector<std::string> workload_environment();

/// The environment every target gives the workload in `context`: workload_environment(),
/// with an image's Env over its PATH and HOME (as `isobench run IMAGE` lets the image's
/// variables win over its defaults) and the handshake's descriptor over everything.
std::vector<std::string> workload_environment(const TargetContext& context);

/// Where targets that pass no descriptor in bind-mount the start FIFO inside the container.
inline constexpr const char* kStartFifoInside = "/run/isobench-start";

/// workload_environment(context) for a target that passes no descriptor in: the handshake is
/// the FIFO at `path` inside the container (ISOBENCH_START_PATH), not descriptor 3.
std::vector<std::string> fifo_workload_environment(const TargetContext& context, const std::string& path);

}  // namespace isobench::bench
