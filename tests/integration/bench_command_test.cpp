// `isobench bench`: runs workloads under several targets, prints a table, writes the
// isobench-results/1 document, lists targets it cannot run with the reason, and refuses bad
// input before running anything, leaving nothing behind.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The parsed --json document at `path`; null (with a failure) when missing or not JSON.
Json results_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    ADD_FAILURE() << text.error().text();
    return Json();
  }
  Json doc = parse_json(*text);
  if (!doc.is_object()) ADD_FAILURE() << "not a JSON object:\n" << *text;
  if (contains(*text, "NaN")) ADD_FAILURE() << "NaN in the results document:\n" << *text;
  return doc;
}

/// The measured runs of a results document: memory rounds are untimed extras.
std::vector<Json> measured_runs(const Json& doc) {
  std::vector<Json> runs;
  for (const Json& run : doc["runs"])
    if (!run.value("memory_round", false)) runs.push_back(run);
  return runs;
}

const Json* metric_of(const Json& doc, const std::string& target, const std::string& metric) {
  for (const Json& summary : doc["summaries"])
    if (summary["target"] == target)
      for (const Json& entry : summary["metrics"])
        if (entry["metric"] == metric) return &entry;
  return nullptr;
}

/// One bench of bare and isobench on noop, shared by the tests that read its results. It
/// runs inside the first test, so that the fixture's leftover check covers it.
class BenchCommand : public IsobenchTest {
 protected:
  static void TearDownTestSuite() {
    delete run_;
    delete scratch_;
    run_ = nullptr;
    scratch_ = nullptr;
  }

  const ProcessResult& bench_run() {
    if (!run_) {
      scratch_ = new TemporaryDirectory;
      json_path_ = scratch_->path() + "/results.json";
      run_ = new ProcessResult(run_isobench({"bench", "--targets", "bare,isobench", "--workloads", "noop", "--runs",
                                             "3", "--warmup", "1", "-o", json_path_}));
    }
    return *run_;
  }

  /// The results document of the shared bench, or null after a test failure.
  Json results() {
    if (bench_run().exit_code != 0) {
      ADD_FAILURE() << *run_;
      return Json();
    }
    return results_file(json_path_);
  }

  static inline TemporaryDirectory* scratch_ = nullptr;
  static inline std::string json_path_;
  static inline ProcessResult* run_ = nullptr;
};

TEST_F(BenchCommand, SucceedsAndPrintsATableOfBothTargets) {
  const ProcessResult& run = bench_run();
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(contains(run.out, "bare")) << run;
  EXPECT_TRUE(contains(run.out, "isobench")) << run;
  EXPECT_TRUE(contains(run.err, json_path_)) << "says where the results went\n" << run;
}

TEST_F(BenchCommand, WritesTheResultsSchemaWithBothTargetsAvailable) {
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  ASSERT_EQ(doc["targets"].size(), 2u) << doc["targets"];
  for (const Json& target : doc["targets"]) {
    EXPECT_EQ(target["available"], true) << target;
    EXPECT_TRUE(target["version"].is_string()) << target;
  }
  EXPECT_EQ(doc["targets"][0]["name"], "bare");
  EXPECT_EQ(doc["targets"][1]["name"], "isobench");
  EXPECT_EQ(doc["settings"]["runs"], 3);
  EXPECT_EQ(doc["settings"]["warmup"], 1);
}

TEST_F(BenchCommand, RecordsEveryMeasuredRunAndNoWarmup) {
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  std::vector<Json> runs = measured_runs(doc);
  ASSERT_EQ(runs.size(), 6u) << doc["runs"];
  int bare = 0, isobench = 0;
  for (const Json& run : runs) {
    EXPECT_EQ(run["workload"], "noop") << run;
    EXPECT_GE(run["round"].get<int>(), 0) << run;
    EXPECT_LT(run["round"].get<int>(), 3) << run;
    bare += run["target"] == "bare";
    isobench += run["target"] == "isobench";
  }
  EXPECT_EQ(bare, 3);
  EXPECT_EQ(isobench, 3);
}

