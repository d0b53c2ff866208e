// summarize_cells: one cell per target x workload x concurrency, unavailable and unrun ones
// included, each with what became of it (its status and its runs' errors) and statistics over
// its successful runs only, each metric's median set against bare's for the same workload and
// concurrency; memory by one set of definitions for every target.
#include "reports/cell_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace isobench::reports {
namespace {

using bench::BenchmarkResults;
using bench::RunRecord;
using bench::TargetInfo;

RunRecord run(const std::string& target, const std::string& workload, double startup_ms, double wall_ms,
              int concurrency = 1) {
  RunRecord record;
  record.target = target;
  record.workload = workload;
  record.concurrency = concurrency;
  record.ok = true;
  record.startup_ms = startup_ms;
  record.wall_ms = wall_ms;
  record.workload_ms = wall_ms / 2;
  record.cpu_user_ms = 1;
  record.cpu_system_ms = 2;
  record.workload_peak_kib = 512;
  return record;
}

RunRecord failed_run(const std::string& target, const std::string& workload) {
  RunRecord record = run(target, workload, 1000, 1000);
  record.ok = false;
  record.exit_code = 1;
  record.error = "boom";
  return record;
}

/// bare: startup 1, 2, 3 ms (median 2); isobench: 4, 6, 8 ms (median 6) plus one failed run.
BenchmarkResults bare_and_isobench() {
  BenchmarkResults results;
  results.targets = {{"bare", "process", true, "host kernel", {}, ""}, {"isobench", "container", true, "1.0", {}, ""}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  results.runs = 3;
  results.records = {run("bare", "noop", 1, 10),     run("isobench", "noop", 4, 40), run("bare", "noop", 3, 30),
                     failed_run("isobench", "noop"), run("isobench", "noop", 8, 80), run("bare", "noop", 2, 20),
                     run("isobench", "noop", 6, 60)};
  return results;
}

const CellSummary* cell_of(const std::vector<CellSummary>& cells, const std::string& target,
                           const std::string& workload = "noop", int concurrency = 1) {
  for (const CellSummary& cell : cells)
    if (cell.target == target && cell.workload == workload && cell.concurrency == concurrency) return &cell;
  return nullptr;
}

TEST(CellSummary, OneCellPerTargetWorkloadAndConcurrencyInTheOrderGiven) {
  BenchmarkResults results = bare_and_isobench();
  results.workloads = {"noop", "hello"};
  results.concurrency = {1, 2};
  for (const char* target : {"bare", "isobench"})
    for (const char* workload : {"noop", "hello"}) {
      results.records.push_back(run(target, workload, 1, 2, 2));
      if (std::string(workload) == "hello") results.records.push_back(run(target, workload, 1, 2, 1));
    }
  std::vector<CellSummary> cells = summarize_cells(results);
  std::vector<std::string> order;
  for (const CellSummary& cell : cells)
    order.push_back(cell.target + "/" + cell.workload + "/" + std::to_string(cell.concurrency));
  EXPECT_EQ(order,
            (std::vector<std::string>{"bare/noop/1", "bare/noop/2", "bare/hello/1", "bare/hello/2", "isobench/noop/1",
                                      "isobench/noop/2", "isobench/hello/1", "isobench/hello/2"}));
}

TEST(CellSummary, MediansOfEachTarget) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  ASSERT_EQ(cells.size(), 2u);
  const CellSummary* bare = cell_of(cells, "bare");
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(bare, nullptr);
  ASSERT_NE(isobench, nullptr);
  ASSERT_NE(bare->find("startup_ms"), nullptr);
  ASSERT_NE(isobench->find("wall_ms"), nullptr);
  EXPECT_DOUBLE_EQ(bare->find("startup_ms")->summary.median, 2);
  EXPECT_DOUBLE_EQ(bare->find("wall_ms")->summary.median, 20);
  EXPECT_DOUBLE_EQ(isobench->find("startup_ms")->summary.median, 6);
  EXPECT_DOUBLE_EQ(isobench->find("wall_ms")->summary.median, 60);
  EXPECT_DOUBLE_EQ(isobench->find("wall_ms")->summary.min, 40);
  EXPECT_DOUBLE_EQ(isobench->find("wall_ms")->summary.max, 80);
}

TEST(CellSummary, RatioIsTheMedianOverBaresMedian) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  const CellSummary* isobench = cell_of(cells, "isobench");
  const CellSummary* bare = cell_of(cells, "bare");
  ASSERT_NE(isobench, nullptr);
  ASSERT_NE(bare, nullptr);
  EXPECT_DOUBLE_EQ(isobench->find("startup_ms")->ratio_vs_bare, 3.0);
  EXPECT_DOUBLE_EQ(isobench->find("wall_ms")->ratio_vs_bare, 3.0);
  EXPECT_DOUBLE_EQ(bare->find("startup_ms")->ratio_vs_bare, 1.0);
  const bench::Interval& ci = isobench->find("startup_ms")->ratio_ci;
  ASSERT_TRUE(std::isfinite(ci.low) && std::isfinite(ci.high));
  EXPECT_LE(ci.low, 3.0);
  EXPECT_GE(ci.high, 3.0);
}

