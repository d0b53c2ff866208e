// The benchmark harness: every target x workload x concurrency cell, warmed up, then run
// round by round in a freshly shuffled order so that drift hits every target alike.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/harness/run_record.h"
#include "bench/targets/target.h"
#include "bench/workload_catalog.h"
#include "probes/probe_session.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::bench {

struct HarnessOptions {
  std::vector<std::string> targets = {"bare", "isobench"};
  std::vector<WorkloadCommand> workloads;
  std::vector<int> concurrency = {1};
  int runs = 10;
  int warmup = 2;
  double min_time_seconds = 0;  ///< keep adding rounds until every cell has run this long
  double timeout_seconds = 60;  ///< per run; the run is killed and recorded as failed
  uint64_t seed = 1;            ///< for the shuffle: the same seed, the same order
  /// Extra untimed runs per cell inside a memory cgroup of the harness, for the runtime's
  /// peak memory (memory accounting would distort timings, so it is kept out of them).
  int memory_runs = 5;  // compare judges a metric from 5 runs a side (CompareOptions::min_samples)
  /// Measured runs are followed by these probes and carry their report (warmups and memory
  /// rounds are not); null for none.
  probes::ProbeSession* probes = nullptr;
  /// A descriptor that becomes readable, and stays so, when the benchmark must stop (the
  /// CLI's InterruptGuard: an eventfd its SIGINT/SIGTERM handler writes); -1 for none. The
  /// harness only polls it: it never reads it and knows nothing of signals.
  int stop_fd = -1;
  /// Run nothing when a requested target cannot run here: the results then list the
  /// targets, with the reasons, and no runs (`bench` without --allow-unavailable).
  bool require_every_target = false;
  /// Called before every run of every cell (warmups, measured and memory rounds alike),
  /// outside the timed region: bench --cold drops the page cache here. When it fails, that
  /// cell's runs are not launched and record its error; none: nothing is done.
  std::function<Status()> before_each_run;
};

/// Called after each measured round: (rounds done, rounds planned, target just run).
using ProgressCallback = std::function<void(int done, int planned, const std::string& current)>;

/// Probes every target (unavailable ones are listed with the reason, never silently
/// dropped), then runs. Fails only for bad options (an unknown target or workload).
///
/// When `options.stop_fd` says stop, the runs in flight are SIGKILLed through their pidfds
/// and reaped, the targets' after_kill cleans up after them, nothing more is started, and
/// the results so far come back with `interrupted` set. The cell that was running records
/// nothing: a run cut short is neither a measurement nor a failure of its target.
Result<BenchmarkResults> run_benchmark(const HarnessOptions& options, const TargetContext& context,
                                       const ProgressCallback& progress = {});

class Launcher;
/// Where the harness gets a target by name (make_target, with the TargetContext, for real).
using TargetMaker = std::function<Result<std::unique_ptr<Target>>(const std::string& name)>;

/// run_benchmark with its two seams given: targets from `make`, runs started and waited for
/// by `launcher` (a fake in tests; ProcessLauncher above).
Result<BenchmarkResults> run_benchmark(const HarnessOptions& options, const TargetMaker& make, Launcher& launcher,
                                       const ProgressCallback& progress = {});

/// Turns one finished run into a record: startup from the handshake, the workload's JSON
/// line (the last stdout line that parses as an object with "workload"), CPU from rusage.
/// Pure; exposed for tests.
struct FinishedRun;
RunRecord make_record(const FinishedRun& finished, bool expects_report);

}  // namespace isobench::bench
