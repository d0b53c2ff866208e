// make_record: what one finished run measured. Startup comes from the handshake, wall time
// from the reaped exit, the workload's figures from its last JSON result line, and a run is
// ok only when it exited 0 in time with the result it was expected to print.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "bench/harness/harness.h"
#include "bench/harness/run_launch.h"

namespace isobench::bench {
namespace {

constexpr int64_t kMs = 1000000;  // nanoseconds

/// A run launched at 1 s that signalled its start 2 ms later and was reaped 5 ms after launch.
FinishedRun finished_noop() {
  FinishedRun run;
  run.launch_ns = 1000 * kMs;
  run.start_ns = run.launch_ns + 2 * kMs;
  run.exit_ns = run.launch_ns + 5 * kMs;
  run.exit_code = 0;
  run.out = R"({"workload":"noop","elapsed_ns":1500000,"vm_hwm_kib":640})"
            "\n";
  return run;
}

TEST(MakeRecord, StartupIsLaunchToHandshakeAndWallIsLaunchToExit) {
  RunRecord record = make_record(finished_noop(), true);
  EXPECT_DOUBLE_EQ(record.startup_ms, 2.0);
  EXPECT_DOUBLE_EQ(record.wall_ms, 5.0);
}

TEST(MakeRecord, AWorkloadThatNeverSignalledItsStartFailsSayingSo) {
  FinishedRun run = finished_noop();
  run.start_ns = 0;
  RunRecord record = make_record(run, true);
  EXPECT_TRUE(std::isnan(record.startup_ms));
  EXPECT_DOUBLE_EQ(record.wall_ms, 5.0);
  EXPECT_FALSE(record.ok) << "a built-in workload's run without its startup measured nothing the tables show";
  EXPECT_NE(record.error.find("no start handshake"), std::string::npos) << record.error;
}

TEST(MakeRecord, ACommandTakesNoPartInTheHandshakeAndSucceedsWithoutIt) {
  FinishedRun run = finished_noop();
  run.start_ns = 0;
  RunRecord record = make_record(run, false);
  EXPECT_TRUE(std::isnan(record.startup_ms));
  EXPECT_TRUE(record.ok) << record.error;
}

TEST(MakeRecord, WorkloadFiguresComeFromItsResultLine) {
  RunRecord record = make_record(finished_noop(), true);
  EXPECT_TRUE(record.ok) << record.error;
  EXPECT_TRUE(record.error.empty());
  ASSERT_TRUE(record.report.is_object());
  EXPECT_EQ(record.report["workload"], "noop");
  EXPECT_DOUBLE_EQ(record.workload_ms, 1.5);
  EXPECT_DOUBLE_EQ(record.workload_peak_kib, 640);
}

TEST(MakeRecord, CpuTimeComesFromRusage) {
  FinishedRun run = finished_noop();
  run.usage.ru_utime = {1, 250000};  // 1.25 s
  run.usage.ru_stime = {0, 3000};    // 3 ms
  RunRecord record = make_record(run, true);
  EXPECT_DOUBLE_EQ(record.cpu_user_ms, 1250);
  EXPECT_DOUBLE_EQ(record.cpu_system_ms, 3);
}

TEST(MakeRecord, TheLastResultLineWinsAndOtherOutputIsIgnored) {
  FinishedRun run = finished_noop();
  run.out =
      "starting\n"
      "{\"workload\":\"mem\",\"elapsed_ns\":1000000}\n"
      "{not json\n"
      "{\"no_workload\":true}\n"
      "[1,2]\n"
      "{\"workload\":\"mem\",\"elapsed_ns\":3000000}\n"
      "{\"other\":1}\n"
      "done\n";
  RunRecord record = make_record(run, true);
  ASSERT_TRUE(record.report.is_object());
  EXPECT_DOUBLE_EQ(record.workload_ms, 3.0);
  EXPECT_TRUE(record.ok);
}

TEST(MakeRecord, ResultLineWithoutATrailingNewlineCounts) {
  FinishedRun run = finished_noop();
  run.out = "{\"workload\":\"noop\"}";
  RunRecord record = make_record(run, true);
  EXPECT_TRUE(record.report.is_object());
  EXPECT_TRUE(record.ok);
  EXPECT_TRUE(std::isnan(record.workload_ms)) << "no elapsed_ns, no workload time";
  EXPECT_TRUE(std::isnan(record.workload_peak_kib));
}

TEST(MakeRecord, NonZeroExitFailsTheRunWithItsStderr) {
  FinishedRun run = finished_noop();
  run.exit_code = 3;
  run.err = "noop: something broke\n";
  RunRecord record = make_record(run, true);
  EXPECT_FALSE(record.ok);
  EXPECT_EQ(record.exit_code, 3);
  EXPECT_EQ(record.error, run.err);
  EXPECT_DOUBLE_EQ(record.wall_ms, 5.0) << "a failed run still has its timing";
}

TEST(MakeRecord, KilledBySignalFails) {
  FinishedRun run = finished_noop();
  run.exit_code = 128 + 9;
  RunRecord record = make_record(run, true);
  EXPECT_FALSE(record.ok);
  EXPECT_EQ(record.exit_code, 137);
}

TEST(MakeRecord, TimeoutFailsTheRunEvenWithExitZero) {
  FinishedRun run = finished_noop();
  run.timed_out = true;
  run.err = "partial stderr";
  RunRecord record = make_record(run, true);
  EXPECT_FALSE(record.ok);
  EXPECT_TRUE(record.timed_out);
  EXPECT_EQ(record.error, "timed out");
}

TEST(MakeRecord, MissingResultLineFailsABuiltinWorkload) {
  FinishedRun run = finished_noop();
  run.out = "hello\n";
  RunRecord record = make_record(run, true);
  EXPECT_FALSE(record.ok);
  EXPECT_TRUE(record.report.is_null());
  EXPECT_EQ(record.error, "the workload printed no result line");
}

TEST(MakeRecord, MissingResultLineIsFineForACustomCommand) {
  FinishedRun run = finished_noop();
  run.start_ns = 0;
  run.out = "hello\n";
  RunRecord record = make_record(run, false);
  EXPECT_TRUE(record.ok) << record.error;
  EXPECT_TRUE(record.error.empty());
  EXPECT_TRUE(record.report.is_null());
}

TEST(MakeRecord, MissingResultLineWithStderrReportsTheStderr) {
  FinishedRun run = finished_noop();
  run.out.clear();
  run.err = "exec failed";
  RunRecord record = make_record(run, true);
  EXPECT_FALSE(record.ok);
  EXPECT_EQ(record.error, "exec failed");
}

// The result line is the workload's output, not isobench's: a malformed one must not crash
// the harness, only leave the figure it could not read unknown.
TEST(MakeRecord, ResultLineWithNonNumericFiguresLeavesThemUnknown) {
  FinishedRun run = finished_noop();
  run.out = R"({"workload":"noop","elapsed_ns":"soon","vm_hwm_kib":null})"
            "\n";
  RunRecord record;
  ASSERT_NO_THROW(record = make_record(run, true));
  EXPECT_TRUE(std::isnan(record.workload_ms));
  EXPECT_TRUE(std::isnan(record.workload_peak_kib));
}

// A command's output is untrusted: a result line nested 100,000 deep crashed bench when its
// results were written (issue 11, item 11).
TEST(MakeRecord, ADeeplyNestedResultLineIsIgnoredNotKept) {
  FinishedRun run = finished_noop();
  run.out = R"({"workload":"x","a":)" + std::string(100000, '[') + std::string(100000, ']') + "}\n";
  RunRecord record = make_record(run, false);
  EXPECT_TRUE(record.report.is_null());
  EXPECT_TRUE(record.ok);
  EXPECT_NO_THROW((void)nlohmann::json(record.report).dump());
}

}  // namespace
}  // namespace isobench::bench
