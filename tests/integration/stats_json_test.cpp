// --stats-json writes one JSON document describing the run: how it ended, how long each
// phase took, and what it used.
#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class StatsJson : public IsobenchTest {
 protected:
  /// Runs COMMAND with --stats-json and returns the parsed file (null on failure).
  Json stats_of(const std::vector<std::string>& command) {
    const std::string path = scratch_.path() + "/stats.json";
    ProcessResult run = run_in_container({"--stats-json", path}, command);
    if (run.exit_code != 0) {
      ADD_FAILURE() << run;
      return Json();
    }
    auto text = read_file(path);
    if (!text) {
      ADD_FAILURE() << text.error().text();
      return Json();
    }
    Json stats = parse_json(*text);
    if (!stats.is_object()) ADD_FAILURE() << "not a JSON object:\n" << *text;
    return stats;
  }

 private:
  TemporaryDirectory scratch_;
};

TEST_F(StatsJson, DescribesANormalExit) {
  Json stats = stats_of({"noop"});
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["ending"], "exited") << stats;
  EXPECT_EQ(stats["exit_code"], 0) << stats;
}

TEST_F(StatsJson, ExecHappensAfterLaunchAndNoLaterThanExit) {
  Json stats = stats_of({"noop"});
  ASSERT_TRUE(stats.is_object());
  ASSERT_TRUE(stats["launch_to_exec_ms"].is_number()) << stats;
  ASSERT_TRUE(stats["launch_to_exit_ms"].is_number()) << stats;
  EXPECT_GT(stats["launch_to_exec_ms"].get<double>(), 0.0) << stats;
  EXPECT_LE(stats["launch_to_exec_ms"].get<double>(), stats["launch_to_exit_ms"].get<double>()) << stats;
}

TEST_F(StatsJson, HasPhases) {
  Json stats = stats_of({"noop"});
  ASSERT_TRUE(stats.is_object());
  ASSERT_TRUE(stats["phases_ms"].is_object()) << stats;
  EXPECT_FALSE(stats["phases_ms"].empty()) << stats;
  for (const auto& [phase, ms] : stats["phases_ms"].items()) {
    ASSERT_TRUE(ms.is_number()) << phase;
    EXPECT_GE(ms.get<double>(), 0.0) << phase;
  }
}

TEST_F(StatsJson, ReportsPeakMemoryOfTheWorkload) {
  Json stats = stats_of({"mem", "--size", "8m"});
  ASSERT_TRUE(stats.is_object());
  ASSERT_TRUE(stats["memory_peak"]["bytes"].is_number()) << stats;
  EXPECT_GT(stats["memory_peak"]["bytes"].get<double>(), 0.0) << stats;
}

TEST_F(StatsJson, ReportsThePeakRssOfIsobenchItself) {
  Json stats = stats_of({"noop"});
  ASSERT_TRUE(stats.is_object());
  ASSERT_TRUE(stats["runner_peak_rss_bytes"].is_number()) << stats;
  EXPECT_GT(stats["runner_peak_rss_bytes"].get<double>(), 0.0) << stats;
}

}  // namespace
}  // namespace isobench::integration
