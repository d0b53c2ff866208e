// isobench compare's logic on synthetic results: a known regression flagged at the threshold
// the user typed, identical runs, too few or too spread-out samples, the one threshold grammar
// (a number is percent), cells that started failing or cannot run any more, rows in a stable
// order whatever the input's, environment warnings from the typed environment; and the
// renderers (Markdown and JUnit against golden files).
#include "tests/fakes/golden_file.h"
#include "reports/comparison.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "reports/compare_render.h"

namespace isobench::reports {
namespace {

/// `count` samples around `center`, spread deterministically by +-`jitter` (fraction).
std::vector<double> around(double center, size_t count, double jitter = 0.02) {
  std::vector<double> values;
  for (size_t i = 0; i < count; ++i) {
    double offset = (static_cast<double>(i % 5) - 2) / 2 * jitter;  // -1..1 times jitter
    values.push_back(center * (1 + offset));
  }
  return values;
}

bench::RunRecord measured_run(const std::string& target, const std::string& workload, int concurrency, int round,
                              double startup_ms) {
  bench::RunRecord record;
  record.target = target;
  record.workload = workload;
  record.concurrency = concurrency;
  record.round = round;
  record.ok = true;
  record.startup_ms = startup_ms;
  record.wall_ms = startup_ms + 1;
  record.cpu_user_ms = 1;
  record.cpu_system_ms = 2;
  return record;
}

/// Results of one isobench noop cell whose startups are `startup`, measured on `kernel`.
ResultsDocument results_of(const std::vector<double>& startup, const std::string& kernel = "6.18.0") {
  ResultsDocument document;
  document.environment.kernel = kernel;
  document.environment.cgroup_mode = "hybrid";
  document.environment.cores = 2;
  document.results.targets = {{"isobench", "container", true, "0.1.0", {}, ""}};
  document.results.workloads = {"noop"};
  document.results.concurrency = {1};
  document.results.runs = static_cast<int>(startup.size());
  for (size_t i = 0; i < startup.size(); ++i)
    document.results.records.push_back(measured_run("isobench", "noop", 1, static_cast<int>(i), startup[i]));
  return document;
}

/// The report model of `document`, read from a file called `name`.
ReportModel model_of(ResultsDocument document, const std::string& name) {
  document.name = name;
  auto model = build_report_model({document});
  EXPECT_TRUE(model.ok()) << (model ? "" : model.error().text());
  return model ? *model : ReportModel{};
}

/// Every run of `target` in `document` failed with `error`.
void fail_every_run(ResultsDocument& document, const std::string& target, const std::string& error) {
  for (bench::RunRecord& record : document.results.records)
    if (record.target == target) {
      record.ok = false;
      record.exit_code = 1;
      record.error = error;
      record.startup_ms = NAN;
    }
}

const MetricComparison* row_for(const Comparison& comparison, const std::string& metric) {
  for (const MetricComparison& row : comparison.rows)
    if (row.metric == metric) return &row;
  return nullptr;
}

CompareOptions options_from(const std::string& thresholds) {
  CompareOptions options;
  Status parsed = parse_thresholds(thresholds, options);
  EXPECT_TRUE(parsed.ok()) << thresholds << ": " << (parsed ? "" : parsed.error().message);
  return options;
}

// --- the verdict on two sets of samples ------------------------------------------------------

TEST(CompareSamples, AClearTwentyPercentRegressionIsRegressed) {
  CompareOptions options;
  MetricComparison row = compare_samples(around(10, 20), around(12, 20), 0.05, options);
  EXPECT_EQ(row.verdict, Verdict::kRegressed) << row.reason;
  EXPECT_NEAR(row.change, 0.2, 0.01);
  EXPECT_LT(row.p_value, 0.001);
}

TEST(CompareSamples, AClearImprovementIsImproved) {
  MetricComparison row = compare_samples(around(10, 20), around(8, 20), 0.05, CompareOptions{});
  EXPECT_EQ(row.verdict, Verdict::kImproved) << row.reason;
}

TEST(CompareSamples, IdenticalRunsAreUnchanged) {
  MetricComparison row = compare_samples(around(10, 20), around(10, 20), 0.05, CompareOptions{});
  EXPECT_EQ(row.verdict, Verdict::kUnchanged) << row.reason;
  EXPECT_DOUBLE_EQ(row.change, 0);
}

TEST(CompareSamples, ASignificantChangeWithinTheThresholdIsUnchanged) {
  MetricComparison row = compare_samples(around(10, 30, 0.01), around(10.2, 30, 0.01), 0.05, CompareOptions{});
  EXPECT_LT(row.p_value, 0.05);
  EXPECT_EQ(row.verdict, Verdict::kUnchanged) << row.reason;
}

TEST(CompareSamples, TooFewRunsAreTooNoisyToTell) {
  MetricComparison row = compare_samples({10, 10.1, 9.9}, {14, 14.2, 13.8}, 0.05, CompareOptions{});
  EXPECT_EQ(row.verdict, Verdict::kTooNoisy);
  EXPECT_NE(row.reason.find("too few runs"), std::string::npos) << row.reason;
}

TEST(CompareSamples, ALargeButInsignificantChangeOnSpreadRunsIsTooNoisy) {
  std::vector<double> baseline = {5, 20, 8, 30, 10, 4, 25}, current = {6, 28, 9, 35, 12, 5, 30};
  MetricComparison row = compare_samples(baseline, current, 0.05, CompareOptions{});
  EXPECT_GE(row.p_value, 0.05);
  EXPECT_EQ(row.verdict, Verdict::kTooNoisy) << row.reason;
}

// --- thresholds: one grammar, a number is percent --------------------------------------------

TEST(CompareSamples, AnythingAboveABaselineOfZeroIsAChangeBeyondAnyThreshold) {
  // A cpu time of 0 ms (rusage's granularity) that became 50 ms is no "+0.0%".
  MetricComparison row = compare_samples(std::vector<double>(8, 0.0), around(50, 8), 0.05, CompareOptions{});
  EXPECT_GT(row.change, 1) << row.reason;
  EXPECT_EQ(row.verdict, Verdict::kRegressed) << row.reason;
  MetricComparison same = compare_samples(std::vector<double>(8, 0.0), std::vector<double>(8, 0.0), 0.05, CompareOptions{});
  EXPECT_EQ(same.change, 0);
  EXPECT_EQ(same.verdict, Verdict::kUnchanged) << same.reason;
}

TEST(CompareThresholds, ABareNumberIsPercentAsIsOneWithItsSign) {
  CompareOptions bare_number, with_sign;
  ASSERT_TRUE(parse_thresholds("5", bare_number).ok());
  ASSERT_TRUE(parse_thresholds("5%", with_sign).ok());
  EXPECT_DOUBLE_EQ(bare_number.threshold, 0.05) << "\"5\" is 5%, not 500%";
  EXPECT_DOUBLE_EQ(with_sign.threshold, bare_number.threshold);
  CompareOptions fraction;
  ASSERT_TRUE(parse_thresholds("2.5", fraction).ok());
  EXPECT_DOUBLE_EQ(fraction.threshold, 0.025);
}

TEST(CompareThresholds, PerMetricValuesAreAlsoPercent) {
  CompareOptions options;
  ASSERT_TRUE(parse_thresholds("startup=10", options).ok());
  EXPECT_DOUBLE_EQ(options.threshold_for("startup"), 0.10);
  EXPECT_DOUBLE_EQ(options.threshold_for("wall"), CompareOptions{}.threshold) << "the others keep the default";
  ASSERT_TRUE(parse_thresholds("2,memory=3%", options).ok());
  EXPECT_DOUBLE_EQ(options.threshold, 0.02);
  EXPECT_DOUBLE_EQ(options.threshold_for("memory"), 0.03);
  EXPECT_DOUBLE_EQ(options.threshold_for("cpu"), 0.02);
  EXPECT_DOUBLE_EQ(options.threshold_for("startup"), 0.10);
}

TEST(CompareThresholds, AnythingElseIsAnErrorThatSaysWhatIsExpected) {
  for (const char* text :
       {"5x", "", "-3", "abc", "0", "1000", "1e1", " 5", "5,", "5%%", "%", "gpu=5%", "startup=", "startup=5x", "=5"}) {
    CompareOptions options;
    Status status = parse_thresholds(text, options);
    EXPECT_FALSE(status.ok()) << "'" << text << "'";
  }
  CompareOptions options;
  EXPECT_EQ(parse_thresholds("5x", options).error().message,
            "--threshold: '5x' is not a percentage (expected a number such as 5 or 5%)");
  EXPECT_EQ(parse_thresholds("-3", options).error().message,
            "--threshold: '-3' is not a percentage (expected a number such as 5 or 5%)");
  EXPECT_EQ(parse_thresholds("1000", options).error().message, "--threshold: '1000' must be above 0% and below 1000%");
  EXPECT_NE(parse_thresholds("gpu=5%", options).error().message.find("unknown metric 'gpu'"), std::string::npos);
}

TEST(CompareMetrics, AreCheckedAndKeptOnceInTheirOrder) {
  EXPECT_FALSE(parse_metrics("startup,latency").ok());
  auto metrics = parse_metrics("cpu,startup,cpu");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(*metrics, (std::vector<std::string>{"cpu", "startup"}));
}

// --- results against results -----------------------------------------------------------------

// The gate's reason to exist: a known +10% startup regression, twenty low-noise runs a side,
// is caught at the threshold as a user types it.
TEST(CompareResults, ATenPercentStartupRegressionIsRegressedAtAThresholdOfFive) {
  ReportModel baseline = model_of(results_of(around(10, 20, 0.01)), "base.json");
  ReportModel current = model_of(results_of(around(11, 20, 0.01)), "new.json");
  for (const char* threshold : {"5", "5%", "startup=5"}) {
    Comparison comparison = compare_results(baseline, current, options_from(threshold));
    const MetricComparison* startup = row_for(comparison, "startup");
    ASSERT_NE(startup, nullptr) << threshold;
    EXPECT_EQ(startup->verdict, Verdict::kRegressed) << threshold << ": " << startup->reason;
    EXPECT_NEAR(startup->change, 0.10, 1e-9) << threshold;
    EXPECT_DOUBLE_EQ(startup->threshold, 0.05) << threshold;
    EXPECT_EQ(startup->reason, "10.0% beyond the 5.0% threshold, p < alpha") << threshold;
    EXPECT_TRUE(comparison.any_regressed()) << threshold;
  }
  // The same runs within a threshold of 15% for startup (and wall, 1 ms longer): a real
  // difference, not a regression.
  Comparison lenient = compare_results(baseline, current, options_from("startup=15,wall=15"));
  ASSERT_NE(row_for(lenient, "startup"), nullptr);
  EXPECT_EQ(row_for(lenient, "startup")->verdict, Verdict::kUnchanged) << row_for(lenient, "startup")->reason;
  EXPECT_FALSE(lenient.any_regressed());
}

TEST(CompareResults, ARegressionInOneMetricIsReportedAndTheOthersJudgedOnTheirOwn) {
  Comparison comparison = compare_results(model_of(results_of(around(4, 12)), "base.json"),
                                          model_of(results_of(around(5, 12)), "new.json"), CompareOptions{});
  const MetricComparison* startup = row_for(comparison, "startup");
  ASSERT_NE(startup, nullptr);
  EXPECT_EQ(startup->verdict, Verdict::kRegressed);
  EXPECT_EQ(startup->target, "isobench");
  EXPECT_EQ(startup->unit, "ms");
  const MetricComparison* cpu = row_for(comparison, "cpu");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->verdict, Verdict::kUnchanged);
  EXPECT_DOUBLE_EQ(cpu->baseline_median, 3.0) << "user + system";
  EXPECT_EQ(row_for(comparison, "memory"), nullptr) << "no memory figure on either side";
  EXPECT_TRUE(comparison.any_regressed());
  EXPECT_TRUE(comparison.environment_warnings.empty());
  EXPECT_TRUE(comparison.unmatched.empty());
}

TEST(CompareResults, IdenticalResultsDoNotGate) {
  ReportModel baseline = model_of(results_of(around(4, 12)), "a.json");
  Comparison comparison = compare_results(baseline, baseline, CompareOptions{});
  EXPECT_FALSE(comparison.any_regressed());
  ASSERT_FALSE(comparison.rows.empty());
  for (const MetricComparison& row : comparison.rows) EXPECT_EQ(row.verdict, Verdict::kUnchanged) << row.metric;
}

TEST(CompareResults, MemoryIsTheWholeTargetsPeakFromTheMemoryRoundsInKib) {
  ResultsDocument before = results_of(around(4, 6)), after = results_of(around(4, 6));
  for (auto [document, kib] : {std::pair{&before, 4096.0}, std::pair{&after, 8192.0}})
    for (double peak : std::vector<double>(6, kib)) {
      bench::RunRecord memory = measured_run("isobench", "noop", 1, 0, 4);
      memory.memory_round = true;
      memory.tree_peak_kib = peak;
      memory.workload_peak_kib = 1024;
      document->results.records.push_back(memory);
    }
  Comparison comparison = compare_results(model_of(before, "a.json"), model_of(after, "b.json"), CompareOptions{});
  const MetricComparison* memory = row_for(comparison, "memory");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->unit, "KiB");
  EXPECT_DOUBLE_EQ(memory->baseline_median, 4096);
  EXPECT_DOUBLE_EQ(memory->current_median, 8192);
  EXPECT_EQ(memory->verdict, Verdict::kRegressed) << memory->reason;
}

