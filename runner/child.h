// The container's first process between clone and exec. Everything it needs is prepared
// by the parent; here nothing allocates, throws or logs: failures go back through a pipe
// as a ChildFailure and the child _exits (crun's pattern).
#pragma once

#include <signal.h>

#include <cstdint>
#include <vector>

#include "runner/rootfs_plan.h"
#include "runner/security/seccomp_filter.h"
#include "runner/spec.h"

namespace isobench::runner {

enum class ChildStage : int32_t {
  kJoinCgroup,
  kWaitForParent,
  kSession,
  kBecomeRoot,
  kCgroupNamespace,
  kHostname,
  kRootfs,
  kLoopback,
  kWorkingDirectory,
  kBoundingSet,
  kGroups,
  kUserIds,
  kCapabilities,
  kTerminal,
  kNoNewPrivileges,
  kSeccomp,
  kDescriptors,
  kExec,
};
const char* child_stage_name(ChildStage stage);

/// What the child writes to the error pipe before it gives up.
struct ChildFailure {
  ChildStage stage;
  int32_t step;  ///< index into the rootfs plan for kRootfs, else -1
  int32_t error;
};

struct ChildConfig {
  int cgroup_dir_fd = -1;  ///< v2: the CLONE_INTO_CGROUP directory; a host directory, closed first of all
  const int* cgroup_join_fds = nullptr;  ///< v1 `tasks` files to write "0" to, first of all
  size_t cgroup_join_count = 0;
  int sync_fd = -1;   ///< read end: one byte once the parent wrote the id maps; -1: no wait
  int error_fd = -1;  ///< write end, close-on-exec: EOF tells the parent exec succeeded
  int runner_pidfd = -1;  ///< the runner's pidfd, opened before clone: readable once it died
  sigset_t original_mask;
  bool become_root = false;     ///< user namespace: take uid/gid 0 of the new namespace
  bool unshare_cgroup = false;  ///< after the parent has moved us into our cgroup
  const char* hostname = nullptr;
  const std::vector<RootfsStep>* rootfs = nullptr;  ///< null: keep the host's filesystem
  int rootfs_fd = -1;  ///< the image's O_PATH fd the overlay plan names; closed before exec
  bool loopback_up = false;
  const char* cwd = nullptr;  ///< resolved inside the root after pivot_root, magic links refused
  int preserve_fds = 0;       ///< 3 .. 3+N-1 survive exec; every other descriptor but 0, 1, 2 is closed
  /// A console socket: make a pty with our final ids, send its master here, take its slave
  /// as stdio and controlling terminal (runner/terminal.h); -1: keep the inherited stdio.
  int console_fd = -1;
  TerminalSize terminal_size;
  bool set_ids = false;
  bool clear_groups = true;  ///< false where setgroups is denied (rootless user namespace)
  uint32_t uid = 0;
  uint32_t gid = 0;
  bool limit_capabilities = false;
  uint64_t keep_capabilities = 0;
  int last_capability = 0;
  bool no_new_privs = false;
  const SeccompProgram* seccomp = nullptr;
  /// The path to exec; null or empty: argv[0] is searched in the PATH of envp here, inside
  /// the finished root (an image's layers form one tree only once the overlay is mounted).
  const char* executable = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
};

[[noreturn]] void run_child(const ChildConfig& config) noexcept;

/// execvpe's search of PATH as `envp` (not the caller's environment) gives it, without
/// allocating: each PATH directory in turn. Returns only on failure, with the errno (EACCES
/// when some candidate existed but could not be run). Async-signal-safe.
int exec_searching_path(char* const* argv, char* const* envp) noexcept;

}  // namespace isobench::runner
