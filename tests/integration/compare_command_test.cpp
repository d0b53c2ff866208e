// `isobench compare`: exit 0 when nothing regressed, 1 on a regression, 2 on bad input with
// a message naming the file and no output file left behind.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class CompareCommand : public IsobenchTest {
 protected:
  /// A results file with `count` isobench noop runs whose startup is around `startup_ms`;
  /// with `error`, every run failed so.
  std::string results(const std::string& name, double startup_ms, int count = 12, const std::string& error = "") {
    Json doc = {{"schema", "isobench-results/1"}, {"environment", {{"kernel", "6.18"}}}, {"runs", Json::array()}};
    for (int i = 0; i < count; ++i) {
      double value = startup_ms * (1 + (i % 5 - 2) * 0.01);
      Json run = {{"target", "isobench"}, {"workload", "noop"},  {"concurrency", 1},
                  {"ok", error.empty()},  {"startup_ms", value}, {"wall_ms", value + 1}};
      if (!error.empty()) run["error"] = error;
      doc["runs"].push_back(run);
    }
    return file(name, doc.dump());
  }
  std::string file(const std::string& name, const std::string& text) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  TemporaryDirectory dir_;
};

TEST_F(CompareCommand, IdenticalResultsExitZero) {
  std::string base = results("base.json", 4);
  ProcessResult result = run_isobench({"compare", base, base});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_NE(result.out.find("0 regressed"), std::string::npos) << result;
}

TEST_F(CompareCommand, ARegressionExitsOneAndTheJunitFileSaysSo) {
  std::string base = results("base.json", 4), slower = results("slower.json", 5);
  std::string junit = dir_.path() + "/compare.xml";
  ProcessResult result = run_isobench({"compare", base, slower, "--format", "junit", "-o", junit});
  EXPECT_EQ(result.exit_code, 1) << result;
  auto xml = read_file(junit);
  ASSERT_TRUE(xml) << xml.error().text();
  EXPECT_NE(xml->find("<failure message=\"regressed\">"), std::string::npos) << *xml;
  // A wide threshold for startup lets the same change through.
  ProcessResult tolerant = run_isobench({"compare", base, slower, "--threshold", "startup=50%,wall=50%"});
  EXPECT_EQ(tolerant.exit_code, 0) << tolerant;
}

TEST_F(CompareCommand, ATenPercentStartupRegressionFailsTheGateAtThresholdFive) {
  std::string base = results("base.json", 10, 20), slower = results("slower.json", 11, 20);
  for (const char* threshold : {"5", "5%"}) {
    ProcessResult result = run_isobench({"compare", base, slower, "--threshold", threshold, "--metrics", "startup"});
    EXPECT_EQ(result.exit_code, 1) << threshold << "\n" << result;
    EXPECT_NE(result.out.find("1 regressed"), std::string::npos) << result;
  }
  ProcessResult lenient = run_isobench({"compare", base, slower, "--threshold", "15", "--metrics", "startup"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient;
}

TEST_F(CompareCommand, ACellWhoseEveryRunFailsNowExitsOne) {
  std::string base = results("base.json", 4), broken = results("broken.json", 4, 12, "crun: cannot mount proc");
  ProcessResult result = run_isobench({"compare", base, broken, "--format", "md"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_NE(result.out.find("| isobench noop | runs |"), std::string::npos) << result;
  EXPECT_NE(result.out.find("12 of 12 runs failed in " + broken), std::string::npos) << result;
}

TEST_F(CompareCommand, BadInputExitsTwoNamingTheProblemAndWritesNothing) {
  std::string good = results("good.json", 4);
  std::string truncated = file("truncated.json", "{\"schema\": \"isobench-results/1\", \"runs\": [");
  std::string other = file("other.json", "{\"schema\": \"something-else/2\", \"runs\": []}");
  std::string empty = file("empty.json", "");
  std::string output = dir_.path() + "/out.md";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"compare", good, truncated, "-o", output}, "truncated.json: not valid JSON"},
           {{"compare", other, good, "-o", output}, "other.json: schema \"something-else/2\""},
           {{"compare", empty, good, "-o", output}, "empty.json: empty file"},
           {{"compare", good, dir_.path() + "/missing.json", "-o", output}, "missing.json: cannot read"},
           {{"compare", good, good, "--threshold", "lots", "-o", output}, "--threshold: 'lots' is not a percentage"},
           {{"compare", good, good, "--threshold", "5x", "-o", output}, "--threshold: '5x' is not a percentage"},
           {{"compare", good, good, "--metrics", "latency", "-o", output}, "unknown metric 'latency'"},
           {{"compare", good, good, "--format", "pdf", "-o", output}, "pdf"},
           {{"compare", good}, "current"},
       }) {
    ProcessResult result = run_isobench(c.args);
    EXPECT_EQ(result.exit_code, 2) << result;
    EXPECT_NE(result.err.find(c.message), std::string::npos) << result;
    EXPECT_FALSE(std::filesystem::exists(output)) << c.message;
  }
}

}  // namespace
}  // namespace isobench::integration