TEST(CompareResults, FailedRunsAreLeftOutAndOnlyChosenMetricsCompared) {
  ResultsDocument with_failure = results_of(around(4, 6));
  with_failure.results.records[0].ok = false;
  with_failure.results.records[0].startup_ms = 1000;
  CompareOptions options;
  options.metrics = {"startup"};
  Comparison comparison =
      compare_results(model_of(with_failure, "f.json"), model_of(results_of(around(4, 6)), "g.json"), options);
  ASSERT_EQ(comparison.rows.size(), 1u) << "runs failing less than before is no \"runs\" row";
  EXPECT_EQ(comparison.rows[0].metric, "startup");
  EXPECT_EQ(comparison.rows[0].baseline_runs, 5u);
}

TEST(CompareResults, ACellWhoseEveryRunFailsNowIsARegressedRunsRow) {
  ResultsDocument current = results_of(around(4, 12));
  fail_every_run(current, "isobench", "crun: mount proc: Operation not permitted");
  Comparison comparison = compare_results(model_of(results_of(around(4, 12)), "base.json"),
                                          model_of(current, "new.json"), CompareOptions{});
  ASSERT_EQ(comparison.rows.size(), 1u) << "the failed runs give no figures to compare";
  const MetricComparison& runs = comparison.rows[0];
  EXPECT_EQ(runs.metric, "runs");
  EXPECT_EQ(runs.target, "isobench");
  EXPECT_EQ(runs.verdict, Verdict::kRegressed);
  EXPECT_EQ(runs.reason,
            "12 of 12 runs failed in new.json (0 of 12 before): crun: mount proc: Operation not permitted");
  EXPECT_TRUE(comparison.any_regressed());

  // The other way round it is no regression: the cell works again.
  Comparison repaired = compare_results(model_of(current, "base.json"), model_of(results_of(around(4, 12)), "new.json"),
                                        CompareOptions{});
  EXPECT_FALSE(repaired.any_regressed());
  EXPECT_EQ(row_for(repaired, "runs"), nullptr);
}

