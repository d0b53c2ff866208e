// The command line feels like one tool: every verb names the program in its usage line,
// refuses a command line that does not parse with exit 2 and one message saying where to read
// more, takes --log-level after the verb too, and speaks the same -o / --json words.
#include <filesystem>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using CliVocabulary = IsobenchTest;

const char* const kVerbs[] = {"run", "doctor", "probe", "bench", "compare", "report", "demo"};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

size_t count_of(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST_F(CliVocabulary, EveryUsageLineNamesTheProgramAndTheVerb) {
  for (const char* verb : kVerbs) {
    ProcessResult help = run_isobench({verb, "--help"});
    EXPECT_EQ(help.exit_code, 0) << verb << "\n" << help;
    EXPECT_TRUE(contains(help.out, std::string("Usage: isobench ") + verb)) << help;
  }
  EXPECT_TRUE(contains(run_isobench({"--help"}).out, "Usage: isobench [OPTIONS] SUBCOMMAND"));
}

TEST_F(CliVocabulary, AnUnknownOptionIsAUsageErrorExitingTwoInEveryVerb) {
  for (const char* verb : kVerbs) {
    // compare and report check their required files first: give them some.
    std::vector<std::string> args = {verb, "a.json", "b.json", "--no-such-option"};
    if (std::string(verb) != "compare" && std::string(verb) != "report") args = {verb, "--no-such-option"};
    ProcessResult run = run_isobench(args);
    EXPECT_EQ(run.exit_code, 2) << verb << "\n" << run;
    EXPECT_EQ(count_of(run.err, "isobench: error:"), 1u) << "printed once\n" << run;
    EXPECT_TRUE(contains(run.err, "--no-such-option")) << run;
    EXPECT_TRUE(contains(run.err, std::string("see 'isobench ") + verb + " --help'")) << run;
  }
  ProcessResult unknown = run_isobench({"nosuch"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  EXPECT_TRUE(contains(unknown.err, "unknown command 'nosuch'")) << unknown;
}

TEST_F(CliVocabulary, ARefusedNumberSaysWhatItMustBeInWords) {
  ProcessResult run = run_isobench({"bench", "--runs", "0", "--targets", "bare"});
  EXPECT_EQ(run.exit_code, 2) << run;
  EXPECT_TRUE(contains(run.err, "--runs: must be at least 1, not 0")) << run;
  EXPECT_FALSE(contains(run.err, "1797693134862315708145274237317043567981")) << run;
  ProcessResult warmup = run_isobench({"bench", "--warmup", "-1", "--targets", "bare"});
  EXPECT_EQ(warmup.exit_code, 2) << warmup;
}

TEST_F(CliVocabulary, LogLevelWorksAfterTheVerbToo) {
  ProcessResult after = run_isobench({"run", "--log-level", "debug", "--", "/bin/noop"});
  EXPECT_EQ(after.exit_code, 0) << after;
  ProcessResult before = run_isobench({"--log-level", "debug", "run", "--", "/bin/noop"});
  EXPECT_EQ(before.exit_code, 0) << before;
  ProcessResult bad = run_isobench({"doctor", "--log-level", "loud"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_TRUE(contains(bad.err, "--log-level")) << bad;
}

TEST_F(CliVocabulary, AnErrorIsPrintedOnceWithTheExitCodeItCarries) {
  ProcessResult missing = run_isobench({"run", "--", "/bin/no-such-program"});
  EXPECT_EQ(missing.exit_code, 127) << missing;
  EXPECT_EQ(count_of(missing.err, "isobench: error:"), 1u) << missing;
  ProcessResult refused = run_isobench({"run", "--memory", "12XB", "--", "/bin/noop"});
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_EQ(count_of(refused.err, "isobench: error:"), 1u) << refused;
}

TEST_F(CliVocabulary, BenchJsonPrintsTheResultsDocumentOnStdoutAndOutputWritesAFile) {
  const std::vector<std::string> quick = {"bench", "--targets", "bare", "--workloads", "noop", "--runs", "1",
                                          "--warmup", "0", "--memory-runs", "0", "-q"};
  std::vector<std::string> json = quick;
  json.push_back("--json");
  ProcessResult printed = run_isobench(json);
  ASSERT_EQ(printed.exit_code, 0) << printed;
  Json document = Json::parse(printed.out, nullptr, false);
  ASSERT_FALSE(document.is_discarded()) << printed;
  EXPECT_EQ(document["schema"], "isobench-results/1");

  TemporaryDirectory scratch;
  std::vector<std::string> both = json;
  both.insert(both.end(), {"-o", scratch.path() + "/r.json"});
  ProcessResult conflict = run_isobench(both);
  EXPECT_EQ(conflict.exit_code, 125) << conflict;
  EXPECT_TRUE(contains(conflict.err, "give one")) << conflict;
  EXPECT_FALSE(std::filesystem::exists(scratch.path() + "/r.json"));

  std::vector<std::string> to_file = quick;
  to_file.insert(to_file.end(), {"--output", scratch.path() + "/r.json"});
  ProcessResult written = run_isobench(to_file);
  ASSERT_EQ(written.exit_code, 0) << written;
  EXPECT_TRUE(std::filesystem::exists(scratch.path() + "/r.json"));
}

}  // namespace
}  // namespace isobench::integration