TEST(CellSummary, FailuresAreCountedAndLeftOutOfTheStatistics) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  EXPECT_EQ(isobench->runs, 4);
  EXPECT_EQ(isobench->failures, 1);
  for (const MetricSummary& metric : isobench->metrics) {
    EXPECT_EQ(metric.summary.count, 3u) << metric.metric;
    EXPECT_LT(metric.summary.max, 1000) << metric.metric << " includes the failed run";
  }
  const CellSummary* bare = cell_of(cells, "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(bare->runs, 3);
  EXPECT_EQ(bare->failures, 0);
}

TEST(CellSummary, ACellWhoseRunsAllFailedHasCountsButNoMetrics) {
  BenchmarkResults results = bare_and_isobench();
  results.targets.push_back({"runc", "container", true, "1.1", {}, ""});
  results.records.push_back(failed_run("runc", "noop"));
  results.records.push_back(failed_run("runc", "noop"));
  const CellSummary* runc = nullptr;
  std::vector<CellSummary> cells = summarize_cells(results);
  runc = cell_of(cells, "runc");
  ASSERT_NE(runc, nullptr);
  EXPECT_EQ(runc->runs, 2);
  EXPECT_EQ(runc->failures, 2);
  EXPECT_EQ(runc->status, CellStatus::kFailed);
  ASSERT_EQ(runc->errors.size(), 1u);
  EXPECT_EQ(runc->errors[0].text, "boom");
  EXPECT_EQ(runc->errors[0].runs, 2);
  EXPECT_TRUE(runc->metrics.empty());
}

TEST(CellSummary, EveryRunSucceededIsMeasured) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  const CellSummary* bare = cell_of(cells, "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(bare->status, CellStatus::kMeasured);
  EXPECT_TRUE(bare->errors.empty());
}

TEST(CellSummary, SomeRunsFailedIsPartlyFailedWithTheError) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  EXPECT_EQ(isobench->status, CellStatus::kPartlyFailed);
  ASSERT_EQ(isobench->errors.size(), 1u);
  EXPECT_EQ(isobench->errors[0].text, "boom");
  EXPECT_EQ(isobench->errors[0].runs, 1);
}

TEST(CellSummary, ErrorsAreTheLastLineOfStderrCountedAndMostFirst) {
  BenchmarkResults results = bare_and_isobench();
  RunRecord mount = failed_run("isobench", "noop");
  mount.error = "crun: starting\ncrun: mount `/proc`: Operation not permitted\n\n";
  RunRecord killed = failed_run("isobench", "noop");
  killed.error = "";
  killed.exit_code = 137;
  results.records.insert(results.records.begin(), killed);  // met first, but stopped fewer runs
  results.records.push_back(mount);
  results.records.push_back(mount);
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  EXPECT_EQ(isobench->failures, 4);
  ASSERT_EQ(isobench->errors.size(), 3u);
  EXPECT_EQ(isobench->errors[0].text, "crun: mount `/proc`: Operation not permitted");
  EXPECT_EQ(isobench->errors[0].runs, 2);
  EXPECT_EQ(isobench->errors[1].text, "exit status 137") << "no stderr: the exit status says it";
  EXPECT_EQ(isobench->errors[1].runs, 1);
  EXPECT_EQ(isobench->errors[2].text, "boom");
}