TEST(CompareResults, ATargetThatCannotRunAnyMoreIsARegressedRunsRow) {
  ResultsDocument current = results_of({});
  current.results.targets[0].available = false;
  current.results.targets[0].detail = "not installed (apt-get install crun)";
  Comparison comparison = compare_results(model_of(results_of(around(4, 12)), "base.json"),
                                          model_of(current, "new.json"), CompareOptions{});
  ASSERT_EQ(comparison.rows.size(), 1u);
  EXPECT_EQ(comparison.rows[0].metric, "runs");
  EXPECT_EQ(comparison.rows[0].verdict, Verdict::kRegressed);
  EXPECT_EQ(comparison.rows[0].reason, "the target cannot run in new.json: not installed (apt-get install crun)");
}

/// `count` memory rounds of the isobench noop cell: the whole target's peak `tree_kib`, the
/// workload's own `workload_kib`; failed (no figures) when `error` is given.
void add_memory_rounds(ResultsDocument& document, int count, double tree_kib, double workload_kib,
                       const std::string& error = "") {
  document.results.memory_runs = count;
  for (int round = 0; round < count; ++round) {
    bench::RunRecord memory = measured_run("isobench", "noop", 1, round, 4);
    memory.memory_round = true;
    memory.tree_peak_kib = tree_kib;
    memory.workload_peak_kib = workload_kib;
    if (!error.empty()) {
      memory.ok = false;
      memory.error = error;
      memory.tree_peak_kib = NAN;
    }
    document.results.records.push_back(memory);
  }
}

