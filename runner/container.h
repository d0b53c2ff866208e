// Starts one container from a ContainerSpec and waits for it: the parent's side of the
// launch, from cgroup creation to cleanup.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/spec.h"

namespace isobench::runner {

struct ContainerOutcome {
  enum class Ending {
    kExited,       ///< the workload exited by itself
    kSignaled,     ///< killed by a signal (not the runner's timeout or an OOM kill)
    kOomKilled,    ///< killed by the kernel's OOM killer inside the memory limit
    kTimedOut,     ///< killed by the runner after --timeout
    kSetupFailed,  ///< the container never ran the workload; see message
  };
  Ending ending = Ending::kExited;
  int exit_code = 0;  ///< what `isobench run` exits with: status, 128+signal, 124, 125-127
  int signal = 0;
  std::string message;  ///< for kSetupFailed: the step and the reason
  std::vector<std::string> warnings;  ///< worth telling the user whatever the ending (a full writable layer)

  // CLOCK_MONOTONIC nanoseconds, in the order they happen.
  int64_t launch_ns = 0;    ///< run() called
  int64_t prepared_ns = 0;  ///< rootfs plan and seccomp program built
  int64_t cgroup_ns = 0;    ///< cgroup created with its limits (= prepared_ns without one)
  int64_t cloned_ns = 0;    ///< clone3 returned: namespaces exist
  int64_t released_ns = 0;  ///< id maps written (user namespace); the child sets itself up
  int64_t exec_ns = 0;      ///< the workload's execve succeeded; 0 when it never did
  int64_t exit_ns = 0;      ///< the container's init was reaped
  int64_t cleaned_ns = 0;   ///< cgroup removed: nothing of the container remains

  std::optional<CgroupStats> cgroup;  ///< empty when the container had no cgroup
  rusage usage{};                     ///< wait4's: the container's init and what it reaped
  std::string cgroup_path;            ///< for --stats: where the figures came from
};

class ContainerLauncher {
 public:
  /// `cgroups` may be null (no cgroup support or rootless); it must outlive the launcher.
  explicit ContainerLauncher(CgroupManager* cgroups) : cgroups_(cgroups) {}

  /// Runs the container to completion, forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to
  /// it, and removes everything it created before returning. Errors are failures to set up
  /// the host side (for example a refused cgroup limit); nothing is left behind after them.
  Result<ContainerOutcome> run(const ContainerSpec& spec);

  /// Called once, from run(), the moment the workload's execve succeeded, with the host pid
  /// of the container's init and, when the spec asks for a terminal, its pty master (else
  /// invalid): a detached container's monitor records the pid and lets `run -d` return, a
  /// foreground run relays the terminal. Not called when setup fails.
  using StartedCallback = std::function<void(pid_t, UniqueFd terminal)>;
  void on_started(StartedCallback callback) { on_started_ = std::move(callback); }

 private:
  CgroupManager* cgroups_;
  StartedCallback on_started_;
};


}  // namespace isobench::runner
