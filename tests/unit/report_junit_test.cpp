// `report --format junit`: valid against the Jenkins xunit plugin's junit-10.xsd, four cases per
// cell, failures with their errors, skips with their reasons, names escaped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/report_formats.h"
#include "tests/fakes/golden_file.h"
#include "tests/fakes/report_models.h"

namespace isobench::reports {
namespace {

using namespace test_models;
using testing::expect_golden;

// --- JUnit ---------------------------------------------------------------------------------

/// The <testcase ...>...</testcase> elements of a JUnit document.
std::vector<std::string> testcases(const std::string& xml) {
  std::vector<std::string> found;
  for (size_t start = xml.find("<testcase "); start != std::string::npos; start = xml.find("<testcase ", start + 1))
    found.push_back(xml.substr(start, xml.find("</testcase>", start) - start));
  return found;
}

/// The attributes of the first `<element ...>` tag, by name.
std::map<std::string, std::string> attributes(const std::string& xml, const std::string& element) {
  std::map<std::string, std::string> found;
  size_t start = xml.find("<" + element + " ");
  if (start == std::string::npos) return found;
  std::string tag = xml.substr(start, xml.find('>', start) - start);
  std::regex attribute("([a-z_]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(tag.begin(), tag.end(), attribute); it != std::sregex_iterator(); ++it)
    found[(*it)[1]] = (*it)[2];
  return found;
}

std::set<std::string> names_of(const std::map<std::string, std::string>& attributes) {
  std::set<std::string> names;
  for (const auto& [name, value] : attributes) names.insert(name);
  return names;
}

TEST(ReportJunit, MatchesTheGoldenFile) {
  expect_golden(render_report_junit(small_model()), "report_small.junit.xml");
}

// Jenkins' junit-10.xsd (the xunit plugin's): testsuites may carry name, time, tests,
// failures, errors and nothing else; testsuite requires name, tests, failures and errors;
// every time is SUREFIRE_TIME, digits with an optional fraction.
TEST(ReportJunit, IsValidAgainstJenkinsJunit10Xsd) {
  for (const std::string& xml :
       {render_report_junit(small_model()),
        render_report_junit(model_of(with_isobench_cpu_failing(testing::small_results_document())))}) {
    std::map<std::string, std::string> suites = attributes(xml, "testsuites");
    EXPECT_EQ(names_of(suites), (std::set<std::string>{"name", "tests", "failures", "errors", "time"})) << xml;
    std::map<std::string, std::string> suite = attributes(xml, "testsuite");
    for (const char* required : {"name", "tests", "failures", "errors"})
      EXPECT_EQ(suite.count(required), 1u) << required << "\n" << xml;
    std::regex surefire_time("^[0-9]+(\\.[0-9]*)?$");
    std::regex time_attribute(" time=\"([^\"]*)\"");
    size_t times = 0;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), time_attribute); it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(std::regex_match((*it)[1].str(), surefire_time)) << (*it)[0];
      ++times;
    }
    EXPECT_EQ(times, testcases(xml).size() + 2) << "every case, the suite and the suites have one";
  }
}

TEST(ReportJunit, AMemoryCaseHasNoTimeItsFigureIsNotADuration) {
  for (const std::string& testcase : testcases(render_report_junit(small_model()))) {
    if (!contains(testcase, "tree_peak_kib\"")) continue;
    std::smatch time;
    ASSERT_TRUE(std::regex_search(testcase, time, std::regex(" time=\"([^\"]*)\""))) << testcase;
    EXPECT_DOUBLE_EQ(std::stod(time[1]), 0) << testcase;
  }
}

TEST(ReportJunit, FourCasesPerCellTheCellWithAFailedRunFailsAndTheUnavailableTargetIsSkipped) {
  ReportModel model = small_model();
  std::string xml = render_report_junit(model);
  std::vector<std::string> cases = testcases(xml);
  ASSERT_EQ(cases.size(), model.cells.size() * 4) << "startup, wall, cpu and memory per cell\n" << xml;
  std::map<std::string, std::string> suites = attributes(xml, "testsuites");
  EXPECT_EQ(suites["tests"], "32");
  EXPECT_EQ(suites["failures"], "4");
  EXPECT_EQ(suites["errors"], "0");
  std::map<std::string, std::string> suite = attributes(xml, "testsuite");
  EXPECT_EQ(suite["tests"], "32");
  EXPECT_EQ(suite["failures"], "4");
  EXPECT_EQ(suite["errors"], "0");
  EXPECT_EQ(suite["skipped"], "8") << "crun: 2 cells x 4 metrics";
  std::vector<std::string> failed;
  for (const std::string& testcase : cases)
    if (contains(testcase, "<failure ")) failed.push_back(testcase.substr(0, testcase.find('>')));
  EXPECT_EQ(failed, (std::vector<std::string>{
                        "<testcase classname=\"isobench.isobench\" name=\"cpu startup_ms\" time=\"0.004500\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu wall_ms\" time=\"0.108000\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu cpu_ms\" time=\"0.103250\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu tree_peak_kib\" time=\"0.000000\"",
                    }));
  EXPECT_EQ(occurrences(xml, "<failure message=\"1 of 7 runs failed\">timed out\n"), 4u) << xml;
  EXPECT_EQ(occurrences(xml,
                        "<skipped message=\"target not available here\">not installed (apt-get install "
                        "crun)</skipped>"),
            8u)
      << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.vm (TCG)\""), 8u) << "the emulated VM is marked\n" << xml;
}

