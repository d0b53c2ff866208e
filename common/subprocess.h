// One owner for every child process isobench makes: its pid and pidfd, how it ended, and
// the promise that it is killed and reaped however the owner goes. Children made with
// special needs (clone3 with namespaces, vfork for startup latency) are handed to the same
// owner right after they exist; plain "run this host program" goes through spawn() or
// run_command().
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench {

/// How a reaped child ended: an exit status, or the signal that killed it.
struct ExitStatus {
  int code = 0;    ///< the exit status; 0 when a signal killed it
  int signal = 0;  ///< the killing signal; 0 when it exited

  /// From waitpid's or wait4's status word.
  static ExitStatus from_wait_status(int status);
  bool exited() const { return signal == 0; }
  bool succeeded() const { return signal == 0 && code == 0; }
  /// The exit status, or 128+N when killed by signal N: what a shell reports.
  int shell_code() const { return signal ? 128 + signal : code; }
  bool operator==(const ExitStatus&) const = default;
};

/// An unreaped child of this process. Move-only; the destructor SIGKILLs and reaps it if
/// nobody waited for it, so that no error path leaves a process (or a zombie) behind.
class Subprocess {
 public:
  Subprocess() = default;
  /// Takes `pid`, a child of this process not yet reaped, with its pidfd (clone3's
  /// CLONE_PIDFD). An invalid `pidfd` is opened with pidfd_open; without pidfds at all,
  /// signals go by pid, which cannot name another process while ours is unreaped.
  Subprocess(pid_t pid, UniqueFd pidfd);
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  ~Subprocess() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  /// Readable once the child exited; close-on-exec (the kernel makes every pidfd so). -1
  /// when the kernel has no pidfds.
  int pidfd() const { return pidfd_.get(); }
  /// Owns a child that has not been reaped yet.
  bool running() const { return pid_ > 0 && !reaped_; }

  /// Sends `signal` through the pidfd (by pid without one); nothing once reaped.
  void send_signal(int signal) const;
  /// Whether the child exits within `timeout_ms` (-1: no limit), without reaping it.
  bool exits_within(int timeout_ms) const;
  /// Blocks until the child exits and reaps it; `usage` gets wait4's figures (the child and
  /// every descendant it reaped). After the first call, the stored status again.
  ExitStatus wait(rusage* usage = nullptr);
  /// SIGKILL, then wait(). For a child already reaped: its status.
  ExitStatus kill_and_reap(rusage* usage = nullptr);

 private:
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  bool reaped_ = false;
  ExitStatus status_;
};

struct SpawnOptions {
  static constexpr int kInherit = -1;  ///< the descriptor stays ours
  static constexpr int kNull = -2;     ///< /dev/null
  int stdin_fd = kInherit;
  int stdout_fd = kInherit;
  int stderr_fd = kInherit;
  bool search_path = false;      ///< argv[0] looked up in $PATH (execvp); else an absolute path
  bool die_with_parent = false;  ///< SIGKILL when this thread dies (PR_SET_PDEATHSIG)
  /// The child's signal mask, set before exec; null keeps ours (a caller that blocks signals
  /// for a signalfd passes the mask from before).
  const sigset_t* signal_mask = nullptr;
  /// On a failed exec, "isobench: cannot run ARGV0: REASON" on the child's stderr. Whatever
  /// this says, the child then exits 127, as a shell's does.
  bool report_exec_failure = false;
};

/// fork and exec `argv` (argv[0] absolute, unless search_path). Between the two the child
/// only makes system calls on what was prepared before fork. Fails only when the child
/// cannot be made; a program that cannot be run exits 127.
Result<Subprocess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

struct CommandOptions {
  enum class Output { kCapture, kDiscard, kInherit };
  /// kCapture: stdout and stderr together, into CommandResult::output.
  Output output = Output::kCapture;
  size_t output_limit = 1 << 20;  ///< captured bytes kept; the rest is read and dropped
  bool null_stdin = false;        ///< stdin from /dev/null instead of ours
};

struct CommandResult {
  ExitStatus status;
  std::string output;
};

/// Runs a host program to completion, without a shell: spawn, read its output, reap.
Result<CommandResult> run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

}  // namespace isobench
