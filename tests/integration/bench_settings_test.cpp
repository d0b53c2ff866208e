// `isobench bench`'s settings and outputs as a user meets them: options given on the command
// line win over a scenario file and the results say where each setting came from; `--json -`
// is standard output; an output that cannot be written is refused before anything runs; a
// cell whose every run failed shows its error in every report format.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

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

size_t measured_runs(const Json& doc) {
  size_t count = 0;
  for (const Json& run : doc["runs"]) count += run.value("memory_round", false) ? 0 : 1;
  return count;
}

using BenchSettings = IsobenchTest;

TEST_F(BenchSettings, CommandLineOptionsWinOverTheScenarioAndTheResultsSayWhereEachCameFrom) {
  TemporaryDirectory scratch;
  const std::string scenario = scratch.path() + "/scenario.json";
  ASSERT_TRUE(write_regular_file(
      scenario, R"({"targets": ["bare"], "workloads": ["noop"], "runs": 2, "warmup": 0, "memory_runs": 0})"));
  const std::string json_path = scratch.path() + "/results.json";
  ProcessResult run = run_isobench({"bench", "--runs", "3", "--scenario", scenario, "-o", json_path, "-q"});
  ASSERT_EQ(run.exit_code, 0) << run;
  auto text = read_file(json_path);
  ASSERT_TRUE(text.ok());
  Json doc = parse_json(*text);
  EXPECT_EQ(measured_runs(doc), 3u) << "--runs 3 beats the scenario's 2";
  EXPECT_EQ(doc["settings"]["runs"], 3);
  EXPECT_EQ(doc["settings"]["sources"]["runs"], "command line") << doc["settings"];
  EXPECT_EQ(doc["settings"]["sources"]["warmup"], "scenario " + scenario) << doc["settings"];
  EXPECT_EQ(doc["settings"]["warmup"], 0);
}

/// How many of `path`'s pages are in the page cache (mincore), -1 when that cannot be told.
long resident_pages(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const off_t size = lseek(fd, 0, SEEK_END);
  void* map = size > 0 ? mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  close(fd);
  if (map == MAP_FAILED) return -1;
  const long page = sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> resident(static_cast<size_t>((size + page - 1) / page));
  long count = -1;
  if (mincore(map, static_cast<size_t>(size), resident.data()) == 0) {
    count = 0;
    for (unsigned char flags : resident) count += flags & 1;
  }
  munmap(map, static_cast<size_t>(size));
  return count;
}

TEST_F(BenchSettings, ColdDropsThePageCacheBeforeTheRunsAndTheResultsSaySo) {
  if (geteuid() != 0) GTEST_SKIP() << "--cold needs root";
  TemporaryDirectory scratch;
  struct statfs where {};
  ASSERT_EQ(statfs(scratch.path().c_str(), &where), 0);
  if (where.f_type == TMPFS_MAGIC) GTEST_SKIP() << "a tmpfs file lives in the page cache: it cannot be dropped";
  // A file read just now is cached; after a cold bench it is not, though nothing touched it.
  const std::string warm = scratch.path() + "/warm.bin";
  ASSERT_TRUE(write_regular_file(warm, std::string(4 << 20, 'x')));
  ASSERT_TRUE(read_file(warm).ok());
  ASSERT_GT(resident_pages(warm), 0) << "the file should be cached before the bench";
  const std::string json_path = scratch.path() + "/results.json";
  ProcessResult run = run_isobench({"bench", "--targets", "bare", "--runs", "2", "--warmup", "0", "--memory-runs", "0",
                                    "--cold", "-q", "-o", json_path});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(resident_pages(warm), 0) << "the page cache was not dropped";
  auto text = read_file(json_path);
  ASSERT_TRUE(text.ok());
  Json doc = parse_json(*text);
  EXPECT_EQ(doc["settings"]["cold"], true) << doc["settings"];
  EXPECT_EQ(doc["settings"]["sources"]["cold"], "command line") << doc["settings"];
  ProcessResult report = run_isobench({"report", json_path, "--format", "md"});
  EXPECT_TRUE(contains(report.out, "dropped before every run (--cold)")) << report;
}

