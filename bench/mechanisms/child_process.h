// Children for the price list. clone3 with fork semantics creates them, optionally with
// namespace flags or directly inside a cgroup. Each runs a small body and is always
// reaped, also when a benchmark stops half-way.
#pragma once

#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

#include "common/result.h"

namespace isobench::bench::mechanisms {

/// A child until it is reaped. The destructor SIGKILLs and reaps a child that nobody waited
/// for, so an early return cannot leave a process behind. Not common/subprocess's Subprocess
/// on purpose: that one holds a pidfd (CLONE_PIDFD or pidfd_open), and the price list times
/// a whole clone + wait in microseconds, which an extra descriptor per child would inflate.
class ChildProcess {
 public:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

  pid_t pid() const { return pid_; }

  /// Reaps the child. A body reports failure by returning an errno, which becomes its exit
  /// status. That errno comes back here as an Error whose message is `what`.
  Status wait(const std::string& what) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) return errno_error("waitpid for " + what);
    }
    pid_ = -1;
    if (WIFSIGNALED(status)) return plain_error(what + ": child killed by signal " + std::to_string(WTERMSIG(status)));
    if (WEXITSTATUS(status) != 0) return Error{WEXITSTATUS(status), what};
    return {};
  }

 private:
  pid_t pid_ = -1;
};

struct CloneOptions {
  uint64_t flags = 0;  ///< CLONE_NEW* flags; 0 for a plain fork
  int cgroup_fd = -1;  ///< a cgroup v2 directory for CLONE_INTO_CGROUP, or -1
};

/// Starts a child that runs `body` and exits with its return value: 0, or an errno.
/// The body runs between clone and _exit. It must neither allocate nor throw: pointers
/// it needs are captured before the call.
template <typename Body>
Result<ChildProcess> spawn_child(const CloneOptions& options, Body&& body) {
  clone_args args{};
  args.flags = options.flags;
  if (options.cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(options.cgroup_fd);
  }
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) return errno_error("clone3");
  if (pid == 0) _exit(body());
  return ChildProcess(static_cast<pid_t>(pid));
}

/// spawn_child, then wait: one whole create+destroy cycle of a child. `what` names the
/// body's work in errors.
template <typename Body>
Status run_child(const CloneOptions& options, Body&& body, const std::string& what) {
  auto child = spawn_child(options, std::forward<Body>(body));
  if (!child) return Error{child.error().errno_value, what + ": " + child.error().message};
  return child->wait(what);
}

/// The body of a child that has nothing to do.
inline int exit_at_once() noexcept {
  return 0;
}

}  // namespace isobench::bench::mechanisms
