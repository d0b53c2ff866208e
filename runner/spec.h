// What to run and how to isolate it: the plain data every launcher step reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/namespaces.h"

namespace isobench::runner {

struct ResourceLimits {
  std::optional<uint64_t> memory_bytes;
  std::optional<double> cpus;  ///< CFS quota as a fraction of one CPU per period
  std::optional<uint64_t> pids;
  std::optional<std::string> cpuset_cpus;

  bool any() const { return memory_bytes || cpus || pids || cpuset_cpus; }
};

enum class RootfsMode {
  kOverlay,       ///< copy-on-write tmpfs layer over the read-only image; changes vanish
  kReadOnlyBind,  ///< the image itself, bind-mounted read-only
};

enum class SecurityMode {
  kDefault,  ///< Docker's default capabilities, no_new_privs, default seccomp filter
  kNone,     ///< keep root's capabilities, no seccomp, no no_new_privs (to price them)
};

/// One uid or gid range mapping for a user namespace, as /proc/PID/uid_map takes it.
struct IdMapping {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 0;
};

/// A terminal's size in characters; 0 × 0 leaves the kernel's default.
struct TerminalSize {
  uint16_t rows = 0;
  uint16_t columns = 0;
};

/// The writable layer's default size. Unbounded, a tmpfs may take half of the host's memory.
inline constexpr uint64_t kDefaultLayerBytes = uint64_t{1} << 30;

struct ContainerSpec {
  std::string id;                 ///< unique per container; names its cgroup
  std::vector<std::string> args;  ///< argv; args[0] is the command as the user gave it
  std::string executable;         ///< args[0] resolved inside the image ("/bin/noop"); empty: the child searches PATH
  std::string rootfs;             ///< absolute path of the image's root directory (an image's top layer)
  /// An image's other layers, absolute host paths, the one just below `rootfs` first: the
  /// overlay's further lower directories. Empty for a single directory image.
  std::vector<std::string> lower_layers;
  RootfsMode rootfs_mode = RootfsMode::kOverlay;
  uint64_t layer_bytes = kDefaultLayerBytes;  ///< size limit of the overlay's writable layer
  /// Non-empty: the writable layer is this host directory, holding upper/, work/ and root/,
  /// which outlives the container (a detached or named container's, kept until `rm`); empty:
  /// a tmpfs inside the container's mount namespace, gone with it. A directory layer has no
  /// size bound (layer_bytes is not used), as Docker's overlay2 without a storage quota.
  std::string layer_dir;
  NamespaceSet namespaces = NamespaceSet::container_default();
  std::optional<IdMapping> uid_mapping;  ///< set when namespaces has user
  std::optional<IdMapping> gid_mapping;
  bool deny_setgroups = false;  ///< rootless single-id maps need setgroups denied
  std::string hostname = "isobench";
  std::vector<std::string> env;  ///< "KEY=VALUE", complete (defaults already merged)
  std::string cwd = "/";          ///< resolved inside the container's root, never through a magic link
  int preserve_fds = 0;           ///< descriptors 3 .. 3+N-1 cross into the container (runc's --preserve-fds)
  /// A pseudo-terminal of the container's own devpts as stdin, stdout and stderr and as the
  /// controlling terminal (OCI process.terminal); its master reaches the launcher's caller.
  bool terminal = false;
  TerminalSize terminal_size;  ///< the pty's first size, set before the workload runs
  uint32_t uid = 0;
  uint32_t gid = 0;
  bool use_cgroup = true;  ///< off: no cgroup at all (no limits, stats from rusage)
  /// Non-empty: the container's cgroup is isobench/<cgroup_parent>/<id>, below a cgroup that
  /// exists already (a benchmark harness's measuring cgroup), whose accounting then counts
  /// the container too. Empty: isobench/<id>.
  std::string cgroup_parent;
  ResourceLimits limits;
  SecurityMode security = SecurityMode::kDefault;
  std::optional<double> timeout_seconds;  ///< kill the container after this long
  double stop_grace_seconds = 10;         ///< SIGTERM forwarded, then SIGKILL after this
};

/// What the caller gave up, in words: sharing the host's mount or pid namespace, or
/// --security none, leaves the container a way to the host (as Docker's -v /:/host,
/// --pid=host and --privileged do). Empty for the default isolation.
std::vector<std::string> isolation_warnings(const ContainerSpec& spec);

/// The environment every container starts with; `-e` entries override by key.
std::vector<std::string> default_environment(const std::string& hostname);
/// Applies "KEY=VALUE" overrides (a bare "KEY" removes KEY) onto `base`.
std::vector<std::string> merge_environment(std::vector<std::string> base, const std::vector<std::string>& overrides);

/// A new random container id: 12 lowercase hex digits, as Docker shows them.
std::string new_container_id();

}  // namespace isobench::runner
