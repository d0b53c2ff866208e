// results_to_json: the isobench-results/1 document. Every raw run, the per-cell statistics,
// every requested target (with the reason when skipped), and never a NaN: unknown is null.
#include "reports/results_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace isobench::reports {
namespace {

using bench::BenchmarkResults;
using bench::RunRecord;
using Json = nlohmann::json;

RunRecord run(const std::string& target, int round, double startup_ms, double wall_ms) {
  RunRecord record;
  record.target = target;
  record.workload = "noop";
  record.round = round;
  record.ok = true;
  record.startup_ms = startup_ms;
  record.wall_ms = wall_ms;
  record.cpu_user_ms = 1;
  record.cpu_system_ms = 0.5;
  return record;
}

/// bare and isobench with three runs each (one of isobench's failed), crun not installed.
BenchmarkResults sample_results() {
  BenchmarkResults results;
  results.targets = {{"bare", "process", true, "host kernel"},
                     {"isobench", "container", true, "0.1.0+abc"},
                     {"crun", "container", false, "not installed (apt-get install crun)"}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  results.runs = 3;
  results.warmup = 1;
  for (int round = 0; round < 3; ++round) {
    results.records.push_back(run("bare", round, 1 + round, 10 + round));
    results.records.push_back(run("isobench", round, 5 + round, 20 + round));
  }
  RunRecord& failed = results.records[3];  // isobench, round 1
  failed.ok = false;
  failed.exit_code = 137;
  failed.timed_out = true;
  failed.error = "timed out";
  failed.startup_ms = NAN;
  results.records[0].report = Json{{"workload", "noop"}, {"elapsed_ns", 1200}};
  results.records[0].workload_ms = 0.0012;
  return results;
}

/// Serializes and parses back, as a reader of the file would see it.
Json round_trip(const BenchmarkResults& results, std::string* text = nullptr) {
  std::string dumped =
      results_to_json(results, summarize_cells(results), Json{{"kernel", "6.1.0"}, {"cores", 2}}).dump(2);
  if (text) *text = dumped;
  Json parsed = Json::parse(dumped, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << dumped;
  return parsed;
}

TEST(ResultsJson, NamesItsSchema) {
  Json doc = round_trip(sample_results());
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  EXPECT_EQ(doc["schema"], kResultsSchema);
}

TEST(ResultsJson, CarriesTheEnvironmentAsGiven) {
  Json doc = round_trip(sample_results());
  EXPECT_EQ(doc["environment"], (Json{{"kernel", "6.1.0"}, {"cores", 2}}));
}

TEST(ResultsJson, CarriesTheSettings) {
  BenchmarkResults results = sample_results();
  results.memory_runs = 2;
  Json doc = round_trip(results);
  EXPECT_EQ(doc["settings"]["memory_runs"], 2);
  EXPECT_EQ(doc["settings"]["runs"], 3);
  EXPECT_EQ(doc["settings"]["warmup"], 1);
  EXPECT_EQ(doc["settings"]["concurrency"], Json({1}));
  EXPECT_EQ(doc["settings"]["workloads"], Json({"noop"}));
}

TEST(ResultsJson, ListsEveryTargetWithAVersionOrTheReasonItWasSkipped) {
  Json doc = round_trip(sample_results());
  ASSERT_EQ(doc["targets"].size(), 3u);
  EXPECT_EQ(doc["targets"][0],
            (Json{{"name", "bare"}, {"kind", "process"}, {"available", true}, {"version", "host kernel"}}));
  const Json& crun = doc["targets"][2];
  EXPECT_EQ(crun["name"], "crun");
  EXPECT_EQ(crun["available"], false);
  EXPECT_EQ(crun["skipped_because"], "not installed (apt-get install crun)");
  EXPECT_FALSE(crun.contains("version"));
}

TEST(ResultsJson, HasNoNaNAnywhere) {
  std::string text;
  Json doc = round_trip(sample_results(), &text);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(text.find("NaN"), std::string::npos) << text;
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  EXPECT_EQ(text.find("Infinity"), std::string::npos) << text;
}

TEST(ResultsJson, MissingNumbersAreNull) {
  Json doc = round_trip(sample_results());
  const Json& failed = doc["runs"][3];
  EXPECT_TRUE(failed["startup_ms"].is_null()) << failed;
  EXPECT_TRUE(failed["workload_ms"].is_null()) << failed;
  EXPECT_TRUE(failed["workload_peak_kib"].is_null()) << failed;
  EXPECT_TRUE(failed["wall_ms"].is_number()) << failed;
}

TEST(ResultsJson, KeepsEveryRawRunInOrder) {
  BenchmarkResults results = sample_results();
  Json doc = round_trip(results);
  ASSERT_EQ(doc["runs"].size(), results.records.size());
  for (size_t i = 0; i < results.records.size(); ++i) {
    const Json& run = doc["runs"][i];
    const RunRecord& record = results.records[i];
    EXPECT_EQ(run["target"], record.target) << i;
    EXPECT_EQ(run["workload"], record.workload) << i;
    EXPECT_EQ(run["concurrency"], record.concurrency) << i;
    EXPECT_EQ(run["round"], record.round) << i;
    EXPECT_EQ(run["slot"], record.slot) << i;
    EXPECT_EQ(run["ok"], record.ok) << i;
    EXPECT_EQ(run["exit_code"], record.exit_code) << i;
    EXPECT_DOUBLE_EQ(run["wall_ms"].get<double>(), record.wall_ms) << i;
    EXPECT_DOUBLE_EQ(run["cpu_user_ms"].get<double>(), record.cpu_user_ms) << i;
    EXPECT_DOUBLE_EQ(run["cpu_system_ms"].get<double>(), record.cpu_system_ms) << i;
    EXPECT_TRUE(run["cpu_source"].is_string()) << i;
  }
}

TEST(ResultsJson, FailedRunsSayWhyAndSuccessfulOnesCarryTheirReport) {
  Json doc = round_trip(sample_results());
  const Json& failed = doc["runs"][3];
  EXPECT_EQ(failed["timed_out"], true);
  EXPECT_EQ(failed["error"], "timed out");
  EXPECT_FALSE(failed.contains("report"));

  const Json& reported = doc["runs"][0];
  EXPECT_FALSE(reported.contains("timed_out"));
  EXPECT_FALSE(reported.contains("error"));
  EXPECT_EQ(reported["report"], (Json{{"workload", "noop"}, {"elapsed_ns", 1200}}));
  EXPECT_DOUBLE_EQ(reported["workload_ms"].get<double>(), 0.0012);
}

TEST(ResultsJson, OnlyMemoryRoundsCarryTheTreePeak) {
  BenchmarkResults results = sample_results();
  RunRecord memory = run("isobench", 0, 5, 20);
  memory.memory_round = true;
  memory.tree_peak_kib = 3072;
  RunRecord unmeasured = memory;
  unmeasured.tree_peak_kib = NAN;
  results.records.push_back(memory);
  results.records.push_back(unmeasured);
  std::string text;
  Json doc = round_trip(results, &text);
  const Json& runs = doc["runs"];
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_FALSE(runs[0].contains("memory_round"));
  EXPECT_FALSE(runs[0].contains("tree_peak_kib"));
  EXPECT_EQ(runs[6]["memory_round"], true);
  EXPECT_DOUBLE_EQ(runs[6]["tree_peak_kib"].get<double>(), 3072);
  EXPECT_TRUE(runs[7]["tree_peak_kib"].is_null());
  EXPECT_EQ(text.find("NaN"), std::string::npos) << text;
}

TEST(ResultsJson, HasOneSummaryPerCell) {
  Json doc = round_trip(sample_results());
  ASSERT_EQ(doc["summaries"].size(), 2u);
  const Json& isobench = doc["summaries"][1];
  EXPECT_EQ(isobench["target"], "isobench");
  EXPECT_EQ(isobench["workload"], "noop");
  EXPECT_EQ(isobench["concurrency"], 1);
  EXPECT_EQ(isobench["runs"], 3);
  EXPECT_EQ(isobench["failures"], 1);
}

TEST(ResultsJson, SummariesCarryStatisticsAndTheRatioAgainstBare) {
  Json doc = round_trip(sample_results());
  const Json& isobench = doc["summaries"][1];
  const Json* startup = nullptr;
  for (const Json& metric : isobench["metrics"])
    if (metric["metric"] == "startup_ms") startup = &metric;
  ASSERT_NE(startup, nullptr) << isobench;
  // isobench's successful startups are 5 and 7 ms; bare's 1, 2, 3 ms.
  EXPECT_EQ((*startup)["count"], 2);
  EXPECT_DOUBLE_EQ((*startup)["median"].get<double>(), 6);
  EXPECT_DOUBLE_EQ((*startup)["ratio_vs_bare"].get<double>(), 3);
  for (const char* field : {"mean", "stddev", "min", "max", "p90", "p95", "p99", "mad"})
    EXPECT_TRUE((*startup)[field].is_number()) << field;
  ASSERT_EQ((*startup)["median_ci95"].size(), 2u);
  ASSERT_EQ((*startup)["ratio_vs_bare_ci95"].size(), 2u);
  EXPECT_TRUE((*startup)["warnings"].is_array());
}

TEST(ResultsJson, RatioIsNullWithoutBare) {
  BenchmarkResults results = sample_results();
  results.targets.erase(results.targets.begin());
  std::erase_if(results.records, [](const RunRecord& record) { return record.target == "bare"; });
  std::string text;
  Json doc = round_trip(results, &text);
  ASSERT_EQ(doc["summaries"].size(), 1u);
  for (const Json& metric : doc["summaries"][0]["metrics"]) {
    EXPECT_TRUE(metric["ratio_vs_bare"].is_null()) << metric;
    EXPECT_EQ(metric["ratio_vs_bare_ci95"], Json({nullptr, nullptr})) << metric;
  }
  EXPECT_EQ(text.find("NaN"), std::string::npos) << text;
}

TEST(ResultsJson, NoRunsIsAValidDocumentWithEmptyLists) {
  BenchmarkResults results;
  results.targets = {{"crun", "container", false, "needs root"}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  Json doc = round_trip(results);
  EXPECT_EQ(doc["runs"], Json::array());
  EXPECT_EQ(doc["summaries"], Json::array());
  EXPECT_EQ(doc["targets"].size(), 1u);
}

/// tests/unit/golden/NAME, next to this file.
std::string golden_path(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "golden" / name).string();
}

// A golden document: one run of bare and one of isobench, crun skipped. Field order and
// naming are the schema (docs/results-schema.md); a change here is a schema change. After an
// intended change, regenerate with ISOBENCH_UPDATE_GOLDEN=1 and review the diff.
TEST(ResultsJson, MatchesTheGoldenDocument) {
  BenchmarkResults results;
  results.targets = {{"bare", "process", true, "host kernel"},
                     {"isobench", "container", true, "0.1.0"},
                     {"crun", "container", false, "needs root"}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  results.runs = 1;
  results.warmup = 0;
  RunRecord bare = run("bare", 0, 10, 20);
  bare.report = Json{{"workload", "noop"}};
  RunRecord isobench = run("isobench", 0, 25, 40);
  results.records = {bare, isobench};
  for (RunRecord& record : results.records) record.cpu_user_ms = record.cpu_system_ms = NAN;
  std::string text = results_to_json(results, summarize_cells(results), Json{{"kernel", "6.1.0"}}).dump(2) + "\n";

  const std::string path = golden_path("results_small.json");
  if (std::getenv("ISOBENCH_UPDATE_GOLDEN")) {
    std::ofstream(path) << text;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream file(path);
  ASSERT_TRUE(file) << "cannot read " << path;
  std::stringstream golden;
  golden << file.rdbuf();
  EXPECT_EQ(text, golden.str()) << "differs from " << path;
}

}  // namespace
}  // namespace isobench::reports
