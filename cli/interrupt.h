// Ctrl-C during a benchmark: while an InterruptGuard lives, SIGINT and SIGTERM do not kill
// the process but request a stop, which the harness sees on a descriptor
// (HarnessOptions::stop_fd), so that it can kill and reap its runs and hand back what it
// measured. The signal handling stays here, at the edge: the bench library only polls a
// descriptor.
//
// Nothing is blocked or ignored, so nothing of this reaches the runs: a handler resets to
// the default on exec, and the signal mask a child inherits is the one it had before.
#pragma once

#include <signal.h>

#include <memory>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::cli {

class InterruptGuard {
 public:
  /// Installs the SIGINT and SIGTERM handlers, replacing the current ones until the guard
  /// is destroyed. One guard at a time (EBUSY otherwise): the handler has one place to
  /// report to.
  ///
  /// Each signal stops gracefully once: its handler resets to the default as it runs, so a
  /// second Ctrl-C kills at once (the workspace's guard process still cleans up).
  static Result<std::unique_ptr<InterruptGuard>> install();
  /// Restores the handlers that were there before.
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// Readable from the first signal on, and stays readable (nobody reads it): for
  /// HarnessOptions::stop_fd. Close-on-exec.
  int stop_fd() const { return event_.get(); }
  /// The first signal that requested a stop (SIGINT or SIGTERM), 0 while none did.
  int signal() const;
  bool requested() const { return signal() != 0; }
  /// What a process stopped by signal() exits with, as a shell reports it: 130 for SIGINT,
  /// 143 for SIGTERM.
  int exit_status() const { return 128 + signal(); }

 private:
  InterruptGuard(UniqueFd event, const struct sigaction& old_interrupt, const struct sigaction& old_terminate);

  UniqueFd event_;
  struct sigaction old_interrupt_ {};
  struct sigaction old_terminate_ {};
};

}  // namespace isobench::cli
