// Mount namespaces that targets run in when the host's view would stop them or be changed
// by them: made once, when the target is made, so that each run pays only a setns
// (Invocation::mount_namespace_fd).
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::bench {

/// What the namespace changes of the host's view (a private copy of every mount).
enum class PrivateMounts {
  /// Without the (controller-less) cgroup2 mount: crun refuses hybrid cgroup hosts and sees
  /// plain v1 here.
  kWithoutCgroup2,
  /// An empty tmpfs over /run: systemd-nspawn and LXC keep locks and state there
  /// (/run/systemd/nspawn, /run/lxc) that would outlive the run on the host; in the tmpfs it
  /// goes with the namespace.
  kPrivateRun,
};

/// The namespace, held by the descriptor.
Result<UniqueFd> private_mount_namespace(PrivateMounts mounts);

}  // namespace isobench::bench
