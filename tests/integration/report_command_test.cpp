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
  EXPECT_NE(result.out.find("| isobench | cpu | 1 | 6 | 4.50 |"), std::string::npos) << result;
  EXPECT_NE(result.out.find("- crun noop: not available here: not installed (apt-get install crun)"), std::string::npos)
      << result;
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
  EXPECT_EQ(csv.out.rfind("target,workload,concurrency,status,metric,unit,", 0), 0u) << csv;
  EXPECT_NE(csv.out.find("\nvm,noop,1,measured,startup_ms,ms,6,6,0,425,"), std::string::npos) << csv;
  EXPECT_NE(csv.out.find("\ncrun,noop,1,unavailable,"), std::string::npos) << csv;

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
  EXPECT_NE(result.out.find("| isobench | cpu | 1 | 12 | 4.50 |"), std::string::npos) << result;
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

TEST_F(ReportCommand, HtmlAndJunitGoToTheOutputFile) {
  std::string results = small_results();
  for (const auto& [format, language, start, inside] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"html", "en", "<!DOCTYPE html>\n<html lang=\"en\">", "<svg class=\"chart\""},
           {"html", "ko", "<!DOCTYPE html>\n<html lang=\"ko\">", "<h2>시작 지연</h2>"},
           {"junit", "en", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites",
            "tests=\"32\" failures=\"4\" errors=\"0\""},
       }) {
    std::string output = dir_.path() + "/report." + format;
    ProcessResult report = run_isobench({"report", results, "--format", format, "--lang", language, "-o", output});
    ASSERT_EQ(report.exit_code, 0) << format << "\n" << report;
    EXPECT_TRUE(report.out.empty()) << "the report goes to the file, not stdout\n" << report;
    EXPECT_NE(report.err.find("report written to " + output), std::string::npos) << report;
    auto text = read_file(output);
    ASSERT_TRUE(text) << text.error().text();
    EXPECT_EQ(text->rfind(start, 0), 0u) << format << " " << language << "\n" << text->substr(0, 300);
    EXPECT_NE(text->find(inside), std::string::npos) << format << " " << language;
    std::filesystem::remove(output);
  }
}

TEST_F(ReportCommand, TheJunitFileIsWellFormedXmlEvenWithHostileNames) {
  constexpr const char* kXmllint = "/usr/bin/xmllint";
  if (!std::filesystem::exists(kXmllint)) GTEST_SKIP() << kXmllint << " is missing: apt-get install libxml2-utils";
  Json doc = testing::small_results_document();
  doc["targets"][1]["name"] = "<script>a\"b'c&d";
  for (Json& run : doc["runs"])
    if (run["target"] == "isobench") run["target"] = "<script>a\"b'c&d";
  std::string results = file("hostile.json", doc.dump());
  std::string output = dir_.path() + "/report.xml";
  ProcessResult report = run_isobench({"report", results, "--format", "junit", "-o", output});
  ASSERT_EQ(report.exit_code, 0) << report;
  ProcessResult lint = run_process({kXmllint, "--noout", output}, kRunDeadline);
  EXPECT_EQ(lint.exit_code, 0) << lint;
}

TEST_F(ReportCommand, BadInputInHtmlOrJunitExitsTwoAndWritesNothing) {
  std::string good = small_results("good.json");
  std::string truncated = file("truncated.json", testing::small_results_document().dump().substr(0, 200));
  std::string noop_only = file("noop-only.json", testing::small_results_document({"noop"}).dump());
  for (const std::string format : {"html", "junit"})
    for (const std::vector<std::string>& files :
         std::vector<std::vector<std::string>>{{truncated}, {good, noop_only}}) {
      std::string output = dir_.path() + "/report.out";
      std::vector<std::string> args = {"report"};
      args.insert(args.end(), files.begin(), files.end());
      args.insert(args.end(), {"--format", format, "-o", output});
      ProcessResult result = run_isobench(args);
      EXPECT_EQ(result.exit_code, 2) << format << "\n" << result;
      EXPECT_NE(result.err.find("isobench: error: " + files.back()), std::string::npos) << result;
      EXPECT_TRUE(result.out.empty()) << result;
      EXPECT_FALSE(std::filesystem::exists(output)) << format << " " << files.back();
      std::filesystem::remove(output);
    }
}

// --- bench --price-list: checked before anything runs, then carried in the results ---------

/// A small Google Benchmark document as mechanism_bench writes it.
constexpr const char* kPriceList = R"json({
  "context": {"date": "2026-11-29T01:50:10+00:00", "num_cpus": 2, "library_build_type": "release"},
  "benchmarks": [
    {"name": "BM_Clone/none/real_time", "run_name": "BM_Clone/none/real_time", "run_type": "iteration",
     "iterations": 98, "real_time": 707.4, "cpu_time": 296.7, "time_unit": "us", "child_cpu_us": 351.6},
    {"name": "BM_Clone/net/real_time", "run_name": "BM_Clone/net/real_time", "run_type": "iteration",
     "iterations": 38, "real_time": 2151.3, "cpu_time": 520.0, "time_unit": "us", "child_cpu_us": 485.8},
    {"name": "BM_CgroupV2/memory/real_time", "run_name": "BM_CgroupV2/memory/real_time", "run_type": "iteration",
     "error_occurred": true, "error_message": "no memory controller", "iterations": 0, "real_time": 0,
     "cpu_time": 0, "time_unit": "us"}
  ]
})json";

