// Issue 11, item 11: every JSON document isobench reads from a user is bounded. A scenario
// nested 100,000 deep crashed bench (SIGSEGV), results ~60,000 deep crashed compare and
// report, and /dev/zero was read forever. Now each is refused at once, with a message that
// names the file and the limit and quotes nothing long back; compare and report exit 2.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

/// Well below kRunDeadline: a reader that blocks or reads forever fails the test.
constexpr std::chrono::milliseconds kPrompt = 10s;

class InputLimits : public IsobenchTest {
 protected:
  std::string file(const std::string& name, const std::string& text) {
    std::string path = dir_.path() + "/" + name;
    EXPECT_TRUE(write_regular_file(path, text));
    return path;
  }
  std::string good_results() {
    Json doc = {{"schema", "isobench-results/1"}, {"runs", Json::array()}};
    for (int i = 0; i < 6; ++i)
      doc["runs"].push_back(
          {{"target", "bare"}, {"workload", "noop"}, {"ok", true}, {"startup_ms", 1.0 + i}, {"wall_ms", 2.0 + i}});
    return file("good.json", doc.dump());
  }
  std::string fifo() {
    std::string path = dir_.path() + "/fifo";
    EXPECT_EQ(mkfifo(path.c_str(), 0600), 0);
    return path;
  }
  TemporaryDirectory dir_;
};

std::string nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(InputLimits, AScenarioNestedAHundredThousandDeepIsRefusedNotACrash) {
  std::string scenario = file("deep.json", nested(100000));
  ProcessResult run = run_isobench({"bench", "--scenario", scenario, "-q"}, kPrompt);
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, "scenario " + scenario + ": nested deeper than 16 levels")) << run;
  EXPECT_TRUE(contains(run.err, "the limit of a scenario file")) << run;
}

TEST_F(InputLimits, CompareAndReportRefuseDeepRunsWithExitTwo) {
  std::string deep = file("deep.json", R"({"schema": "isobench-results/1", "runs": [)" + nested(60000) + "]}");
  std::string good = good_results();
  std::string output = dir_.path() + "/out.md";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"compare", good, deep, "-o", output}, {"compare", deep, good}, {"report", deep, "-o", output}}) {
    ProcessResult run = run_isobench(args, kPrompt);
    EXPECT_EQ(run.exit_code, 2) << args[0] << "\n" << run;
    EXPECT_TRUE(contains(run.err, deep + ": nested deeper than 64 levels")) << run;
  }
  EXPECT_FALSE(std::filesystem::exists(output));
}

TEST_F(InputLimits, DevZeroAndAFifoAreRefusedAtOnceNotReadForever) {
  std::string good = good_results();
  std::string pipe = fifo();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"bench", "--scenario", "/dev/zero", "-q"}, 125, "scenario /dev/zero: a character device"},
           {{"compare", good, "/dev/zero"}, 2, "/dev/zero: a character device, not a regular file"},
           {{"report", pipe}, 2, pipe + ": a FIFO, not a regular file"},
           {{"bench", "--scenario", pipe, "-q"}, 125, "a FIFO"},
           {{"bench", "-o", dir_.path() + "/r.json", "--price-list", "/dev/zero", "-q"},
            125,
            "--price-list /dev/zero: a character device"},
       }) {
    ProcessResult run = run_isobench(c.args, kPrompt);
    EXPECT_FALSE(run.timed_out) << c.args[0] << " read on and on\n" << run;
    EXPECT_EQ(run.exit_code, c.exit_code) << run;
    EXPECT_TRUE(contains(run.err, c.message)) << "expected '" << c.message << "'\n" << run;
  }
}

TEST_F(InputLimits, AFileOverTheSizeLimitIsRefusedNamingTheLimit) {
  std::string big = file("big.json", "{\"runs\": 1" + std::string(2u << 20, ' ') + "}");
  ProcessResult run = run_isobench({"bench", "--scenario", big, "-q"}, kPrompt);
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, big + ": larger than the 1 MiB limit of a scenario file")) << run;
}

TEST_F(InputLimits, ALongValueIsNeverQuotedBack) {
  std::string scenario = file("long.json", "{\"runs\": \"" + std::string(100000, 'x') + "\"}");
  ProcessResult bench = run_isobench({"bench", "--scenario", scenario, "-q"}, kPrompt);
  EXPECT_EQ(bench.exit_code, 125) << bench;
  EXPECT_TRUE(contains(bench.err, "$.runs")) << bench;
  EXPECT_LT(bench.err.size(), 400u) << bench.err.substr(0, 600);

  std::string schema = file("schema.json", "{\"schema\": \"" + std::string(100000, 'x') + "\", \"runs\": [1]}");
  std::string unterminated = file("open.json", "{\"schema\": \"" + std::string(100000, 'x'));
  for (const std::string& path : {schema, unterminated}) {
    ProcessResult compare = run_isobench({"compare", path, good_results()}, kPrompt);
    EXPECT_EQ(compare.exit_code, 2) << compare.err.substr(0, 600);
    EXPECT_TRUE(contains(compare.err, path)) << compare.err.substr(0, 600);
    EXPECT_LT(compare.err.size(), 400u) << compare.err.substr(0, 600);
  }
}

TEST_F(InputLimits, ADeepPriceListIsRefusedBeforeTheBenchRuns) {
  std::string price_list = file("price.json", nested(100000));
  std::string results = dir_.path() + "/results.json";
  ProcessResult run =
      run_isobench({"bench", "--targets", "bare", "-o", results, "--price-list", price_list, "-q"}, kPrompt);
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(contains(run.err, price_list + ": nested deeper than 16 levels")) << run;
  EXPECT_TRUE(run.out.empty()) << "a table means the bench ran:\n" << run;
  EXPECT_FALSE(std::filesystem::exists(results));
}

}  // namespace
}  // namespace isobench::integration