TEST(CompareResults, MemoryIsComparedLikeWithLikeWhenOnlyOneSideHasMemoryRounds) {
  // The baseline measured the whole target (40 MiB); the current ran no memory rounds and has
  // only the workload's own peak (1 MiB): that is no 97% improvement.
  ResultsDocument before = results_of(around(4, 6)), after = results_of(around(4, 6));
  add_memory_rounds(before, 6, 40960, 1024);
  for (bench::RunRecord& record : before.results.records) record.workload_peak_kib = 1024;
  for (bench::RunRecord& record : after.results.records) record.workload_peak_kib = 1024;
  for (auto [baseline, current] : {std::pair{&before, &after}, std::pair{&after, &before}}) {
    Comparison comparison =
        compare_results(model_of(*baseline, "a.json"), model_of(*current, "b.json"), CompareOptions{});
    const MetricComparison* memory = row_for(comparison, "memory");
    ASSERT_NE(memory, nullptr);
    EXPECT_DOUBLE_EQ(memory->baseline_median, 1024) << "the workload's own peak on both sides";
    EXPECT_DOUBLE_EQ(memory->current_median, 1024);
    EXPECT_EQ(memory->verdict, Verdict::kUnchanged) << memory->reason;
    bool noted = std::any_of(comparison.unmatched.begin(), comparison.unmatched.end(),
                             [](const std::string& line) { return line.find("whole target") != std::string::npos; });
    EXPECT_TRUE(noted) << "the whole target's peak, measured on one side only, is listed";
  }
}

