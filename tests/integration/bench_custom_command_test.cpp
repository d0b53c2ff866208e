// `isobench bench --cmd TEXT`: the text is split into words as a POSIX shell would, and
// every target, bare included, runs the image's program with those words; a program the
// image lacks, or shell syntax isobench does not interpret, is refused before any run.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "common/system.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool image_has(const std::string& program) {
  struct stat info;
  return stat((image_path() + program).c_str(), &info) == 0;
}

class BenchCustomCommand : public IsobenchTest {
 protected:
  /// `bench --targets bare,isobench --cmd TEXT`, one measured run each, into --json.
  ProcessResult bench(const std::string& text) {
    return run_isobench({"bench", "--targets", "bare,isobench", "--cmd", text, "--runs", "1", "--warmup", "0",
                         "--memory-runs", "0", "-q", "-o", json_path_});
  }

  /// The targets whose every run succeeded, in the order the results list them.
  std::vector<std::string> targets_whose_runs_all_succeeded(const ProcessResult& run) {
    auto text = read_file(json_path_);
    if (!text) {
      ADD_FAILURE() << text.error().text() << "\n" << run;
      return {};
    }
    Json doc = parse_json(*text);
    std::vector<std::string> succeeded;
    for (const Json& target : doc["targets"]) {
      std::string name = target.value("name", "");
      bool all_ok = false;
      for (const Json& record : doc["runs"]) {
        if (record.value("target", "") != name) continue;
        all_ok = record.value("ok", false);
        if (!all_ok) {
          ADD_FAILURE() << name << " failed a run: " << record.dump();
          break;
        }
      }
      if (all_ok) succeeded.push_back(name);
    }
    return succeeded;
  }

  TemporaryDirectory scratch_;
  const std::string json_path_ = scratch_.path() + "/results.json";
};

TEST_F(BenchCustomCommand, RunsTheImagesProgramUnderBareAndIsobenchAlike) {
  ASSERT_TRUE(image_has("/bin/hello"));
  ProcessResult run = bench("/bin/hello");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(targets_whose_runs_all_succeeded(run), (std::vector<std::string>{"bare", "isobench"})) << run;
}

TEST_F(BenchCustomCommand, QuotedWordsReachTheProgramIntactUnderEveryTarget) {
  if (!image_has("/bin/sh")) GTEST_SKIP() << "no busybox shell in the image";
  // The script exits 0 only if its two arguments arrived as "a b" and "" (empty, kept).
  ProcessResult run = bench(R"(/bin/sh -c 'test "$1" = "a b" && test -z "$2" && test $# -eq 2' sh "a b" '')");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(targets_whose_runs_all_succeeded(run), (std::vector<std::string>{"bare", "isobench"})) << run;
}

TEST_F(BenchCustomCommand, TheIssuesShellCommandRunsUnderEveryTarget) {
  if (!image_has("/bin/sh")) GTEST_SKIP() << "no busybox shell in the image";
  ProcessResult run = bench("/bin/sh -c 'echo hi'");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(targets_whose_runs_all_succeeded(run), (std::vector<std::string>{"bare", "isobench"})) << run;
}

// The exit status is bench's for refused input (125, as for every bad option).
TEST_F(BenchCustomCommand, AProgramNotInTheImageIsRefusedBeforeAnyRunEvenIfTheHostHasIt) {
  ASSERT_FALSE(image_has("/usr/bin/python3"));
  ProcessResult run = bench("/usr/bin/python3 -c pass");
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, "--cmd: /usr/bin/python3 is not in the image (")) << run;
  EXPECT_TRUE(contains(run.err, "every target runs the image's program")) << run;
  EXPECT_TRUE(contains(run.err, "/bin/hello")) << "what the image holds\n" << run;
  EXPECT_TRUE(run.out.empty()) << "a table means it ran:\n" << run;
  EXPECT_FALSE(std::filesystem::exists(json_path_)) << "a refused bench must not write results";
}