TEST(CellSummary, AFailedMemoryRoundMakesTheCellPartlyFailedWithoutAFailedRun) {
  BenchmarkResults results = bare_and_isobench();
  RunRecord memory = failed_run("bare", "noop");
  memory.memory_round = true;
  memory.error = "cannot create the measuring cgroup";
  results.records.push_back(memory);
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* bare = cell_of(cells, "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(bare->status, CellStatus::kPartlyFailed);
  EXPECT_EQ(bare->runs, 3) << "memory rounds are not measured runs";
  EXPECT_EQ(bare->failures, 0);
  ASSERT_EQ(bare->errors.size(), 1u);
  EXPECT_EQ(bare->errors[0].text, "cannot create the measuring cgroup");
}

TEST(CellSummary, AnUnavailableTargetHasACellWithItsReasonAndNoFigures) {
  BenchmarkResults results = bare_and_isobench();
  results.targets.push_back({"crun", "container", false, "not installed (apt-get install crun)", {}, ""});
  std::vector<CellSummary> cells = summarize_cells(results);
  ASSERT_EQ(cells.size(), 3u);
  const CellSummary* crun = cell_of(cells, "crun");
  ASSERT_NE(crun, nullptr);
  EXPECT_EQ(crun->status, CellStatus::kUnavailable);
  EXPECT_EQ(crun->runs, 0);
  ASSERT_EQ(crun->errors.size(), 1u);
  EXPECT_EQ(crun->errors[0].text, "not installed (apt-get install crun)");
  EXPECT_TRUE(crun->metrics.empty());
}

TEST(CellSummary, ACellWithoutRunsIsNotRun) {
  // An interrupted benchmark: isobench's cell at concurrency 2 never started.
  BenchmarkResults results = bare_and_isobench();
  results.concurrency = {1, 2};
  results.interrupted = true;
  for (int i = 0; i < 3; ++i) results.records.push_back(run("bare", "noop", 1, 10, 2));
  std::vector<CellSummary> cells = summarize_cells(results);
  ASSERT_EQ(cells.size(), 4u);
  const CellSummary* unrun = cell_of(cells, "isobench", "noop", 2);
  ASSERT_NE(unrun, nullptr);
  EXPECT_EQ(unrun->status, CellStatus::kNotRun);
  EXPECT_EQ(unrun->runs, 0);
  EXPECT_TRUE(unrun->errors.empty());
  EXPECT_TRUE(unrun->metrics.empty());
  EXPECT_EQ(cell_of(cells, "bare", "noop", 2)->status, CellStatus::kMeasured);
}

TEST(CellSummary, StatusNamesAreTheSchemasWords) {
  EXPECT_STREQ(cell_status_name(CellStatus::kMeasured), "measured");
  EXPECT_STREQ(cell_status_name(CellStatus::kPartlyFailed), "partly failed");
  EXPECT_STREQ(cell_status_name(CellStatus::kFailed), "failed");
  EXPECT_STREQ(cell_status_name(CellStatus::kUnavailable), "unavailable");
  EXPECT_STREQ(cell_status_name(CellStatus::kNotRun), "not run");
}

TEST(CellSummary, WithoutBareThereIsNoRatio) {
  BenchmarkResults results = bare_and_isobench();
  results.targets.erase(results.targets.begin());
  std::erase_if(results.records, [](const RunRecord& record) { return record.target == "bare"; });
  std::vector<CellSummary> cells = summarize_cells(results);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_TRUE(std::isnan(cells[0].find("startup_ms")->ratio_vs_bare));
  EXPECT_TRUE(std::isnan(cells[0].find("startup_ms")->ratio_ci.low));
}

TEST(CellSummary, RatiosCompareTheSameWorkloadAndConcurrencyOnly) {
  BenchmarkResults results = bare_and_isobench();
  results.concurrency = {1, 4};
  for (int i = 0; i < 3; ++i) {
    results.records.push_back(run("bare", "noop", 10, 100, 4));
    results.records.push_back(run("isobench", "noop", 50, 500, 4));
  }
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* isobench_4 = cell_of(cells, "isobench", "noop", 4);
  ASSERT_NE(isobench_4, nullptr);
  EXPECT_DOUBLE_EQ(isobench_4->find("startup_ms")->ratio_vs_bare, 5.0);
  EXPECT_DOUBLE_EQ(cell_of(cells, "isobench", "noop", 1)->find("startup_ms")->ratio_vs_bare, 3.0);
}

TEST(CellSummary, MetricsMissingFromEveryRunAreLeftOut) {
  BenchmarkResults results = bare_and_isobench();
  for (RunRecord& record : results.records) {
    record.startup_ms = NAN;
    record.workload_peak_kib = NAN;
  }
  std::vector<CellSummary> cells = summarize_cells(results);
  ASSERT_FALSE(cells.empty());
  EXPECT_EQ(cells[0].find("startup_ms"), nullptr);
  EXPECT_EQ(cells[0].find("workload_peak_kib"), nullptr);
  EXPECT_NE(cells[0].find("wall_ms"), nullptr);
}

TEST(CellSummary, CpuIsUserPlusSystem) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  ASSERT_FALSE(cells.empty());
  ASSERT_NE(cells[0].find("cpu_ms"), nullptr);
  EXPECT_DOUBLE_EQ(cells[0].find("cpu_ms")->summary.median, 3);
}

