// `isobench report`: Markdown on stdout by default; Google Benchmark JSON that Google
// Benchmark's own compare.py reads; bad input exits 2 with a message naming the file and
// the problem, and leaves no output file behind.
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/file_io.h"
#include "tests/fakes/small_results.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

/// Google Benchmark's comparison tool, from Debian's libbenchmark-tools.
constexpr const char* kCompareScript = "/usr/share/benchmark/compare.py";
/// The system Python, which has scipy (python3-scipy); the one first on PATH may not.
constexpr const char* kSystemPython = "/usr/bin/python3";

class ReportCommand : public IsobenchTest {
 protected:
  std::string file(const std::string& name, const std::string& text) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string small_results(const std::string& name = "small.json") {
    return file(name, testing::small_results_document().dump(2));
  }
  TemporaryDirectory dir_;
};

TEST_F(ReportCommand, PrintsTheMarkdownReportOnStdout) {
  std::string results = small_results();
  ProcessResult result = run_isobench({"report", results});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(result.out.rfind("# isobench report\n", 0), 0u) << result;
  EXPECT_NE(result.out.find("noop: the VM took 94.4x"), std::string::npos) << result;
  EXPECT_NE(result.out.find("| isobench | cpu | 1 | 6 | 4.500 |"), std::string::npos) << result;
  EXPECT_NE(result.out.find("TCG (software emulation)"), std::string::npos) << result;
  EXPECT_NE(result.out.find("- sources: " + results), std::string::npos) << result;
}

