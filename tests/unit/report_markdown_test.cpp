// `report --format md`: the small fixed results against golden files in English and Korean,
// and the section that lists the cells without full results.
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

// --- the renderers -----------------------------------------------------------------------

TEST(ReportMarkdown, EnglishMatchesTheGoldenFile) {
  std::string markdown = render_report_markdown(small_model(), Language::kEnglish);
  expect_golden(markdown, "report_small.md");
  EXPECT_TRUE(contains(markdown, "# isobench report")) << markdown;
  EXPECT_TRUE(contains(markdown, "## The workload's own peak memory (VmHWM) (MiB)")) << markdown;
  EXPECT_TRUE(contains(markdown, "| vm (TCG) | noop | 1 | 6 | 425 |")) << markdown;
  EXPECT_TRUE(
      contains(markdown, "| isobench | noop | 1 | 0.500 | 0.750 | 1.25 | 0.375 | 0.500 | 0.125 | 0.250 | 1.50 |"))
      << markdown;
  EXPECT_TRUE(contains(markdown, "- KVM: " + std::string(testing::kSmallKvm))) << markdown;
  EXPECT_TRUE(contains(markdown, "- sources: small.json")) << markdown;
}

TEST(ReportMarkdown, KoreanMatchesTheGoldenFile) {
  std::string markdown = render_report_markdown(small_model(), Language::kKorean);
  expect_golden(markdown, "report_small.ko.md");
  EXPECT_TRUE(contains(markdown, "# isobench 보고서")) << markdown;
  EXPECT_TRUE(contains(markdown, "- 원본 파일: small.json")) << markdown;
  EXPECT_TRUE(contains(markdown, "## 결과가 온전하지 않은 셀")) << markdown;
}

/// The lines of the section that starts with `heading`, up to the next "## ".
std::vector<std::string> markdown_section(const std::string& markdown, const std::string& heading) {
  std::vector<std::string> lines;
  bool inside = false;
  for (const std::string& line : lines_of(markdown)) {
    if (line.rfind("## ", 0) == 0)
      inside = line == heading;
    else if (inside && !line.empty())
      lines.push_back(line);
  }
  return lines;
}

TEST(ReportMarkdown, ListsTheUnavailableTargetAndTheFailedCellsWithTheirReasons) {
  std::string markdown = render_report_markdown(small_model(), Language::kEnglish);
  EXPECT_EQ(markdown_section(markdown, "## Cells without full results"),
            (std::vector<std::string>{"- isobench cpu: 1/7 runs failed: timed out",
                                      "- crun noop: not available here: not installed (apt-get install crun)",
                                      "- crun cpu: not available here: not installed (apt-get install crun)"}));
  EXPECT_TRUE(contains(markdown, "- target crun: not run: not installed (apt-get install crun)")) << markdown;
  std::string failing = render_report_markdown(model_of(with_isobench_cpu_failing(testing::small_results_document())),
                                               Language::kEnglish);
  std::vector<std::string> problems = markdown_section(failing, "## Cells without full results");
  ASSERT_FALSE(problems.empty()) << failing;
  EXPECT_EQ(problems[0],
            "- isobench cpu: every run failed (7/7): crun: cannot mount proc: Operation not permitted (x9)");
  EXPECT_FALSE(contains(failing, "| isobench | cpu |")) << "no figures for it in the tables\n" << failing;
}

TEST(ReportMarkdown, ACleanRunHasNoProblemsSection) {
  Json doc = without_target(testing::small_results_document(), "crun");
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (run["ok"] == true) runs.push_back(run);
  doc["runs"] = runs;
  std::string markdown = render_report_markdown(model_of(doc), Language::kEnglish);
  EXPECT_FALSE(contains(markdown, "Cells without full results")) << markdown;
}

}  // namespace
}  // namespace isobench::reports
