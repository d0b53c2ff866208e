// `report --format gbench`: Google Benchmark's JSON field by field, in microseconds, the
// context as Google Benchmark describes a host, aggregates only, and cells that did not measure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/report_formats.h"
#include "tests/fakes/golden_file.h"
#include "tests/fakes/report_models.h"

namespace isobench::reports {
namespace {

using namespace test_models;
using testing::expect_golden;

// --- Google Benchmark JSON -------------------------------------------------------------------

TEST(ReportGbench, MatchesTheGoldenFile) {
  expect_golden(render_report_gbench(small_model()), "report_small.gbench.json");
}

TEST(ReportGbench, TheContextIsTheHostsAsGoogleBenchmarkDescribesIt) {
  Json context = Json::parse(render_report_gbench(small_model()))["context"];
  EXPECT_EQ(context["date"], "2025-01-02T03:04:05Z");
  EXPECT_EQ(context["host_name"], "testhost");
  EXPECT_EQ(context["num_cpus"], 2);
  EXPECT_EQ(context["mhz_per_cpu"], 2000);
  ASSERT_EQ(context["caches"].size(), 4u) << context;
  EXPECT_EQ(context["caches"][0], (Json{{"type", "Data"}, {"level", 1}, {"size", 32768}, {"num_sharing", 1}}));
  EXPECT_EQ(context["caches"][3], (Json{{"type", "Unified"}, {"level", 3}, {"size", 8388608}, {"num_sharing", 2}}));
  EXPECT_TRUE(context["library_build_type"].is_string()) << context;
}

TEST(ReportGbench, IsGoogleBenchmarkJsonFieldByFieldInMicroseconds) {
  std::string text = render_report_gbench(small_model());
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_FALSE(contains(text, bad)) << bad << "\n" << text;
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  ASSERT_TRUE(doc["benchmarks"].is_array());
  std::map<std::string, std::vector<size_t>> repetition_indexes;  // run_name -> iteration rows' indexes
  std::map<std::string, std::multiset<std::string>> aggregates;   // run_name -> aggregate names
  std::map<std::string, size_t> repetitions;
  for (const Json& row : doc["benchmarks"]) {
    for (const char* key : {"name", "run_name", "run_type", "time_unit"})
      ASSERT_TRUE(row.contains(key) && row[key].is_string()) << key << " in " << row;
    for (const char* key : {"repetitions", "real_time", "cpu_time"})
      ASSERT_TRUE(row.contains(key) && row[key].is_number()) << key << " in " << row;
    EXPECT_EQ(row["time_unit"], "us") << row;
    std::string run_name = row["run_name"];
    size_t count = row["repetitions"];
    if (repetitions.count(run_name)) {
      EXPECT_EQ(repetitions[run_name], count) << row;
    }
    repetitions[run_name] = count;
    if (row["run_type"] == "iteration") {
      EXPECT_EQ(row["name"], run_name) << row;
      ASSERT_TRUE(row.contains("repetition_index") && row["repetition_index"].is_number_unsigned()) << row;
      repetition_indexes[run_name].push_back(row["repetition_index"].get<size_t>());
    } else {
      EXPECT_EQ(row["run_type"], "aggregate") << row;
      ASSERT_TRUE(row.contains("aggregate_name") && row["aggregate_name"].is_string()) << row;
      std::string aggregate = row["aggregate_name"];
      EXPECT_EQ(row["name"], run_name + "_" + aggregate) << row;
      EXPECT_EQ(row["aggregate_unit"], aggregate == "cv" ? "percentage" : "time") << row;
      aggregates[run_name].insert(aggregate);
    }
  }
  EXPECT_EQ(repetitions.size(), 18u) << "3 targets that ran x 2 workloads x startup, wall and workload";
  EXPECT_EQ(repetitions.count("crun/noop/startup"), 0u) << "an unavailable target has no benchmark";
  for (const auto& [run_name, count] : repetitions) {
    std::vector<size_t> expected(count);
    for (size_t i = 0; i < count; ++i) expected[i] = i;
    EXPECT_EQ(repetition_indexes[run_name], expected) << run_name;
    EXPECT_EQ(aggregates[run_name], (std::multiset<std::string>{"mean", "median", "stddev", "cv"})) << run_name;
    EXPECT_EQ(count, 6u) << run_name << ": six successful runs, the failed one left out";
  }
}

std::map<std::string, Json> aggregates_by_name(const Json& doc) {
  std::map<std::string, Json> by_name;
  for (const Json& row : doc["benchmarks"])
    if (row["run_type"] == "aggregate") by_name[row["name"]] = row;
  return by_name;
}

TEST(ReportGbench, FiguresAreTheRunsInMicrosecondsAndCpuTimeIsTheRunsCpuTime) {
  Json doc = Json::parse(render_report_gbench(small_model()));
  std::map<std::string, Json> by_name = aggregates_by_name(doc);
  ASSERT_TRUE(by_name.count("isobench/noop/startup_median"));
  EXPECT_DOUBLE_EQ(by_name["isobench/noop/startup_median"]["real_time"].get<double>(), 4500);
  EXPECT_DOUBLE_EQ(by_name["isobench/noop/startup_median"]["cpu_time"].get<double>(), 0)
      << "startup has no CPU time of its own";
  EXPECT_DOUBLE_EQ(by_name["vm/noop/startup_mean"]["real_time"].get<double>(), 425000);
  ASSERT_TRUE(by_name.count("bare/cpu/wall_median"));
  // wall's cpu_time is the same runs' CPU time (user + system).
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/wall_median"]["cpu_time"].get<double>(), (101.25 + 0.5) * 1000);
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/wall_median"]["real_time"].get<double>(), (1.25 + 102.5 + 1.0) * 1000);
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/workload_median"]["cpu_time"].get<double>(), 0);
  // cv is a fraction, not a time: the workload's 0.25 ms never varies on noop.
  EXPECT_DOUBLE_EQ(by_name["bare/noop/workload_cv"]["real_time"].get<double>(), 0);
  EXPECT_GT(by_name["vm/noop/startup_cv"]["real_time"].get<double>(), 0);
  EXPECT_LT(by_name["vm/noop/startup_cv"]["real_time"].get<double>(), 1);
  // Each wall row's cpu_time is its own run's: isobench cpu round r used 100 + 0.5 r + 2 ms.
  size_t runs = 0;
  for (const Json& row : doc["benchmarks"]) {
    if (row["run_type"] != "iteration" || row["run_name"] != "isobench/cpu/wall") continue;
    ++runs;
    EXPECT_NEAR(row["cpu_time"].get<double>(), 1000 * (100.0 + 2.0) + 500 * row["repetition_index"].get<double>(), 1e-6)
        << row;
  }
  EXPECT_EQ(runs, 6u);
}

TEST(ReportGbench, AggregatesOnlyHasTheAggregateRowsAlone) {
  Json full = Json::parse(render_report_gbench(small_model()));
  Json aggregates = Json::parse(render_report_gbench(small_model(), true));
  EXPECT_EQ(aggregates["context"], full["context"]);
  ASSERT_EQ(aggregates["benchmarks"].size(), 18u * 4) << "mean, median, stddev and cv of each benchmark";
  for (const Json& row : aggregates["benchmarks"]) {
    EXPECT_EQ(row["run_type"], "aggregate") << row;
    std::string name = row["name"];
    EXPECT_TRUE(name.ends_with("_mean") || name.ends_with("_median") || name.ends_with("_stddev") ||
                name.ends_with("_cv"))
        << name;
  }
  EXPECT_EQ(aggregates_by_name(aggregates), aggregates_by_name(full)) << "the same aggregates";
}

TEST(ReportGbench, ASingleRunStillHasNoNaN) {
  Json doc = testing::small_results_document({"noop"});
  Json runs = Json::array();
  runs.push_back(doc["runs"][0]);  // one bare noop run
  doc["runs"] = runs;
  std::string text = render_report_gbench(model_of(doc, "one.json"));
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_FALSE(contains(text, bad)) << bad << "\n" << text;
  Json parsed_back = Json::parse(text, nullptr, false);
  ASSERT_TRUE(parsed_back.is_object()) << text;
  EXPECT_EQ(parsed_back["benchmarks"].size(), 3u * (1 + 4)) << "startup, wall, workload: one run and 4 aggregates";
}

TEST(ReportGbench, ACellWhoseEveryRunFailedHasNoBenchmark) {
  Json doc = Json::parse(render_report_gbench(model_of(with_isobench_cpu_failing(testing::small_results_document()))));
  for (const Json& row : doc["benchmarks"])
    EXPECT_FALSE(row["run_name"].get<std::string>().starts_with("isobench/cpu/")) << row;
  EXPECT_EQ(aggregates_by_name(doc).count("isobench/noop/startup_median"), 1u);
}

TEST(ReportGbench, ACellThatDidNotMeasureInFullIsNamedWithItsErrorInTheContext) {
  // No benchmark row for it (charting tools would plot a 0), but the file does not hide it.
  Json doc = Json::parse(render_report_gbench(model_of(with_isobench_cpu_failing(testing::small_results_document()))));
  ASSERT_TRUE(doc["context"].contains("isobench_problems")) << doc["context"];
  const Json& problems = doc["context"]["isobench_problems"];
  ASSERT_EQ(problems.size(), 3u) << problems;
  EXPECT_EQ(problems[0], "isobench cpu: every run failed (7/7): crun: cannot mount proc: Operation not permitted (x9)");
  EXPECT_EQ(problems[1], "crun noop: not available here: not installed (apt-get install crun)");
}

}  // namespace
}  // namespace isobench::reports