/// The quickest bench there is: one bare noop run.
std::vector<std::string> quick_bench(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"bench", "--targets", "bare", "--workloads", "noop", "--runs", "1", "--warmup", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_F(ReportCommand, BenchRefusesAPriceListThatIsNotGoogleBenchmarkJsonBeforeRunning) {
  std::string results = dir_.path() + "/results.json";
  std::string not_json = file("price list.txt", "BM_Clone/none 707 us\n");
  std::string no_benchmarks = file("no-benchmarks.json", "{\"context\": {}}");
  std::string missing = dir_.path() + "/missing.json";
  for (const auto& [price_list, problem] : std::vector<std::pair<std::string, std::string>>{
           {not_json, "not valid JSON"},
           {no_benchmarks, "no \"benchmarks\" array"},
           {missing, "missing.json"},
       }) {
    ProcessResult bench = run_isobench(quick_bench({"-o", results, "--price-list", price_list}));
    EXPECT_EQ(bench.exit_code, 125) << bench;
    EXPECT_NE(bench.err.find(price_list), std::string::npos) << "the message names the file\n" << bench;
    EXPECT_NE(bench.err.find(problem), std::string::npos) << bench;
    EXPECT_TRUE(bench.out.empty()) << "nothing ran, so no results table\n" << bench;
    EXPECT_FALSE(std::filesystem::exists(results));
  }
}

TEST_F(ReportCommand, BenchNeedsJsonResultsToJoinThePriceListTo) {
  std::string price_list = file("price-list.json", kPriceList);
  ProcessResult bench = run_isobench(quick_bench({"--price-list", price_list}));
  EXPECT_EQ(bench.exit_code, 125) << bench;
  EXPECT_NE(bench.err.find("give -o FILE"), std::string::npos) << bench;
  EXPECT_TRUE(bench.out.empty()) << bench;
}

TEST_F(ReportCommand, BenchCarriesThePriceListIntoTheResultsAndTheReportShowsIt) {
  std::string price_list = file("price-list.json", kPriceList);
  std::string results = dir_.path() + "/results.json";
  ProcessResult bench = run_isobench(quick_bench({"-o", results, "--price-list", price_list}));
  ASSERT_EQ(bench.exit_code, 0) << bench;
  auto text = read_file(results);
  ASSERT_TRUE(text) << text.error().text();
  Json doc = parse_json(*text);
  ASSERT_TRUE(doc.is_object()) << *text;
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  ASSERT_TRUE(doc.contains("price_list")) << *text;
  EXPECT_EQ(doc["price_list"], Json::parse(kPriceList)) << "carried as it was, field for field";

  std::string html = dir_.path() + "/report.html";
  ProcessResult report = run_isobench({"report", results, "--format", "html", "-o", html});
  ASSERT_EQ(report.exit_code, 0) << report;
  auto page = read_file(html);
  ASSERT_TRUE(page) << page.error().text();
  size_t section = page->find("<section id=\"price-list\">");
  ASSERT_NE(section, std::string::npos);
  std::string prices = page->substr(section, page->find("</section>", section) - section);
  EXPECT_NE(prices.find("<td>BM_Clone/net</td>"), std::string::npos) << prices;
  EXPECT_NE(prices.find("<td>BM_Clone/none</td><td class=\"number\">+1443.9</td>"), std::string::npos) << prices;
  EXPECT_NE(prices.find("not measured: no memory controller"), std::string::npos) << prices;
  EXPECT_NE(prices.find("Source: " + results), std::string::npos) << prices;
}

TEST_F(ReportCommand, MistypedEnvironmentFieldsAreBadInputNamingTheField) {
  // The environment is typed like the rest: a field of the wrong type is an error that names it.
  for (const auto& [name, field, value, message] :
       std::vector<std::tuple<std::string, Json::json_pointer, Json, std::string>>{
           {"kvm-bool.json", Json::json_pointer("/environment/kvm"), false, "environment.kvm is not a string"},
           {"cores-string.json", Json::json_pointer("/environment/cores"), "2", "environment.cores is not an integer"},
       }) {
    Json doc = testing::small_results_document();
    doc[field] = value;
    std::string path = file(name, doc.dump());
    std::string output = dir_.path() + "/report.out";
    ProcessResult result = run_isobench({"report", path, "--format", "gbench", "-o", output});
    EXPECT_EQ(result.exit_code, 2) << name << "\n" << result;
    EXPECT_NE(result.err.find("isobench: error: " + path + ": " + message), std::string::npos) << result;
    EXPECT_FALSE(std::filesystem::exists(output)) << name;
    std::filesystem::remove(output);
  }
}

TEST_F(ReportCommand, SummariesAreDerivedDataAndNotRead) {
  Json doc = testing::small_results_document();
  doc["summaries"] = "written by another program";
  ProcessResult result = run_isobench({"report", file("summaries.json", doc.dump()), "--format", "csv"});
  ASSERT_EQ(result.exit_code, 0) << result;
  ProcessResult clean = run_isobench({"report", small_results(), "--format", "csv"});
  EXPECT_EQ(result.out, clean.out);
}

TEST_F(ReportCommand, GbenchAggregatesOnlyHasNoIterationRows) {
  ProcessResult result = run_isobench({"report", small_results(), "--format", "gbench", "--aggregates-only"});
  ASSERT_EQ(result.exit_code, 0) << result;
  Json doc = parse_json(result.out);
  ASSERT_TRUE(doc.is_object()) << result;
  ASSERT_FALSE(doc["benchmarks"].empty()) << result;
  for (const Json& row : doc["benchmarks"]) EXPECT_EQ(row["run_type"], "aggregate") << row;
  ProcessResult misplaced = run_isobench({"report", small_results(), "--format", "csv", "--aggregates-only"});
  EXPECT_EQ(misplaced.exit_code, 2) << misplaced;
}

}  // namespace
}  // namespace isobench::integration
