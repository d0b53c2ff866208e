#include "cli/run_stats.h"

#include <gtest/gtest.h>

using namespace isobench;

namespace {

runner::ContainerOutcome sample_outcome() {
  runner::ContainerOutcome outcome;
  outcome.launch_ns = 1'000'000;
  outcome.prepared_ns = 1'200'000;
  outcome.cgroup_ns = 1'300'000;
  outcome.cloned_ns = 1'800'000;
  outcome.released_ns = 1'900'000;
  outcome.exec_ns = 3'000'000;
  outcome.exit_ns = 4'000'000;
  outcome.cleaned_ns = 4'500'000;
  outcome.usage.ru_utime = {0, 250};
  outcome.usage.ru_maxrss = 1024;
  return outcome;
}

}  // namespace

TEST(RunStats, TimesAreMillisecondsFromLaunchAndPhasesAddUp) {
  auto stats = cli::run_stats_json(sample_outcome(), runner::CgroupMode::kNone, 0);
  EXPECT_DOUBLE_EQ(stats["launch_to_exec_ms"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(stats["launch_to_exit_ms"].get<double>(), 3.0);
  double sum = 0;
  for (const auto& [phase, value] : stats["phases_ms"].items()) sum += value.get<double>();
  EXPECT_NEAR(sum, 3.5, 1e-9);  // launch to cleanup
  EXPECT_EQ(stats["phases_ms"].begin().key(), "prepare");
}

TEST(RunStats, WithoutACgroupFiguresComeFromRusageAndSaySo) {
  auto stats = cli::run_stats_json(sample_outcome(), runner::CgroupMode::kNone, 0);
  EXPECT_EQ(stats["cpu"]["source"], "rusage");
  EXPECT_EQ(stats["cpu"]["user_ns"].get<uint64_t>(), 250000u);
  EXPECT_EQ(stats["memory_peak"]["source"], "rusage");
  EXPECT_EQ(stats["memory_peak"]["bytes"].get<uint64_t>(), 1024u * 1024);
  EXPECT_FALSE(stats.contains("runner_peak_rss_bytes"));
}

TEST(RunStats, CgroupFiguresNameTheCgroupMode) {
  runner::ContainerOutcome outcome = sample_outcome();
  outcome.cgroup = runner::CgroupStats{4096, 30, 10, 20, 1};
  outcome.ending = runner::ContainerOutcome::Ending::kOomKilled;
  auto stats = cli::run_stats_json(outcome, runner::CgroupMode::kHybrid, 2 << 20);
  EXPECT_EQ(stats["memory_peak"]["source"], "cgroup hybrid");
  EXPECT_EQ(stats["memory_peak"]["bytes"].get<uint64_t>(), 4096u);
  EXPECT_EQ(stats["oom_kills"].get<uint64_t>(), 1u);
  EXPECT_EQ(stats["ending"], "oom-killed");
  EXPECT_EQ(stats["runner_peak_rss_bytes"].get<uint64_t>(), 2u << 20);
  EXPECT_EQ(stats["cpu"]["total_ns"].get<uint64_t>(), 30u);
  EXPECT_NE(cli::run_stats_text(stats).find("OOM kills 1"), std::string::npos);
}

TEST(RunStats, AContainerThatNeverExecutedHasNoExecTime) {
  runner::ContainerOutcome outcome = sample_outcome();
  outcome.exec_ns = 0;
  auto stats = cli::run_stats_json(outcome, runner::CgroupMode::kNone, 0);
  EXPECT_TRUE(stats["launch_to_exec_ms"].is_null());
  EXPECT_NE(cli::run_stats_text(stats).find("exec after never"), std::string::npos);
}