TEST(CompareResults, MemoryRoundsThatFailNowAreARegressedRunsRow) {
  ResultsDocument before = results_of(around(4, 6)), after = results_of(around(4, 6));
  add_memory_rounds(before, 6, 4096, 1024);
  add_memory_rounds(after, 6, 0, 1024, "memory round: killed by the OOM killer");
  Comparison comparison = compare_results(model_of(before, "a.json"), model_of(after, "b.json"), CompareOptions{});
  const MetricComparison* runs = row_for(comparison, "runs");
  ASSERT_NE(runs, nullptr) << "every memory round failing is no pass";
  EXPECT_EQ(runs->verdict, Verdict::kRegressed);
  EXPECT_EQ(runs->reason, "6 of 6 memory runs failed in b.json (0 of 6 before): memory round: killed by the OOM killer");
  EXPECT_TRUE(comparison.any_regressed());
}

TEST(CompareResults, ACellAnInterruptionCutShortInCurrentIsARegressedRunsRow) {
  // Two of the six planned runs, six times slower: too few to judge, and the gate must not pass.
  ResultsDocument after = results_of({24, 25});
  after.results.runs = 6;
  after.results.interrupted = true;
  Comparison comparison =
      compare_results(model_of(results_of(around(4, 6)), "a.json"), model_of(after, "b.json"), CompareOptions{});
  const MetricComparison* runs = row_for(comparison, "runs");
  ASSERT_NE(runs, nullptr);
  EXPECT_EQ(runs->verdict, Verdict::kRegressed);
  EXPECT_EQ(runs->reason, "cut short in b.json (the benchmark was interrupted): 2 of 6 runs");
  EXPECT_TRUE(comparison.any_regressed());
}

