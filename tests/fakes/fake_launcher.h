// A Launcher that starts nothing: each launch takes the next scripted outcome (an exit code,
// output, a failure to start, a run that outlives its timeout, a stop arriving meanwhile),
// and a FakeTarget that records what the harness asked of it. Together they let the
// harness's scheduling, timeouts and failures be checked without a process.
#pragma once

#include <signal.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/harness/harness.h"
#include "bench/harness/launcher.h"

namespace isobench::bench {

struct ScriptedRun {
  int exit_code = 0;
  double startup_ms = 1;  ///< launch to handshake; negative: the workload never signals
  double wall_ms = 2;     ///< launch to exit
  std::string out = "{\"workload\":\"noop\",\"elapsed_ns\":1000}\n";
  std::string err;
  std::string start_error;  ///< non-empty: launch() fails with this message
  bool hangs = false;       ///< outlives any timeout: killed and timed out
  std::function<void()> while_running;  ///< runs during the wait: a Ctrl-C arriving
};

class FakeLauncher final : public Launcher {
 public:
  /// Outcomes in launch order; once the script is used up, every run succeeds.
  explicit FakeLauncher(std::vector<ScriptedRun> script = {}) : script_(std::move(script)) {}

  Status launch(const Invocation& invocation) override {
    launches.push_back(invocation);
    ScriptedRun run = next_ < script_.size() ? script_[next_] : ScriptedRun{};
    ++next_;
    if (!run.start_error.empty()) return plain_error(run.start_error);
    pending_.push_back(std::move(run));
    return {};
  }

  std::vector<FinishedRun> wait_for_all(double timeout_seconds, int stop_fd) override {
    timeouts.push_back(timeout_seconds);
    for (const ScriptedRun& run : pending_)
      if (run.while_running) run.while_running();
    const bool stop = stop_requested(stop_fd);
    std::vector<FinishedRun> finished;
    for (const ScriptedRun& run : pending_) finished.push_back(finish(run, timeout_seconds, stop));
    pending_.clear();
    return finished;
  }

  std::vector<Invocation> launches;  ///< every launch asked for, started or not
  std::vector<double> timeouts;      ///< each wait's timeout

 private:
  FinishedRun finish(const ScriptedRun& run, double timeout_seconds, bool stop) {
    FinishedRun done;
    done.pid = next_pid_++;
    done.launch_ns = clock_ns_ += 1000000;
    if (run.startup_ms >= 0) done.start_ns = done.launch_ns + static_cast<int64_t>(run.startup_ms * 1e6);
    done.exit_code = run.exit_code;
    done.out = run.out;
    done.err = run.err;
    double wall_ms = run.wall_ms;
    if (stop) {
      done.interrupted = true;
      done.exit_code = 128 + SIGKILL;
    } else if (run.hangs) {
      done.timed_out = true;
      done.exit_code = 128 + SIGKILL;
      wall_ms = timeout_seconds * 1e3;
    }
    done.exit_ns = done.launch_ns + static_cast<int64_t>(wall_ms * 1e6);
    return done;
  }

  std::vector<ScriptedRun> script_;
  size_t next_ = 0;
  std::vector<ScriptedRun> pending_;
  pid_t next_pid_ = 1000;
  int64_t clock_ns_ = 0;
};

/// What the harness asked of the fake targets.
struct FakeTargetLog {
  std::vector<std::string> run_ids;     ///< every invocation's, in order
  std::vector<std::string> after_kill;  ///< run ids the harness cleaned up after
};

class FakeTarget final : public Target {
 public:
  /// An empty `unavailable` makes a target that runs here; else the reason it cannot.
  FakeTarget(std::string name, std::string unavailable, std::shared_ptr<FakeTargetLog> log)
      : name_(std::move(name)), unavailable_(std::move(unavailable)), log_(std::move(log)) {}
  std::string name() const override { return name_; }
  std::string kind() const override { return "process"; }
  Result<std::string> probe() const override {
    if (!unavailable_.empty()) return plain_error(unavailable_);
    return std::string("fake 1.0");
  }
  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override {
    log_->run_ids.push_back(run_id);
    Invocation invocation;
    invocation.argv = {"/fake/" + name_, workload.label(), run_id};
    return invocation;
  }
  void after_kill(const std::string& run_id) override { log_->after_kill.push_back(run_id); }

 private:
  std::string name_;
  std::string unavailable_;
  std::shared_ptr<FakeTargetLog> log_;
};

/// Makes FakeTargets by name: those in `unavailable` cannot run, with the reason given.
inline TargetMaker fake_targets(std::shared_ptr<FakeTargetLog> log,
                                std::map<std::string, std::string> unavailable = {}) {
  return [log, unavailable](const std::string& name) -> Result<std::unique_ptr<Target>> {
    auto reason = unavailable.find(name);
    return std::unique_ptr<Target>(
        std::make_unique<FakeTarget>(name, reason == unavailable.end() ? "" : reason->second, log));
  };
}

}  // namespace isobench::bench