TEST(ReportJunit, ACellWhoseEveryRunFailedFailsWithTheError) {
  std::string xml = render_report_junit(model_of(with_isobench_cpu_failing(testing::small_results_document())));
  EXPECT_EQ(attributes(xml, "testsuite")["failures"], "4");
  EXPECT_EQ(occurrences(xml,
                        "<failure message=\"7 of 7 runs failed\">crun: cannot mount proc: Operation not "
                        "permitted (x9)</failure>"),
            4u)
      << xml;
}

TEST(ReportJunit, CellsAnInterruptionLeftUnrunAreSkipped) {
  Json doc = testing::small_results_document();
  doc["interrupted"] = true;
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (run["target"] != "vm" || run["workload"] != "cpu") runs.push_back(run);
  doc["runs"] = runs;
  std::string xml = render_report_junit(model_of(doc));
  EXPECT_EQ(occurrences(xml, "<skipped message=\"not run: the benchmark was interrupted\">"), 4u) << xml;
  EXPECT_EQ(attributes(xml, "testsuite")["skipped"], "12");
}

TEST(ReportJunit, AMetricNotMeasuredIsSkippedNotFailed) {
  Json doc = testing::small_results_document();
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (!run.value("memory_round", false)) runs.push_back(run);  // no memory rounds: no tree_peak_kib
  doc["runs"] = runs;
  std::string xml = render_report_junit(model_of(doc, "no-memory.json"));
  std::map<std::string, std::string> suite = attributes(xml, "testsuite");
  EXPECT_EQ(suite["failures"], "4") << "the partly failed cell fails whatever the metric";
  EXPECT_EQ(suite["skipped"], "13") << "crun's 8 and the memory case of the 5 measured cells";
  size_t measured_cells = 0;
  for (const std::string& testcase : testcases(xml)) {
    if (!contains(testcase, "tree_peak_kib\"") || contains(testcase, "isobench.isobench\" name=\"cpu") ||
        contains(testcase, "isobench.crun"))
      continue;
    ++measured_cells;
    EXPECT_TRUE(contains(testcase, "<skipped message=\"not measured for this target or workload\">")) << testcase;
  }
  EXPECT_EQ(measured_cells, 5u);
}

TEST(ReportJunit, NamesFromTheResultsAreEscaped) {
  Json doc = testing::small_results_document({"noop", "cpu<&>"});
  doc["targets"][1]["name"] = "<script>alert(1)</script>";
  doc["targets"][2]["name"] = "a\"b'c&d";
  for (Json& run : doc["runs"]) {
    if (run["target"] == "isobench") run["target"] = "<script>alert(1)</script>";
    if (run["target"] == "vm") run["target"] = "a\"b'c&d";
  }
  std::string xml = render_report_junit(model_of(doc, "hostile.json"));
  EXPECT_FALSE(contains(xml, "<script")) << xml;
  EXPECT_FALSE(contains(xml, "a\"b")) << xml;
  EXPECT_FALSE(contains(xml, "cpu<")) << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.&lt;script&gt;alert(1)&lt;/script&gt;\""), 8u) << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.a&quot;b&#39;c&amp;d (TCG)\""), 8u) << xml;
  EXPECT_EQ(occurrences(xml, "name=\"cpu&lt;&amp;&gt; startup_ms\""), 4u) << "bare, isobench, vm and crun\n" << xml;
  // No attribute value holds a raw '<', '&' that starts no entity, or an early quote.
  EXPECT_FALSE(std::regex_search(xml, std::regex("=\"[^\"]*<"))) << xml;
  EXPECT_FALSE(std::regex_search(xml, std::regex("&(?!(amp|lt|gt|quot|#39);)"))) << xml;
}

}  // namespace
}  // namespace isobench::reports
