// The harness's one seam to the OS: starting an invocation and waiting for the runs it
// started, with their handshake, timeout and kill. ProcessLauncher does it for real
// (run_launch.h); tests script outcomes with a fake (tests/fakes/fake_launcher.h), so that
// the harness's scheduling, timeouts and failures are checked without processes.
#pragma once

#include <vector>

#include "bench/harness/run_launch.h"
#include "bench/targets/target.h"
#include "common/result.h"

namespace isobench::bench {

class Launcher {
 public:
  virtual ~Launcher() = default;
  /// Starts `invocation` and returns once it runs (its launch time excludes nothing of the
  /// target). An Error when it could not start: that run takes no part in the next wait.
  virtual Status launch(const Invocation& invocation) = 0;
  /// Waits for every run started since the last wait and returns them in launch order, each
  /// reaped as soon as it exits. Runs alive after `timeout_seconds` are SIGKILLed and marked
  /// timed_out. Once `stop_fd` is readable (-1: never) every run not yet reaped is killed,
  /// reaped and marked interrupted, and the call returns.
  virtual std::vector<FinishedRun> wait_for_all(double timeout_seconds, int stop_fd) = 0;
};

/// Real processes: launch() and wait_for_all() of run_launch.h. Runs not waited for are
/// killed and reaped when the launcher goes.
class ProcessLauncher final : public Launcher {
 public:
  Status launch(const Invocation& invocation) override;
  std::vector<FinishedRun> wait_for_all(double timeout_seconds, int stop_fd) override;

 private:
  std::vector<LaunchedRun> pending_;
};

}  // namespace isobench::bench