TEST(CompareResults, AMetricMeasuredOnOneSideOnlyIsListedNotDroppedSilently) {
  ResultsDocument after = results_of(around(4, 6));
  for (bench::RunRecord& record : after.results.records) record.cpu_user_ms = record.cpu_system_ms = NAN;
  Comparison comparison =
      compare_results(model_of(results_of(around(4, 6)), "a.json"), model_of(after, "b.json"), CompareOptions{});
  EXPECT_EQ(row_for(comparison, "cpu"), nullptr);
  EXPECT_NE(std::find(comparison.unmatched.begin(), comparison.unmatched.end(),
                      "isobench noop x1 cpu: measured only in a.json"),
            comparison.unmatched.end())
      << ::testing::PrintToString(comparison.unmatched);
}

/// Three targets listed in no order, two workloads, two levels: cells in every order but the sorted one.
ResultsDocument scrambled(bool reversed) {
  ResultsDocument document;
  document.results.targets = {{"vm", "vm", true, "QEMU", {}, ""},
                              {"bare", "process", true, "host", {}, ""},
                              {"isobench", "container", true, "0.1.0", {}, ""}};
  document.results.workloads = {"noop", "cpu"};
  document.results.concurrency = {4, 1};
  for (const bench::TargetInfo& target : document.results.targets)
    for (const std::string& workload : document.results.workloads)
      for (int level : document.results.concurrency)
        for (int round = 0; round < 6; ++round)
          document.results.records.push_back(measured_run(target.name, workload, level, round, 1 + 0.01 * round));
  if (reversed) {
    std::reverse(document.results.targets.begin(), document.results.targets.end());
    std::reverse(document.results.records.begin(), document.results.records.end());
  }
  return document;
}

TEST(CompareResults, RowsAreSortedByTargetWorkloadConcurrencyAndMetricWhateverTheInputOrder) {
  ResultsDocument failing = scrambled(false);
  fail_every_run(failing, "bare", "boom");  // a "runs" row among the metrics' rows
  auto keys = [](const Comparison& comparison) {
    std::vector<std::string> found;
    for (const MetricComparison& row : comparison.rows)
      found.push_back(row.target + " " + row.workload + " x" + std::to_string(row.concurrency) + " " + row.metric);
    return found;
  };
  Comparison forward = compare_results(model_of(scrambled(false), "a.json"), model_of(failing, "b.json"), {});
  Comparison backward = compare_results(model_of(scrambled(true), "a.json"), model_of(failing, "b.json"), {});
  std::vector<std::string> expected;
  for (const char* workload : {"cpu", "noop"})
    for (int level : {1, 4})
      expected.push_back(std::string("bare ") + workload + " x" + std::to_string(level) + " runs");
  for (const char* target : {"isobench", "vm"})
    for (const char* workload : {"cpu", "noop"})
      for (int level : {1, 4})
        for (const char* metric : {"startup", "wall", "cpu"})
          expected.push_back(std::string(target) + " " + workload + " x" + std::to_string(level) + " " + metric);
  EXPECT_EQ(keys(forward), expected);
  EXPECT_EQ(keys(backward), expected);
}

TEST(CompareResults, DifferentEnvironmentsAreWarnedAboutFieldByField) {
  ResultsDocument before = results_of(around(4, 6), "6.1.0"), after = results_of(around(4, 6), "6.18.0");
  after.environment.cores = 4;
  after.environment.cpu_model = "Other CPU";  // empty in the baseline: nothing to compare it with
  Comparison comparison = compare_results(model_of(before, "a.json"), model_of(after, "b.json"), CompareOptions{});
  EXPECT_EQ(comparison.environment_warnings,
            (std::vector<std::string>{"kernel differs: \"6.1.0\" in a.json, \"6.18.0\" in b.json",
                                      "cores differs: \"2\" in a.json, \"4\" in b.json"}));
  Comparison same = compare_results(model_of(before, "a.json"), model_of(before, "c.json"), CompareOptions{});
  EXPECT_TRUE(same.environment_warnings.empty());
}

// --- the renderers -----------------------------------------------------------------------------

using testing::expect_golden;

