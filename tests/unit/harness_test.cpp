// run_benchmark's scheduling, timeouts and failures, over a scripted launcher and fake
// targets: which runs are recorded, how a failed, unstartable or timed-out run is recorded,
// what a stop leaves, and which targets run at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "bench/harness/harness.h"
#include "tests/fakes/fake_launcher.h"
#include "tests/fakes/stop_switch.h"

namespace isobench::bench {
namespace {

HarnessOptions options_for(std::vector<std::string> targets) {
  HarnessOptions options;
  options.targets = std::move(targets);
  options.workloads = {custom_command({"/bin/true"})};
  options.runs = 3;
  options.warmup = 0;
  options.memory_runs = 0;  // memory rounds make real cgroups
  options.timeout_seconds = 7;
  return options;
}

struct Bench {
  std::shared_ptr<FakeTargetLog> log = std::make_shared<FakeTargetLog>();
  FakeLauncher launcher;
  explicit Bench(std::vector<ScriptedRun> script = {}) : launcher(std::move(script)) {}
  BenchmarkResults run(const HarnessOptions& options, std::map<std::string, std::string> unavailable = {}) {
    auto results = run_benchmark(options, fake_targets(log, std::move(unavailable)), launcher);
    EXPECT_TRUE(results.ok()) << results.error().text();
    return results ? std::move(*results) : BenchmarkResults{};
  }
};

TEST(RunBenchmark, WarmupRunsAreLaunchedButNotRecorded) {
  Bench bench;
  HarnessOptions options = options_for({"a"});
  options.warmup = 2;
  BenchmarkResults results = bench.run(options);
  EXPECT_EQ(bench.launcher.launches.size(), 5u);
  ASSERT_EQ(results.records.size(), 3u);
  for (int round = 0; round < 3; ++round) EXPECT_EQ(results.records[static_cast<size_t>(round)].round, round);
  EXPECT_EQ(results.warmup, 2);
}

TEST(RunBenchmark, EveryCellRunsOncePerRoundWithItsConcurrency) {
  Bench bench;
  HarnessOptions options = options_for({"a", "b"});
  options.concurrency = {1, 2};
  options.runs = 2;
  BenchmarkResults results = bench.run(options);
  ASSERT_EQ(results.records.size(), 2u * (1 + 2) * 2);
  std::map<std::pair<std::string, int>, int> per_cell;
  for (const RunRecord& record : results.records) {
    EXPECT_TRUE(record.ok) << record.error;
    EXPECT_LT(record.slot, record.concurrency);
    EXPECT_DOUBLE_EQ(record.startup_ms, 1);
    EXPECT_DOUBLE_EQ(record.wall_ms, 2);
    ++per_cell[{record.target, record.concurrency}];
  }
  EXPECT_EQ(per_cell, (std::map<std::pair<std::string, int>, int>{{{"a", 1}, 2}, {{"a", 2}, 4}, {{"b", 1}, 2}, {{"b", 2}, 4}}));
  std::set<std::string> ids(bench.log->run_ids.begin(), bench.log->run_ids.end());
  EXPECT_EQ(ids.size(), bench.log->run_ids.size()) << "every run has an id of its own";
}

TEST(RunBenchmark, RunsStartedTogetherShareTheirBatchWallTime) {
  Bench bench;
  HarnessOptions options = options_for({"a"});
  options.concurrency = {2};
  options.runs = 1;
  BenchmarkResults results = bench.run(options);
  ASSERT_EQ(results.records.size(), 2u);
  // Launched 1 ms apart, 2 ms each: first launch to last exit is 3 ms.
  EXPECT_DOUBLE_EQ(results.records[0].batch_wall_ms, 3);
  EXPECT_DOUBLE_EQ(results.records[1].batch_wall_ms, 3);
}

TEST(RunBenchmark, AFailingRunIsRecordedAsFailedWithItsError) {
  ScriptedRun failing;
  failing.exit_code = 2;
  failing.err = "cannot open the image";
  Bench bench({failing});
  HarnessOptions options = options_for({"a"});
  options.runs = 2;
  BenchmarkResults results = bench.run(options);
  ASSERT_EQ(results.records.size(), 2u);
  EXPECT_FALSE(results.records[0].ok);
  EXPECT_EQ(results.records[0].exit_code, 2);
  EXPECT_EQ(results.records[0].error, "cannot open the image");
  EXPECT_TRUE(results.records[1].ok) << "one failure stops nothing";
  EXPECT_TRUE(bench.log->after_kill.empty()) << "a run that ended by itself needs no cleanup";
}

TEST(RunBenchmark, ARunThatCannotStartIsRecordedWithTheReason) {
  ScriptedRun unstartable;
  unstartable.start_error = "vfork: Resource temporarily unavailable";
  Bench bench({unstartable});
  HarnessOptions options = options_for({"a"});
  options.runs = 1;
  options.concurrency = {2};
  BenchmarkResults results = bench.run(options);
  ASSERT_EQ(results.records.size(), 2u);
  EXPECT_FALSE(results.records[0].ok);
  EXPECT_EQ(results.records[0].error, "vfork: Resource temporarily unavailable");
  EXPECT_EQ(results.records[0].slot, 0);
  EXPECT_TRUE(results.records[1].ok) << "the other slot of the cell ran";
  EXPECT_EQ(results.records[1].slot, 1);
}

TEST(RunBenchmark, ATimeoutIsRecordedAndTheTargetCleansUpAfterIt) {
  ScriptedRun hanging;
  hanging.hangs = true;
  Bench bench({hanging});
  HarnessOptions options = options_for({"a"});
  options.runs = 2;
  BenchmarkResults results = bench.run(options);
  ASSERT_EQ(results.records.size(), 2u);
  const RunRecord& timed_out = results.records[0];
  EXPECT_FALSE(timed_out.ok);
  EXPECT_TRUE(timed_out.timed_out);
  EXPECT_EQ(timed_out.error, "timed out");
  EXPECT_DOUBLE_EQ(timed_out.wall_ms, 7000);
  EXPECT_EQ(bench.log->after_kill, std::vector<std::string>{bench.log->run_ids[0]});
  for (double timeout : bench.launcher.timeouts) EXPECT_EQ(timeout, 7) << "each wait gets --timeout";
  EXPECT_TRUE(results.records[1].ok);
}

TEST(RunBenchmark, ABuiltInWorkloadWithoutItsHandshakeFails) {
  ScriptedRun silent;
  silent.startup_ms = -1;
  Bench bench({silent});
  HarnessOptions options = options_for({"a"});
  auto noop = workload_command("noop", {});
  ASSERT_TRUE(noop.ok());
  options.workloads = {*noop};
  options.runs = 1;
  BenchmarkResults results = bench.run(options);
  ASSERT_EQ(results.records.size(), 1u);
  EXPECT_FALSE(results.records[0].ok);
  EXPECT_NE(results.records[0].error.find("no start handshake"), std::string::npos) << results.records[0].error;
}

TEST(RunBenchmark, AStopDuringARunMarksTheResultsInterruptedAndRecordsNoneOfItsCell) {
  StopSwitch stop;
  ScriptedRun first, cut_short;
  cut_short.while_running = [&stop] { stop.stop(); };
  Bench bench({first, cut_short});
  HarnessOptions options = options_for({"a"});
  options.stop_fd = stop.fd();
  BenchmarkResults results = bench.run(options);
  EXPECT_TRUE(results.interrupted);
  ASSERT_EQ(results.records.size(), 1u) << "round 0 only: the cell cut short records nothing";
  EXPECT_TRUE(results.records[0].ok);
  EXPECT_EQ(bench.launcher.launches.size(), 2u) << "nothing starts after the stop";
  EXPECT_EQ(bench.log->after_kill, std::vector<std::string>{bench.log->run_ids[1]});
}

TEST(RunBenchmark, UnavailableTargetsAreListedWithTheReasonAndNotRun) {
  Bench bench;
  BenchmarkResults results = bench.run(options_for({"a", "gone"}), {{"gone", "not installed (apt-get install gone)"}});
  ASSERT_EQ(results.targets.size(), 2u);
  EXPECT_TRUE(results.targets[0].available);
  EXPECT_EQ(results.targets[0].detail, "fake 1.0");
  EXPECT_FALSE(results.targets[1].available);
  EXPECT_EQ(results.targets[1].detail, "not installed (apt-get install gone)");
  EXPECT_EQ(results.records.size(), 3u);
  for (const RunRecord& record : results.records) EXPECT_EQ(record.target, "a");
}

TEST(RunBenchmark, RequireEveryTargetRunsNothingWhenOneIsUnavailable) {
  Bench bench;
  HarnessOptions options = options_for({"a", "gone"});
  options.require_every_target = true;
  BenchmarkResults results = bench.run(options, {{"gone", "needs root"}});
  EXPECT_EQ(results.targets.size(), 2u) << "the targets are listed, with the reason";
  EXPECT_TRUE(results.records.empty());
  EXPECT_TRUE(bench.launcher.launches.empty());
}

TEST(RunBenchmark, TheHookBeforeEachRunPrecedesEveryLaunchWarmupsIncluded) {
  Bench bench;
  HarnessOptions options = options_for({"a", "b"});
  options.warmup = 1;
  std::vector<size_t> launches_before_each;
  options.before_each_run = [&] {
    launches_before_each.push_back(bench.launcher.launches.size());
    return Status{};
  };
  BenchmarkResults results = bench.run(options);
  // (1 warmup + 3 measured rounds) x 2 cells, one call before each: never two launches in between.
  ASSERT_EQ(launches_before_each.size(), 8u);
  for (size_t i = 0; i < launches_before_each.size(); ++i) EXPECT_EQ(launches_before_each[i], i);
  EXPECT_EQ(results.records.size(), 6u);
}

TEST(RunBenchmark, WhenTheHookFailsTheCellsRunsRecordItsErrorAndLaunchNothing) {
  Bench bench;
  HarnessOptions options = options_for({"a"});
  options.concurrency = {2};
  options.before_each_run = [] { return Status{plain_error("--cold: cannot write drop_caches")}; };
  BenchmarkResults results = bench.run(options);
  EXPECT_TRUE(bench.launcher.launches.empty());
  ASSERT_EQ(results.records.size(), 6u);
  for (const RunRecord& record : results.records) {
    EXPECT_FALSE(record.ok);
    EXPECT_EQ(record.error, "--cold: cannot write drop_caches");
    EXPECT_EQ(record.target, "a");
    EXPECT_EQ(record.concurrency, 2);
  }
}

TEST(RunBenchmark, BadOptionsAreErrorsBeforeAnythingRuns) {
  Bench bench;
  HarnessOptions options = options_for({"a"});
  options.runs = 0;
  EXPECT_FALSE(run_benchmark(options, fake_targets(bench.log), bench.launcher).ok());
  options = options_for({"a"});
  options.workloads.clear();
  EXPECT_FALSE(run_benchmark(options, fake_targets(bench.log), bench.launcher).ok());
  EXPECT_TRUE(bench.launcher.launches.empty());
}

}  // namespace
}  // namespace isobench::bench
