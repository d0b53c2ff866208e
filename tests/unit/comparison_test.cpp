// isobench compare's logic on synthetic results: a clear regression, identical runs, too
// few or too spread-out samples, thresholds, environment warnings; the results reader's
// errors; and the renderers (Markdown and JUnit against golden files).
#include "reports/comparison.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/compare_render.h"
#include "reports/results_reader.h"

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

/// A results document with one cell whose startup samples are `startup`.
std::string results_text(const std::vector<double>& startup, const std::string& kernel = "6.18.0") {
  nlohmann::json doc = {{"schema", "isobench-results/1"},
                        {"environment", {{"kernel", kernel}, {"cgroup_mode", "hybrid"}}},
                        {"runs", nlohmann::json::array()}};
  for (double value : startup)
    doc["runs"].push_back({{"target", "isobench"},
                           {"workload", "noop"},
                           {"concurrency", 1},
                           {"ok", true},
                           {"startup_ms", value},
                           {"wall_ms", value + 1},
                           {"cpu_user_ms", 1.0},
                           {"cpu_system_ms", 2.0}});
  return doc.dump();
}

LoadedResults parsed(const std::string& text, const std::string& name) {
  auto results = parse_results(text, name);
  EXPECT_TRUE(results.ok()) << (results ? "" : results.error().text());
  return results ? *results : LoadedResults{};
}

const MetricComparison* row_for(const Comparison& comparison, const std::string& metric) {
  for (const MetricComparison& row : comparison.rows)
    if (row.metric == metric) return &row;
  return nullptr;
}

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

TEST(CompareThresholds, PercentFractionAndPerMetricValues) {
  CompareOptions options;
  ASSERT_TRUE(parse_thresholds("10%", options).ok());
  EXPECT_DOUBLE_EQ(options.threshold, 0.10);
  ASSERT_TRUE(parse_thresholds("0.02,memory=3%", options).ok());
  EXPECT_DOUBLE_EQ(options.threshold, 0.02);
  EXPECT_DOUBLE_EQ(options.threshold_for("memory"), 0.03);
  EXPECT_DOUBLE_EQ(options.threshold_for("startup"), 0.02);
}

TEST(CompareThresholds, BadValuesAndUnknownMetricsAreErrors) {
  CompareOptions options;
  for (const char* text : {"", "abc", "-5%", "0", "gpu=5%", "startup=", "5%%"}) {
    Status status = parse_thresholds(text, options);
    EXPECT_FALSE(status.ok()) << text;
  }
  auto status = parse_thresholds("gpu=5%", options);
  EXPECT_NE(status.error().message.find("unknown metric 'gpu'"), std::string::npos);
  EXPECT_FALSE(parse_metrics("startup,latency").ok());
  auto metrics = parse_metrics("cpu,startup,cpu");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(*metrics, (std::vector<std::string>{"cpu", "startup"}));
}

TEST(CompareResults, ARegressionInOneMetricIsReportedAndGates) {
  LoadedResults baseline = parsed(results_text(around(4, 12)), "base.json");
  LoadedResults current = parsed(results_text(around(5, 12)), "new.json");
  Comparison comparison = compare_results(baseline, current, CompareOptions{});
  const MetricComparison* startup = row_for(comparison, "startup");
  ASSERT_NE(startup, nullptr);
  EXPECT_EQ(startup->verdict, Verdict::kRegressed);
  EXPECT_EQ(startup->target, "isobench");
  EXPECT_EQ(startup->unit, "ms");
  const MetricComparison* cpu = row_for(comparison, "cpu");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->verdict, Verdict::kUnchanged);
  EXPECT_DOUBLE_EQ(cpu->baseline_median, 3.0);  // user + system
  EXPECT_EQ(row_for(comparison, "memory"), nullptr) << "no memory figure on either side";
  EXPECT_TRUE(comparison.any_regressed());
  EXPECT_TRUE(comparison.environment_warnings.empty());
}

TEST(CompareResults, IdenticalResultsDoNotGate) {
  LoadedResults baseline = parsed(results_text(around(4, 12)), "a.json");
  Comparison comparison = compare_results(baseline, baseline, CompareOptions{});
  EXPECT_FALSE(comparison.any_regressed());
  for (const MetricComparison& row : comparison.rows) EXPECT_EQ(row.verdict, Verdict::kUnchanged) << row.metric;
}

TEST(CompareResults, DifferentEnvironmentsAreWarnedAbout) {
  LoadedResults baseline = parsed(results_text(around(4, 6), "6.1.0"), "a.json");
  LoadedResults current = parsed(results_text(around(4, 6), "6.18.0"), "b.json");
  Comparison comparison = compare_results(baseline, current, CompareOptions{});
  ASSERT_EQ(comparison.environment_warnings.size(), 1u);
  EXPECT_NE(comparison.environment_warnings[0].find("kernel differs"), std::string::npos);
}

TEST(CompareResults, FailedRunsAreLeftOutAndOnlyChosenMetricsCompared) {
  nlohmann::json doc = nlohmann::json::parse(results_text(around(4, 6)));
  doc["runs"][0]["ok"] = false;
  doc["runs"][0]["startup_ms"] = 1000;
  LoadedResults with_failure = parsed(doc.dump(), "f.json");
  CompareOptions options;
  options.metrics = {"startup"};
  Comparison comparison = compare_results(with_failure, parsed(results_text(around(4, 6)), "g.json"), options);
  ASSERT_EQ(comparison.rows.size(), 1u);
  EXPECT_EQ(comparison.rows[0].baseline_runs, 5u);
}

