// The results codec's writer (reports/results_codec): it names its schema, never writes NaN,
// lists every target and adds each cell's summary; its output matches a golden document.
#include "reports/results_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/fakes/results_documents.h"

namespace isobench::reports {
namespace {

using namespace codec_documents;

Json written(const ResultsDocument& document, std::string* text = nullptr) {
  std::string dumped = encoded(document);
  if (text) *text = dumped;
  Json parsed = Json::parse(dumped, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << dumped;
  return parsed;
}

TEST(ResultsCodecWriter, NamesItsSchemaAndEndsWithANewline) {
  std::string text;
  Json doc = written(full_document(), &text);
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  EXPECT_EQ(doc["schema"], kResultsSchema);
  EXPECT_TRUE(text.ends_with("}\n"));
}

TEST(ResultsCodecWriter, HasNoNaNAnywhereAndMissingFiguresAreNull) {
  std::string text;
  Json doc = written(full_document(), &text);
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_EQ(text.find(bad), std::string::npos) << bad;
  const Json& timed_out = doc["runs"][2];
  EXPECT_TRUE(timed_out["startup_ms"].is_null()) << timed_out;
  EXPECT_TRUE(timed_out["cpu_user_ms"].is_null()) << timed_out;
  EXPECT_TRUE(timed_out["wall_ms"].is_number()) << timed_out;
}

TEST(ResultsCodecWriter, ListsEveryTargetWithAVersionOrTheReasonItWasSkipped) {
  Json doc = written(full_document());
  ASSERT_EQ(doc["targets"].size(), 4u);
  EXPECT_EQ(doc["targets"][1], (Json{{"name", "isobench"},
                                     {"kind", "container"},
                                     {"available", true},
                                     {"version", "0.1.0+abc123"},
                                     {"notes", {"runs crun's private mount namespace on this hybrid host"}}}));
  EXPECT_EQ(doc["targets"][2]["kvm"], "usable (booted in 0.4 s)");
  EXPECT_FALSE(doc["targets"][0].contains("kvm")) << "only a vm target has a KVM verdict";
  const Json& crun = doc["targets"][3];
  EXPECT_EQ(crun["available"], false);
  EXPECT_EQ(crun["skipped_because"], "not installed (apt-get install crun)");
  EXPECT_FALSE(crun.contains("version"));
}

TEST(ResultsCodecWriter, FailedRunsSayWhyAndOnlyMemoryRoundsCarryTheWholeTargetsPeak) {
  Json doc = written(full_document());
  const Json& runs = doc["runs"];
  EXPECT_EQ(runs[2]["timed_out"], true);
  EXPECT_EQ(runs[2]["error"], "timed out");
  EXPECT_FALSE(runs[0].contains("timed_out"));
  EXPECT_FALSE(runs[0].contains("error"));
  EXPECT_EQ(runs[0]["report"], (Json{{"workload", "noop"}, {"elapsed_ns", 1200}, {"vm_hwm_kib", 1024}}));
  EXPECT_FALSE(runs[1].contains("report")) << "no report line, no field";
  EXPECT_FALSE(runs[0].contains("memory_round"));
  EXPECT_FALSE(runs[0].contains("tree_peak_kib"));
  EXPECT_EQ(runs[5]["memory_round"], true);
  EXPECT_DOUBLE_EQ(runs[5]["tree_peak_kib"].get<double>(), 2048);
  EXPECT_TRUE(runs[6]["tree_peak_kib"].is_null()) << "a memory round that measured nothing says so";
  EXPECT_TRUE(runs[0]["probes"].is_object());
  EXPECT_FALSE(runs[1].contains("probes"));
}

TEST(ResultsCodecWriter, CapturedOutputThatIsNotUtf8IsReplacedNotAThrow) {
  ResultsDocument document = full_document();
  document.results.records[1].error = "bad byte \xff here";
  std::string text;
  ASSERT_NO_THROW(text = encoded(document));
  ResultsDocument back = decoded(text);
  EXPECT_EQ(back.results.records[1].error, "bad byte \xEF\xBF\xBD here") << "U+FFFD";
}

TEST(ResultsCodecWriter, HasOneSummaryPerCellUnavailableAndUnrunCellsIncluded) {
  Json doc = written(full_document());
  // 4 targets x 2 workloads x 2 levels, in the order given.
  ASSERT_EQ(doc["summaries"].size(), 16u);
  const Json& first = doc["summaries"][0];
  EXPECT_EQ(first["target"], "bare");
  EXPECT_EQ(first["workload"], "noop");
  EXPECT_EQ(first["concurrency"], 1);
  EXPECT_EQ(first["status"], "measured");
  EXPECT_TRUE(first["probes"].is_object()) << "the probed run's aggregate";
  const Json& isobench = doc["summaries"][4];
  EXPECT_EQ(isobench["target"], "isobench");
  EXPECT_EQ(isobench["status"], "failed");
  EXPECT_EQ(isobench["runs"], 2);
  EXPECT_EQ(isobench["failures"], 2);
  EXPECT_EQ(isobench["errors"], (Json{{{"error", "crun: mount `/proc`: Operation not permitted"}, {"runs", 1}},
                                      {{"error", "timed out"}, {"runs", 1}}}));
  EXPECT_EQ(doc["summaries"][5]["status"], "not run") << "isobench noop x2: the interruption came first";
  const Json& crun = doc["summaries"][12];
  EXPECT_EQ(crun["target"], "crun");
  EXPECT_EQ(crun["status"], "unavailable");
  EXPECT_EQ(crun["errors"], (Json{{{"error", "not installed (apt-get install crun)"}, {"runs", 0}}}));
}

TEST(ResultsCodecWriter, SummariesCarryStatisticsAndTheRatioAgainstBare) {
  ResultsDocument document;
  document.results.targets = {{"bare", "process", true, "host kernel", {}, ""},
                              {"isobench", "container", true, "0.1.0", {}, ""}};
  document.results.workloads = {"noop"};
  document.results.concurrency = {1};
  for (int round = 0; round < 3; ++round) {
    document.results.records.push_back(run("bare", "noop", round, 1 + round, 10));
    document.results.records.push_back(run("isobench", "noop", round, 3 + 3 * round, 20));
  }
  Json doc = written(document);
  const Json& isobench = doc["summaries"][1];
  const Json* startup = nullptr;
  for (const Json& metric : isobench["metrics"])
    if (metric["metric"] == "startup_ms") startup = &metric;
  ASSERT_NE(startup, nullptr) << isobench;
  // isobench's startups are 3, 6 and 9 ms; bare's 1, 2 and 3 ms.
  EXPECT_EQ((*startup)["count"], 3);
  EXPECT_DOUBLE_EQ((*startup)["median"].get<double>(), 6);
  EXPECT_DOUBLE_EQ((*startup)["ratio_vs_bare"].get<double>(), 3);
  for (const char* field : {"mean", "stddev", "min", "max", "p90", "p95", "p99", "mad"})
    EXPECT_TRUE((*startup)[field].is_number()) << field;
  ASSERT_EQ((*startup)["median_ci95"].size(), 2u);
  ASSERT_EQ((*startup)["ratio_vs_bare_ci95"].size(), 2u);
  EXPECT_TRUE((*startup)["warnings"].is_array());
}

/// tests/unit/golden/NAME, next to this file.
std::string golden_path(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "golden" / name).string();
}

// A golden document: one run of bare and one of isobench, crun unavailable. Field order and
// naming are the schema (docs/results-schema.md); a change here is a schema change. After an
// intended change, regenerate with ISOBENCH_UPDATE_GOLDEN=1 and review the diff.
TEST(ResultsCodecWriter, MatchesTheGoldenDocument) {
  ResultsDocument document;
  document.environment.kernel = "6.1.0";
  document.environment.cores = 2;
  document.environment.caches = {{"Unified", 2, 1048576, 2}};
  document.environment.command = {"isobench", "bench", "--runs", "1"};
  document.settings.targets = {"bare", "isobench", "crun"};
  document.settings.sources = {{"runs", kFromCommandLine}, {"warmup", kFromDefault}};
  BenchmarkResults& results = document.results;
  results.targets = {{"bare", "process", true, "host kernel", {}, ""},
                     {"isobench", "container", true, "0.1.0", {"a note for the reader"}, ""},
                     {"crun", "container", false, "needs root", {}, ""}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  results.runs = 1;
  results.warmup = 0;
  RunRecord bare = run("bare", "noop", 0, 10, 20);
  bare.report = Json{{"workload", "noop"}};
  RunRecord isobench = run("isobench", "noop", 0, 25, 40);
  results.records = {bare, isobench};
  for (RunRecord& record : results.records) record.cpu_user_ms = record.cpu_system_ms = NAN;
  std::string text = encoded(document);

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
