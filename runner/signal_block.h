// While a runner waits for its container or VM, the signals a user sends to stop it are
// held and read from a signalfd, so that they are forwarded instead of killing the runner.
#pragma once

#include <signal.h>

namespace isobench::runner {

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT for its lifetime and restores the mask after.
/// Children must restore `original()` before exec.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&blocked_);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&blocked_, signal);
    sigprocmask(SIG_BLOCK, &blocked_, &original_);
  }
  ~SignalBlock() { sigprocmask(SIG_SETMASK, &original_, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;
  const sigset_t& blocked() const { return blocked_; }
  const sigset_t& original() const { return original_; }

 private:
  sigset_t blocked_;
  sigset_t original_;
};

}  // namespace isobench::runner