TEST(ResultsReader, BadFilesAreErrorsNamingTheFileAndTheProblem) {
  struct Case {
    std::string text;
    std::string problem;
  };
  for (const Case& c : {Case{"", "empty file"}, Case{"{\"schema\": \"isobench-res", "not valid JSON (truncated?)"},
                        Case{"[1,2]", "expected a JSON object"}, Case{"{}", "no \"schema\""},
                        Case{"{\"schema\": \"isobench-results/9\", \"runs\": []}", "is not one this isobench reads"},
                        Case{"{\"schema\": \"isobench-results/1\", \"runs\": []}", "no runs"},
                        Case{"{\"schema\": \"isobench-results/1\", \"runs\": [3]}", "runs[0] is not an object"}}) {
    auto results = parse_results(c.text, "in.json");
    ASSERT_FALSE(results.ok()) << c.text;
    EXPECT_EQ(results.error().message.rfind("in.json: ", 0), 0u) << results.error().message;
    EXPECT_NE(results.error().message.find(c.problem), std::string::npos) << results.error().message;
  }
}

// isobench compare must not judge a regression on figures no run can give.
TEST(ResultsReader, FiguresNoMeasurementGivesAreBadInputNamingTheField) {
  struct Case {
    nlohmann::json value;
    std::string problem;
  };
  for (const Case& c : {Case{1e308, "in.json: runs[2].startup_ms is 1e+308: not a measurement (expected 0 to 1e9 ms)"},
                        Case{-1, "in.json: runs[2].startup_ms is -1: not a measurement"},
                        Case{nullptr, "in.json: runs[2].startup_ms is null in a successful run"},
                        Case{"4", "in.json: runs[2].startup_ms is not a number"}}) {
    nlohmann::json doc = nlohmann::json::parse(results_text(around(4, 6)));
    doc["runs"][2]["startup_ms"] = c.value;
    auto results = parse_results(doc.dump(), "in.json");
    ASSERT_FALSE(results.ok()) << c.value;
    EXPECT_EQ(results.error().message.rfind(c.problem, 0), 0u) << results.error().message;
  }
  nlohmann::json memory = nlohmann::json::parse(results_text(around(4, 6)));
  memory["runs"][0]["tree_peak_kib"] = 1e13;
  EXPECT_FALSE(parse_results(memory.dump(), "in.json").ok());
}

TEST(ResultsReader, NullIsNotMeasuredWhereNoMeasurementWasDue) {
  nlohmann::json doc = nlohmann::json::parse(results_text(around(4, 6)));
  doc["runs"][0]["ok"] = false;  // a failed run measured nothing
  doc["runs"][0]["startup_ms"] = nullptr;
  doc["runs"][0]["wall_ms"] = nullptr;
  doc["runs"][1]["workload_ms"] = nullptr;  // decorations may be missing
  doc["runs"].push_back({{"target", "isobench"},
                         {"workload", "cmd"},
                         {"ok", true},
                         {"startup_ms", nullptr},
                         {"wall_ms", 3.0}});  // --cmd takes no part in the start handshake
  auto results = parse_results(doc.dump(), "in.json");
  EXPECT_TRUE(results.ok()) << results.error().text();
}

TEST(ResultsReader, DeepRunsAreRefusedNotACrash) {
  std::string deep =
      R"({"schema": "isobench-results/1", "runs": [)" + std::string(60000, '[') + std::string(60000, ']') + "]}";
  auto results = parse_results(deep, "deep.json");
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.error().message,
            "deep.json: nested deeper than 64 levels at byte 105 (the limit of a results file)");
}

TEST(ResultsReader, ALongSchemaIsQuotedCutShort) {
  auto results = parse_results(R"({"schema": ")" + std::string(100000, 'x') + R"("})", "in.json");
  ASSERT_FALSE(results.ok());
  EXPECT_LT(results.error().message.size(), 200u) << results.error().message.substr(0, 300);
}

/// tests/unit/golden/NAME next to this file; ISOBENCH_UPDATE_GOLDEN=1 rewrites it.
void expect_golden(const std::string& text, const std::string& name) {
  std::string path = (std::filesystem::path(__FILE__).parent_path() / "golden" / name).string();
  if (std::getenv("ISOBENCH_UPDATE_GOLDEN")) std::ofstream(path) << text;
  std::ifstream file(path);
  std::stringstream golden;
  golden << file.rdbuf();
  EXPECT_EQ(text, golden.str()) << "differs from " << path;
}

Comparison fixed_comparison() {
  LoadedResults baseline = parsed(results_text(around(4, 12), "6.1.0"), "base.json");
  LoadedResults current = parsed(results_text(around(5, 12)), "new.json");
  CompareOptions options;
  options.metrics = {"startup", "cpu"};
  return compare_results(baseline, current, options);
}

TEST(CompareRender, MarkdownMatchesTheGoldenFile) {
  expect_golden(render_compare_markdown(fixed_comparison()), "compare_small.md");
}

TEST(CompareRender, JunitMatchesTheGoldenFileWithOneFailurePerRegression) {
  std::string xml = render_compare_junit(fixed_comparison());
  expect_golden(xml, "compare_small.junit.xml");
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"regressed\">"), std::string::npos);
}

TEST(CompareRender, TheTableNamesEveryVerdictAndWarning) {
  std::string table = render_compare_table(fixed_comparison());
  EXPECT_NE(table.find("regressed"), std::string::npos);
  EXPECT_NE(table.find("1 regressed, 0 improved, 1 unchanged, 0 too noisy to tell"), std::string::npos) << table;
  EXPECT_NE(table.find("warning: kernel differs"), std::string::npos) << table;
}

}  // namespace
}  // namespace isobench::reports