TEST_F(BenchCommand, EveryRunSucceedsWithStartupWithinWallTime) {
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  ASSERT_FALSE(doc["runs"].empty());
  for (const Json& run : doc["runs"]) {
    EXPECT_EQ(run["ok"], true) << run;
    EXPECT_EQ(run["exit_code"], 0) << run;
    ASSERT_TRUE(run["startup_ms"].is_number()) << run;
    ASSERT_TRUE(run["wall_ms"].is_number()) << run;
    EXPECT_GT(run["startup_ms"].get<double>(), 0) << run;
    EXPECT_LE(run["startup_ms"].get<double>(), run["wall_ms"].get<double>()) << run;
    EXPECT_TRUE(run["report"].is_object()) << run;
  }
}

TEST_F(BenchCommand, SummarizesIsobenchAgainstBare) {
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  for (const char* metric : {"startup_ms", "wall_ms"}) {
    const Json* isobench = metric_of(doc, "isobench", metric);
    ASSERT_NE(isobench, nullptr) << metric << "\n" << doc["summaries"];
    ASSERT_TRUE((*isobench)["ratio_vs_bare"].is_number()) << *isobench;
    EXPECT_GT((*isobench)["ratio_vs_bare"].get<double>(), 0) << *isobench;
    EXPECT_EQ((*isobench)["count"], 3) << *isobench;
  }
  for (const Json& summary : doc["summaries"]) EXPECT_EQ(summary["failures"], 0) << summary;
}

TEST_F(BenchCommand, DescribesTheEnvironment) {
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  const Json& environment = doc["environment"];
  EXPECT_TRUE(environment["kernel"].is_string()) << environment;
  EXPECT_FALSE(environment["kernel"].get<std::string>().empty()) << environment;
  ASSERT_TRUE(environment["cores"].is_number_integer()) << environment;
  EXPECT_GE(environment["cores"].get<int>(), 1) << environment;
  EXPECT_TRUE(environment["cgroup_mode"].is_string()) << environment;
  ASSERT_TRUE(environment["command"].is_array()) << environment;
  EXPECT_TRUE(contains(environment["command"].dump(), "bench")) << environment;
  EXPECT_TRUE(contains(environment["command"].dump(), "bare,isobench")) << environment;
}

// As an unprivileged user, isobench (which needs root for its cgroups) cannot run. Asked for
// anyway, the bench refuses before running anything, naming the target and why; with
// --allow-unavailable it measures bare, keeps isobench with the reason, and succeeds.
using BenchWithAnUnavailableTarget = IsobenchTest;

TEST_F(BenchWithAnUnavailableTarget, IsAnErrorUnlessAllowedAndKeepsTheReasonWhenAllowed) {
  const std::string setpriv = "/usr/bin/setpriv";
  if (access(setpriv.c_str(), X_OK) != 0) GTEST_SKIP() << "needs setpriv to run isobench unprivileged";
  TemporaryDirectory scratch;
  ASSERT_EQ(chmod(scratch.path().c_str(), 0777), 0);
  const std::string json_path = scratch.path() + "/results.json";
  auto bench = [&](bool allow) {
    std::vector<std::string> args = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", ISOBENCH_EXE,
                                     "bench",  "--targets",    "bare,isobench", "--workloads",  "noop",
                                     "--runs", "1",            "--warmup",      "0",            "--memory-runs",
                                     "0",      "-o",       json_path};
    if (allow) args.push_back("--allow-unavailable");
    return run_process(args, kRunDeadline);
  };
  ProcessResult refused = bench(false);
  if (contains(refused.err, "image was not found") || contains(refused.err, "Permission denied"))
    GTEST_SKIP() << "the build is not usable by an unprivileged user here\n" << refused;
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_TRUE(contains(refused.err, "isobench: needs root")) << refused;
  EXPECT_TRUE(contains(refused.err, "--allow-unavailable")) << refused;
  EXPECT_FALSE(std::filesystem::exists(json_path)) << "nothing ran, so nothing is written";

  ProcessResult run = bench(true);
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_TRUE(contains(run.out, "isobench noop: not available here")) << run;
  Json doc = results_file(json_path);
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["targets"].size(), 2u) << doc["targets"];
  const Json& isobench = doc["targets"][1];
  EXPECT_EQ(isobench["name"], "isobench");
  EXPECT_EQ(isobench["available"], false) << isobench;
  ASSERT_TRUE(isobench["skipped_because"].is_string()) << isobench;
  EXPECT_TRUE(contains(isobench["skipped_because"].get<std::string>(), "root")) << isobench;
  EXPECT_EQ(doc["settings"]["allow_unavailable"], true) << doc["settings"];
  for (const Json& run_record : doc["runs"]) EXPECT_EQ(run_record["target"], "bare") << run_record;
  bool listed = false;
  for (const Json& summary : doc["summaries"])
    if (summary["target"] == "isobench") {
      listed = true;
      EXPECT_EQ(summary["status"], "unavailable") << summary;
      EXPECT_TRUE(contains(summary["errors"].dump(), "root")) << summary;
    }
  EXPECT_TRUE(listed) << "the unavailable target keeps its cell, with the reason: " << doc["summaries"];
  EXPECT_EQ(measured_runs(doc).size(), 1u) << doc["runs"];
}

