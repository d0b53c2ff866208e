// From a ContainerSpec and what the parent made before clone (descriptors, the rootfs plan,
// the seccomp program) to the ChildConfig the container's init follows. Pure: no system
// call, so the isolation a spec asks for can be checked without root.
#pragma once

#include <signal.h>

#include <cstddef>
#include <vector>

#include "runner/child.h"
#include "runner/spec.h"

namespace isobench::runner {

/// What exists before clone for the child to use; every pointer must outlive the clone.
struct ChildResources {
  int cgroup_dir_fd = -1;  ///< v2: the CLONE_INTO_CGROUP directory, or -1
  const int* cgroup_join_fds = nullptr;
  size_t cgroup_join_count = 0;
  int sync_fd = -1;  ///< read end of the id-map handshake, -1 without a user namespace
  int error_fd = -1;
  int runner_pidfd = -1;
  int console_fd = -1;  ///< the container's end of the console socket when the spec asks for a terminal
  sigset_t original_mask{};
  const std::vector<RootfsStep>* rootfs_plan = nullptr;  ///< null without a mount namespace
  int rootfs_fd = -1;
  /// A device cgroup stops root inside from opening host devices; without one CAP_MKNOD goes.
  bool devices_guarded = false;
  const SeccompProgram* seccomp = nullptr;  ///< installed only with SecurityMode::kDefault
  int last_capability = 0;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
};

/// The child's steps for `spec`: which namespaces it finishes itself (cgroup, hostname, the
/// rootfs, loopback), its ids, and what default security takes away.
ChildConfig child_config_for(const ContainerSpec& spec, const ChildResources& resources);

}  // namespace isobench::runner
