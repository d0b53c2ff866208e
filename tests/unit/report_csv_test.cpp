// `report --format csv`: one row per cell and metric with its unit, a row with the error for
// every cell without figures, RFC 4180 quoting.
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

/// The CSV's lines split into fields (none of the small document's fields is quoted).
std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : lines_of(csv)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream stream(line);
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

TEST(ReportCsv, MatchesTheGoldenFileWithOneRowPerCellAndMetricAndOnePerCellWithoutFigures) {
  ReportModel model = small_model();
  std::string csv = render_report_csv(model);
  expect_golden(csv, "report_small.csv");
  std::vector<std::vector<std::string>> rows = csv_rows(csv);
  ASSERT_FALSE(rows.empty());
  const std::vector<std::string> header = {
      "target",   "workload",  "concurrency", "status", "metric", "unit", "count", "runs", "failures",      "median",
      "ci95_low", "ci95_high", "mean",        "stddev", "min",    "max",  "p90",   "p99",  "ratio_vs_bare", "error"};
  EXPECT_EQ(rows[0], header);
  size_t expected = 1;
  for (const CellSummary& cell : model.cells) expected += std::max<size_t>(cell.metrics.size(), 1);
  EXPECT_EQ(rows.size(), expected) << "a header, one row per cell and metric, one per cell without figures";
  for (const std::vector<std::string>& row : rows) EXPECT_EQ(row.size(), header.size()) << csv;
  EXPECT_TRUE(contains(csv, "\nisobench,cpu,1,partly failed,startup_ms,ms,6,7,1,4.5,")) << csv;
  EXPECT_TRUE(contains(csv, ",timed out\n")) << "the partly failed cell's rows carry its error\n" << csv;
  EXPECT_TRUE(contains(csv, "\nvm,noop,1,measured,tree_peak_kib,KiB,2,6,0,204832,")) << "raw KiB\n" << csv;
}

TEST(ReportCsv, AnUnavailableTargetIsARowWithItsStatusAndReason) {
  std::string csv = render_report_csv(small_model());
  EXPECT_TRUE(contains(csv, "\ncrun,noop,1,unavailable,,,0,0,0,,,,,,,,,,,not installed (apt-get install crun)\n"))
      << csv;
  EXPECT_TRUE(contains(csv, "\ncrun,cpu,1,unavailable,")) << csv;
}

TEST(ReportCsv, ACellWhoseEveryRunFailedIsARowWithStatusFailedAndTheError) {
  std::string csv = render_report_csv(model_of(with_isobench_cpu_failing(testing::small_results_document())));
  EXPECT_TRUE(contains(csv,
                       "\nisobench,cpu,1,failed,,,0,7,7,,,,,,,,,,,crun: cannot mount proc: Operation not permitted "
                       "(x9)\n"))
      << csv;
  EXPECT_FALSE(contains(csv, "\nisobench,cpu,1,failed,startup_ms")) << csv;
}

TEST(ReportCsv, FieldsWithCommasOrQuotesAreQuoted) {
  Json doc = with_isobench_cpu_failing(testing::small_results_document());
  for (Json& run : doc["runs"])
    if (run["target"] == "isobench" && run["workload"] == "cpu") run["error"] = "say \"no\", then stop";
  std::string csv = render_report_csv(model_of(doc));
  EXPECT_TRUE(contains(csv, ",\"say \"\"no\"\", then stop (x9)\"\n")) << csv;
}

}  // namespace
}  // namespace isobench::reports