TEST_F(BenchCustomCommand, ShellSyntaxIsRefusedBeforeAnyRunPointingToAShell) {
  ProcessResult run = bench("/bin/hello | /bin/noop");
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, "--cmd: '|' (character 12) is shell syntax isobench does not interpret")) << run;
  EXPECT_TRUE(contains(run.err, "/bin/sh -c '...'")) << run;
  EXPECT_TRUE(run.out.empty()) << "a table means it ran:\n" << run;
  EXPECT_FALSE(std::filesystem::exists(json_path_));
}

TEST_F(BenchCustomCommand, AnUnterminatedQuoteIsRefusedBeforeAnyRun) {
  ProcessResult run = bench("/bin/sh -c 'echo hi");
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, "--cmd: the single quote ''' (character 12) is never closed")) << run;
}

TEST_F(BenchCustomCommand, GvisorRunsTheCommandBesideRunc) {
  if (find_program("runsc").empty()) GTEST_SKIP() << "runsc is not installed (apt-get install runsc)";
  ProcessResult run = run_isobench({"bench", "--targets", "runc,runsc", "--cmd", "/bin/true", "--runs", "2", "--warmup",
                                    "0", "--memory-runs", "1", "-q", "-o", json_path_});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(targets_whose_runs_all_succeeded(run), (std::vector<std::string>{"runc", "runsc"}));
}

/// Targets whose isolation needs nothing beyond their package (and root), for the start
/// stamper's tests: every one that is installed.
std::string installed_cheap_targets() {
  std::string targets = "bare,isobench";
  for (const char* program : {"runc", "crun", "bwrap", "runsc"})
    if (!find_program(program).empty()) targets += std::string(",") + program;
  return targets;
}

TEST_F(BenchCustomCommand, ACommandThatWritesNoHandshakeHasAStartupUnderEveryTarget) {
  if (!image_has("/bin/sh")) GTEST_SKIP() << "no busybox shell in the image";
  // The shell knows nothing of isobench: the start stamper it runs under writes the handshake.
  ProcessResult run = run_isobench({"bench", "--targets", installed_cheap_targets(), "--cmd", "/bin/sh -c true",
                                    "--runs", "2", "--warmup", "0", "--memory-runs", "0", "-q", "-o", json_path_});
  ASSERT_EQ(run.exit_code, 0) << run;
  auto text = read_file(json_path_);
  ASSERT_TRUE(text) << text.error().text();
  Json doc = parse_json(*text);
  int measured = 0;
  for (const Json& record : doc["runs"]) {
    ASSERT_TRUE(record.value("ok", false)) << record.dump();
    ASSERT_TRUE(record.contains("startup_ms") && record["startup_ms"].is_number()) << record.dump();
    EXPECT_GT(record["startup_ms"].get<double>(), 0) << record.dump();
    EXPECT_LE(record["startup_ms"].get<double>(), record["wall_ms"].get<double>()) << record.dump();
    ++measured;
  }
  EXPECT_GE(measured, 4) << run;
}

TEST_F(BenchCustomCommand, TheCommandDoesNotSeeTheHandshakesVariables) {
  if (!image_has("/bin/sh")) GTEST_SKIP() << "no busybox shell in the image";
  // Exits 0 only when the stamper removed the handshake's variables before the exec.
  const std::string script =
      R"(/bin/sh -c 'test -z "$ISOBENCH_START_FD" && test -z "$ISOBENCH_START_PATH" && test -z "$ISOBENCH_START_CLOCK"')";
  ProcessResult run = run_isobench({"bench", "--targets", installed_cheap_targets(), "--cmd", script, "--runs", "1",
                                    "--warmup", "0", "--memory-runs", "0", "-q", "-o", json_path_});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_GE(targets_whose_runs_all_succeeded(run).size(), 2u) << run;
}

}  // namespace
}  // namespace isobench::integration