/// isobench's startup 25% slower on another kernel, and crun, fine in the baseline, failing
/// every run now.
Comparison fixed_comparison() {
  auto with_crun = [](ResultsDocument document) {
    document.results.targets.insert(document.results.targets.begin(), {"crun", "container", true, "1.14", {}, ""});
    for (int round = 0; round < 12; ++round)
      document.results.records.push_back(measured_run("crun", "noop", 1, round, 6));
    return document;
  };
  ResultsDocument current = with_crun(results_of(around(5, 12)));
  fail_every_run(current, "crun", "crun: cannot mount proc");
  CompareOptions options;
  options.metrics = {"startup", "cpu"};
  return compare_results(model_of(with_crun(results_of(around(4, 12), "6.1.0")), "base.json"),
                         model_of(current, "new.json"), options);
}

TEST(CompareRender, MarkdownMatchesTheGoldenFile) {
  std::string markdown = render_compare_markdown(fixed_comparison());
  expect_golden(markdown, "compare_small.md");
  EXPECT_NE(markdown.find("### isobench compare: 2 regressed, 0 improved, 1 unchanged, 0 too noisy to tell"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| crun noop | runs |"), std::string::npos) << markdown;
}

TEST(CompareRender, JunitMatchesTheGoldenFileWithOneFailurePerRegression) {
  std::string xml = render_compare_junit(fixed_comparison());
  expect_golden(xml, "compare_small.junit.xml");
  EXPECT_NE(xml.find("<testsuites name=\"isobench compare\" tests=\"3\" failures=\"2\" errors=\"0\""),
            std::string::npos)
      << xml;
  size_t failures = 0;
  for (size_t at = xml.find("<failure message=\"regressed\">"); at != std::string::npos;
       at = xml.find("<failure message=\"regressed\">", at + 1))
    ++failures;
  EXPECT_EQ(failures, 2u) << xml;
}

/// A baseline with a crun cell the current results (results_of) lack.
ResultsDocument baseline_with_crun() {
  ResultsDocument baseline = results_of(around(4, 12));
  baseline.results.targets.push_back({"crun", "container", true, "1.14", {}, ""});
  for (int round = 0; round < 12; ++round) baseline.results.records.push_back(measured_run("crun", "noop", 1, round, 6));
  return baseline;
}

TEST(CompareResults, ACellTheCurrentResultsLackIsARegressedRunsRow) {
  // A target dropped or renamed must not pass the gate by vanishing.
  Comparison comparison = compare_results(model_of(baseline_with_crun(), "base.json"),
                                          model_of(results_of(around(4, 12)), "new.json"), CompareOptions{});
  const MetricComparison* row = nullptr;
  for (const MetricComparison& candidate : comparison.rows)
    if (candidate.target == "crun" && candidate.metric == "runs") row = &candidate;
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::kRegressed);
  EXPECT_NE(row->reason.find("not in new.json"), std::string::npos) << row->reason;
  EXPECT_TRUE(comparison.any_regressed());
}

TEST(CompareRender, JunitListsACellOnlyTheBaselineHasAsSkippedNotNothing) {
  // With --allow-missing the scenario changed on purpose: a CI's test list still shows it.
  CompareOptions options;
  options.allow_missing = true;
  Comparison comparison = compare_results(model_of(baseline_with_crun(), "base.json"),
                                          model_of(results_of(around(4, 12)), "new.json"), options);
  EXPECT_FALSE(comparison.any_regressed());
  ASSERT_EQ(comparison.unmatched.size(), 1u);
  std::string xml = render_compare_junit(comparison);
  EXPECT_NE(xml.find("name=\"crun noop x1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"not compared: only in base.json\""), std::string::npos) << xml;
}

TEST(CompareRender, TheTableNamesEveryVerdictAndWarning) {
  std::string table = render_compare_table(fixed_comparison());
  EXPECT_NE(table.find("regressed"), std::string::npos);
  EXPECT_NE(table.find("2 regressed, 0 improved, 1 unchanged, 0 too noisy to tell"), std::string::npos) << table;
  EXPECT_NE(table.find("warning: kernel differs"), std::string::npos) << table;
  EXPECT_NE(table.find("12 of 12 runs failed in new.json (0 of 12 before): crun: cannot mount proc"), std::string::npos)
      << table;
}

}  // namespace
}  // namespace isobench::reports