struct BadBenchInput {
  const char* name;
  std::vector<std::string> args;  ///< after `bench`; -o is added
  const char* scenario;           ///< written to a file passed with --scenario, unless null
  const char* message;            ///< stderr must contain this
  int exit_code = 125;            ///< 2 when the command line does not parse
};

void PrintTo(const BadBenchInput& input, std::ostream* out) {
  *out << input.name;
}

class BenchRejectsBadInput : public IsobenchTest, public ::testing::WithParamInterface<BadBenchInput> {};

TEST_P(BenchRejectsBadInput, WithItsExitCodeAMessageAndNoResultsFile) {
  const BadBenchInput& input = GetParam();
  TemporaryDirectory scratch;
  std::vector<std::string> args = {"bench"};
  args.insert(args.end(), input.args.begin(), input.args.end());
  if (input.scenario) {
    const std::string scenario = scratch.path() + "/scenario.json";
    ASSERT_TRUE(write_regular_file(scenario, input.scenario));
    args.insert(args.end(), {"--scenario", scenario});
  }
  const std::string json_path = scratch.path() + "/results.json";
  args.insert(args.end(), {"-o", json_path});

  ProcessResult run = run_isobench(args);
  EXPECT_EQ(run.exit_code, input.exit_code) << run;
  EXPECT_TRUE(contains(run.err, input.message)) << "expected '" << input.message << "' in stderr\n" << run;
  EXPECT_FALSE(std::filesystem::exists(json_path)) << "a refused bench must not write results";
}

const BadBenchInput kBadBenchInputs[] = {
    {"UnknownTarget", {"--targets", "bare,nope", "--runs", "1", "--warmup", "0"}, nullptr, "nope"},
    {"ZeroConcurrency", {"--targets", "bare", "--concurrency", "0"}, nullptr, "concurrency"},
    {"UnknownIsobenchToggle", {"--targets", "isobench:no-bogus"}, nullptr, "no-bogus"},
    {"UnknownWorkload", {"--workloads", "nope"}, nullptr, "nope"},
    {"ParamForAWorkloadNotSelected", {"--workloads", "noop", "--param", "mem.size=16m"}, nullptr, "mem"},
    {"MalformedParam", {"--param", "memsize"}, nullptr, "memsize"},
    // A value the option refuses: the command line does not parse (exit 2, as in every verb).
    {"ZeroRuns", {"--runs", "0"}, nullptr, "--runs: must be at least 1, not 0", 2},
    {"ScenarioWithRunsThatAreNotANumber", {}, R"({"runs": "ten"})", "$.runs"},
    {"ScenarioWithAnUnknownSetting", {}, R"({"targets": ["bare"], "rnus": 3})", "$.rnus"},
    {"ScenarioThatIsNotJson", {}, "runs = 10\n", "not valid JSON"},
    {"ScenarioThatDoesNotExist", {"--scenario", "/nonexistent/scenario.json"}, nullptr, "/nonexistent/scenario.json"},
};

INSTANTIATE_TEST_SUITE_P(Bench, BenchRejectsBadInput, ::testing::ValuesIn(kBadBenchInputs),
                         [](const ::testing::TestParamInfo<BadBenchInput>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace isobench::integration
