// Ctrl-C during `isobench bench` stops it cleanly: the runs in flight are killed and reaped,
// the scratch directory is removed, the partial results are written marked interrupted with
// no run counted as failed for having been cut short, the partial table is printed, and the
// exit status is 130. Whether the signal reaches the bench alone (kill by PID) or its whole
// process group (a terminal's Ctrl-C, which the bare workloads and the isobench runners get
// too), and the fixture checks that nothing is left on the host.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {
namespace fs = std::filesystem;

using BenchInterrupt = IsobenchTest;


enum class Recipient { kTheBenchAlone, kItsProcessGroup };

/// Starts a bench far too long to finish (50 rounds of cpu on two targets), interrupts it
/// with SIGINT once it has measured for a while, and checks how it ended.
void expect_a_clean_interrupted_stop(Recipient recipient) {
  TemporaryDirectory scratch;
  const std::string json_path = scratch.path() + "/results.json";
  auto bench = ChildProcess::start({ISOBENCH_EXE, "bench", "--targets", "bare,isobench", "--workloads", "cpu", "--runs",
                                    "50", "-o", json_path, "-q"});
  ASSERT_TRUE(bench.ok()) << bench.error().text();
  // Warmups (2 rounds of ~0.2 s per target) and a few measured rounds.
  std::this_thread::sleep_for(2500ms);
  const std::string workspace = scratch_of(bench->pid());
  EXPECT_FALSE(workspace.empty()) << "the bench holds no scratch directory";
  if (recipient == Recipient::kTheBenchAlone)
    bench->send_signal(SIGINT);
  else
    ::kill(-bench->pid(), SIGINT);  // ChildProcess made it a process group leader
  ProcessResult run = bench->wait(20s);

  EXPECT_FALSE(run.timed_out) << run;
  EXPECT_EQ(run.signal, 0) << "killed instead of stopping\n" << run;
  EXPECT_EQ(run.exit_code, 130) << run;
  EXPECT_NE(run.out.find("bare"), std::string::npos) << "no partial table\n" << run;
  if (!workspace.empty()) EXPECT_FALSE(fs::exists(workspace)) << workspace << " outlived the bench";

  auto text = read_file(json_path);
  ASSERT_TRUE(text.ok()) << "no partial results: " << text.error().text() << "\n" << run;
  Json doc = parse_json(*text);
  ASSERT_TRUE(doc.is_object()) << *text;
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  EXPECT_EQ(doc["interrupted"], true) << *text;
  ASSERT_TRUE(doc["runs"].is_array()) << *text;
  size_t measured = 0;
  for (const Json& record : doc["runs"]) {
    measured += record.value("memory_round", false) ? 0 : 1;
    EXPECT_EQ(record["ok"], true) << "a run cut short counts as a failure of its target\n" << record;
  }
  EXPECT_GE(measured, 1u) << "nothing measured in 2.5 s\n" << *text;
  EXPECT_LT(measured, 100u) << "it was not interrupted\n" << *text;
  for (const Json& summary : doc["summaries"]) EXPECT_EQ(summary.value("failures", 0), 0) << summary;
}

}  // namespace

TEST_F(BenchInterrupt, SigintToTheBenchKillsItsRunsWritesThePartialResultsAndExits130) {
  expect_a_clean_interrupted_stop(Recipient::kTheBenchAlone);
}

TEST_F(BenchInterrupt, CtrlCToTheWholeProcessGroupStopsItJustAsCleanly) {
  expect_a_clean_interrupted_stop(Recipient::kItsProcessGroup);
}

}  // namespace isobench::integration