TEST_F(ReportCommand, KoreanCsvAndJsonFormatsToo) {
  std::string results = small_results();
  ProcessResult korean = run_isobench({"report", results, "--lang", "ko"});
  ASSERT_EQ(korean.exit_code, 0) << korean;
  EXPECT_EQ(korean.out.rfind("# isobench 보고서\n", 0), 0u) << korean;

  ProcessResult csv = run_isobench({"report", results, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv;
  EXPECT_EQ(csv.out.rfind("target,workload,concurrency,metric,", 0), 0u) << csv;
  EXPECT_NE(csv.out.find("\nvm,noop,1,startup_ms,6,0,425,"), std::string::npos) << csv;

  ProcessResult json = run_isobench({"report", results, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  Json doc = parse_json(json.out);
  ASSERT_TRUE(doc.is_object()) << json;
  EXPECT_EQ(doc["schema"], "isobench-report/1");
  EXPECT_EQ(doc["summary"]["vm_target"], "vm");
}

TEST_F(ReportCommand, GoogleBenchmarksCompareToolReadsTheGbenchOutput) {
  if (!std::filesystem::exists(kCompareScript))
    GTEST_SKIP() << kCompareScript << " is missing: apt-get install libbenchmark-tools python3-scipy";
  std::string results = small_results();
  std::string output = dir_.path() + "/report.gbench.json";
  ProcessResult report = run_isobench({"report", results, "--format", "gbench", "-o", output});
  ASSERT_EQ(report.exit_code, 0) << report;
  EXPECT_TRUE(report.out.empty()) << "the report goes to the file, not stdout\n" << report;
  auto text = read_file(output);
  ASSERT_TRUE(text) << text.error().text();
  ASSERT_TRUE(parse_json(*text).is_object()) << *text;

  ProcessResult compare = run_process({kSystemPython, kCompareScript, "benchmarks", output, output}, kRunDeadline);
  ASSERT_EQ(compare.exit_code, 0) << compare;
  for (const char* name :
       {"bare/noop/startup", "isobench/noop/startup", "vm/noop/startup", "isobench/cpu/wall", "vm/cpu/workload",
        "isobench/noop/startup_median", "isobench/noop/startup_pvalue"})  // the U test: scipy was there
    EXPECT_NE(compare.out.find(name), std::string::npos) << name << "\n" << compare;
}

TEST_F(ReportCommand, TwoFilesOfOneScenarioMakeOneReport) {
  std::string first = small_results("first.json"), second = small_results("second.json");
  ProcessResult result = run_isobench({"report", first, second});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_NE(result.out.find("| isobench | cpu | 1 | 12 | 4.500 |"), std::string::npos) << result;
  EXPECT_NE(result.out.find("- sources: " + first + ", " + second), std::string::npos) << result;
}

TEST_F(ReportCommand, BadInputExitsTwoNamingTheProblemAndWritesNothing) {
  std::string good = small_results("good.json");
  std::string truncated = file("truncated.json", testing::small_results_document().dump().substr(0, 200));
  std::string other = file("other.json", "{\"schema\": \"something-else/2\", \"runs\": []}");
  std::string empty = file("empty.json", "");
  std::string missing = dir_.path() + "/missing.json";
  std::string noop_only = file("noop-only.json", testing::small_results_document({"noop"}).dump());
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> messages;  ///< each must be in stderr
  };
  for (const Case& c : std::vector<Case>{
           {{"report", truncated}, {"isobench: error: " + truncated + ": not valid JSON (truncated?)"}},
           {{"report", good, other}, {"isobench: error: " + other + ": schema \"something-else/2\""}},
           {{"report", empty}, {"isobench: error: " + empty + ": empty file"}},
           {{"report", good, missing}, {"isobench: error: " + missing + ": cannot read"}},
           {{"report", good, noop_only}, {"isobench: error: ", good, noop_only, "different scenarios"}},
           {{"report", good, "--format", "pdf"}, {"--format", "pdf"}},
           {{"report", good, "--lang", "fr"}, {"--lang", "fr"}},
       }) {
    std::string output = dir_.path() + "/report.out";
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-o", output});
    ProcessResult result = run_isobench(args);
    EXPECT_EQ(result.exit_code, 2) << result;
    for (const std::string& message : c.messages)
      EXPECT_NE(result.err.find(message), std::string::npos) << "no \"" << message << "\" in\n" << result;
    EXPECT_TRUE(result.out.empty()) << result;
    EXPECT_FALSE(std::filesystem::exists(output)) << c.messages[0];
    std::filesystem::remove(output);
  }
}

TEST_F(ReportCommand, MistypedFieldsAreBadInputNamingTheFileNotInternalErrors) {
  struct Case {
    std::string name;
    Json::json_pointer field;
    Json value;
  };
  for (const Case& c : std::vector<Case>{
           {"workloads-string.json", Json::json_pointer("/settings/workloads"), "noop"},
           {"concurrency-string.json", Json::json_pointer("/runs/0/concurrency"), "1"},
           {"ok-string.json", Json::json_pointer("/runs/0/ok"), "yes"},
       }) {
    Json doc = testing::small_results_document();
    doc[c.field] = c.value;
    std::string path = file(c.name, doc.dump());
    std::string output = dir_.path() + "/report.out";
    ProcessResult result = run_isobench({"report", path, "-o", output});
    EXPECT_EQ(result.exit_code, 2) << c.field << " = " << c.value << "\n" << result;
    EXPECT_NE(result.err.find("isobench: error: " + path + ": "), std::string::npos)
        << c.field << " = " << c.value << "\n"
        << result;
    EXPECT_FALSE(std::filesystem::exists(output)) << c.name;
    std::filesystem::remove(output);
  }
}

TEST_F(ReportCommand, AnUnwritableOutputIsAnErrorExitingTwo) {
  std::string results = small_results();
  std::string output = dir_.path() + "/no-such-directory/report.md";
  ProcessResult result = run_isobench({"report", results, "-o", output});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_NE(result.err.find("isobench: error: "), std::string::npos) << result;
  EXPECT_NE(result.err.find("no-such-directory/report.md"), std::string::npos) << result;
  EXPECT_FALSE(std::filesystem::exists(output));
}

TEST_F(ReportCommand, NoFilesIsAUsageErrorExitingTwo) {
  ProcessResult result = run_isobench({"report"});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_NE(result.err.find("results"), std::string::npos) << result;
}

}  // namespace
TEST_F(ReportCommand, MistypedExtrasAreLeftOutNotFatal) {
  // The environment and the probes' medians only decorate the report: a field of the wrong
  // type there is shown as absent, and the report is still written.
  for (const auto& [name, field, value] : std::vector<std::tuple<std::string, Json::json_pointer, Json>>{
           {"kvm-bool.json", Json::json_pointer("/environment/kvm"), false},
           {"probes-null.json", Json::json_pointer("/summaries/0/probes"), nullptr},
           {"cores-string.json", Json::json_pointer("/environment/cores"), "2"},
       }) {
    Json doc = testing::small_results_document();
    doc[field] = value;
    std::string path = file(name, doc.dump());
    std::string output = dir_.path() + "/report.out";
    ProcessResult result = run_isobench({"report", path, "--format", "gbench", "-o", output});
    EXPECT_EQ(result.exit_code, 0) << name << "\n" << result;
    EXPECT_TRUE(std::filesystem::exists(output)) << name;
    std::filesystem::remove(output);
  }
}

}  // namespace isobench::integration