TEST_F(BenchSettings, ColdWithoutRootIsRefusedNamingItBeforeAnythingRuns) {
  if (geteuid() != 0) GTEST_SKIP() << "runs isobench as nobody: needs root";
  ProcessResult run = run_process({"/usr/sbin/runuser", "-u", "nobody", "--", ISOBENCH_EXE, "bench", "--targets", "bare",
                                   "--runs", "1", "--cold", "-q"},
                                  kRunDeadline);
  EXPECT_NE(run.exit_code, 0) << run;
  EXPECT_TRUE(contains(run.err, "--cold drops the page cache before every run, which needs root")) << run;
  EXPECT_TRUE(run.out.empty()) << "a table means it ran:\n" << run;
}

TEST_F(BenchSettings, JsonDashWritesTheResultsToStandardOutputAndTheTableToStandardError) {
  ProcessResult run = run_isobench(
      {"bench", "--targets", "bare", "--runs", "1", "--warmup", "0", "--memory-runs", "0", "-o", "-", "-q"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_FALSE(std::filesystem::exists("-")) << "'-' is standard output, not a file name";
  Json doc = parse_json(run.out);
  ASSERT_TRUE(doc.is_object()) << run;
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  EXPECT_TRUE(contains(run.err, "startup ms")) << "the table goes to stderr\n" << run;
}

TEST_F(BenchSettings, AnOutputThatCannotBeWrittenIsRefusedBeforeAnythingRuns) {
  ProcessResult run = run_isobench({"bench", "--targets", "bare", "--runs", "50", "--workloads", "cpu", "-o",
                                    "/nonexistent-dir/results.json", "-q"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, "-o/--output")) << run;
  EXPECT_FALSE(contains(run.out, "startup ms")) << "nothing may have run\n" << run;
}

TEST_F(BenchSettings, ACellWhoseEveryRunFailedShowsItsErrorInEveryFormat) {
  TemporaryDirectory scratch;
  const std::string json_path = scratch.path() + "/results.json";
  ProcessResult run = run_isobench({"bench", "--targets", "bare,isobench", "--cmd", "/bin/inspect exit 3", "--runs",
                                    "2", "--warmup", "0", "--memory-runs", "0", "-o", json_path, "-q"});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_TRUE(contains(run.out, "every run failed")) << run;
  for (const char* format : {"md", "html", "csv", "junit", "json"}) {
    ProcessResult report = run_isobench({"report", json_path, "--format", format});
    ASSERT_EQ(report.exit_code, 0) << format << "\n" << report;
    EXPECT_TRUE(contains(report.out, "exit status 3")) << format << " must show the error\n" << report;
  }
  ProcessResult junit = run_isobench({"report", json_path, "--format", "junit"});
  EXPECT_TRUE(contains(junit.out, "<failure")) << junit;
  EXPECT_FALSE(contains(junit.out, "<skipped")) << "a failed cell is a failure, not a skip\n" << junit;
}

TEST_F(BenchSettings, AThresholdOfFiveMeansFivePercentAndAnythingElseIsRefused) {
  TemporaryDirectory scratch;
  const std::string json_path = scratch.path() + "/results.json";
  ProcessResult run = run_isobench(
      {"bench", "--targets", "bare", "--runs", "2", "--warmup", "0", "--memory-runs", "0", "-o", json_path, "-q"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run_isobench({"compare", json_path, json_path, "--threshold", "5"}).exit_code, 0);
  EXPECT_EQ(run_isobench({"compare", json_path, json_path, "--threshold", "startup=10"}).exit_code, 0);
  ProcessResult refused = run_isobench({"compare", json_path, json_path, "--threshold", "5x"});
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_TRUE(contains(refused.err, "'5x' is not a percentage")) << refused;
}

}  // namespace
}  // namespace isobench::integration