TEST(CellSummary, TimeMetricsCarryWarningsAndMemoryDoesNot) {
  std::vector<CellSummary> cells = summarize_cells(bare_and_isobench());
  const CellSummary* bare = cell_of(cells, "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_FALSE(bare->find("startup_ms")->warnings.empty()) << "2 ms is below the 5 ms warning threshold";
  EXPECT_TRUE(bare->find("workload_peak_kib")->warnings.empty());
}

// As docs/results-schema.md lists them.
TEST(CellSummary, MetricNamesAreInTableOrder) {
  EXPECT_EQ(metric_names(), (std::vector<std::string>{"startup_ms", "wall_ms", "batch_wall_ms", "workload_ms", "cpu_ms",
                                                      "workload_peak_kib", "tree_peak_kib", "overhead_kib"}));
}

TEST(CellSummary, TimesAreInMillisecondsAndMemoryInKib) {
  for (const std::string& metric : metric_names())
    EXPECT_STREQ(metric_unit(metric), metric.ends_with("_ms") ? "ms" : "KiB") << metric;
  EXPECT_STREQ(metric_unit("overhead_kib"), "KiB");
  EXPECT_STREQ(metric_unit("startup_ms"), "ms");
}

// Every sandbox of a batch carries the same batch time: it is one sample per batch.
TEST(CellSummary, BatchWallTimeCountsOncePerBatch) {
  BenchmarkResults results = bare_and_isobench();
  results.concurrency = {3};
  results.records.clear();
  for (int round = 0; round < 2; ++round)
    for (int slot = 0; slot < 3; ++slot) {
      RunRecord record = run("isobench", "noop", 1, 5 + slot, 3);
      record.round = round;
      record.slot = slot;
      record.batch_wall_ms = round == 0 ? 10 : 20;
      results.records.push_back(record);
    }
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* isobench = cell_of(cells, "isobench", "noop", 3);
  ASSERT_NE(isobench, nullptr);
  EXPECT_EQ(isobench->runs, 6);
  ASSERT_NE(isobench->find("batch_wall_ms"), nullptr);
  EXPECT_EQ(isobench->find("batch_wall_ms")->summary.count, 2u);
  EXPECT_DOUBLE_EQ(isobench->find("batch_wall_ms")->summary.median, 15);
  EXPECT_EQ(isobench->find("wall_ms")->summary.count, 6u);
}

// Memory rounds run under memory accounting, untimed: they give the tree's peak memory and
// nothing else, and are not among the cell's measured runs.
TEST(CellSummary, MemoryRoundsGiveOnlyTheTreePeakAndAreNotCountedAsRuns) {
  BenchmarkResults results = bare_and_isobench();
  results.memory_runs = 2;
  for (double kib : {2048.0, 4096.0}) {
    RunRecord memory = run("isobench", "noop", 500, 500);
    memory.memory_round = true;
    memory.tree_peak_kib = kib;
    results.records.push_back(memory);
  }
  RunRecord failed_memory = failed_run("isobench", "noop");
  failed_memory.memory_round = true;
  failed_memory.tree_peak_kib = 1e9;
  results.records.push_back(failed_memory);

  const CellSummary* isobench = nullptr;
  std::vector<CellSummary> cells = summarize_cells(results);
  isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  EXPECT_EQ(isobench->runs, 4);
  EXPECT_EQ(isobench->failures, 1);
  EXPECT_DOUBLE_EQ(isobench->find("startup_ms")->summary.median, 6) << "memory rounds are not timings";
  EXPECT_EQ(isobench->find("startup_ms")->summary.count, 3u);
  ASSERT_NE(isobench->find("tree_peak_kib"), nullptr);
  EXPECT_EQ(isobench->find("tree_peak_kib")->summary.count, 2u);
  EXPECT_DOUBLE_EQ(isobench->find("tree_peak_kib")->summary.median, 3072);
  EXPECT_TRUE(std::isnan(isobench->find("tree_peak_kib")->ratio_vs_bare)) << "bare had no memory rounds";
  EXPECT_TRUE(isobench->find("tree_peak_kib")->warnings.empty());
}

TEST(CellSummary, TreePeakIsComparedWithBaresMemoryRounds) {
  BenchmarkResults results = bare_and_isobench();
  for (const auto& [target, kib] : {std::pair{"bare", 1000.0}, std::pair{"isobench", 5000.0}}) {
    RunRecord memory = run(target, "noop", 1, 1);
    memory.memory_round = true;
    memory.tree_peak_kib = kib;
    results.records.push_back(memory);
  }
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  ASSERT_NE(isobench->find("tree_peak_kib"), nullptr);
  EXPECT_DOUBLE_EQ(isobench->find("tree_peak_kib")->ratio_vs_bare, 5.0);
}

// Memory by one definition for every target: the overhead is what the target adds to the
// workload, each memory round's whole peak minus bare's median whole peak for the same
// workload (the workload alone, read by the same measuring cgroup), never the workload's own
// VmHWM, which counts page cache no cgroup is charged for.
RunRecord memory_round(const std::string& target, double tree_kib, double workload_kib = 512) {
  RunRecord memory = run(target, "noop", 1, 1);
  memory.memory_round = true;
  memory.tree_peak_kib = tree_kib;
  memory.workload_peak_kib = workload_kib;
  return memory;
}

TEST(CellSummary, OverheadIsEachMemoryRoundsWholePeakMinusBaresMedianWholePeak) {
  BenchmarkResults results = bare_and_isobench();
  results.memory_runs = 3;
  for (double tree : {1000.0, 1200.0, 1100.0}) results.records.push_back(memory_round("bare", tree));
  // The workload's own peaks differ from round to round: they take no part.
  for (const auto& [tree, workload] : {std::pair{5000.0, 1000.0}, std::pair{6000.0, 3000.0}, std::pair{9000.0, 1.0}})
    results.records.push_back(memory_round("isobench", tree, workload));
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  const MetricSummary* overhead = isobench->find("overhead_kib");
  ASSERT_NE(overhead, nullptr);
  EXPECT_EQ(overhead->summary.count, 3u);
  EXPECT_DOUBLE_EQ(overhead->summary.min, 5000 - 1100);
  EXPECT_DOUBLE_EQ(overhead->summary.max, 9000 - 1100);
  EXPECT_DOUBLE_EQ(overhead->summary.median, 6000 - 1100);
  EXPECT_EQ(metric_samples(results, "isobench", "noop", 1, "overhead_kib"), (std::vector<double>{3900, 4900, 7900}));
  const CellSummary* bare = cell_of(cells, "bare");
  ASSERT_NE(bare, nullptr);
  ASSERT_NE(bare->find("overhead_kib"), nullptr);
  EXPECT_DOUBLE_EQ(bare->find("overhead_kib")->summary.median, 0) << "bare adds nothing to itself";
}

TEST(CellSummary, WithoutBaresMemoryRoundsThereIsNoOverhead) {
  BenchmarkResults results = bare_and_isobench();
  results.records.push_back(memory_round("isobench", 5000));
  std::vector<CellSummary> cells = summarize_cells(results);
  const CellSummary* isobench = cell_of(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  EXPECT_NE(isobench->find("tree_peak_kib"), nullptr);
  EXPECT_EQ(isobench->find("overhead_kib"), nullptr) << "nothing to subtract: no figure rather than a wrong one";
  EXPECT_TRUE(metric_samples(results, "isobench", "noop", 1, "overhead_kib").empty());
}

TEST(MetricSamples, TakesTheSuccessfulRunsOfOneCell) {
  std::vector<double> samples = metric_samples(bare_and_isobench(), "isobench", "noop", 1, "startup_ms");
  EXPECT_EQ(samples, (std::vector<double>{4, 8, 6}));
  EXPECT_TRUE(metric_samples(bare_and_isobench(), "isobench", "noop", 2, "startup_ms").empty());
  EXPECT_TRUE(metric_samples(bare_and_isobench(), "isobench", "noop", 1, "no_such_metric").empty());
}

}  // namespace
}  // namespace isobench::reports
